"""Train with progress reports until a SIGINT from the parent stops training.

Run by ``test_reliability.py``::

    python sigint_training.py {fit,partial_fit} WEIGHTS_FILE PARAMS_JSON

The estimator is ``SigmoidMLPClassifier(verbose=True, **PARAMS)``; its
per-epoch "Iteration" lines tell the parent when to send SIGINT. ``fit``
trains once; ``partial_fit`` calls partial_fit until one call reports
``stop_reason_ == "interrupted"``; a signal that lands between two calls is
Python's usual KeyboardInterrupt, after which the program prints ``OUTSIDE``
and carries on, and the parent signals again. In the end the program saves
the weights and intercepts to WEIGHTS_FILE (``numpy.savez``), trains once more
on 500 samples, and prints ``RESULT `` and a JSON report.

``data()`` is the training set, for the parent's reference models.
"""

import json
import signal
import sys
import warnings

import numpy as np

CLASSES = [0, 1, 2]


def data():
    """4000 samples, 20 features, 3 classes with 20 % of the labels redrawn."""
    rng = np.random.RandomState(0)
    X = rng.randn(4000, 20)
    y = (X[:, 0] + X[:, 1] > 0).astype(int) + (X[:, 2] > 0.5)
    flip = rng.rand(len(y)) < 0.2
    y[flip] = rng.randint(0, 3, flip.sum())
    return X, y


def finite(model):
    """Whether every weight and intercept of ``model`` is finite."""
    return all(bool(np.isfinite(a).all()) for a in model.coefs_ + model.intercepts_)


def train_until_interrupted(clf, mode, X, y):
    """Fit, or call partial_fit until a call is interrupted; the warnings."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        if mode == "fit":
            clf.fit(X, y)
            return caught
        while True:
            try:
                while True:
                    clf.partial_fit(X, y, classes=CLASSES)
                    if clf.stop_reason_ == "interrupted":
                        return caught
            except KeyboardInterrupt:
                print("OUTSIDE", flush=True)


def main(mode, weights_file, params):
    # as in an interactive session, even if this process was started with
    # SIGINT ignored (a background job)
    signal.signal(signal.SIGINT, signal.default_int_handler)

    from sklearn_sigmoid_mlp import SigmoidMLPClassifier

    X, y = data()
    clf = SigmoidMLPClassifier(verbose=True, **params)
    caught = train_until_interrupted(clf, mode, X, y)
    validation_scores = clf.validation_scores_
    result = {
        "stop_reason": clf.stop_reason_,
        "n_iter": clf.n_iter_,
        "t": clf.t_,
        "loss_curve": list(clf.loss_curve_),
        "validation_scores": validation_scores and list(validation_scores),
        "warnings": [[w.category.__name__, str(w.message)] for w in caught],
        "finite": finite(clf),
        "predicted": sorted(set(clf.predict(X).tolist())),
    }
    np.savez(weights_file, *clf.coefs_, *clf.intercepts_)
    # the model trains further
    clf.set_params(verbose=False, early_stopping=False)
    clf.partial_fit(X[:500], y[:500])
    result["after_stop_reason"] = clf.stop_reason_
    result["after_finite"] = finite(clf)
    print("RESULT " + json.dumps(result), flush=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], json.loads(sys.argv[3]))
