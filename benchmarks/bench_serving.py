"""The ``serving`` section: ONNX Runtime against ``predict_proba``; runnable alone.

A default-shaped model (784-128-64-10, float32) trained for ``--epochs``
epochs on the notebook's training rows is exported with
``sklearn_sigmoid_mlp.onnx.to_onnx`` (probabilities as a tensor) and run by
an ONNX Runtime session (one intra-op thread, then its default), interleaved
with ``predict_proba`` of the same model: on MNIST's 10,000 standard test rows
(throughput) and on a single row (latency, the median of 200 calls). Needs the
``onnx`` extra.

``python benchmarks/bench_serving.py --data PATH.npz`` runs it.
"""

import statistics
import time
import warnings

import numpy as np
from _harness import log, run_sections, timed_fit
from _report import print_table
from sklearn.exceptions import ConvergenceWarning

from sklearn_sigmoid_mlp import SigmoidMLPClassifier

SINGLE_ROW_CALLS = 200


def section_serving(mnist, args):
    """Seconds per call of ONNX Runtime and of ``predict_proba``.

    Parameters
    ----------
    mnist : MNIST
        The data.
    args : argparse.Namespace
        Options (``rows``, ``epochs``, ``repeats``, ``predict_calls``).

    Returns
    -------
    result : dict
        Per input (10,000 rows, one row), the per-call seconds of each
        contender and the largest probability difference.
    """
    import onnxruntime as ort

    from sklearn_sigmoid_mlp.onnx import to_onnx

    X = mnist.train(np.float32, args.rows)
    clf = SigmoidMLPClassifier(max_iter=args.epochs, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        timed_fit(clf, X, mnist.y_train[: X.shape[0]])
    model = to_onnx(clf, X[:1], options={"zipmap": False}).SerializeToString()
    contenders = {"predict_proba": clf.predict_proba}
    for threads in (1, 0):
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        session = ort.InferenceSession(model, options, ["CPUExecutionProvider"])
        name = f"onnxruntime ({threads or 'default'} threads)"
        contenders[name] = lambda rows, s=session: s.run(
            ["probabilities"], {"X": rows}
        )[0]
    test = mnist.standard_test(np.float32)
    inputs = {
        "10,000 rows": (test, args.predict_calls),
        "1 row": (test[:1], SINGLE_ROW_CALLS),
    }
    results = {}
    for label, (rows, calls) in inputs.items():
        results[label] = time_contenders(contenders, rows, calls, args.repeats)
    print_table(
        f"Serving: ms per call, median of {args.repeats} interleaved repeats",
        ["input", "contender", "ms per call", "/ predict_proba", "max |p diff|"],
        [
            [
                label,
                name,
                f"{1e3 * r['seconds']:.3f}",
                f"{r['ratio']:.2f}",
                f"{r['diff']:.1e}",
            ]
            for label, by_name in results.items()
            for name, r in by_name.items()
        ],
    )
    return results


def _run_session(session, rows):
    return session.run(["probabilities"], {"X": rows})[0]


def time_contenders(contenders, rows, calls, repeats):
    """Median seconds per call of each contender, interleaved, and its accuracy."""
    expected = contenders["predict_proba"](rows)
    samples = {name: [] for name in contenders}
    for repeat in range(repeats):
        log(f"serving {len(rows)} row(s), repeat {repeat + 1}/{repeats}")
        for name, predict in contenders.items():
            predict(rows)  # warm-up
            start = time.perf_counter()
            for _ in range(calls):
                predict(rows)
            samples[name].append((time.perf_counter() - start) / calls)
    medians = {name: statistics.median(s) for name, s in samples.items()}
    return {
        name: {
            "seconds": medians[name],
            "ratio": medians[name] / medians["predict_proba"],
            "diff": float(np.max(np.abs(predict(rows) - expected))),
        }
        for name, predict in contenders.items()
    }


if __name__ == "__main__":
    run_sections({"serving": section_serving})
