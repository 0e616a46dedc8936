"""``SigmoidMLPRegressor`` against ``MLPRegressor`` on Friedman #1 (50,000 rows).

Both regressors get the same shape (``--hidden``, sigmoid hidden layers:
``activation="logistic"`` for scikit-learn's), solver, batch size, learning
rate, ``alpha``, ``max_iter`` (``--epochs``), ``tol=0`` and
``n_iter_no_change=np.inf`` (so both run every epoch), ``shuffle=True`` and
``random_state=seed``, and the same data in the same dtype. Per seed
(``random_state`` 0, 1, 2, ...) the two are fitted one after the other, in
alternating order, after an untimed warm-up of each, and the script reports:

- **time**: seconds per epoch (``fit`` time / ``n_iter_``), the median over
  the seeds of each, and the ratio ours / scikit-learn's: the median of the
  per-seed ratios and their range;
- **score**: the held-out R² (D², the fraction of Poisson deviance
  explained, for the Poisson configuration) of each after the same epochs:
  mean and standard deviation over the seeds, and the mean paired difference
  ours - scikit-learn's with its standard error.

The data: ``make_friedman1(n_samples=50_000, noise=1.0, random_state=0)``,
10 features of which 5 matter through a sine, a square and linear terms,
with a known noise level (the best possible R² is about 0.96). It is
generated, so it needs no download and runs anywhere; its target is a
nonlinear function of the features, which the hidden layers must learn (a
digit's mean intensity, from MNIST's pixels, is a linear function of them:
a linear model fits it exactly, and the hidden layers would learn nothing).
Per seed, 10,000 rows are held out (``train_test_split(random_state=seed)``)
and the features and the target are standardised on the 40,000 training
rows, for both contenders. The Poisson configuration's target is a count
drawn from a Poisson law of rate ``exp(f(x) / 10)``, ``f`` the noiseless
Friedman function (rates 1 to 16), not standardised.

The configurations (``--configs``): ``adam-float32`` (the target: at most
0.8 of scikit-learn's epoch time with Adam, float32, batch 200, and an R²
not lower beyond noise), ``adam-float64``, ``sgd-float32`` (SGD with
Nesterov's momentum 0.9, ``learning_rate_init=0.01``) and
``poisson-adam-float32`` (``loss="poisson"``; ``MLPRegressor`` has it since
scikit-learn 1.7). Adam's ``learning_rate_init`` is 0.001, scikit-learn's
default.

Run from the repository root, with OPENBLAS_CORETYPE unset in that command
only (see the benchmark README)::

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE \\
        python benchmarks/bench_regression.py --blas-threads 1
"""

import argparse
import math
import os
import statistics
import time
import warnings

import numpy as np
from _environment import blas_limit
from _report import add_run_options, print_table, start_run, write_json
from sklearn.datasets import make_friedman1
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import d2_tweedie_score, r2_score
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPRegressor
from sklearn.preprocessing import StandardScaler

from sklearn_sigmoid_mlp import SigmoidMLPRegressor

#: name: (loss, solver, dtype, learning_rate_init)
CONFIGS = {
    "adam-float32": ("squared_error", "adam", np.float32, 0.001),
    "adam-float64": ("squared_error", "adam", np.float64, 0.001),
    "sgd-float32": ("squared_error", "sgd", np.float32, 0.01),
    "poisson-adam-float32": ("poisson", "adam", np.float32, 0.001),
}
#: the configuration of the targets, and the largest epoch-time ratio
TARGET_CONFIG, TARGET_RATIO = "adam-float32", 0.8
N_ROWS, N_TEST = 50_000, 10_000
WARM_UP_ROWS = 2_000


def friedman(n_rows):
    """Friedman #1: X, the noisy target and the noiseless function."""
    X, y = make_friedman1(n_samples=n_rows, noise=1.0, random_state=0)
    f = (
        10 * np.sin(np.pi * X[:, 0] * X[:, 1])
        + 20 * (X[:, 2] - 0.5) ** 2
        + 10 * X[:, 3]
        + 5 * X[:, 4]
    )
    return X, y, f


def split(data, loss, dtype, seed, n_test):
    """The seed's training and held-out rows, standardised on the training rows.

    Returns
    -------
    X_train, X_test, y_train, y_test : ndarray
        In ``dtype``; for the squared error ``y`` is standardised, for the
        Poisson loss it is counts (``y_test`` stays float64 for the scores).
    """
    X, y, f = data
    if loss == "poisson":
        rng = np.random.default_rng(seed)
        y = rng.poisson(np.exp(f / 10)).astype(np.float64)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=n_test, random_state=seed
    )
    scaler = StandardScaler().fit(X_train)
    X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)
    if loss == "squared_error":
        target = StandardScaler().fit(y_train[:, None])
        y_train = target.transform(y_train[:, None]).ravel()
        y_test = target.transform(y_test[:, None]).ravel()
    return X_train.astype(dtype), X_test.astype(dtype), y_train.astype(dtype), y_test


