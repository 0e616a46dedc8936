"""Behaviours shared with scikit-learn's MLPClassifier and MLPRegressor, tested on both.

Each test runs through ``make(kind, **params)`` (``make_regressor`` for the
regressors), so that a passing test proves the two estimators agree;
behaviours that scikit-learn's do not have (``stop_reason_``, Ctrl-C
handling, ...) are tested on ours alone elsewhere.
"""

import itertools
import re
import warnings

import joblib
import numpy as np
import pytest
from helpers import quiet_fit
from sklearn.datasets import (
    load_digits,
    load_iris,
    make_classification,
    make_multilabel_classification,
    make_regression,
)
from sklearn.exceptions import ConvergenceWarning, DataConversionWarning
from sklearn.metrics import r2_score
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.preprocessing import StandardScaler, scale
from sklearn.utils._param_validation import InvalidParameterError

from sklearn_sigmoid_mlp import (
    NOTEBOOK_PARAMS,
    SigmoidMLPClassifier,
    SigmoidMLPRegressor,
    _base,
    _regression_targets,
)

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


# =============================================================== regressor
#
# The same behaviours of SigmoidMLPRegressor and MLPRegressor, through
# ``make_regressor(kind, **params)``; ported from scikit-learn's test_mlp.py
# where its regressor cases apply to adam and sgd.

X_REG, Y_REG = make_regression(
    n_samples=200, n_features=10, n_informative=5, noise=5.0, random_state=0
)
X_REG = StandardScaler().fit_transform(X_REG)
Y_REG = scale(Y_REG)
Y_REG_MULTI = np.column_stack([Y_REG, -Y_REG, 0.5 * Y_REG + 1.0])
Y_COUNTS = np.random.RandomState(0).poisson(np.exp(0.5 * X_REG[:, 0] + 1.0))


def make_regressor(kind, **params):
    """A small MLP regressor of either kind with the same settings (sigmoid layers)."""
    params = {"hidden_layer_sizes": (8,), "random_state": 0, **params}
    if kind == "sklearn":
        return MLPRegressor(activation="logistic", **params)
    return SigmoidMLPRegressor(**params)


@pytest.mark.parametrize("kind", KINDS)
def test_regressor_n_iter_counts_the_epochs_of_the_last_fit(kind):
    reg = make_regressor(kind, max_iter=3, warm_start=True, tol=0)
    quiet_fit(reg, X_REG, Y_REG)
    quiet_fit(reg, X_REG, Y_REG)
    assert reg.n_iter_ == 3
    assert len(reg.loss_curve_) == 6
    assert reg.t_ == 6 * len(X_REG)


@pytest.mark.parametrize("kind", KINDS)
def test_regressor_partial_fit_sets_n_iter_to_one(kind):
    reg = make_regressor(kind)
    for _ in range(3):
        reg.partial_fit(X_REG, Y_REG)
    assert reg.n_iter_ == 1
    assert len(reg.loss_curve_) == 3
    assert reg.t_ == 3 * len(X_REG)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("n_iter_no_change", [10, np.inf])
def test_regressor_convergence_warning_at_max_iter(kind, n_iter_no_change):
    """test_mlp_warm_start_no_convergence: also on a warm fit that runs out."""
    reg = make_regressor(
        kind, max_iter=2, n_iter_no_change=n_iter_no_change, warm_start=True
    )
    message = re.escape("Maximum iterations (2) reached")
    with pytest.warns(ConvergenceWarning, match=message):
        reg.fit(X_REG, Y_REG)
    assert reg.n_iter_ == 2
    reg.set_params(max_iter=4)
    with pytest.warns(ConvergenceWarning, match=re.escape("Maximum iterations (4)")):
        reg.fit(X_REG, Y_REG)
    assert reg.n_iter_ == 4


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(
    ("y", "shape"),
    [
        (Y_REG, (200,)),
        (Y_REG_MULTI, (200, 3)),
        (Y_REG[:, np.newaxis], (200,)),  # a column vector, with a warning
    ],
    ids=["1-D", "3 outputs", "column"],
)
def test_regressor_predictions_have_the_shape_of_y(kind, y, shape):
    """One output predicts 1-D, several 2-D; a column vector y warns."""
    reg = make_regressor(kind, max_iter=3)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        reg.fit(X_REG, y)
    conversions = [w for w in caught if w.category is DataConversionWarning]
    assert len(conversions) == (1 if y.ndim == 2 and y.shape[1] == 1 else 0)
    assert reg.predict(X_REG).shape == shape
    assert reg.n_outputs_ == (1 if len(shape) == 1 else shape[1])
    assert reg.out_activation_ == "identity"


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("y", [Y_COUNTS, np.column_stack([Y_COUNTS, Y_COUNTS + 1])])
def test_poisson_regressor_predicts_positive_rates(kind, y):
    reg = quiet_fit(make_regressor(kind, loss="poisson", max_iter=20), X_REG, y)
    assert reg.out_activation_ == "exp"
    predictions = reg.predict(X_REG)
    assert predictions.shape == y.shape
    assert np.all(predictions > 0)


