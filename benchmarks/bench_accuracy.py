"""The ``accuracy`` section of the MNIST benchmark; runnable alone.

Test accuracy after each epoch of the default
``SigmoidMLPClassifier(random_state=0)`` beside
``MLPClassifier(hidden_layer_sizes=(128, 64), activation="logistic")``.

``python benchmarks/bench_accuracy.py --data PATH.npz`` runs it alone.
"""

import time

import numpy as np
from _harness import (
    HIDDEN_LAYER_SIZES,
    log,
    run_sections,
)
from _report import print_table
from sklearn.neural_network import MLPClassifier

from sklearn_sigmoid_mlp import SigmoidMLPClassifier


def section_accuracy(mnist, args):
    """Test accuracy per epoch of the default estimators on float32 MNIST.

    Ours is ``SigmoidMLPClassifier(random_state=0)`` trained by
    ``partial_fit``, one epoch per call (its random state carries over
    between calls, so the epochs are those of ``fit``). scikit-learn's
    ``MLPClassifier(hidden_layer_sizes=(128, 64), activation="logistic")``
    gets ``random_state=np.random.RandomState(0)``: its ``partial_fit``
    re-creates its random state from ``random_state`` on every call, so an
    int would replay the same shuffle each epoch; a ``RandomState`` instance
    carries over and gives the epochs of ``fit(random_state=0)``.

    Parameters
    ----------
    mnist : MNIST
        The data.
    args : argparse.Namespace
        Options (``rows``, ``acc_epochs``).

    Returns
    -------
    result : dict
        Per contender, the accuracy after each epoch, the best and final
        accuracy; for ours, the first epoch at 98% or more.
    """
    X = mnist.train(np.float32, args.rows)
    y = mnist.y_train[: X.shape[0]]
    X_test, y_test = mnist.test(np.float32), mnist.y_test
    classes = np.unique(mnist.target)
    models = {
        "ours": SigmoidMLPClassifier(random_state=0),
        "sklearn": MLPClassifier(
            hidden_layer_sizes=HIDDEN_LAYER_SIZES,
            activation="logistic",
            random_state=np.random.RandomState(0),
        ),
    }
    curves = {name: [] for name in models}
    seconds = {name: [] for name in models}
    for epoch in range(1, args.acc_epochs + 1):
        for name, model in models.items():
            start = time.perf_counter()
            model.partial_fit(X, y, classes=classes)
            seconds[name].append(time.perf_counter() - start)
            curves[name].append(float(model.score(X_test, y_test)))
        log(
            f"accuracy epoch {epoch}/{args.acc_epochs}: ours "
            f"{curves['ours'][-1]:.4f}, sklearn {curves['sklearn'][-1]:.4f}"
        )
    result = {
        "rows": X.shape[0],
        "test_rows": X_test.shape[0],
        "epochs": args.acc_epochs,
    }
    for name, curve in curves.items():
        best = int(np.argmax(curve))
        reached = [i + 1 for i, acc in enumerate(curve) if acc >= 0.98]
        result[name] = {
            "accuracy_per_epoch": curve,
            "seconds_per_epoch": seconds[name],
            "best": curve[best],
            "best_epoch": best + 1,
            "final": curve[-1],
            "first_epoch_at_98": reached[0] if reached else None,
        }
    print_table(
        f"Accuracy on the notebook's test split ({X_test.shape[0]} rows) after "
        f"each epoch, float32, trained on {X.shape[0]} rows",
        ["epoch", "ours", "sklearn"],
        [
            [i + 1, f"{100 * a:.2f}", f"{100 * b:.2f}"]
            for i, (a, b) in enumerate(zip(curves["ours"], curves["sklearn"]))
        ],
    )
    for name in models:
        r = result[name]
        print(
            f"{name}: best {100 * r['best']:.2f}% (epoch {r['best_epoch']}), final "
            f"{100 * r['final']:.2f}%, first epoch >= 98%: {r['first_epoch_at_98']}"
        )
    return result


if __name__ == "__main__":
    run_sections({"accuracy": section_accuracy})
