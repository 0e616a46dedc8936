"""The ``time`` section of the MNIST benchmark; runnable alone.

Training seconds to reach a test accuracy (default 97.5%) on the notebook's
split, float32, for three contenders trained one epoch at a time and
interleaved: the default ``SigmoidMLPClassifier``, the cosine recipe
(``learning_rate_init=3e-3, learning_rate="cosine", alpha=1e-3,
max_iter=30``) and ``MLPClassifier(hidden_layer_sizes=(128, 64),
activation="logistic")``, over several seeds.

``python benchmarks/bench_time.py --data PATH.npz`` runs it alone.
"""

import gc
import math
import statistics
import time
import warnings

import numpy as np
from _harness import HIDDEN_LAYER_SIZES, log, run_sections
from _report import print_table
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier

from sklearn_sigmoid_mlp import SigmoidMLPClassifier

#: The cosine recipe's ``max_iter``: its schedule, and its budget of epochs here.
COSINE_EPOCHS = 30


#: The contenders' names in the tables, in their running order.
LABELS = {
    "ours": "ours (defaults)",
    "ours_cosine": "ours (cosine recipe)",
    "sklearn": "sklearn",
}


def make_contenders(seed):
    """The three contenders, untrained, seeded with ``seed``.

    scikit-learn's gets ``np.random.RandomState(seed)``: its ``partial_fit``
    re-creates its random state from ``random_state`` on every call, so an
    int would replay the same shuffle every epoch (see ``bench_accuracy.py``).

    Parameters
    ----------
    seed : int
        The random seed of all three.

    Returns
    -------
    models : dict
        Name (of :data:`LABELS`) to estimator.
    """
    return {
        "ours": SigmoidMLPClassifier(random_state=seed),
        "ours_cosine": SigmoidMLPClassifier(
            learning_rate_init=3e-3,
            learning_rate="cosine",
            alpha=1e-3,
            max_iter=COSINE_EPOCHS,
            random_state=seed,
        ),
        "sklearn": MLPClassifier(
            hidden_layer_sizes=HIDDEN_LAYER_SIZES,
            activation="logistic",
            random_state=np.random.RandomState(seed),
        ),
    }


def warm_up(X, y, classes):
    """One untimed epoch of each contender on 1,000 rows (first-call costs)."""
    for model in make_contenders(0).values():
        model.partial_fit(X[:1000], y[:1000], classes=classes)


def race(models, budgets, data, target):
    """Train the contenders one epoch each in turn until each is done.

    Each round gives every contender still running one ``partial_fit``
    epoch; only that call is timed. Its test accuracy is then measured with
    the clock stopped. A contender stops at ``target`` or after its budget.

    Parameters
    ----------
    models : dict
        Name to estimator.
    budgets : dict
        Name to the most epochs it may train.
    data : tuple
        ``(X, y, X_test, y_test, classes)``.
    target : float
        The test accuracy to reach.

    Returns
    -------
    runs : dict
        Name to ``{"accuracy_per_epoch", "cumulative_seconds"}`` lists.
    """
    X, y, X_test, y_test, classes = data
    runs = {n: {"accuracy_per_epoch": [], "cumulative_seconds": []} for n in models}
    elapsed = dict.fromkeys(models, 0.0)
    running = list(models)
    while running:
        for name in list(running):
            gc.collect()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ConvergenceWarning)
                start = time.perf_counter()
                models[name].partial_fit(X, y, classes=classes)
                elapsed[name] += time.perf_counter() - start
            accuracy = float(models[name].score(X_test, y_test))
            run = runs[name]
            run["accuracy_per_epoch"].append(accuracy)
            run["cumulative_seconds"].append(elapsed[name])
            if accuracy >= target or len(run["accuracy_per_epoch"]) >= budgets[name]:
                running.remove(name)
        log(
            "time: "
            + ", ".join(
                f"{n} {len(curve)} ep {curve[-1]:.4f}"
                for n, curve in ((n, r["accuracy_per_epoch"]) for n, r in runs.items())
            )
        )
    return runs


def outcome(run, target):
    """Epochs and seconds to ``target`` of one run (None if not reached)."""
    curve = run["accuracy_per_epoch"]
    best = int(np.argmax(curve))
    reached = curve[-1] >= target
    return {
        **run,
        "reached": bool(reached),
        "epochs_to_target": len(curve) if reached else None,
        "seconds_to_target": run["cumulative_seconds"][-1] if reached else None,
        "epochs_trained": len(curve),
        "seconds_trained": run["cumulative_seconds"][-1],
        "best_accuracy": curve[best],
        "best_epoch": best + 1,
    }


def censored_median(values):
    """Median with None (not reached) counted as infinite; None if infinite."""
    median = statistics.median(math.inf if v is None else v for v in values)
    return None if math.isinf(median) else median


def aggregate(per_seed):
    """Per contender: medians over the seeds and the ratios to scikit-learn.

    A seed that did not reach the target counts as an infinite time in the
    median (it took longer than any that did), so the median is None when
    half the seeds or more missed it.
    """
    contenders = {}
    for name in LABELS:
        runs = [seed_runs[name] for seed_runs in per_seed]
        seconds = [r["seconds_to_target"] for r in runs]
        contenders[name] = {
            "reached": sum(r["reached"] for r in runs),
            "seconds_to_target": seconds,
            "epochs_to_target": [r["epochs_to_target"] for r in runs],
            "median_seconds": censored_median(seconds),
            "median_epochs": censored_median([r["epochs_to_target"] for r in runs]),
        }
    sk = contenders["sklearn"]
    for entry in contenders.values():
        entry["over_sklearn_per_seed"] = [
            None if a is None or b is None else a / b
            for a, b in zip(entry["seconds_to_target"], sk["seconds_to_target"])
        ]
        both = entry["median_seconds"] is not None and sk["median_seconds"]
        entry["over_sklearn"] = (
            entry["median_seconds"] / sk["median_seconds"] if both else None
        )
    return contenders


