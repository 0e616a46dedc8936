"""Behaviours shared with scikit-learn's MLPClassifier, tested on both.

Each test runs through ``make(kind, **params)``, so that a passing test
proves the two estimators agree; behaviours that MLPClassifier does not have
(``stop_reason_``, Ctrl-C handling, ...) are tested on ours alone elsewhere.
"""

import re

import numpy as np
import pytest
from helpers import quiet_fit
from sklearn.datasets import (
    load_digits,
    load_iris,
    make_classification,
    make_multilabel_classification,
)
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier
from sklearn.preprocessing import StandardScaler
from sklearn.utils._param_validation import InvalidParameterError

from sklearn_sigmoid_mlp import NOTEBOOK_PARAMS, SigmoidMLPClassifier

pytestmark = pytest.mark.usefixtures("single_blas_thread")

KINDS = ["sklearn", "ours"]
X_IRIS, Y_IRIS = load_iris(return_X_y=True)
X_IRIS = StandardScaler().fit_transform(X_IRIS)


def make(kind, **params):
    """A small MLP of either kind with the same settings (sigmoid layers)."""
    params = {"hidden_layer_sizes": (8,), "random_state": 0, **params}
    if kind == "sklearn":
        return MLPClassifier(activation="logistic", **params)
    return SigmoidMLPClassifier(**params)


# ------------------------------------------------------------- n_iter_


@pytest.mark.parametrize("kind", KINDS)
def test_n_iter_counts_the_epochs_of_the_last_fit(kind):
    """Two warm fits of max_iter=3: n_iter_ is 3, the loss curve has 6."""
    clf = make(kind, max_iter=3, warm_start=True, tol=0)
    quiet_fit(clf, X_IRIS, Y_IRIS)
    quiet_fit(clf, X_IRIS, Y_IRIS)
    assert clf.n_iter_ == 3
    assert len(clf.loss_curve_) == 6
    assert clf.t_ == 6 * len(X_IRIS)


@pytest.mark.parametrize("kind", KINDS)
def test_partial_fit_sets_n_iter_to_one(kind):
    clf = make(kind)
    for _ in range(3):
        clf.partial_fit(X_IRIS, Y_IRIS, classes=np.unique(Y_IRIS))
    assert clf.n_iter_ == 1
    assert len(clf.loss_curve_) == 3
    assert clf.t_ == 3 * len(X_IRIS)


@pytest.mark.parametrize("kind", KINDS)
def test_validation_scores_keep_the_whole_history(kind):
    X, y = make_classification(n_samples=200, random_state=0)
    clf = make(kind, max_iter=2, warm_start=True, early_stopping=True, tol=0)
    quiet_fit(clf, X, y)
    quiet_fit(clf, X, y)
    assert clf.n_iter_ == 2
    assert len(clf.validation_scores_) == len(clf.loss_curve_) == 4


# ---------------------------------------------------- ConvergenceWarning


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("n_iter_no_change", [10, np.inf])
def test_convergence_warning_at_max_iter(kind, n_iter_no_change):
    """Also with n_iter_no_change=np.inf, and on a warm fit that runs out again."""
    clf = make(kind, max_iter=2, n_iter_no_change=n_iter_no_change, warm_start=True)
    message = re.escape("Maximum iterations (2) reached")
    with pytest.warns(ConvergenceWarning, match=message):
        clf.fit(X_IRIS, Y_IRIS)
    with pytest.warns(ConvergenceWarning, match=message):
        clf.fit(X_IRIS, Y_IRIS)


def test_notebook_params_warn_at_their_50_epochs():
    X, y = make_classification(n_samples=20, n_features=6, random_state=0)
    clf = SigmoidMLPClassifier(**{**NOTEBOOK_PARAMS, "hidden_layer_sizes": (4,)})
    with pytest.warns(ConvergenceWarning, match=re.escape("Maximum iterations (50)")):
        clf.fit(X, y)
    assert clf.stop_reason_ == "max_iter"


def test_convergence_warning_points_at_the_callers_line():
    """Ours points at the caller's line (MLPClassifier's at its own module)."""
    clf = make("ours", max_iter=1)
    with pytest.warns(ConvergenceWarning) as record:
        clf.fit(X_IRIS, Y_IRIS)
    assert record[0].filename == __file__


# ---------------------------------------------------- warm start classes


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(
    "new_y",
    [
        np.where(Y_IRIS == 2, 1, Y_IRIS),  # a class missing
        np.where(Y_IRIS == 2, 3, Y_IRIS),  # a new class instead of one
        Y_IRIS + 10,  # another label set
    ],
    ids=["missing", "new", "other"],
)
def test_warm_start_with_other_classes_is_refused(kind, new_y):
    clf = make(kind, max_iter=5, warm_start=True)
    quiet_fit(clf, X_IRIS, Y_IRIS)
    coefs = [c.copy() for c in clf.coefs_]
    with pytest.raises(ValueError, match="warm_start can only be used where `y` has"):
        clf.fit(X_IRIS, new_y)
    assert all(np.array_equal(a, b) for a, b in zip(clf.coefs_, coefs))
    np.testing.assert_array_equal(clf.classes_, [0, 1, 2])