@pytest.mark.parametrize("kind", KINDS)
def test_regressor_score_is_r2(kind):
    reg = quiet_fit(make_regressor(kind, max_iter=20), X_REG, Y_REG_MULTI)
    assert reg.score(X_REG, Y_REG_MULTI) == pytest.approx(
        r2_score(Y_REG_MULTI, reg.predict(X_REG))
    )


@pytest.mark.parametrize("kind", KINDS)
def test_regressor_early_stopping_scores_r2(kind):
    """test_early_stopping: validation R², the best of them, no best_loss_."""
    tol = 0.2
    reg = make_regressor(
        kind, tol=tol, max_iter=3000, solver="sgd", early_stopping=True
    )
    reg.fit(X_REG, Y_REG)
    assert reg.max_iter > reg.n_iter_
    assert reg.best_loss_ is None
    assert isinstance(reg.validation_scores_, list)
    scores = reg.validation_scores_
    assert max(scores) == reg.best_validation_score_ <= 1
    assert reg.best_validation_score_ + tol > scores[-2]
    assert reg.best_validation_score_ + tol > scores[-1]
    reg = make_regressor(kind, tol=tol, max_iter=3000, solver="sgd")
    reg.fit(X_REG, Y_REG)
    assert reg.validation_scores_ is None
    assert reg.best_validation_score_ is None
    assert reg.best_loss_ is not None


@pytest.mark.parametrize("kind", KINDS)
def test_regressor_warm_start_with_early_stopping_extends_the_scores(kind):
    reg = make_regressor(kind, max_iter=10, warm_start=True, early_stopping=True)
    quiet_fit(reg, X_REG, Y_REG)
    n_scores = len(reg.validation_scores_)
    reg.set_params(max_iter=20)
    quiet_fit(reg, X_REG, Y_REG)
    assert len(reg.validation_scores_) > n_scores


@pytest.mark.parametrize("kind", KINDS)
def test_regressor_validation_set_too_small(kind):
    """test_minimum_input_sample_size."""
    X, y = make_regression(n_samples=2, n_features=5, random_state=0)
    with pytest.raises(ValueError, match="The validation set is too small"):
        make_regressor(kind, early_stopping=True).fit(X, y)


@pytest.mark.parametrize("kind", KINDS)
def test_regressor_partial_fit_refuses_early_stopping(kind):
    """test_mlp_partial_fit_after_fit."""
    reg = quiet_fit(make_regressor(kind, early_stopping=True), X_REG, Y_REG)
    with pytest.raises(ValueError, match="partial_fit does not support early_stop"):
        reg.partial_fit(X_REG, Y_REG)


@pytest.mark.parametrize("kind", KINDS)
def test_regressor_larger_alpha_gives_smaller_weights(kind):
    """test_alpha."""
    norms = []
    for alpha in (1e-4, 1.0, 10.0):
        reg = quiet_fit(make_regressor(kind, alpha=alpha, max_iter=50), X_REG, Y_REG)
        norms.append(sum(float(np.sum(c**2)) for c in reg.coefs_))
    assert norms[0] > norms[1] > norms[2]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_regressor_keeps_the_dtype_of_X(kind, dtype):
    """test_mlp_param_dtypes and test_mlp_regressor_dtypes_casting."""
    X = X_DIGITS.astype(dtype)
    params = {"alpha": 1e-5, "hidden_layer_sizes": (5, 3), "tol": 1e-3}
    reg = quiet_fit(
        make_regressor(kind, max_iter=150, **params), X[:300], Y_DIGITS[:300]
    )
    assert all(c.dtype == dtype for c in reg.coefs_ + reg.intercepts_)
    predictions = reg.predict(X[300:])
    assert predictions.dtype == dtype
    reg64 = quiet_fit(
        make_regressor(kind, max_iter=150, **params), X_DIGITS[:300], Y_DIGITS[:300]
    )
    np.testing.assert_allclose(
        predictions, reg64.predict(X_DIGITS[300:]), rtol=5e-4, atol=1e-4
    )


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("solver", ["adam", "sgd"])
def test_regressor_warm_start_runs_max_iter_again(kind, solver):
    """test_warm_start_full_iteration."""
    reg = make_regressor(
        kind, hidden_layer_sizes=2, solver=solver, warm_start=True, max_iter=3
    )
    for _ in range(2):
        quiet_fit(reg, X_REG, Y_REG)
        assert reg.n_iter_ == 3