def section_time(mnist, args):
    """Training seconds to ``--target-accuracy`` of three contenders.

    For each seed, :func:`race` trains ours with the defaults, ours with the
    cosine recipe and scikit-learn's MLP one ``partial_fit`` epoch at a time,
    interleaved, on float32 MNIST, timing only the training calls and
    reading the test accuracy after each epoch. Each stops at the target or
    after ``--tta-epochs`` epochs (the cosine recipe after at most its
    ``max_iter``, 30: its schedule has then decayed to 0).

    Parameters
    ----------
    mnist : MNIST
        The data.
    args : argparse.Namespace
        Options (``rows``, ``tta_epochs``, ``tta_seeds``, ``target_accuracy``).

    Returns
    -------
    result : dict
        The settings, ``"seeds"``: per seed and contender the accuracy and
        cumulative training seconds after each epoch, the epochs and seconds
        to the target (None if not reached) and the best accuracy; and
        ``"contenders"``: per contender the medians over the seeds and the
        ratios of ours to scikit-learn's time.
    """
    X = mnist.train(np.float32, args.rows)
    y = mnist.y_train[: X.shape[0]]
    classes = np.unique(mnist.target)
    data = (X, y, mnist.test(np.float32), mnist.y_test, classes)
    budgets = dict.fromkeys(LABELS, args.tta_epochs)
    budgets["ours_cosine"] = min(args.tta_epochs, COSINE_EPOCHS)
    warm_up(X, y, classes)
    per_seed = []
    for seed in range(args.tta_seeds):
        log(f"time: seed {seed + 1}/{args.tta_seeds}")
        runs = race(make_contenders(seed), budgets, data, args.target_accuracy)
        per_seed.append({n: outcome(r, args.target_accuracy) for n, r in runs.items()})
    result = {
        "rows": X.shape[0],
        "test_rows": data[2].shape[0],
        "target_accuracy": args.target_accuracy,
        "max_epochs": budgets,
        "seeds": per_seed,
        "contenders": aggregate(per_seed),
    }
    print_time_tables(result)
    return result


def _seconds(value):
    return "not reached" if value is None else f"{value:.2f}"


def _ratio(value):
    return "-" if value is None else f"{value:.2f}"


def print_time_tables(result):
    """Print the per-seed table, the medians and the seed-0 accuracy curves."""
    target = f"{100 * result['target_accuracy']:.2f}%"
    where = (
        f"test split ({result['test_rows']} rows), float32, trained on "
        f"{result['rows']} rows, one partial_fit epoch at a time"
    )
    rows = []
    for seed, runs in enumerate(result["seeds"]):
        sk = runs["sklearn"]["seconds_to_target"]
        for name, run in runs.items():
            seconds = run["seconds_to_target"]
            rows.append(
                [
                    seed,
                    LABELS[name],
                    run["epochs_to_target"] or f"- ({run['epochs_trained']})",
                    _seconds(seconds),
                    _ratio(None if seconds is None or sk is None else seconds / sk),
                    f"{100 * run['best_accuracy']:.2f} (epoch {run['best_epoch']})",
                ]
            )
    print_table(
        f"Time to {target} test accuracy, per seed: {where}",
        ["seed", "contender", "epochs", "train s", "/sklearn", "best % (epoch)"],
        rows,
    )
    print_medians(result["contenders"], len(result["seeds"]), target)
    print_curves(result["seeds"][0])


def print_medians(contenders, n_seeds, target):
    """The medians over the seeds and the ratio of medians to scikit-learn's."""
    rows = []
    for name, c in contenders.items():
        known = [r for r in c["over_sklearn_per_seed"] if r is not None]
        rows.append(
            [
                LABELS[name],
                f"{c['reached']}/{n_seeds}",
                "-" if c["median_epochs"] is None else f"{c['median_epochs']:g}",
                _seconds(c["median_seconds"]),
                _ratio(c["over_sklearn"]),
                f"{min(known):.2f}-{max(known):.2f}" if known else "-",
            ]
        )
    print_table(
        f"Time to {target}: medians over {n_seeds} seed(s) (a seed that missed "
        "the target counts as infinite)",
        ["contender", "reached", "epochs", "train s", "/sklearn", "range"],
        rows,
    )


def print_curves(runs, per_line=10):
    """The test accuracy (%) after each epoch of seed 0, ``per_line`` a line."""
    print("\nTest accuracy (%) after each epoch, seed 0:")
    width = max(len(label) for label in LABELS.values())
    for name, run in runs.items():
        curve = run["accuracy_per_epoch"]
        for start in range(0, len(curve), per_line):
            chunk = curve[start : start + per_line]
            label = LABELS[name] if start == 0 else ""
            epochs = f"{start + 1}-{start + len(chunk)}"
            values = " ".join(f"{100 * a:.2f}" for a in chunk)
            print(f"  {label:<{width}}  {epochs:>5}: {values}")


if __name__ == "__main__":
    run_sections({"time": section_time})