def test_warm_start_error_names_both_class_sets_as_written():
    clf = make("ours", max_iter=5, warm_start=True)
    quiet_fit(clf, X_IRIS, Y_IRIS)
    with pytest.raises(ValueError) as error:
        clf.fit(X_IRIS, np.where(Y_IRIS == 2, 1, Y_IRIS))
    assert "Previously got [0, 1, 2], `y` has [0, 1]" in str(error.value)
    assert "np.int64" not in str(error.value)


# ---------------------------------------------------- early stopping split


def test_early_stopping_refuses_a_class_with_one_member():
    """A stratified split needs two members of every class (ours stratifies
    multiclass targets too; MLPClassifier stratifies binary ones only)."""
    X, y = X_IRIS, Y_IRIS.copy()
    y[0] = 7  # one sample of class 7
    clf = make("ours", early_stopping=True)
    with pytest.raises(ValueError, match="least populated class"):
        clf.fit(X, y)
    assert not hasattr(clf, "coefs_")


@pytest.mark.parametrize("kind", KINDS)
def test_early_stopping_refuses_a_binary_class_with_one_member(kind):
    X, y = make_classification(n_samples=60, random_state=0)
    y[:] = 0
    y[0] = 1
    with pytest.raises(ValueError, match="least populated class"):
        make(kind, early_stopping=True).fit(X, y)


@pytest.mark.parametrize("kind", KINDS)
def test_early_stopping_refuses_a_validation_set_of_one_sample(kind):
    """Multilabel targets are split without stratification: 10% of 10 rows."""
    X, y = make_multilabel_classification(n_samples=10, random_state=0)
    with pytest.raises(ValueError, match="validation set is too small"):
        make(kind, early_stopping=True).fit(X, y)


@pytest.mark.parametrize("kind", KINDS)
def test_early_stopping_refuses_fewer_validation_rows_than_classes(kind):
    X, y = X_IRIS[45:55], Y_IRIS[45:55]  # 5 + 5 rows: one validation row
    with pytest.raises(ValueError, match="should be greater or equal to the number"):
        make(kind, early_stopping=True).fit(X, y)


# ---------------------------------------------------- no finite epoch


X_DIGITS, Y_DIGITS = load_digits(return_X_y=True)
X_DIGITS = X_DIGITS / 16


@pytest.mark.parametrize("solver", ["adam", "sgd"])
def test_training_without_a_finite_epoch_is_an_error(solver):
    """As MLPClassifier refuses non-finite weights: an error naming the rate.

    (MLPClassifier's sigmoid saturates at this rate and keeps finite weights;
    it raises "Solver produced non-finite parameter weights" when they are
    not.)
    """
    clf = make("ours", learning_rate_init=1e6, solver=solver, max_iter=5)
    with pytest.raises(ValueError, match=re.escape("learning_rate_init=1000000.0")):
        clf.fit(X_DIGITS, Y_DIGITS)
    assert not hasattr(clf, "coefs_")


def test_a_fitted_model_is_untouched_by_a_fit_without_a_finite_epoch():
    clf = make("ours", max_iter=3, warm_start=True)
    quiet_fit(clf, X_DIGITS, Y_DIGITS)
    coefs, curve, t = [c.copy() for c in clf.coefs_], list(clf.loss_curve_), clf.t_
    clf.set_params(learning_rate_init=1e6)
    with pytest.raises(ValueError, match="learning_rate_init"):
        clf.fit(X_DIGITS, Y_DIGITS)
    assert clf.loss_curve_ == curve and clf.t_ == t
    assert all(np.array_equal(a, b) for a, b in zip(clf.coefs_, coefs))
    assert clf.learning_rate_init == 1e6  # the parameter is the user's


# ---------------------------------------------------- partial_fit validation


@pytest.mark.parametrize("batch_size", [0, -5])
def test_partial_fit_validates_parameters_set_after_fitting(batch_size):
    clf = make("ours").partial_fit(X_IRIS, Y_IRIS, classes=[0, 1, 2])
    clf.set_params(batch_size=batch_size)
    with pytest.raises(InvalidParameterError, match="batch_size"):
        clf.partial_fit(X_IRIS, Y_IRIS)
    with pytest.raises(InvalidParameterError, match="batch_size"):
        clf.fit(X_IRIS, Y_IRIS)


# ---------------------------------------------------- ported from test_mlp.py


@pytest.mark.parametrize("kind", KINDS)
def test_larger_alpha_gives_smaller_weights(kind):
    """test_alpha: the L2 penalty shrinks the weights."""
    norms = []
    for alpha in (1e-4, 1.0, 10.0):
        clf = quiet_fit(make(kind, alpha=alpha, max_iter=50), X_IRIS, Y_IRIS)
        norms.append(sum(float(np.sum(c**2)) for c in clf.coefs_))
    assert norms[0] > norms[1] > norms[2]


@pytest.mark.parametrize("kind", KINDS)
def test_early_stopping_with_string_labels(kind):
    """test_mlp_early_stopping_string_labels: scores on the original labels."""
    labels = np.array(["setosa", "versicolor", "virginica"])[Y_IRIS]
    clf = quiet_fit(make(kind, early_stopping=True, max_iter=20), X_IRIS, labels)
    assert len(clf.validation_scores_) == clf.n_iter_
    assert set(clf.predict(X_IRIS)) <= set(labels)
