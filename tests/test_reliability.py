"""Reliability: never crash, never lose the model, never leak NaN.

- Numerics: awkward but finite inputs train and predict without a single
  RuntimeWarning; saturated probabilities keep the log-loss finite;
  probabilities stay in [0, 1] and sum to one.
- Divergence guard: exploding training stops with ``stop_reason_ ==
  "diverged"``, a ConvergenceWarning that suggests a smaller learning rate,
  and the last finite (or, with early stopping, the best) weights, bit for bit;
  it never fires in normal training.
- ``max_time`` stops training early with ``stop_reason_ == "max_time"``.
- Resumption: ``fit(max_iter=n)`` equals ``fit(max_iter=k)`` followed by a
  warm-started fit of ``n - k`` epochs, bit for bit, also through joblib.
- Determinism across processes, and thread-safe prediction.

Bad input is tried systematically in ``test_properties.py``, Ctrl-C in
``test_interrupt.py``.
"""

import os
import re
import subprocess
import sys
import threading
import warnings
from concurrent.futures import ThreadPoolExecutor

import joblib
import numpy as np
import pytest
from helpers import (
    assert_finite_model,
    assert_same_parameters,
    assert_valid_proba,
    child_globals,
    child_program,
)
from sklearn.datasets import load_digits, load_iris, make_classification
from sklearn.exceptions import ConvergenceWarning

from sklearn_sigmoid_mlp import SigmoidMLPClassifier

# seconds a child process may take before the test gives up on it
CHILD_TIMEOUT = 120


def _digits():
    X, y = load_digits(return_X_y=True)
    return X, y


