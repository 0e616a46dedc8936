"""The ``latency`` section: a few rows per call, as a web service sends them.

``predict_proba`` and ``predict`` on 1, 10 and 100 of MNIST's standard test
rows per call, float32, for ours and ``MLPClassifier`` of the same shape
(784-128-64-10, sigmoid hidden layers), each trained for ``--epochs`` epochs on
``--rows`` training rows, and for ONNX Runtime (one intra-op thread) running
our model exported with ``sklearn_sigmoid_mlp.onnx.to_onnx`` when the
``onnx`` extra is installed; then ``predict`` of ``SigmoidMLPRegressor`` and
``MLPRegressor`` (784-128-64-1, sigmoid hidden layers) trained alike on the
digit as a float32 target, on the same rows. Each figure is the median over
``--repeats`` interleaved repeats of the mean of many calls (``CALLS``). The
targets: ``predict_proba`` on one row at most 0.4x ``MLPClassifier``'s, on 10
rows at most 0.7x; the regressor's ``predict`` likewise against
``MLPRegressor``'s.

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
from sklearn.neural_network import MLPClassifier, MLPRegressor

from sklearn_sigmoid_mlp import SigmoidMLPClassifier, SigmoidMLPRegressor

ROWS = (1, 10, 100)
CALLS = {1: 2000, 10: 1000, 100: 300}
TARGETS = {1: 0.4, 10: 0.7}


def _fitted_pair(ours, theirs, X, y, epochs):
    """Ours and scikit-learn's estimator of the same shape, fitted alike."""
    shared = {"hidden_layer_sizes": (128, 64), "max_iter": epochs, "random_state": 0}
    pair = ours(**shared), theirs(**shared, activation="logistic")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return [model.fit(X, y) for model in pair]


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


def _latencies(what, contenders, test, reference, repeats):
    """Each contender's median seconds per call on 1, 10 and 100 rows, its
    ratio to ``reference``'s and its samples, by number of rows."""
    results = {}
    for n_rows in ROWS:
        rows = np.ascontiguousarray(test[:n_rows])
        samples = {name: [] for name in contenders}
        for repeat in range(repeats):
            log(f"latency: {what}, {n_rows} row(s), repeat {repeat + 1}/{repeats}")
            for name, predict in contenders.items():
                samples[name].append(_time(predict, rows, CALLS[n_rows]))
        medians = {name: statistics.median(s) for name, s in samples.items()}
        results[n_rows] = {
            name: {
                "seconds": seconds,
                "ratio": seconds / medians[reference],
                "samples": samples[name],
            }
            for name, seconds in medians.items()
        }
    return results


def _report(results, title, ratio_header, contender, target_text):
    """Print the table of ``results`` and the targets of ``contender``."""
    print_table(
        title,
        ["rows", "contender", "us per call", ratio_header],
        [
            [n_rows, name, f"{1e6 * r['seconds']:.1f}", f"{r['ratio']:.2f}"]
            for n_rows, by_name in results.items()
            for name, r in by_name.items()
        ],
    )
    for n_rows, target in TARGETS.items():
        ratio = results[n_rows][contender]["ratio"]
        verdict = "PASS" if ratio <= target else "FAIL"
        print(
            f"target: {target_text.format(n_rows=n_rows, target=target)}: "
            f"{ratio:.2f} {verdict}"
        )


def section_latency(mnist, args):
    """Microseconds per call of each contender on 1, 10 and 100 rows.

    Returns
    -------
    result : dict
        Per number of rows, each classifier contender's median seconds per
        call and its ratio to ``MLPClassifier``'s ``predict_proba``; under
        ``"regressor"``, the same for the regressors' ``predict``, the ratio
        to ``MLPRegressor``'s.
    """
    X = mnist.train(np.float32, args.rows)
    y = mnist.y_train[: X.shape[0]]
    test = np.ascontiguousarray(mnist.standard_test(np.float32))
    medians = f"microseconds per call, median of {args.repeats} interleaved repeats"

    ours, theirs = _fitted_pair(SigmoidMLPClassifier, MLPClassifier, X, y, args.epochs)
    contenders = _contenders(ours, theirs, test[:1])
    classifiers = _latencies(
        "classifiers", contenders, test, "sklearn predict_proba", args.repeats
    )
    _report(
        classifiers,
        f"Latency: {medians}; ratio to MLPClassifier's predict_proba",
        "/ sklearn proba",
        "ours predict_proba",
        "predict_proba on {n_rows} row(s) <= {target}x sklearn's",
    )

    ours, theirs = _fitted_pair(
        SigmoidMLPRegressor, MLPRegressor, X, y.astype(np.float32), args.epochs
    )
    contenders = {"ours predict": ours.predict, "sklearn predict": theirs.predict}
    regressors = _latencies(
        "regressors", contenders, test, "sklearn predict", args.repeats
    )
    _report(
        regressors,
        f"Latency of the regressors: {medians}; ratio to MLPRegressor's predict",
        "/ sklearn predict",
        "ours predict",
        "regressor predict on {n_rows} row(s) <= {target}x MLPRegressor's",
    )
    result = {str(n): r for n, r in classifiers.items()}
    result["regressor"] = {str(n): r for n, r in regressors.items()}
    return result


if __name__ == "__main__":
    run_sections({"latency": section_latency})
