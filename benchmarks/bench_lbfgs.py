"""``solver="lbfgs"`` on small data, against ``MLPClassifier(solver="lbfgs")``.

scikit-learn recommends L-BFGS for small data sets. This benchmark fits ours
and ``MLPClassifier`` with the same shape (``--hidden``, sigmoid hidden
layers: ``activation="logistic"``), ``alpha``, ``tol=0`` and ``max_iter``
on scikit-learn's digits and breast cancer data (standardised, a stratified
75/25 split per seed), and reports:

- **time**: seconds of ``fit`` at equal ``max_iter`` (``tol=0``, so both run
  the whole budget unless L-BFGS-B stops on its own), the median over the
  seeds, interleaved, and the ratio ours / scikit-learn's per seed;
- **accuracy**: test accuracy over the seeds (``random_state`` 0, 1, ...):
  mean and standard deviation of each, and their difference;
- **evaluations**: L-BFGS iterations and objective evaluations, which differ
  between the two only by the initial weights (ours: Glorot's uniform bound
  ``sqrt(6 / (fan_in + fan_out))``; scikit-learn's for the logistic:
  ``sqrt(2 / (fan_in + fan_out))``), so time per evaluation is reported too.

Run from the repository root, with OPENBLAS_CORETYPE unset in that command
only (see the benchmark README)::

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE \\
        python benchmarks/bench_lbfgs.py --blas-threads 1
"""

import argparse
import statistics
import time
import warnings

from _environment import blas_limit
from _report import add_run_options, print_table, start_run, write_json
from sklearn.datasets import load_breast_cancer, load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier
from sklearn.preprocessing import StandardScaler

from sklearn_sigmoid_mlp import SigmoidMLPClassifier

DATASETS = {"digits": load_digits, "breast_cancer": load_breast_cancer}


def contenders(hidden, max_iter, alpha, seed):
    """The two classifiers with the same settings."""
    shared = {
        "hidden_layer_sizes": hidden,
        "solver": "lbfgs",
        "alpha": alpha,
        "max_iter": max_iter,
        "tol": 0.0,
        "random_state": seed,
    }
    return {
        "ours": SigmoidMLPClassifier(**shared),
        "sklearn": MLPClassifier(**shared, activation="logistic"),
    }


def split(name, seed):
    X, y = DATASETS[name](return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.25, stratify=y, random_state=seed
    )
    scaler = StandardScaler().fit(X_train)
    return scaler.transform(X_train), scaler.transform(X_test), y_train, y_test


def measure(name, args):
    """Per seed: seconds, accuracy, iterations and evaluations of each."""
    runs = {"ours": [], "sklearn": []}
    for seed in range(args.seeds):
        X_train, X_test, y_train, y_test = split(name, seed)
        models = contenders(tuple(args.hidden), args.max_iter, args.alpha, seed)
        order = list(models) if seed % 2 == 0 else list(models)[::-1]
        for key in order:
            model = models[key]
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ConvergenceWarning)
                start = time.perf_counter()
                model.fit(X_train, y_train)
                seconds = time.perf_counter() - start
            evaluations = _evaluations(model, X_train, y_train)
            runs[key].append(
                {
                    "seconds": seconds,
                    "accuracy": float(model.score(X_test, y_test)),
                    "n_iter": int(model.n_iter_),
                    "evaluations": evaluations,
                }
            )
    return runs


def _evaluations(model, X, y):
    """Objective evaluations of the fit just made, counted by a second fit.

    scikit-learn keeps no count; both are refitted with a counting wrapper of
    their objective (not timed).
    """
    if isinstance(model, SigmoidMLPClassifier):
        import sklearn_sigmoid_mlp._lbfgs as lbfgs

        counted = []
        original = lbfgs.FlatObjective.__call__

        def counting(self, vector):
            counted.append(1)
            return original(self, vector)

        lbfgs.FlatObjective.__call__ = counting
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ConvergenceWarning)
                model.fit(X, y)
        finally:
            lbfgs.FlatObjective.__call__ = original
        return len(counted)
    counted = []
    original = type(model)._loss_grad_lbfgs

    def counting(self, *a, **k):
        counted.append(1)
        return original(self, *a, **k)

    type(model)._loss_grad_lbfgs = counting
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            model.fit(X, y)
    finally:
        type(model)._loss_grad_lbfgs = original
    return len(counted)


def report(name, runs, threads):
    ours, theirs = runs["ours"], runs["sklearn"]
    ratios = [a["seconds"] / b["seconds"] for a, b in zip(ours, theirs)]
    per_eval = [
        (a["seconds"] / a["evaluations"]) / (b["seconds"] / b["evaluations"])
        for a, b in zip(ours, theirs)
    ]
    rows = []
    for key, seeds in runs.items():
        acc = [s["accuracy"] for s in seeds]
        rows.append(
            [
                key,
                f"{statistics.median(s['seconds'] for s in seeds):.3f}",
                f"{statistics.median(s['n_iter'] for s in seeds):.0f}",
                f"{statistics.median(s['evaluations'] for s in seeds):.0f}",
                f"{100 * statistics.mean(acc):.2f}",
                f"{100 * statistics.pstdev(acc):.2f}",
            ]
        )
    print_table(
        f"{name}: fit at equal max_iter, {len(ours)} seeds ({threads} BLAS thread(s))",
        ["contender", "fit s", "iterations", "evaluations", "acc %", "sd %"],
        rows,
    )
    difference = statistics.mean(
        a["accuracy"] - b["accuracy"] for a, b in zip(ours, theirs)
    )
    print(
        f"ours / sklearn, fit time: median {statistics.median(ratios):.2f} "
        f"(per seed {min(ratios):.2f}-{max(ratios):.2f}); per evaluation: median "
        f"{statistics.median(per_eval):.2f}; accuracy difference (ours - sklearn): "
        f"{100 * difference:+.2f} points"
    )
    return {
        "ratio_median": statistics.median(ratios),
        "ratios": ratios,
        "per_evaluation_ratio_median": statistics.median(per_eval),
        "accuracy_difference": difference,
        "runs": runs,
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=5, help="random seeds (default 5)")
    parser.add_argument("--max-iter", type=int, default=200, help="L-BFGS iterations")
    parser.add_argument("--alpha", type=float, default=1e-4, help="L2 penalty")
    parser.add_argument(
        "--hidden", type=int, nargs="+", default=[128, 64], help="hidden layer sizes"
    )
    add_run_options(parser)
    args = parser.parse_args(argv)
    env = start_run("bench_lbfgs.py", args)
    results = {}
    with blas_limit(args.blas_threads):
        for name in DATASETS:
            results[name] = report(
                name, measure(name, args), args.blas_threads or "default"
            )
    if args.json:
        write_json(
            args.json, {"options": vars(args), "environment": env, "results": results}
        )


if __name__ == "__main__":
    main()