@pytest.mark.parametrize("kind", KINDS)
def test_regressor_unit_sample_weights_change_nothing(kind):
    """test_mlp_sample_weight_with_early_stopping."""
    X, y = make_regression(
        n_samples=100, n_features=2, n_informative=2, random_state=42
    )
    params = {
        "hidden_layer_sizes": 10,
        "early_stopping": True,
        "tol": 1e-2,
        "learning_rate_init": 0.01,
        "batch_size": 10,
        "random_state": 42,
    }
    weighted = quiet_fit(
        make_regressor(kind, **params), X, y, sample_weight=np.ones(100)
    )
    plain = quiet_fit(make_regressor(kind, **params), X, y)
    np.testing.assert_allclose(weighted.predict(X), plain.predict(X))


@pytest.mark.parametrize("kind", KINDS)
def test_regressor_shuffle_changes_training(kind):
    """test_shuffle: the same seed gives the same weights, shuffling others."""
    X, y = make_regression(n_samples=50, n_features=5, random_state=0)
    params = {"hidden_layer_sizes": 1, "max_iter": 1, "batch_size": 1}
    for shuffle in (True, False):
        first = quiet_fit(make_regressor(kind, shuffle=shuffle, **params), X, y)
        second = quiet_fit(make_regressor(kind, shuffle=shuffle, **params), X, y)
        np.testing.assert_array_equal(first.coefs_[0], second.coefs_[0])
    shuffled = quiet_fit(make_regressor(kind, shuffle=True, **params), X, y)
    ordered = quiet_fit(make_regressor(kind, shuffle=False, **params), X, y)
    assert not np.array_equal(shuffled.coefs_[0], ordered.coefs_[0])


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("momentum", [0.0, 0.9])
def test_regressor_partial_fit_equals_fit(kind, momentum):
    """test_partial_fit_regression: 100 partial_fit calls are 100 epochs of fit."""
    params = {
        "solver": "sgd",
        "learning_rate_init": 0.01,
        "batch_size": X_REG.shape[0],
        "momentum": momentum,
        "random_state": 1,
    }
    fitted = quiet_fit(
        make_regressor(kind, max_iter=100, tol=0, **params), X_REG, Y_REG
    )
    streamed = make_regressor(kind, **params)
    for _ in range(100):
        streamed.partial_fit(X_REG, Y_REG)
    np.testing.assert_allclose(streamed.predict(X_REG), fitted.predict(X_REG))
    # scikit-learn's relu network reaches 0.65 with and without momentum;
    # sigmoid units without momentum learn slower at this rate
    assert streamed.score(X_REG, Y_REG) > (0.65 if momentum else 0.0)


@pytest.mark.parametrize("kind", KINDS)
def test_regressor_saturates_on_huge_inputs(kind):
    """test_nonfinite_params's inputs near the float64 maximum: its relu network
    gets non-finite weights (and a ValueError); sigmoid units saturate, and
    both estimators keep finite weights and predictions."""
    rng = np.random.RandomState(0)
    X = np.finfo(np.float64).max * rng.uniform(size=(10, 2))
    y = rng.standard_normal(size=10)
    reg = quiet_fit(make_regressor(kind, hidden_layer_sizes=(100,)), X, y)
    assert all(np.isfinite(a).all() for a in reg.coefs_ + reg.intercepts_)
    assert np.isfinite(reg.predict(X)).all()


@pytest.mark.parametrize("kind", KINDS)
def test_regressor_partial_fit_after_loading(kind, tmp_path):
    """test_mlp_loading_from_joblib_partial_fit: a loaded model trains on."""
    reg = make_regressor(
        kind, hidden_layer_sizes=(42,), random_state=42, learning_rate_init=0.01
    )
    quiet_fit(reg, [[2]], [4])
    joblib.dump(reg, tmp_path / "mlp.pkl")
    loaded = joblib.load(tmp_path / "mlp.pkl")
    for _ in range(200):
        loaded.partial_fit([[2]], [1])
    np.testing.assert_allclose(loaded.predict([[2]]), [1], rtol=1e-4)


@pytest.mark.parametrize("kind", KINDS)
def test_regressor_keeps_feature_names_with_early_stopping(kind):
    """test_preserve_feature_names: no warning about feature names."""
    pd = pytest.importorskip("pandas")
    rng = np.random.RandomState(0)
    X = pd.DataFrame(data=rng.randn(10, 2), columns=["colname_a", "colname_b"])
    y = pd.Series(data=np.full(10, 1), name="colname_y")
    reg = make_regressor(kind, early_stopping=True, validation_fraction=0.2)
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        warnings.simplefilter("ignore", ConvergenceWarning)
        reg.fit(X, y)


