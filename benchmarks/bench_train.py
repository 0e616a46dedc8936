"""The ``train`` section of the MNIST benchmark; runnable alone.

Seconds per epoch of ``fit`` for ours and ``MLPClassifier`` with the same
architecture (784-128-64-10, sigmoid), solver, batch size, learning rate,
alpha and dtype; float32 and float64, batch sizes 200 and 32, Adam and
SGD. Each configuration also times the GEMM floor (below) in the same
repeats, so each training time is printed as a ratio to it.

``python benchmarks/bench_train.py --data PATH.npz`` runs it alone.
"""

import statistics

import numpy as np
from _harness import (
    BATCH_SIZES,
    CONTENDERS,
    DTYPES,
    SOLVERS,
    log,
    ratios,
    run_sections,
    summarize,
    timed_fit,
)
from _report import RATIO_COLUMNS, print_configs, ratio_cells
from bench_gemm import GemmEpoch


def warm_up(mnist, dtype):
    """One short fit of each contender, so that first-call costs are not timed."""
    X = mnist.train(dtype, 1000)
    y = mnist.y_train[:1000]
    for make in CONTENDERS.values():
        timed_fit(make("adam", 200, 1e-3, 1e-4, 1), X, y)


def section_train(mnist, args):
    """Seconds per epoch of ours, scikit-learn's and the GEMM floor.

    For each dtype, batch size and solver, every repeat fits ours, then
    scikit-learn's MLP, then runs the GEMM floor of one epoch; the medians of
    the repeats are compared.

    Parameters
    ----------
    mnist : MNIST
        The data.
    args : argparse.Namespace
        Options (``rows``, ``epochs``, ``repeats``, ``learning_rate``,
        ``alpha``).

    Returns
    -------
    result : dict
        ``"configs"``: one entry per configuration with the per-epoch seconds
        of each contender and of the floor, and their ratios.
    """
    configs = []
    for dtype in DTYPES:
        X = mnist.train(dtype, args.rows)
        y = mnist.y_train[: X.shape[0]]
        warm_up(mnist, dtype)
        for batch_size in BATCH_SIZES:
            floor = GemmEpoch(X, batch_size, np.random.RandomState(0))
            for solver in SOLVERS:
                configs.append(time_config(X, y, floor, solver, batch_size, args))
    title = (
        f"Training: seconds per epoch ({configs[0]['rows']} rows, {args.epochs} "
        f"epoch(s) per fit), median of {args.repeats} interleaved repeats"
    )
    return print_configs(title, COLUMNS, configs, table_row)


COLUMNS = [
    "dtype",
    "batch",
    "solver",
    *RATIO_COLUMNS,
    "sk/floor",
    "ours GFLOP/s",
    "loss ours/sk",
]


def time_config(X, y, floor, solver, batch_size, args):
    """Interleaved repeats of one configuration: ours, scikit-learn's, the floor.

    Returns the configuration's figures: per-epoch seconds, ratios, losses.
    """
    dtype = np.dtype(X.dtype).name
    name = f"{dtype} batch {batch_size} {solver}"
    samples = {"ours": [], "sklearn": [], "floor": []}
    losses = {}
    for repeat in range(args.repeats):
        log(f"train {name}, repeat {repeat + 1}/{args.repeats}")
        for contender, make in CONTENDERS.items():
            estimator = make(
                solver, batch_size, args.learning_rate, args.alpha, args.epochs
            )
            seconds, estimator = timed_fit(estimator, X, y)
            samples[contender].append(seconds)
            losses[contender] = float(estimator.loss_)
            if estimator.coefs_[0].dtype != X.dtype:
                raise RuntimeError(
                    f"{contender} trained in {estimator.coefs_[0].dtype}, not {dtype}"
                )
        samples["floor"].append(floor.run())
    return {
        "dtype": dtype,
        "batch_size": batch_size,
        "solver": solver,
        "rows": X.shape[0],
        "epochs": args.epochs,
        "seconds_per_epoch": {k: summarize(v) for k, v in samples.items()},
        **ratios(samples),
        "ours_gflops_per_s": floor.flops / statistics.median(samples["ours"]) / 1e9,
        "final_loss": losses,
    }


def table_row(config):
    """One configuration as a row of the table."""
    losses = config["final_loss"]
    return [
        config["dtype"],
        config["batch_size"],
        config["solver"],
        *ratio_cells(config, "seconds_per_epoch", 1, 3),
        f"{config['sklearn_over_floor']:.2f}",
        f"{config['ours_gflops_per_s']:.0f}",
        f"{losses['ours']:.4f}/{losses['sklearn']:.4f}",
    ]


if __name__ == "__main__":
    run_sections({"train": section_train})
