"""The cosine learning-rate schedule, for SGD and Adam.

The rates are checked against hand-computed values: an optimizer's steps are
linear in the rate for plain SGD, so the model after each epoch must equal a
model trained with a constant rate equal to that epoch's scheduled rate.
"""

import math

import joblib
import numpy as np
import pytest
from helpers import assert_same_parameters, quiet_fit
from sklearn.datasets import load_iris
from sklearn.preprocessing import StandardScaler

from sklearn_sigmoid_mlp import SigmoidMLPClassifier
from sklearn_sigmoid_mlp._optimizers import cosine_rate

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
    for _ in range(4):
        whole.partial_fit(X, Y)
        parts.partial_fit(X, Y)
    assert_same_parameters(whole, parts)
    assert whole.loss_curve_ == parts.loss_curve_
    # 7 calls of a 6-epoch schedule: the rate reached 0 and stays there
    assert parts._optimizer_state["cosine_epoch"] == 7
    assert parts._optimizer_state["learning_rate"] == pytest.approx(0, abs=1e-15)
