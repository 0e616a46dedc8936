"""The cosine learning-rate schedule, for SGD and Adam.

The rates are checked against hand-computed values: an optimizer's steps are
linear in the rate for plain SGD, so the model after each epoch must equal a
model trained with a constant rate equal to that epoch's scheduled rate.
"""

import math
import pickle
import warnings

import joblib
import numpy as np
import pytest
from helpers import assert_same_parameters, quiet_fit
from sklearn.datasets import load_iris
from sklearn.exceptions import ConvergenceWarning
from sklearn.preprocessing import StandardScaler

from sklearn_sigmoid_mlp import SigmoidMLPClassifier
from sklearn_sigmoid_mlp._schedules import cosine_rate

pytestmark = pytest.mark.usefixtures("single_blas_thread")

X, Y = load_iris(return_X_y=True)
X = StandardScaler().fit_transform(X)


def expected_rates(rate, n_epochs):
    """The rate of each epoch: ``rate * (1 + cos(pi * k / n_epochs)) / 2``."""
    return [rate * (1 + math.cos(math.pi * k / n_epochs)) / 2 for k in range(n_epochs)]


def test_cosine_rate_by_hand():
    assert cosine_rate(0.2, 0, 10) == pytest.approx(0.2)
    assert cosine_rate(0.2, 5, 10) == pytest.approx(0.1)
    assert cosine_rate(0.2, 10, 10) == pytest.approx(0.0, abs=1e-15)
    assert cosine_rate(0.2, 12, 10) == pytest.approx(0.0, abs=1e-15)


@pytest.mark.parametrize("solver", ["sgd", "adam"])
def test_each_epoch_runs_at_its_scheduled_rate(solver):
    """Epoch k of a cosine fit equals one epoch at the rate of epoch k."""
    params = {
        "hidden_layer_sizes": (5,),
        "solver": solver,
        "batch_size": 50,
        "shuffle": False,
        "random_state": 0,
        "momentum": 0.0,
    }
    n_epochs, rate = 4, 0.05
    cosine = quiet_fit(
        SigmoidMLPClassifier(
            learning_rate="cosine", learning_rate_init=rate, max_iter=n_epochs, **params
        ),
        X,
        Y,
    )
    # the same epochs one call at a time, each at its hand-computed rate
    manual = SigmoidMLPClassifier(max_iter=1, warm_start=True, **params)
    for epoch_rate in expected_rates(rate, n_epochs):
        manual.set_params(learning_rate_init=epoch_rate)
        quiet_fit(manual, X, Y)
    np.testing.assert_allclose(cosine.loss_curve_, manual.loss_curve_, rtol=1e-12)
    for a, b in zip(cosine.coefs_, manual.coefs_):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)
    assert cosine._optimizer_state["learning_rate"] == pytest.approx(0.0, abs=1e-15)


def test_constant_rate_is_untouched_for_adam():
    """Adam ignores SGD's schedules, as MLPClassifier does; cosine it follows."""
    for schedule in ("constant", "invscaling", "adaptive"):
        clf = quiet_fit(
            SigmoidMLPClassifier(solver="adam", learning_rate=schedule, max_iter=3),
            X,
            Y,
        )
        assert clf._optimizer_state["learning_rate"] == clf.learning_rate_init


def test_each_warm_fit_runs_a_new_cosine_and_leaving_it_restores_the_rate():
    clf = SigmoidMLPClassifier(
        learning_rate="cosine", max_iter=3, warm_start=True, random_state=0
    )
    quiet_fit(clf, X, Y)
    quiet_fit(clf, X, Y)
    assert clf._optimizer_state["cosine_epoch"] == 3
    clf.set_params(learning_rate="constant")
    quiet_fit(clf, X, Y)
    assert clf._optimizer_state["learning_rate"] == clf.learning_rate_init
    assert "cosine_epochs" not in clf._optimizer_state


def test_the_schedule_survives_joblib_and_carries_on_in_partial_fit(tmp_path):
    """A round trip mid-schedule, then partial_fit: bit-identical to no trip."""
    params = {"learning_rate": "cosine", "max_iter": 6, "random_state": 0}
    whole = SigmoidMLPClassifier(**params)
    parts = SigmoidMLPClassifier(**params)
    for _ in range(3):
        whole.partial_fit(X, Y, classes=[0, 1, 2])
        parts.partial_fit(X, Y, classes=[0, 1, 2])
    joblib.dump(parts, tmp_path / "model.joblib")
    parts = joblib.load(tmp_path / "model.joblib")
    for _ in range(3):
        whole.partial_fit(X, Y)
        parts.partial_fit(X, Y)
    # 7 calls of a 6-epoch schedule: the rate reached 0 and stays there
    for model in (whole, parts):
        with pytest.warns(UserWarning, match="schedule has ended"):
            model.partial_fit(X, Y)
    assert_same_parameters(whole, parts)
    assert whole.loss_curve_ == parts.loss_curve_
    assert parts._optimizer_state["cosine_epoch"] == 7
    assert parts._optimizer_state["learning_rate"] == pytest.approx(0, abs=1e-15)


