"""The ``notebook`` section of the MNIST benchmark; runnable alone.

``SigmoidMLPClassifier(**NOTEBOOK_PARAMS)`` (batch size 1) against a
faithful copy of the notebook's per-sample loop (``_notebook.py``) on a
slice of rows, extrapolated to an epoch of 63,000 rows, and the largest
relative weight difference after the same rows from the same initial
weights.

``python benchmarks/bench_notebook.py --data PATH.npz`` runs it alone.
"""

import gc
import statistics
import time
import warnings

import numpy as np
from _harness import (
    N_EPOCH_ROWS,
    NOTEBOOK_SEED,
    log,
    notebook_network,
    run_sections,
    summarize,
)
from _report import print_table
from sklearn.exceptions import ConvergenceWarning

from sklearn_sigmoid_mlp import NOTEBOOK_PARAMS, SigmoidMLPClassifier


def relative_differences(coefs, reference):
    """Largest relative differences between two lists of weight matrices.

    Returns
    -------
    elementwise : float
        ``max |a - b| / |b|`` over all weights (``b != 0``): the quantity that
        ``assert_allclose(a, b, rtol=...)`` bounds.
    normwise : float
        ``max |a - b| / max |b|`` over the layers.
    """
    elementwise, normwise = 0.0, 0.0
    for a, b in zip(coefs, reference):
        diff = np.abs(a - b)
        nonzero = b != 0
        elementwise = max(
            elementwise, float(np.max(diff[nonzero] / np.abs(b[nonzero])))
        )
        normwise = max(normwise, float(diff.max() / np.abs(b).max()))
    return elementwise, normwise


def section_notebook(mnist, args):
    """``NOTEBOOK_PARAMS`` against the notebook's per-sample loop.

    Parameters
    ----------
    mnist : MNIST
        The data.
    args : argparse.Namespace
        Options (``notebook_rows``, ``repeats``).

    Returns
    -------
    result : dict
        Seconds for the slice and per 63,000-row epoch of each contender, the
        speed-up and the largest relative weight differences.
    """
    X = mnist.train(np.float64, args.notebook_rows)
    y = mnist.y_train[: X.shape[0]]
    one_hot = np.zeros((len(y), 10), dtype=int)
    one_hot[np.arange(len(y)), y] = 1
    params = {**NOTEBOOK_PARAMS, "max_iter": 1}

    def run_ours():
        clf = SigmoidMLPClassifier(**params, random_state=NOTEBOOK_SEED)
        with warnings.catch_warnings():
            # one epoch of NOTEBOOK_PARAMS ends at max_iter, as intended
            warnings.simplefilter("ignore", ConvergenceWarning)
            return clf.fit(X, y)

    def run_notebook():
        network = notebook_network()(NOTEBOOK_SEED)
        network.train_epoch(X, one_hot)
        return network

    contenders = {"ours": run_ours, "notebook": run_notebook}
    samples = {name: [] for name in contenders}
    results = {}
    for repeat in range(args.repeats):
        log(f"notebook, repeat {repeat + 1}/{args.repeats}")
        for name, run in contenders.items():
            gc.collect()
            start = time.perf_counter()
            results[name] = run()
            samples[name].append(time.perf_counter() - start)
    elementwise, normwise = relative_differences(
        results["ours"].coefs_, results["notebook"].coefs()
    )
    scale = N_EPOCH_ROWS / X.shape[0]
    med = {k: statistics.median(v) for k, v in samples.items()}
    result = {
        "rows": X.shape[0],
        "seconds_for_rows": {k: summarize(v) for k, v in samples.items()},
        "seconds_per_epoch_63000": {k: v * scale for k, v in med.items()},
        "speedup": med["notebook"] / med["ours"],
        "speedup_per_repeat": [
            n / o for n, o in zip(samples["notebook"], samples["ours"])
        ],
        "max_relative_weight_difference": elementwise,
        "max_weight_difference_over_max_weight": normwise,
    }
    print_table(
        f"Notebook path: one pass over {X.shape[0]} rows, batch size 1, median of "
        f"{args.repeats} interleaved repeats",
        ["contender", f"s / {X.shape[0]} rows", "s / 63,000-row epoch"],
        [[name, f"{med[name]:.3f}", f"{med[name] * scale:.1f}"] for name in contenders],
    )
    print(
        f"speed-up (notebook / ours): {result['speedup']:.2f}x "
        f"(per repeat {min(result['speedup_per_repeat']):.2f}-"
        f"{max(result['speedup_per_repeat']):.2f}); weights after the same rows: "
        f"max |ours - notebook| / |notebook| = {elementwise:.2e}, "
        f"max |diff| / max |weight| = {normwise:.2e}"
    )
    return result


if __name__ == "__main__":
    run_sections({"notebook": section_notebook})