# ------------------------------- the same loss curve from the same weights


def shared_initial_weights(layer_sizes, seed):
    """Weights and non-zero intercepts for each layer, keyed by its shape."""
    rng = np.random.RandomState(seed)
    return {
        (fan_in, fan_out): (
            rng.uniform(-0.5, 0.5, (fan_in, fan_out)),
            rng.uniform(-0.5, 0.5, fan_out),
        )
        for fan_in, fan_out in itertools.pairwise(layer_sizes)
    }


@pytest.mark.parametrize("solver", ["adam", "sgd"])
@pytest.mark.parametrize(
    ("loss", "y"),
    [
        ("squared_error", Y_REG),
        ("poisson", Y_COUNTS),
        ("poisson", np.column_stack([Y_COUNTS, 2 * Y_COUNTS + 1])),
    ],
    ids=["squared_error", "poisson", "poisson-2-outputs"],
)
def test_regressor_trains_as_mlpregressor_from_the_same_weights(
    monkeypatch, solver, loss, y
):
    """From the same initial weights, with rows in order, SigmoidMLPRegressor's
    ``loss_curve_`` and weights are MLPRegressor's (logistic hidden layers):
    the same loss, the same gradient, the same optimizer.

    (With several outputs the squared error is left out: MLPRegressor's
    gradient of it is ``n_outputs`` times the gradient of the loss it
    reports, ours is the gradient of that loss; see the user guide.)
    """
    n_outputs = 1 if y.ndim == 1 else y.shape[1]
    layer_sizes = [X_REG.shape[1], 7, 5, n_outputs]
    weights = shared_initial_weights(layer_sizes, seed=3)
    monkeypatch.setattr(
        MLPRegressor,
        "_init_coef",
        lambda self, fan_in, fan_out, dtype: tuple(
            a.astype(dtype) for a in weights[fan_in, fan_out]
        ),
    )
    monkeypatch.setattr(
        _base,
        "init_parameters",
        lambda sizes, weight_init, rng, dtype: (
            [weights[shape][0].astype(dtype) for shape in itertools.pairwise(sizes)],
            [weights[shape][1].astype(dtype) for shape in itertools.pairwise(sizes)],
        ),
    )
    # ours starts its output at the mean target; here it starts as MLPRegressor's
    monkeypatch.setattr(
        _regression_targets.RegressionTargets,
        "initialize_outputs",
        lambda self, p, d: None,
    )
    params = {
        "hidden_layer_sizes": (7, 5),
        "loss": loss,
        "solver": solver,
        "learning_rate_init": 0.01,
        "batch_size": 50,
        "shuffle": False,
        "max_iter": 15,
        "alpha": 0.01,
    }
    ours = quiet_fit(make_regressor("ours", **params), X_REG, y)
    theirs = quiet_fit(make_regressor("sklearn", **params), X_REG, y)
    np.testing.assert_allclose(ours.loss_curve_, theirs.loss_curve_, rtol=1e-10)
    for a, b in zip(ours.coefs_ + ours.intercepts_, theirs.coefs_ + theirs.intercepts_):
        np.testing.assert_allclose(a, b, rtol=1e-8, atol=1e-12)
    np.testing.assert_allclose(ours.predict(X_REG), theirs.predict(X_REG), rtol=1e-8)


def test_multioutput_squared_error_reports_mlpregressors_loss(monkeypatch):
    """Several outputs, squared error: the first epoch of one batch (the loss
    of the initial weights) is the same number, half the squared error
    averaged over the outputs."""
    layer_sizes = [X_REG.shape[1], 7, 3]
    weights = shared_initial_weights(layer_sizes, seed=4)
    monkeypatch.setattr(
        MLPRegressor,
        "_init_coef",
        lambda self, fan_in, fan_out, dtype: weights[fan_in, fan_out],
    )
    monkeypatch.setattr(
        _base,
        "init_parameters",
        lambda sizes, weight_init, rng, dtype: (
            [weights[shape][0] for shape in itertools.pairwise(sizes)],
            [weights[shape][1] for shape in itertools.pairwise(sizes)],
        ),
    )
    monkeypatch.setattr(
        _regression_targets.RegressionTargets,
        "initialize_outputs",
        lambda self, p, d: None,
    )
    params = {"hidden_layer_sizes": (7,), "batch_size": 200, "max_iter": 1}
    ours = quiet_fit(make_regressor("ours", **params), X_REG, Y_REG_MULTI)
    theirs = quiet_fit(make_regressor("sklearn", **params), X_REG, Y_REG_MULTI)
    assert ours.loss_curve_[0] == pytest.approx(theirs.loss_curve_[0], rel=1e-12)