@pytest.mark.parametrize("solver", ["sgd", "adam"])
def test_a_cosine_fit_that_runs_its_epochs_ends_as_planned_without_a_warning(solver):
    """Reaching max_iter is the cosine's plan: stop_reason_ says max_iter, and
    no ConvergenceWarning says that the fit failed; other schedules warn."""
    params = {"solver": solver, "max_iter": 4, "tol": 0, "random_state": 0}
    clf = SigmoidMLPClassifier(learning_rate="cosine", warm_start=True, **params)
    for _ in range(2):  # a warm-started fit runs a new cosine, as planned too
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            clf.fit(X, Y)
        assert clf.stop_reason_ == "max_iter" and clf.n_iter_ == 4
        assert clf._optimizer_state["learning_rate"] == pytest.approx(0, abs=1e-15)
    constant = SigmoidMLPClassifier(learning_rate="constant", **params)
    with pytest.warns(ConvergenceWarning, match=r"Maximum iterations \(4\)"):
        constant.fit(X, Y)
    assert constant.stop_reason_ == "max_iter"


def test_a_cosine_fit_that_converges_early_leaves_the_rest_to_partial_fit():
    """Stopped before its end, the schedule goes on in partial_fit, silently."""
    clf = SigmoidMLPClassifier(
        learning_rate="cosine", max_iter=50, tol=1.0, n_iter_no_change=1, random_state=0
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        clf.fit(X, Y)
        assert clf.stop_reason_ == "converged" and clf.n_iter_ < 50
        epochs = clf.n_iter_
        clf.partial_fit(X, Y)
    state = clf._optimizer_state
    assert state["cosine_epoch"] == epochs + 1 < state["cosine_epochs"] == 50
    assert state["learning_rate"] > 0


@pytest.mark.parametrize("solver", ["sgd", "adam"])
def test_partial_fit_after_the_schedule_ended_warns_and_says_what_to_do(solver):
    """The rate is 0: the call learns nothing, and the warning says so."""
    params = {"solver": solver, "momentum": 0.0, "max_iter": 3, "random_state": 0}
    clf = quiet_fit(SigmoidMLPClassifier(learning_rate="cosine", **params), X, Y)
    before = [a.copy() for a in [*clf.coefs_, *clf.intercepts_]]
    # a new learning_rate_init does not restart it: 0 is 0 at any scale
    clf.set_params(learning_rate_init=0.1)
    with pytest.warns(UserWarning) as caught:
        clf.partial_fit(X, Y)
    assert len(caught) == 1
    message = str(caught[0].message)
    assert caught[0].filename == __file__
    assert "cosine learning-rate schedule has ended" in message
    assert "ran its 3 epochs" in message and "learning rate is now 0" in message
    assert "learning_rate='constant'" in message and "call fit" in message
    for got, want in zip([*clf.coefs_, *clf.intercepts_], before):
        np.testing.assert_array_equal(got, want)
    assert clf.stop_reason_ == "partial_fit" and len(clf.loss_curve_) == 4
    # what the warning advises: a constant rate trains on, without a word
    clf.set_params(learning_rate="constant")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        clf.partial_fit(X, Y)
    assert not np.array_equal(clf.coefs_[0], before[0])
    # ... and so does a new cosine, run by fit
    clf.set_params(learning_rate="cosine", warm_start=True)
    quiet_fit(clf, X, Y)
    assert clf._optimizer_state["cosine_epoch"] == 3


def test_partial_fit_follows_the_curve_of_a_new_learning_rate_init():
    """A learning_rate_init set mid-schedule scales the rest of the curve: the
    next call runs at its point of the new curve, not at the new full rate."""
    params = {
        "hidden_layer_sizes": (5,),
        "solver": "sgd",
        "momentum": 0.0,
        "batch_size": len(X),
        "shuffle": False,
        "max_iter": 6,
        "random_state": 0,
    }
    cosine = SigmoidMLPClassifier(learning_rate="cosine", **params)
    for _ in range(2):
        cosine.partial_fit(X, Y, classes=[0, 1, 2])
    manual = pickle.loads(pickle.dumps(cosine))
    cosine.set_params(learning_rate_init=0.05)
    cosine.partial_fit(X, Y)
    # plain SGD is linear in the rate: epoch 2 of the new curve, by hand
    manual.set_params(
        learning_rate="constant", learning_rate_init=cosine_rate(0.05, 2, 6)
    )
    manual.partial_fit(X, Y)
    assert_same_parameters(cosine, manual, rtol=1e-12, atol=1e-15)