def contenders(config, args, seed):
    """The two regressors with the same settings."""
    loss, solver, _, learning_rate_init = CONFIGS[config]
    shared = {
        "hidden_layer_sizes": tuple(args.hidden),
        "loss": loss,
        "solver": solver,
        "alpha": args.alpha,
        "batch_size": args.batch_size,
        "learning_rate_init": learning_rate_init,
        "max_iter": args.epochs,
        "tol": 0.0,
        "n_iter_no_change": np.inf,
        "shuffle": True,
        "random_state": seed,
    }
    return {
        "ours": SigmoidMLPRegressor(**shared),
        "sklearn": MLPRegressor(**shared, activation="logistic"),
    }


def score(loss, y_true, y_pred):
    """R² for the squared error, D² (Poisson deviance explained) for Poisson."""
    if loss == "poisson":
        return float(d2_tweedie_score(y_true, y_pred, power=1))
    return float(r2_score(y_true, y_pred))


def fit_quietly(model, X, y):
    """``fit``, without the ConvergenceWarning of running every epoch."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return model.fit(X, y)


def measure(config, data, args):
    """Per seed and contender: seconds per epoch, score, final loss."""
    loss, _, dtype, _ = CONFIGS[config]
    runs = {"ours": [], "sklearn": []}
    for seed in range(args.seeds):
        X_train, X_test, y_train, y_test = split(data, loss, dtype, seed, args.test)
        X_train, y_train = X_train[: args.rows], y_train[: args.rows]
        models = contenders(config, args, seed)
        if seed == 0:  # untimed warm-up: imports, BLAS buffers, code paths
            for model in contenders(config, args, seed).values():
                fit_quietly(
                    model.set_params(max_iter=1),
                    X_train[:WARM_UP_ROWS],
                    y_train[:WARM_UP_ROWS],
                )
        order = list(models) if seed % 2 == 0 else list(models)[::-1]
        for key in order:
            model = models[key]
            start = time.perf_counter()
            fit_quietly(model, X_train, y_train)
            seconds = time.perf_counter() - start
            assert model.coefs_[0].dtype == dtype, (key, model.coefs_[0].dtype)
            assert model.n_iter_ == args.epochs, (key, model.n_iter_)
            runs[key].append(
                {
                    "seed": seed,
                    "seconds": seconds,
                    "seconds_per_epoch": seconds / model.n_iter_,
                    "score": score(loss, y_test, model.predict(X_test)),
                    "final_loss": float(model.loss_),
                }
            )
    return runs


def summarise(config, runs, threads, args):
    """Print the per-seed table and the comparison; return the figures."""
    loss = CONFIGS[config][0]
    metric = "D2" if loss == "poisson" else "R2"
    ours, theirs = runs["ours"], runs["sklearn"]
    rows = [
        [
            run["seed"],
            key,
            f"{run['seconds_per_epoch']:.4f}",
            f"{run['score']:.4f}",
            f"{run['final_loss']:.4f}",
        ]
        for pair in zip(ours, theirs)
        for key, run in zip(("ours", "sklearn"), pair)
    ]
    print_table(
        f"{config} (loss={loss}), batch {args.batch_size}, {args.epochs} epochs "
        f"on {args.rows} training rows, {threads} BLAS thread(s): per seed",
        ["seed", "contender", "s/epoch", metric, "final loss"],
        rows,
    )
    ratios = [
        a["seconds_per_epoch"] / b["seconds_per_epoch"] for a, b in zip(ours, theirs)
    ]
    differences = [a["score"] - b["score"] for a, b in zip(ours, theirs)]
    n = len(differences)
    difference = statistics.mean(differences)
    standard_error = statistics.stdev(differences) / math.sqrt(n) if n > 1 else math.nan
    result = {
        "loss": loss,
        "metric": metric,
        "ours_seconds_per_epoch": statistics.median(
            r["seconds_per_epoch"] for r in ours
        ),
        "sklearn_seconds_per_epoch": statistics.median(
            r["seconds_per_epoch"] for r in theirs
        ),
        "ratio_median": statistics.median(ratios),
        "ratios": ratios,
        "ours_score_mean": statistics.mean(r["score"] for r in ours),
        "ours_score_sd": statistics.pstdev(r["score"] for r in ours),
        "sklearn_score_mean": statistics.mean(r["score"] for r in theirs),
        "sklearn_score_sd": statistics.pstdev(r["score"] for r in theirs),
        "score_difference": difference,
        "score_difference_standard_error": standard_error,
        # not lower beyond noise: the paired difference above -2 standard errors
        "score_not_lower": bool(difference >= -2 * standard_error)
        if n > 1
        else difference >= 0,
        "runs": runs,
    }
    print(
        f"ours / sklearn, seconds per epoch: median {result['ratio_median']:.2f} "
        f"(per seed {min(ratios):.2f}-{max(ratios):.2f}); {metric}: ours "
        f"{result['ours_score_mean']:.4f} +- {result['ours_score_sd']:.4f}, sklearn "
        f"{result['sklearn_score_mean']:.4f} +- {result['sklearn_score_sd']:.4f}, "
        f"difference {difference:+.4f} (standard error {standard_error:.4f})"
    )
    return result


def print_summary(results, args, threads):
    """One row per configuration, then the verdicts of the targets."""
    rows = []
    for config, r in results.items():
        ratios = r["ratios"]
        rows.append(
            [
                config,
                f"{r['ours_seconds_per_epoch']:.4f}",
                f"{r['sklearn_seconds_per_epoch']:.4f}",
                f"{r['ratio_median']:.2f}",
                f"{min(ratios):.2f}-{max(ratios):.2f}",
                r["metric"],
                f"{r['ours_score_mean']:.4f} +- {r['ours_score_sd']:.4f}",
                f"{r['sklearn_score_mean']:.4f} +- {r['sklearn_score_sd']:.4f}",
                f"{r['score_difference']:+.4f}",
                f"{r['score_difference_standard_error']:.4f}",
            ]
        )
    print_table(
        f"Summary: {args.epochs} epochs, batch {args.batch_size}, "
        f"{args.seeds} seeds, {threads} BLAS thread(s)",
        [
            "config",
            "ours s/epoch",
            "sk s/epoch",
            "ours/sk",
            "range",
            "score",
            "ours",
            "sklearn",
            "ours - sk",
            "SE",
        ],
        rows,
    )
    if TARGET_CONFIG not in results or args.batch_size != 200:
        return []
    r = results[TARGET_CONFIG]
    checks = [
        {
            "target": f"{TARGET_CONFIG}, batch 200: epoch time ours / sklearn "
            f"<= {TARGET_RATIO}",
            "measured": r["ratio_median"],
            "shown": f"{r['ratio_median']:.2f}",
            "passed": r["ratio_median"] <= TARGET_RATIO,
        },
        {
            "target": f"{TARGET_CONFIG}, batch 200: R2 not lower beyond noise "
            "(ours - sk >= -2 SE)",
            "measured": r["score_difference"],
            "shown": f"{r['score_difference']:+.4f}",
            "passed": r["score_not_lower"],
        },
    ]
    print_table(
        "Targets",
        ["target", "measured", "verdict"],
        [[c["target"], c["shown"], "PASS" if c["passed"] else "FAIL"] for c in checks],
    )
    return checks


def parse_args(argv=None):
    """The command line, with ``--quick``'s sizes filled in."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--seeds", type=int, default=3, help="seeds 0, 1, ... (default 3)"
    )
    parser.add_argument("--epochs", type=int, default=30, help="epochs of every fit")
    parser.add_argument(
        "--rows",
        type=int,
        default=N_ROWS - N_TEST,
        help="training rows used (default all 40,000)",
    )
    parser.add_argument("--test", type=int, default=N_TEST, help="held-out rows")
    parser.add_argument("--batch-size", type=int, default=200, help="batch size")
    parser.add_argument("--alpha", type=float, default=1e-4, help="L2 penalty")
    parser.add_argument(
        "--hidden", type=int, nargs="+", default=[128, 64], help="hidden layer sizes"
    )
    parser.add_argument(
        "--configs",
        default=",".join(CONFIGS),
        help=f"comma-separated, of {', '.join(CONFIGS)} (default all)",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="a smoke run: 3 epochs, 5,000 training rows, 2 seeds",
    )
    add_run_options(parser)
    args = parser.parse_args(argv)
    if args.quick:
        args.epochs, args.rows, args.seeds = 3, 5_000, 2
    args.configs = [c.strip() for c in args.configs.split(",") if c.strip()]
    unknown = sorted(set(args.configs) - set(CONFIGS))
    if unknown:
        parser.error(f"unknown configuration(s) {unknown}; choose from {list(CONFIGS)}")
    return args


def main(argv=None):
    args = parse_args(argv)
    env = start_run("bench_regression.py", args)
    threads = args.blas_threads or "default"
    data = friedman(args.test + max(args.rows, N_ROWS - N_TEST))
    start = time.perf_counter()
    results = {}
    with blas_limit(args.blas_threads):
        for config in args.configs:
            runs = measure(config, data, args)
            results[config] = summarise(config, runs, threads, args)
        checks = print_summary(results, args, threads)
    env["load_average_at_end"] = list(os.getloadavg())
    print(
        f"\nran in {time.perf_counter() - start:.0f} s; load average at the end "
        + ", ".join(f"{x:.2f}" for x in env["load_average_at_end"])
    )
    if args.json:
        payload = {"options": vars(args), "environment": env, "results": results}
        write_json(args.json, {**payload, "checks": checks})


if __name__ == "__main__":
    main()