def _fit_recording(estimator, X, y, **fit_params):
    """Fit with every warning recorded; returns the warnings."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        estimator.fit(X, y, **fit_params)
    return caught


def _runtime_warnings(caught):
    return [
        f"{w.category.__name__}: {w.message} ({w.filename}:{w.lineno})"
        for w in caught
        if not issubclass(w.category, ConvergenceWarning)
    ]


# ------------------------------------------------------------------ numerics


def _awkward_data(case, n_classes):
    rng = np.random.RandomState(0)
    if case == "wide":
        X = rng.randn(8, 3000)
    else:
        X = rng.randn(40, 4)
    if case == "magnitude_1e6":
        X *= 1e6
    elif case == "offset_1e6":
        X += 1e6
    elif case == "constant_columns":
        X[:, 0] = 7.0
        X[:, 1] = 0.0
    elif case == "all_zero_rows":
        X[::3] = 0.0
    elif case == "all_zero":
        X[:] = 0.0
    y = np.arange(X.shape[0]) % n_classes
    return X, y


AWKWARD = [
    "magnitude_1e6",
    "offset_1e6",
    "constant_columns",
    "all_zero_rows",
    "all_zero",
    "wide",
]


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("loss", ["log_loss", "squared_error"])
@pytest.mark.parametrize("n_classes", [2, 3])
@pytest.mark.parametrize("case", AWKWARD)
def test_awkward_finite_input_trains_and_predicts_without_warnings(
    case, n_classes, loss, dtype
):
    X, y = _awkward_data(case, n_classes)
    X = X.astype(dtype)
    for solver, rate in (("adam", 0.01), ("sgd", 0.5)):
        clf = SigmoidMLPClassifier(
            hidden_layer_sizes=(16,),
            loss=loss,
            solver=solver,
            learning_rate_init=rate,
            max_iter=5,
            random_state=0,
        )
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            warnings.simplefilter("ignore", ConvergenceWarning)
            clf.fit(X, y)
            proba = clf.predict_proba(X)
            labels = clf.predict(X)
            clf.partial_fit(X[:3], y[:3])
        assert_finite_model(clf)
        assert all(np.isfinite(clf.loss_curve_))
        assert_valid_proba(clf, proba)
        assert set(labels) <= set(clf.classes_)


def test_one_sample_where_legal():
    X, y = _awkward_data("constant_columns", 3)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        clf = SigmoidMLPClassifier(hidden_layer_sizes=(4,), random_state=0)
        clf.partial_fit(X[:1], y[:1], classes=[0, 1, 2])
        proba = clf.predict_proba(X[:1])
        clf.partial_fit(X[1:2] * 1e6, y[1:2])
    assert_finite_model(clf)
    assert_valid_proba(clf, proba)
    assert proba.shape == (1, 3)
    # a single sample has a single class: fit learns it, as MLPClassifier does
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        warnings.simplefilter("ignore", ConvergenceWarning)
        single = SigmoidMLPClassifier(random_state=0).fit(X[:1], y[:1])
    assert_finite_model(single)
    assert single.predict(X).tolist() == [y[0]] * len(X)


@pytest.mark.parametrize("n_classes", [2, 3, "multilabel"])
def test_log_loss_finite_when_probabilities_saturate(n_classes):
    X, y = _awkward_data("constant_columns", 3)
    if n_classes == "multilabel":
        y = np.column_stack([y == 0, y != 1]).astype(int)
    else:
        y = y % n_classes
    clf = SigmoidMLPClassifier(hidden_layer_sizes=(8,), max_iter=3, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(X, y)
    # weights so large that every output is exactly 0 or 1
    for coefs, intercepts in zip(clf.coefs_, clf.intercepts_):
        coefs *= 1e4
        intercepts *= 1e4
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        proba = clf.predict_proba(X)
        assert np.any((proba == 0) | (proba == 1))
        clf.set_params(solver="sgd", learning_rate_init=1e-12)
        clf.partial_fit(X, y)
        log_proba = clf.predict_log_proba(X)
    assert np.isfinite(clf.loss_) and clf.loss_ > 0
    assert clf.stop_reason_ == "partial_fit"
    assert_valid_proba(clf, proba, multilabel=n_classes == "multilabel")
    assert not np.any(np.isnan(log_proba)) and np.all(log_proba <= 0)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_squared_error_proba_sums_to_one_when_every_output_vanishes(dtype):
    X, y = _awkward_data("magnitude_1e6", 3)
    clf = SigmoidMLPClassifier(
        hidden_layer_sizes=(4,), loss="squared_error", max_iter=2, random_state=0
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(X.astype(dtype), y)
    clf.intercepts_[-1][:] = -1e4  # every sigmoid output underflows to 0
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        proba = clf.predict_proba(X.astype(dtype))
    assert_valid_proba(clf, proba)
    np.testing.assert_allclose(proba, 1 / 3, rtol=1e-6)


# --------------------------------------------------------- divergence guard

_iris_X, _iris_y = load_iris(return_X_y=True)

DIVERGING = {
    "digits_sgd_lr10": (*_digits(), {"solver": "sgd", "learning_rate_init": 10}),
    "digits_sgd_lr10_no_momentum": (
        *_digits(),
        {"solver": "sgd", "learning_rate_init": 10, "momentum": 0.0},
    ),
    "digits_adam_lr10": (*_digits(), {"solver": "adam", "learning_rate_init": 10}),
    "features_1e6_sgd_lr10": (
        _iris_X * 1e6,
        _iris_y,
        {"solver": "sgd", "learning_rate_init": 10},
    ),
    "l2_explosion": (
        _iris_X,
        _iris_y,
        {"solver": "sgd", "learning_rate_init": 1.0, "alpha": 1e5},
    ),
    # the epoch's last step made the weights inf: that was kept as "last good"
    "one_batch_lr1e300": (
        _iris_X * 1e6,
        _iris_y,
        {
            "solver": "sgd",
            "learning_rate_init": 1e300,
            "batch_size": 150,
            "hidden_layer_sizes": (),
        },
    ),
    # per-sample blocks step before the sample whose loss is NaN
    "per_sample_lr1e100_float32": (
        np.ones((2, 1), np.float32),
        np.array([0, 1]),
        {
            "solver": "sgd",
            "learning_rate_init": 1e100,
            "batch_size": 1,
            "momentum": 0.0,
            "alpha": 0.0,
            "fit_intercept": False,
            "hidden_layer_sizes": (3,),
        },
    ),
    "digits_sgd_lr10_early_stopping": (
        *_digits(),
        {"solver": "sgd", "learning_rate_init": 10, "early_stopping": True},
    ),
}


# these diverge in their first epoch: no model is trained
NO_GOOD_EPOCH = {"digits_adam_lr10", "one_batch_lr1e300", "per_sample_lr1e100_float32"}


@pytest.mark.parametrize("name", sorted(NO_GOOD_EPOCH))
def test_divergence_without_a_good_epoch_is_an_error(name):
    X, y, settings = DIVERGING[name]
    params = {"hidden_layer_sizes": (32,), "max_iter": 30, "random_state": 0}
    params.update(settings)
    clf = SigmoidMLPClassifier(**params)
    rate = f"learning_rate_init={params['learning_rate_init']}"
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        with pytest.raises(ValueError, match=re.escape(rate)):
            clf.fit(X, y)
    assert not hasattr(clf, "coefs_")


@pytest.mark.parametrize("name", sorted(set(DIVERGING) - NO_GOOD_EPOCH))
def test_divergence_restores_the_last_finite_weights(name):
    X, y, settings = DIVERGING[name]
    params = {"hidden_layer_sizes": (32,), "max_iter": 30, "random_state": 0}
    params.update(settings)
    clf = SigmoidMLPClassifier(**params)

    caught = _fit_recording(clf, X, y)

    assert not _runtime_warnings(caught)
    assert clf.stop_reason_ == "diverged"
    assert clf.n_iter_ < params["max_iter"]
    messages = [str(w.message) for w in caught if w.category is ConvergenceWarning]
    assert any("diverged" in m and "smaller learning_rate_init" in m for m in messages)
    assert_finite_model(clf)
    assert_valid_proba(clf, clf.predict_proba(X))
    assert all(np.isfinite(clf.loss_curve_))
    # bit for bit the weights after the last epoch before the divergence (the
    # best one with early stopping)
    assert clf.n_iter_ > 0
    epochs = clf.n_iter_
    if clf.early_stopping:
        scores = clf.validation_scores_
        epochs = len(scores) - int(np.argmax(scores[::-1]))
    reference = SigmoidMLPClassifier(**{**params, "max_iter": epochs})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        reference.fit(X, y)
    assert_same_parameters(clf, reference)
    # the undone epoch's samples are not counted as seen
    assert clf.t_ == reference.t_


def test_divergence_in_a_warm_start_keeps_the_best_weights():
    X, y = _digits()
    clf = SigmoidMLPClassifier(
        hidden_layer_sizes=(32,),
        solver="sgd",
        learning_rate_init=0.1,
        max_iter=8,
        early_stopping=True,
        n_iter_no_change=1000,
        random_state=0,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(X / 16, y)
    best = [array.copy() for array in clf.coefs_ + clf.intercepts_]
    scores = list(clf.validation_scores_)
    clf.set_params(warm_start=True, alpha=1e4, max_iter=10)
    t_before = clf.t_

    # the warm-started call diverges in its first epoch: an error, and the
    # model stays the one the first call trained
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        with pytest.raises(ValueError, match=re.escape("learning_rate_init=0.1")):
            clf.fit(X / 16, y)

    assert clf.validation_scores_ == scores
    assert clf.t_ == t_before
    for array, saved in zip(clf.coefs_ + clf.intercepts_, best):
        assert np.array_equal(array, saved)


NORMAL_TRAINING = {
    "adam": {},
    "adam_float32": {"dtype": np.float32},
    "adam_early_stopping": {"early_stopping": True},
    "sgd_nesterov": {"solver": "sgd", "learning_rate_init": 0.2},
    "sgd_invscaling": {
        "solver": "sgd",
        "learning_rate": "invscaling",
        "learning_rate_init": 1.0,
        "power_t": 0.25,
    },
    "sgd_adaptive": {
        "solver": "sgd",
        "learning_rate": "adaptive",
        "learning_rate_init": 0.5,
    },
    "squared_error_sgd": {
        "solver": "sgd",
        "loss": "squared_error",
        "learning_rate_init": 0.5,
    },
    "per_sample_sgd": {
        "solver": "sgd",
        "batch_size": 1,
        "momentum": 0.0,
        "alpha": 0.0,
        "learning_rate_init": 0.05,
        "max_iter": 3,
    },
}


@pytest.mark.parametrize("name", list(NORMAL_TRAINING))
def test_divergence_guard_never_fires_in_normal_training(name):
    settings = dict(NORMAL_TRAINING[name])
    dtype = settings.pop("dtype", np.float64)
    X, y = _digits()
    X = (X / 16).astype(dtype)
    params = {"hidden_layer_sizes": (32,), "max_iter": 15, "random_state": 0}
    params.update(settings)
    clf = SigmoidMLPClassifier(**params)
    caught = _fit_recording(clf, X, y)
    # more epochs from a trained model (the loss is small there)
    clf.set_params(warm_start=True, max_iter=5)
    caught += _fit_recording(clf, X, y)
    for start in range(0, len(X), 300):
        caught += _fit_recording(clf, X[start : start + 300], y[start : start + 300])

    assert not _runtime_warnings(caught)
    assert clf.stop_reason_ != "diverged"
    assert not any("diverged" in str(w.message) for w in caught)
    assert clf.score(X, y) > 0.5  # it did learn (ten classes)


def test_partial_fit_stream_never_diverges():
    X, y = _digits()
    clf = SigmoidMLPClassifier(hidden_layer_sizes=(32,), random_state=0)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for _ in range(3):
            for start in range(0, len(X), 100):
                chunk = slice(start, start + 100)
                clf.partial_fit(X[chunk] / 16, y[chunk], classes=np.arange(10))
                assert clf.stop_reason_ == "partial_fit"
    assert not caught
    assert clf.score(X / 16, y) > 0.5  # it did learn (ten classes)


# ------------------------------------------------------------------ max_time


def test_max_time_stops_fit_early():
    X, y = make_classification(n_samples=500, n_features=10, random_state=0)
    clf = SigmoidMLPClassifier(
        hidden_layer_sizes=(8,),
        max_iter=10**6,
        n_iter_no_change=10**6,
        max_time=0.2,
        random_state=0,
    )
    clf.fit(X, y)
    assert clf.stop_reason_ == "max_time"
    assert 0 < clf.n_iter_ < 10**6
    assert_finite_model(clf)
    clf.set_params(max_time=None, max_iter=2, warm_start=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(X, y)
    assert clf.stop_reason_ == "max_iter"


def test_max_time_stops_partial_fit_after_the_batch_that_crosses_it():
    X, y = make_classification(n_samples=500, n_features=10, random_state=0)
    clf = SigmoidMLPClassifier(
        hidden_layer_sizes=(8,), batch_size=10, max_time=1e-9, random_state=0
    )
    clf.partial_fit(X, y, classes=[0, 1])
    assert clf.stop_reason_ == "max_time"
    assert clf.t_ < len(X)
    assert clf.t_ % 10 == 0
    assert_finite_model(clf)
    assert_valid_proba(clf, clf.predict_proba(X))


# ---------------------------------------------------------------- resumption

RESUMABLE = {
    "adam": {"solver": "adam", "learning_rate_init": 0.01},
    "sgd_nesterov": {"solver": "sgd", "learning_rate_init": 0.1, "momentum": 0.9},
    "sgd_momentum_invscaling": {
        "solver": "sgd",
        "learning_rate": "invscaling",
        "learning_rate_init": 0.5,
        "power_t": 0.25,
        "momentum": 0.8,
        "nesterovs_momentum": False,
    },
    "sgd_adaptive": {
        "solver": "sgd",
        "learning_rate": "adaptive",
        "learning_rate_init": 0.3,
        "tol": 0.05,
        "n_iter_no_change": 2,
    },
    "adam_balanced_class_weight": {"class_weight": "balanced"},
}


@pytest.mark.parametrize("through_file", [False, True])
@pytest.mark.parametrize("name", list(RESUMABLE))
def test_warm_start_resumption_is_bit_identical(name, through_file, tmp_path):
    X, y = make_classification(
        n_samples=150, n_features=8, n_informative=5, n_classes=3, random_state=0
    )
    params = {
        "hidden_layer_sizes": (7,),
        "batch_size": 32,
        "alpha": 1e-3,
        "tol": 0.0,
        "n_iter_no_change": 10**6,
        "random_state": 0,
    }
    params.update(RESUMABLE[name])
    n_epochs, first = 12, 5
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        whole = SigmoidMLPClassifier(**params, max_iter=n_epochs).fit(X, y)
        parts = SigmoidMLPClassifier(**params, max_iter=first).fit(X, y)
        if through_file:
            joblib.dump(parts, tmp_path / "model.joblib")
            parts = joblib.load(tmp_path / "model.joblib")
        parts.set_params(warm_start=True, max_iter=n_epochs - first).fit(X, y)

    assert whole.coefs_[0].dtype == np.float64
    assert_same_parameters(whole, parts)
    assert whole.n_iter_ == n_epochs
    assert parts.n_iter_ == n_epochs - first  # the epochs of the last call
    assert parts.t_ == whole.t_
    assert parts.loss_curve_ == whole.loss_curve_
    assert parts.stop_reason_ == whole.stop_reason_
    assert np.array_equal(parts.predict_proba(X), whole.predict_proba(X))
    # and the optimizer state and random state carried on: one more epoch each
    whole.partial_fit(X, y)
    parts.partial_fit(X, y)
    assert_same_parameters(whole, parts)


# -------------------------------------------------------------- determinism


def test_same_random_state_gives_identical_weights_in_fresh_processes():
    # this process too
    digests = [child_globals("seeded_fit_digest.py")["weights_digest"]()]
    for hash_seed in ("0", "12345"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        completed = subprocess.run(
            [sys.executable, child_program("seeded_fit_digest.py")],
            capture_output=True,
            text=True,
            env=env,
            timeout=CHILD_TIMEOUT,
            check=True,
        )
        digests.append(completed.stdout.strip())
    assert len(digests[0]) == 64
    assert digests[0] == digests[1] == digests[2]


# --------------------------------------------------------------- concurrency


def test_concurrent_predict_proba_equals_serial():
    X, y = make_classification(
        n_samples=2000, n_features=30, n_informative=10, n_classes=4, random_state=0
    )
    clf = SigmoidMLPClassifier(hidden_layer_sizes=(64, 32), max_iter=3, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(X, y)
    X_test = np.vstack([X, X[::-1]])
    serial = clf.predict_proba(X_test)
    serial_slices = [clf.predict_proba(X_test[i::8]) for i in range(8)]
    serial_labels = clf.predict(X_test)
    start = threading.Barrier(8)

    def work(i):
        start.wait()
        return (
            [clf.predict_proba(X_test) for _ in range(4)],
            clf.predict_proba(X_test[i::8]),
            clf.predict(X_test),
        )

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(work, range(8)))

    for i, (wholes, part, labels) in enumerate(results):
        assert all(np.array_equal(whole, serial) for whole in wholes)
        assert np.array_equal(part, serial_slices[i])
        assert np.array_equal(labels, serial_labels)


@pytest.mark.parametrize("hidden", [(8,), ()])
@pytest.mark.parametrize("value", [1e38, 3e38, -3e38])
def test_predicting_features_near_the_float32_limit(hidden, value):
    """Products that overflow float32 give 0/1 outputs, without a warning."""
    rng = np.random.RandomState(0)
    X, y = rng.rand(60, 200).astype(np.float32), rng.randint(0, 3, 60)
    clf = SigmoidMLPClassifier(hidden_layer_sizes=hidden, max_iter=2, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(X, y)
    X_huge = np.full((3, 200), value, dtype=np.float32)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        proba = clf.predict_proba(X_huge)
        labels = clf.predict(X_huge)
    assert_valid_proba(clf, proba)
    assert set(labels) <= set(clf.classes_)


def test_nan_from_a_product_is_an_error_not_an_output():
    """inf * 0 inside the network: a ValueError, never NaN probabilities."""
    X, y = load_iris(return_X_y=True)
    clf = SigmoidMLPClassifier(hidden_layer_sizes=(4,), max_iter=2, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(X, y)
    clf.coefs_[0][0, 0] = np.inf
    X_zero = X.copy()
    X_zero[:, 0] = 0.0
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ValueError, match="overflow"):
            clf.predict_proba(X_zero)
