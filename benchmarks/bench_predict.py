"""The ``predict`` section of the MNIST benchmark; runnable alone.

``predict_proba`` on MNIST's 10,000 standard test rows, ours against
scikit-learn, float32 and float64 models.

``python benchmarks/bench_predict.py --data PATH.npz`` runs it alone.
"""

import gc
import time

import numpy as np
from _harness import (
    CONTENDERS,
    DTYPES,
    log,
    ratios,
    run_sections,
    summarize,
    timed_fit,
)
from _report import RATIO_COLUMNS, print_configs, ratio_cells
from bench_gemm import GemmEpoch


def section_predict(mnist, args):
    """``predict_proba`` on MNIST's 10,000 standard test rows.

    Both models are first trained for one epoch on 2,000 rows in the dtype
    measured (trained weights, not that their values matter for the time).
    Each repeat also times the three forward products on the same rows into
    preallocated buffers (:class:`GemmEpoch` with ``forward_only``): the GEMM
    floor of a prediction.

    Parameters
    ----------
    mnist : MNIST
        The data.
    args : argparse.Namespace
        Options (``repeats``, ``predict_calls``).

    Returns
    -------
    result : dict
        ``"configs"``: per dtype, the seconds per call of each contender and
        their ratio.
    """
    configs = [time_predict(mnist, dtype, args) for dtype in DTYPES]
    title = (
        f"predict_proba: ms per call, median of {args.repeats} interleaved repeats "
        f"of {args.predict_calls} call(s); floor: the forward products alone"
    )
    return print_configs(title, COLUMNS, configs, table_row)


COLUMNS = ["dtype", "rows", *RATIO_COLUMNS, "floor/sk"]


def fitted_models(mnist, dtype, X):
    """Ours and scikit-learn's, one epoch on 2,000 rows, warmed up on ``X``."""
    X_fit, y_fit = mnist.train(dtype, 2000), mnist.y_train[:2000]
    models = {}
    for contender, make in CONTENDERS.items():
        _, models[contender] = timed_fit(make("adam", 200, 1e-3, 1e-4, 1), X_fit, y_fit)
        models[contender].predict_proba(X)  # warm-up
    return models


def time_predict(mnist, dtype, args):
    """Interleaved repeats of ``predict_proba`` on the test rows, and the floor."""
    X = mnist.standard_test(dtype)
    models = fitted_models(mnist, dtype, X)
    floor = GemmEpoch(X, X.shape[0], np.random.RandomState(0), forward_only=True)
    floor.run()  # warm-up
    samples = {"ours": [], "sklearn": [], "floor": []}
    for repeat in range(args.repeats):
        log(f"predict {np.dtype(dtype).name}, repeat {repeat + 1}/{args.repeats}")
        for contender, model in models.items():
            gc.collect()
            start = time.perf_counter()
            for _ in range(args.predict_calls):
                proba = model.predict_proba(X)
            samples[contender].append(
                (time.perf_counter() - start) / args.predict_calls
            )
            if proba.dtype != dtype:
                raise RuntimeError(
                    f"{contender} predict_proba returned {proba.dtype}, "
                    f"not {np.dtype(dtype).name}"
                )
        samples["floor"].append(floor.run())
    return {
        "dtype": np.dtype(dtype).name,
        "rows": X.shape[0],
        "seconds_per_call": {k: summarize(v) for k, v in samples.items()},
        **ratios(samples),
    }


def table_row(config):
    """One dtype as a row of the table."""
    return [
        config["dtype"],
        config["rows"],
        *ratio_cells(config, "seconds_per_call", 1e3, 1),
        f"{config['floor_over_sklearn']:.2f}",
    ]


if __name__ == "__main__":
    run_sections({"predict": section_predict})
