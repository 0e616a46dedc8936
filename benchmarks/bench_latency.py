"""The ``latency`` section: a few rows per call, as a web service sends them.

``predict_proba`` and ``predict`` on 1, 10 and 100 of MNIST's standard test
rows per call, float32, for ours and ``MLPClassifier`` of the same shape
(784-128-64-10, sigmoid hidden layers), each trained for ``--epochs`` epochs on
``--rows`` training rows, and for ONNX Runtime (one intra-op thread) running
our model exported with ``sklearn_sigmoid_mlp.onnx.to_onnx`` when the
``onnx`` extra is installed. Each figure is the median over ``--repeats``
interleaved repeats of the mean of many calls (``CALLS``). The targets:
``predict_proba`` on one row at most 0.4x ``MLPClassifier``'s, on 10 rows at
most 0.7x.

``python benchmarks/bench_latency.py --data PATH.npz --blas-threads 1`` runs
it alone.
"""

import statistics
import time
import warnings

import numpy as np
from _harness import log, run_sections
from _report import print_table
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier

from sklearn_sigmoid_mlp import SigmoidMLPClassifier

ROWS = (1, 10, 100)
CALLS = {1: 2000, 10: 1000, 100: 300}
TARGETS = {1: 0.4, 10: 0.7}


def _models(mnist, args):
    X = mnist.train(np.float32, args.rows)
    y = mnist.y_train[: X.shape[0]]
    shared = {"hidden_layer_sizes": (128, 64), "max_iter": args.epochs}
    ours = SigmoidMLPClassifier(**shared, random_state=0)
    theirs = MLPClassifier(**shared, activation="logistic", random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        ours.fit(X, y)
        theirs.fit(X, y)
    return ours, theirs


def _contenders(ours, theirs, sample):
    contenders = {
        "ours predict_proba": ours.predict_proba,
        "sklearn predict_proba": theirs.predict_proba,
        "ours predict": ours.predict,
        "sklearn predict": theirs.predict,
    }
    try:
        import onnxruntime as ort

        from sklearn_sigmoid_mlp.onnx import to_onnx
    except ImportError:
        log("latency: onnxruntime is not installed; its rows are left out")
        return contenders
    model = to_onnx(ours, sample, options={"zipmap": False}).SerializeToString()
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    session = ort.InferenceSession(model, options, ["CPUExecutionProvider"])
    contenders["onnxruntime (1 thread)"] = lambda rows: session.run(
        ["probabilities"], {"X": rows}
    )[0]
    return contenders


def _time(predict, rows, calls):
    predict(rows)  # warm-up
    start = time.perf_counter()
    for _ in range(calls):
        predict(rows)
    return (time.perf_counter() - start) / calls


def section_latency(mnist, args):
    """Microseconds per call of each contender on 1, 10 and 100 rows.

    Returns
    -------
    result : dict
        Per number of rows, each contender's median seconds per call and its
        ratio to ``MLPClassifier``'s ``predict_proba``.
    """
    ours, theirs = _models(mnist, args)
    test = np.ascontiguousarray(mnist.standard_test(np.float32))
    contenders = _contenders(ours, theirs, test[:1])
    results = {}
    for n_rows in ROWS:
        rows = np.ascontiguousarray(test[:n_rows])
        samples = {name: [] for name in contenders}
        for repeat in range(args.repeats):
            log(f"latency {n_rows} row(s), repeat {repeat + 1}/{args.repeats}")
            for name, predict in contenders.items():
                samples[name].append(_time(predict, rows, CALLS[n_rows]))
        medians = {name: statistics.median(s) for name, s in samples.items()}
        reference = medians["sklearn predict_proba"]
        results[n_rows] = {
            name: {
                "seconds": seconds,
                "ratio": seconds / reference,
                "samples": samples[name],
            }
            for name, seconds in medians.items()
        }
    print_table(
        f"Latency: microseconds per call, median of {args.repeats} interleaved "
        "repeats; ratio to MLPClassifier's predict_proba",
        ["rows", "contender", "us per call", "/ sklearn proba"],
        [
            [n_rows, name, f"{1e6 * r['seconds']:.1f}", f"{r['ratio']:.2f}"]
            for n_rows, by_name in results.items()
            for name, r in by_name.items()
        ],
    )
    for n_rows, target in TARGETS.items():
        ratio = results[n_rows]["ours predict_proba"]["ratio"]
        verdict = "PASS" if ratio <= target else "FAIL"
        print(
            f"target: predict_proba on {n_rows} row(s) <= {target}x sklearn's: "
            f"{ratio:.2f} {verdict}"
        )
    return {str(n): r for n, r in results.items()}


if __name__ == "__main__":
    run_sections({"latency": section_latency})
