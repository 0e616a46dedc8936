"""Array API support: PyTorch, CuPy and array-api-strict inputs.

With ``sklearn.set_config(array_api_dispatch=True)`` the estimators (the
classifier and the regressor) train and predict in the namespace and on the
device of ``X``. scikit-learn enables
dispatch only when SciPy's own array API support is on, and SciPy reads
``SCIPY_ARRAY_API=1`` once, when it is imported. So that the rest of the
suite runs with SciPy as users have it, these tests run in a child pytest
that sets the variable (``test_array_api_suite_in_child_process``); where the
whole suite already runs with ``SCIPY_ARRAY_API=1`` they run in-process and
the child is skipped. Without the variable they are deselected, not skipped
(``tests/conftest.py``), and the terminal summary gives the child's counts.

array-api-strict cases always run (it is in the ``test`` extra); PyTorch
cases run where torch is installed, CUDA and CuPy cases where a GPU is. The
test with dispatch off, that torch and CuPy are never imported, needs no
dispatch and runs in a child interpreter of its own.
"""

import os
import pickle
import re
import subprocess
import sys
import warnings
from pathlib import Path

import joblib
import numpy as np
import pytest
import scipy.sparse as sp
from helpers import run_program
from sklearn import config_context
from sklearn.datasets import make_classification, make_friedman1
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils.estimator_checks import estimator_checks_generator

from sklearn_sigmoid_mlp import SigmoidMLPClassifier, SigmoidMLPRegressor, to_numpy
from sklearn_sigmoid_mlp._array_api import asnumpy

ROOT = Path(__file__).resolve().parent.parent
IN_CHILD = os.environ.get("SCIPY_ARRAY_API") == "1"
# needs SCIPY_ARRAY_API=1: tests/conftest.py deselects these without it, and
# test_array_api_suite_in_child_process runs them in a child pytest
needs_dispatch = pytest.mark.array_api_dispatch

#: (library, device): the namespaces every case runs on
NAMESPACES = [
    ("array_api_strict", None),
    ("torch", "cpu"),
    ("torch", "cuda"),
    ("cupy", None),
]
NAMESPACE_IDS = ["array_api_strict", "torch-cpu", "torch-cuda", "cupy"]
DTYPES = [np.float32, np.float64]


def namespace(library, device):
    """The array module and device of a case; skips what this machine lacks."""
    xp = pytest.importorskip(library)
    if library == "torch" and device == "cuda" and not xp.cuda.is_available():
        pytest.skip("PyTorch has no CUDA device here")
    if library == "cupy" and xp.cuda.runtime.getDeviceCount() == 0:
        pytest.skip("CuPy has no GPU here")
    return xp, device


def moved(xp, device, array):
    """A NumPy array in ``xp``, on ``device``."""
    if device is None:
        return xp.asarray(array)
    return xp.asarray(array, device=device)


def device_of(array):
    return str(array.device)


@pytest.fixture
def dispatch():
    with config_context(array_api_dispatch=True):
        yield


def data(dtype=np.float64, n_classes=3, n_samples=120):
    X, y = make_classification(
        n_samples=n_samples,
        n_features=8,
        n_informative=5,
        n_classes=n_classes,
        random_state=0,
    )
    return X.astype(dtype), y


def model(**params):
    params = {"hidden_layer_sizes": (12, 6), "max_iter": 8, "random_state": 0} | (
        params
    )
    return SigmoidMLPClassifier(**params)


def fit_quietly(clf, X, y, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return clf.fit(X, y, **kwargs)


def assert_in(xp_name, device, array):
    module = type(array).__module__
    assert module.split(".")[0] == xp_name, module
    if device is not None:
        assert device_of(array).startswith(device)


# ------------------------------------------------------ scikit-learn's checks


def array_api_checks():
    """scikit-learn's array API checks of the estimators (tag array_api_support)."""
    checks = []
    for cls, params in (
        (SigmoidMLPClassifier, {}),
        (SigmoidMLPClassifier, {"solver": "sgd"}),
        (SigmoidMLPClassifier, {"loss": "squared_error"}),
        (SigmoidMLPClassifier, {"solver": "lbfgs"}),
        (SigmoidMLPRegressor, {}),
        (SigmoidMLPRegressor, {"loss": "poisson"}),
        (SigmoidMLPRegressor, {"solver": "sgd"}),
        (SigmoidMLPRegressor, {"solver": "lbfgs"}),
    ):
        estimator = cls(**params)
        for _, check in estimator_checks_generator(estimator, legacy=True):
            if check.func.__name__.startswith("check_array_api"):
                keywords = "-".join(str(v) for v in check.keywords.values())
                name = f"{cls.__name__}-{params}-{check.func.__name__}-{keywords}"
                checks.append(pytest.param(estimator, check, id=name))
    return checks


@pytest.mark.parametrize("cls", [SigmoidMLPClassifier, SigmoidMLPRegressor])
def test_estimator_declares_array_api_support(cls):
    assert cls().__sklearn_tags__().array_api_support


@needs_dispatch
@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize("estimator, check", array_api_checks())
def test_sklearn_array_api_check(estimator, check):
    """check_estimator's array API checks pass (those without a device skip)."""
    check(estimator)


# ------------------------------------------------------------ in a namespace


@needs_dispatch
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize(("library", "device"), NAMESPACES, ids=NAMESPACE_IDS)
@pytest.mark.parametrize("labels_in_namespace", [False, True])
def test_fit_and_predict_in_the_namespace(
    library, device, dtype, labels_in_namespace, dispatch
):
    """Fitted arrays, optimizer state and outputs live in X's namespace."""
    xp, device = namespace(library, device)
    X, y = data(dtype)
    X_xp = moved(xp, device, X)
    y_given = moved(xp, device, y) if labels_in_namespace else y
    clf = fit_quietly(model(), X_xp, y_given)
    for array in clf.coefs_ + clf.intercepts_:
        assert_in(library, device, array)
        assert asnumpy(array).dtype == dtype
    for key in ("first_moments", "second_moments"):
        assert_in(library, device, clf._optimizer_state[key])
    assert isinstance(clf.classes_, np.ndarray)
    predicted = clf.predict(X_xp)
    assert_in(library, device, predicted)
    assert set(np.unique(asnumpy(predicted))) <= {0, 1, 2}
    for method in (clf.predict_proba, clf.predict_log_proba):
        output = method(X_xp)
        assert_in(library, device, output)
        assert asnumpy(output).dtype == dtype
    np.testing.assert_allclose(asnumpy(clf.predict_proba(X_xp)).sum(axis=1), 1, 1e-5)
    assert isinstance(clf.score(X_xp, y_given), float)
    # partial_fit continues on the same device, with its state
    t = clf._optimizer_state["t"]
    clf.partial_fit(X_xp, y_given)
    assert clf._optimizer_state["t"] > t
    assert_in(library, device, clf.coefs_[0])


@needs_dispatch
@pytest.mark.parametrize(("library", "device"), NAMESPACES, ids=NAMESPACE_IDS)
@pytest.mark.parametrize(
    "params",
    [
        {"solver": "sgd", "momentum": 0.5},
        {"loss": "squared_error", "fit_intercept": False},
        {"class_weight": "balanced", "weight_init": "notebook"},
        {"solver": "sgd", "momentum": 0, "batch_size": 1, "alpha": 0},
    ],
    ids=["sgd-nesterov", "squared-error", "class-weight", "per-sample-sgd"],
)
def test_settings_train_in_the_namespace(library, device, params, dispatch):
    """Every output layout and solver path trains there, sample weights too.

    Per-sample SGD has NumPy's fast paths (blocks, BLAS rank-one updates);
    other namespaces take the general mini-batch step, which is the same SGD.
    """
    xp, device = namespace(library, device)
    X, y = data(n_samples=60)
    weights = np.linspace(0.5, 2, len(y))
    clf = fit_quietly(
        model(max_iter=3, **params),
        moved(xp, device, X),
        y,
        sample_weight=moved(xp, device, weights),
    )
    assert_in(library, device, clf.coefs_[0])
    expected = fit_quietly(model(max_iter=3, **params), X, y, sample_weight=weights)
    np.testing.assert_allclose(
        asnumpy(clf.predict_proba(moved(xp, device, X))),
        expected.predict_proba(X),
        atol=1e-6,
    )


@needs_dispatch
@pytest.mark.parametrize(("library", "device"), NAMESPACES, ids=NAMESPACE_IDS)
def test_binary_multilabel_and_string_labels(library, device, dispatch):
    xp, device = namespace(library, device)
    X, y = data(n_classes=2)
    X_xp = moved(xp, device, X)
    names = np.array(["no", "yes"])[y]
    clf = fit_quietly(model(), X_xp, names)
    # strings stay NumPy: no array library of the standard holds them
    assert asnumpy(clf.predict(X_xp)).dtype.kind == "U"
    assert asnumpy(clf.predict_proba(X_xp)).shape == (len(y), 2)
    Y = np.stack([y, 1 - y, y], axis=1)
    clf = fit_quietly(model(), X_xp, moved(xp, device, Y))
    indicators = clf.predict(X_xp)
    assert_in(library, device, indicators)
    assert asnumpy(indicators).shape == Y.shape


@needs_dispatch
@pytest.mark.parametrize(("library", "device"), NAMESPACES, ids=NAMESPACE_IDS)
def test_one_class_in_the_namespace(library, device, dispatch):
    """A model of one class predicts it, with a column of ones, on the device."""
    xp, device = namespace(library, device)
    X, _ = data()
    X_xp = moved(xp, device, X)
    clf = fit_quietly(model(), X_xp, moved(xp, device, np.full(len(X), 3)))
    labels, proba = clf.predict(X_xp), clf.predict_proba(X_xp)
    assert_in(library, device, labels)
    assert_in(library, device, proba)
    np.testing.assert_array_equal(asnumpy(labels), np.full(len(X), 3))
    np.testing.assert_array_equal(asnumpy(proba), np.ones((len(X), 1)))
    # string labels stay NumPy
    clf = fit_quietly(model(), X_xp, np.full(len(X), "only"))
    assert asnumpy(clf.predict(X_xp)).tolist() == ["only"] * len(X)


@needs_dispatch
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize(("library", "device"), NAMESPACES, ids=NAMESPACE_IDS)
def test_the_same_seed_draws_the_same_initial_weights(library, device, dtype, dispatch):
    """Weights are drawn with NumPy from random_state, then moved."""
    xp, device = namespace(library, device)
    X, y = data(dtype)
    # a step too small to move any weight shows the initial ones
    params = {"solver": "sgd", "momentum": 0, "learning_rate_init": 1e-30}
    clf = fit_quietly(model(max_iter=1, **params), moved(xp, device, X), y)
    expected = fit_quietly(model(max_iter=1, **params), X, y)
    for ours, theirs in zip(clf.coefs_, expected.coefs_):
        np.testing.assert_array_equal(asnumpy(ours), theirs)


# -------------------------------------------------- PyTorch agrees with NumPy

#: the largest differences of the torch-CPU fits from the NumPy fits
AGREEMENT = {}


@needs_dispatch
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("solver", ["adam", "sgd"])
def test_torch_cpu_fit_equals_the_numpy_fit(dtype, solver, dispatch):
    """Twenty epochs on torch CPU give NumPy's weights within float tolerance."""
    torch = pytest.importorskip("torch")
    X, y = data(dtype, n_samples=300)
    params = {"max_iter": 20, "solver": solver, "learning_rate_init": 0.01}
    ours = fit_quietly(model(**params), torch.asarray(X), torch.asarray(y))
    expected = fit_quietly(model(**params), X, y)
    tolerance = 1e-4 if dtype == np.float32 else 1e-10
    weights = max(
        float(np.max(np.abs(asnumpy(a) - b)))
        for a, b in zip(
            ours.coefs_ + ours.intercepts_, expected.coefs_ + expected.intercepts_
        )
    )
    proba = float(
        np.max(
            np.abs(
                asnumpy(ours.predict_proba(torch.asarray(X)))
                - expected.predict_proba(X)
            )
        )
    )
    AGREEMENT[dtype.__name__, solver] = weights, proba
    print(
        f"torch-CPU vs NumPy, {dtype.__name__} {solver}: weights {weights:.2e}, "
        f"probabilities {proba:.2e}"
    )
    assert weights < tolerance
    assert proba < tolerance
    np.testing.assert_allclose(ours.loss_curve_, expected.loss_curve_, rtol=tolerance)
    assert ours.n_iter_ == expected.n_iter_


# ------------------------------------------------------ back to NumPy, saving


@needs_dispatch
@pytest.mark.parametrize(("library", "device"), NAMESPACES, ids=NAMESPACE_IDS)
def test_round_trip_to_numpy_then_joblib_and_onnx(library, device, dispatch, tmp_path):
    """to_numpy brings a model home: it pickles, exports and trains on."""
    xp, device = namespace(library, device)
    X, y = data(np.float32)
    X_xp = moved(xp, device, X)
    clf = fit_quietly(model(), X_xp, y)
    home = to_numpy(clf)
    assert all(type(a) is np.ndarray for a in home.coefs_ + home.intercepts_)
    assert all(
        type(v) is np.ndarray
        for v in home._optimizer_state.values()
        if hasattr(v, "shape")
    )
    assert_in(library, device, clf.coefs_[0])  # the original is untouched
    np.testing.assert_allclose(
        home.predict_proba(X), asnumpy(clf.predict_proba(X_xp)), atol=1e-6
    )
    with config_context(array_api_dispatch=False):
        path = tmp_path / "model.joblib"
        joblib.dump(home, path)
        loaded = joblib.load(path)
        np.testing.assert_array_equal(loaded.predict_proba(X), home.predict_proba(X))
        loaded.partial_fit(X, y)
    assert b"torch" not in pickle.dumps(home)
    onnx = pytest.importorskip("sklearn_sigmoid_mlp.onnx")
    ort = pytest.importorskip("onnxruntime")
    graph = onnx.to_onnx(home, X[:1], options={"zipmap": False})
    session = ort.InferenceSession(
        graph.SerializeToString(), providers=["CPUExecutionProvider"]
    )
    labels, proba = session.run(None, {session.get_inputs()[0].name: X})
    np.testing.assert_array_equal(labels, home.predict(X))
    np.testing.assert_allclose(proba, home.predict_proba(X), atol=1e-5)


# ------------------------------------------------------------- what is NumPy's


@needs_dispatch
@pytest.mark.parametrize(("library", "device"), NAMESPACES, ids=NAMESPACE_IDS)
def test_sparse_input_needs_a_numpy_model(library, device, dispatch):
    xp, device = namespace(library, device)
    X, y = data()
    clf = fit_quietly(model(), moved(xp, device, X), y)
    X_sparse = sp.csr_matrix(X)
    with pytest.raises(ValueError, match="Sparse input needs a NumPy model"):
        clf.predict(X_sparse)
    with pytest.raises(ValueError, match="Sparse input needs a NumPy model"):
        clf.partial_fit(X_sparse, y)
    # sparse X trains in NumPy, whatever the namespace of y
    fitted = fit_quietly(model(), X_sparse, moved(xp, device, y))
    assert type(fitted.coefs_[0]) is np.ndarray


@needs_dispatch
def test_sparse_torch_tensors_are_refused(dispatch):
    torch = pytest.importorskip("torch")
    X, y = data()
    X_sparse = torch.asarray(X).to_sparse()
    with pytest.raises(ValueError, match="sparse torch array"):
        model().fit(X_sparse, y)
    clf = fit_quietly(model(), torch.asarray(X), y)
    with pytest.raises(ValueError, match="sparse torch array"):
        clf.predict(X_sparse)


@needs_dispatch
@pytest.mark.parametrize(("library", "device"), NAMESPACES, ids=NAMESPACE_IDS)
def test_inputs_must_stay_in_the_model_namespace(library, device, dispatch):
    xp, device = namespace(library, device)
    X, y = data()
    clf = fit_quietly(model(), moved(xp, device, X), y)
    with pytest.raises(ValueError, match=r"predict_proba\(\) must use the same"):
        clf.predict_proba(X)
    with (
        config_context(array_api_dispatch=False),
        pytest.raises(ValueError, match="array API dispatch is off"),
    ):
        clf.predict(X)


@needs_dispatch
@pytest.mark.parametrize(("library", "device"), NAMESPACES, ids=NAMESPACE_IDS)
def test_held_out_early_stopping_is_numpy_only(library, device, dispatch):
    xp, device = namespace(library, device)
    X, y = data()
    with pytest.raises(ValueError, match="holds rows of X out with NumPy input"):
        model(early_stopping=True).fit(moved(xp, device, X), y)


@needs_dispatch
@pytest.mark.parametrize(("library", "device"), NAMESPACES, ids=NAMESPACE_IDS)
@pytest.mark.parametrize("early_stopping", [False, True])
def test_x_val_on_the_device_matches_numpy(library, device, early_stopping, dispatch):
    """fit's X_val in the namespace of X: the scores and losses NumPy records."""
    xp, device = namespace(library, device)
    X, y = data()
    X_val, y_val = X[:40], y[:40]
    params = {"early_stopping": early_stopping, "n_iter_no_change": 2}
    ours = fit_quietly(
        model(**params),
        moved(xp, device, X),
        y,
        X_val=moved(xp, device, X_val),
        y_val=moved(xp, device, y_val),
    )
    with config_context(array_api_dispatch=False):
        reference = fit_quietly(model(**params), X, y, X_val=X_val, y_val=y_val)
    assert ours.n_iter_ == reference.n_iter_
    np.testing.assert_allclose(ours.validation_scores_, reference.validation_scores_)
    np.testing.assert_allclose(
        ours.validation_loss_curve_, reference.validation_loss_curve_, rtol=1e-6
    )
    assert_in(library, device, ours.coefs_[0])
    with pytest.raises(ValueError, match="X_val must be in the namespace"):
        model().fit(moved(xp, device, X), y, X_val=X_val, y_val=y_val)


@needs_dispatch
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize(("library", "device"), NAMESPACES, ids=NAMESPACE_IDS)
def test_lbfgs_runs_in_the_namespace(library, device, dtype, dispatch):
    """L-BFGS: the passes there, only the flat vector on the host; NumPy's fit."""
    xp, device = namespace(library, device)
    X, y = data(dtype)
    X_val, y_val = X[:40], y[:40]
    params = {"solver": "lbfgs", "max_iter": 15}
    ours = fit_quietly(
        model(**params),
        moved(xp, device, X),
        y,
        X_val=moved(xp, device, X_val),
        y_val=moved(xp, device, y_val),
    )
    assert_in(library, device, ours.coefs_[0])
    assert str(ours.coefs_[0].dtype).endswith(np.dtype(dtype).name)
    with config_context(array_api_dispatch=False):
        reference = fit_quietly(model(**params), X, y, X_val=X_val, y_val=y_val)
    assert ours.n_iter_ == reference.n_iter_
    rtol = 1e-4 if dtype == np.float32 else 1e-7
    assert ours.loss_ == pytest.approx(reference.loss_, rel=rtol)
    np.testing.assert_allclose(
        asnumpy(ours.predict_proba(moved(xp, device, X))),
        reference.predict_proba(X),
        rtol=rtol,
        atol=rtol,
    )
    assert len(ours.validation_scores_) == ours.n_iter_


class KeepsEpochModels:
    """A scikit-learn callback that keeps the fitted model of every epoch."""

    def __init__(self):
        self.models = []

    def setup(self, estimator, context):
        pass

    def teardown(self, estimator, context):
        pass

    def on_fit_task_begin(self, estimator, context):
        pass

    def on_fit_task_end(self, estimator, context, *, fitted_estimator=None):
        if context.task_name == "epoch":
            self.models.append(fitted_estimator)


@needs_dispatch
@pytest.mark.parametrize(("library", "device"), NAMESPACES, ids=NAMESPACE_IDS)
def test_callbacks_get_each_epoch_s_model_on_the_device(library, device, dispatch):
    """The fitted models the callbacks get are copies, in the namespace of X."""
    pytest.importorskip("sklearn.callback")
    xp, device = namespace(library, device)
    X, y = data()
    keeper = KeepsEpochModels()
    clf = fit_quietly(model(max_iter=3).set_callbacks(keeper), moved(xp, device, X), y)
    first, _, last = keeper.models
    assert_in(library, device, first.coefs_[0])
    assert first.n_iter_ == 1
    epoch_arrays = last.coefs_ + last.intercepts_
    for ours, final in zip(epoch_arrays, clf.coefs_ + clf.intercepts_):
        np.testing.assert_array_equal(asnumpy(ours), asnumpy(final))
    assert not np.array_equal(asnumpy(first.coefs_[0]), asnumpy(clf.coefs_[0]))


@needs_dispatch
@pytest.mark.parametrize("dtype", DTYPES)
def test_numpy_input_with_dispatch_on_is_the_numpy_path(dtype, dispatch):
    """Dispatch on, NumPy in: the same weights, bit for bit, as dispatch off."""
    X, y = data(dtype)
    on = fit_quietly(model(), X, y)
    with config_context(array_api_dispatch=False):
        off = fit_quietly(model(), X, y)
    for a, b in zip(on.coefs_ + on.intercepts_, off.coefs_ + off.intercepts_):
        np.testing.assert_array_equal(a, b)


# ----------------------------------------------------------------- regression


def regression_data(dtype=np.float64, loss="squared_error", n_outputs=1, n_samples=120):
    """Friedman #1 and a target for ``loss``: 1-D for one output.

    Real numbers for the squared error; non-negative counts for the Poisson
    loss.
    """
    X, y = make_friedman1(n_samples=n_samples, noise=0.5, random_state=0)
    Y = np.column_stack([y, np.sqrt(y), 10 - y])[:, :n_outputs]
    if loss == "poisson":
        Y = np.random.default_rng(0).poisson(np.exp(Y / 10)).astype(np.float64)
    return X.astype(dtype), Y[:, 0] if n_outputs == 1 else Y


def regressor(**params):
    params = {"hidden_layer_sizes": (12, 6), "max_iter": 8, "random_state": 0} | (
        params
    )
    return SigmoidMLPRegressor(**params)


def assert_close_predictions(ours, expected, dtype, rtol):
    """Predictions within ``rtol`` of the largest expected one, in ``dtype``."""
    ours = asnumpy(ours)
    assert ours.dtype == dtype and ours.shape == expected.shape
    scale = float(np.max(np.abs(expected)))
    assert float(np.max(np.abs(ours - expected))) <= rtol * scale


#: relative tolerances of a fit in another namespace against NumPy's
STOCHASTIC_RTOL = {np.float32: 1e-4, np.float64: 1e-10}
LBFGS_RTOL = {np.float32: 1e-2, np.float64: 1e-9}


@needs_dispatch
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize(("library", "device"), NAMESPACES, ids=NAMESPACE_IDS)
@pytest.mark.parametrize(
    ("loss", "n_outputs"),
    [("squared_error", 1), ("squared_error", 3), ("poisson", 1), ("poisson", 2)],
)
@pytest.mark.parametrize("y_in_namespace", [False, True])
def test_regressor_fits_and_predicts_in_the_namespace(
    library, device, dtype, loss, n_outputs, y_in_namespace, dispatch
):
    """Weights, optimizer state and predictions in X's namespace; NumPy's fit.

    ``predict`` is 1-D for one output, in the namespace and dtype of the
    weights; ``score`` is a Python float; ``partial_fit`` continues there.
    """
    xp, device = namespace(library, device)
    X, y = regression_data(dtype, loss, n_outputs)
    X_xp = moved(xp, device, X)
    y_given = moved(xp, device, y) if y_in_namespace else y
    reg = fit_quietly(regressor(loss=loss), X_xp, y_given)
    for array in reg.coefs_ + reg.intercepts_:
        assert_in(library, device, array)
        assert asnumpy(array).dtype == dtype
    for key in ("first_moments", "second_moments"):
        assert_in(library, device, reg._optimizer_state[key])
    predicted = reg.predict(X_xp)
    assert_in(library, device, predicted)
    with config_context(array_api_dispatch=False):
        expected = fit_quietly(regressor(loss=loss), X, y)
    assert_close_predictions(
        predicted, expected.predict(X), dtype, STOCHASTIC_RTOL[dtype]
    )
    score = reg.score(X_xp, y_given)
    assert isinstance(score, float)
    assert score == pytest.approx(expected.score(X, y), rel=1e-3, abs=1e-4)
    t = reg._optimizer_state["t"]
    reg.partial_fit(X_xp, y_given)
    assert reg._optimizer_state["t"] > t
    assert_in(library, device, reg.coefs_[0])


@needs_dispatch
@pytest.mark.parametrize(("library", "device"), NAMESPACES, ids=NAMESPACE_IDS)
@pytest.mark.parametrize(
    "params",
    [
        {"solver": "sgd", "momentum": 0.5},
        {"solver": "sgd", "loss": "poisson", "fit_intercept": False},
        {"solver": "sgd", "momentum": 0, "batch_size": 1, "alpha": 0},
        {"learning_rate": "cosine", "weight_init": "notebook"},
    ],
    ids=["sgd-nesterov", "poisson-no-intercepts", "per-sample-sgd", "cosine"],
)
def test_regressor_settings_train_in_the_namespace(library, device, params, dispatch):
    """Solvers, outputs and sample weights there: NumPy's predictions."""
    xp, device = namespace(library, device)
    X, y = regression_data(loss=params.get("loss", "squared_error"), n_samples=60)
    weights = np.linspace(0.5, 2, len(y))
    reg = fit_quietly(
        regressor(max_iter=3, **params),
        moved(xp, device, X),
        y,
        sample_weight=moved(xp, device, weights),
    )
    assert_in(library, device, reg.coefs_[0])
    expected = fit_quietly(regressor(max_iter=3, **params), X, y, sample_weight=weights)
    assert_close_predictions(
        reg.predict(moved(xp, device, X)), expected.predict(X), np.float64, 1e-8
    )


@needs_dispatch
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize(("library", "device"), NAMESPACES, ids=NAMESPACE_IDS)
@pytest.mark.parametrize("loss", ["squared_error", "poisson"])
def test_regressor_lbfgs_and_x_val_in_the_namespace(
    library, device, dtype, loss, dispatch
):
    """L-BFGS with X_val there: NumPy's iterations, loss, R² and predictions."""
    xp, device = namespace(library, device)
    X, y = regression_data(dtype, loss, n_outputs=2)
    X_val, y_val = X[:40], y[:40]
    params = {"solver": "lbfgs", "loss": loss, "max_iter": 15}
    ours = fit_quietly(
        regressor(**params),
        moved(xp, device, X),
        y,
        X_val=moved(xp, device, X_val),
        y_val=moved(xp, device, y_val),
    )
    assert_in(library, device, ours.coefs_[0])
    with config_context(array_api_dispatch=False):
        reference = fit_quietly(regressor(**params), X, y, X_val=X_val, y_val=y_val)
    assert ours.n_iter_ == reference.n_iter_
    rtol = LBFGS_RTOL[dtype]
    assert ours.loss_ == pytest.approx(reference.loss_, rel=rtol)
    np.testing.assert_allclose(
        ours.validation_scores_, reference.validation_scores_, rtol=rtol, atol=rtol
    )
    assert_close_predictions(
        ours.predict(moved(xp, device, X)), reference.predict(X), dtype, rtol
    )


@needs_dispatch
@pytest.mark.parametrize(("library", "device"), NAMESPACES, ids=NAMESPACE_IDS)
@pytest.mark.parametrize("early_stopping", [False, True])
def test_regressor_x_val_on_the_device_matches_numpy(
    library, device, early_stopping, dispatch
):
    """fit's X_val in X's namespace: the R² and losses NumPy records."""
    xp, device = namespace(library, device)
    X, y = regression_data(n_outputs=3)
    X_val, y_val = X[:40], y[:40]
    params = {"early_stopping": early_stopping, "n_iter_no_change": 2}
    ours = fit_quietly(
        regressor(**params),
        moved(xp, device, X),
        y,
        X_val=moved(xp, device, X_val),
        y_val=moved(xp, device, y_val),
    )
    with config_context(array_api_dispatch=False):
        reference = fit_quietly(regressor(**params), X, y, X_val=X_val, y_val=y_val)
    assert ours.n_iter_ == reference.n_iter_
    np.testing.assert_allclose(ours.validation_scores_, reference.validation_scores_)
    np.testing.assert_allclose(
        ours.validation_loss_curve_, reference.validation_loss_curve_, rtol=1e-6
    )
    assert_in(library, device, ours.coefs_[0])
    with pytest.raises(ValueError, match="holds rows of X out with NumPy input"):
        regressor(early_stopping=True).fit(moved(xp, device, X), y)


@needs_dispatch
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("loss", ["squared_error", "poisson"])
def test_torch_cpu_regressor_fit_equals_the_numpy_fit(dtype, loss, dispatch):
    """Twenty Adam epochs on torch CPU give NumPy's weights and predictions."""
    torch = pytest.importorskip("torch")
    X, y = regression_data(dtype, loss, n_outputs=2, n_samples=300)
    params = {"max_iter": 20, "loss": loss, "learning_rate_init": 0.01}
    ours = fit_quietly(regressor(**params), torch.asarray(X), torch.asarray(y))
    expected = fit_quietly(regressor(**params), X, y)
    tolerance = 1e-4 if dtype == np.float32 else 1e-10
    for a, b in zip(
        ours.coefs_ + ours.intercepts_, expected.coefs_ + expected.intercepts_
    ):
        np.testing.assert_allclose(asnumpy(a), b, rtol=tolerance, atol=tolerance)
    assert_close_predictions(
        ours.predict(torch.asarray(X)), expected.predict(X), dtype, tolerance
    )
    np.testing.assert_allclose(ours.loss_curve_, expected.loss_curve_, rtol=tolerance)


@needs_dispatch
@pytest.mark.parametrize(("library", "device"), NAMESPACES, ids=NAMESPACE_IDS)
def test_regressor_round_trip_to_numpy_then_joblib_and_onnx(
    library, device, dispatch, tmp_path
):
    """to_numpy brings a regressor home: it pickles, exports and trains on."""
    xp, device = namespace(library, device)
    X, y = regression_data(np.float32, "poisson", n_outputs=2)
    X_xp = moved(xp, device, X)
    reg = fit_quietly(regressor(loss="poisson"), X_xp, y)
    home = to_numpy(reg)
    assert all(type(a) is np.ndarray for a in home.coefs_ + home.intercepts_)
    assert all(
        type(v) is np.ndarray
        for v in home._optimizer_state.values()
        if hasattr(v, "shape")
    )
    assert_in(library, device, reg.coefs_[0])  # the original is untouched
    assert_close_predictions(
        home.predict(X), asnumpy(reg.predict(X_xp)), np.float32, 1e-6
    )
    with config_context(array_api_dispatch=False):
        path = tmp_path / "regressor.joblib"
        joblib.dump(home, path)
        loaded = joblib.load(path)
        np.testing.assert_array_equal(loaded.predict(X), home.predict(X))
        loaded.partial_fit(X, y)
    assert library.encode() not in pickle.dumps(home)
    onnx = pytest.importorskip("sklearn_sigmoid_mlp.onnx")
    ort = pytest.importorskip("onnxruntime")
    session = ort.InferenceSession(
        onnx.to_onnx(home, X[:1]).SerializeToString(),
        providers=["CPUExecutionProvider"],
    )
    (variable,) = session.run(None, {session.get_inputs()[0].name: X})
    assert_close_predictions(variable, home.predict(X), np.float32, 1e-5)


# ---------------------------------------------------------------- the children


def test_dispatch_off_never_imports_torch_or_cupy():
    """Fits and predictions with dispatch off import no array library."""
    completed = run_program("array_api_imports.py", timeout=300)
    assert completed.returncode == 0, completed.stdout + completed.stderr


@pytest.mark.skipif(IN_CHILD, reason="SCIPY_ARRAY_API=1: the tests run in-process")
def test_array_api_suite_in_child_process(record_property):
    """This module's dispatch tests, in a pytest with SCIPY_ARRAY_API=1.

    The child's closing line ("N passed, M skipped in T s") is recorded as a
    property of this test, for the terminal summary (``tests/conftest.py``).
    """
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            __file__,
            "-q",
            "-rA",
            "-p",
            "no:cacheprovider",
            "-x",
        ],
        cwd=ROOT,
        env={**os.environ, "SCIPY_ARRAY_API": "1"},
        capture_output=True,
        text=True,
        timeout=1800,
        check=False,
    )
    lines = completed.stdout.strip().splitlines()
    print("\n".join(lines[-15:]))
    if lines:
        # the libraries that the skipped cases missed, from the -rA reasons
        missing = sorted(
            set(re.findall(r"could not import '(\w+)'", completed.stdout))
            | set(re.findall(r"(\w+) is not installed", completed.stdout))
        )
        summary = lines[-1].strip("= ")
        if missing:
            summary += f" (not installed here: {', '.join(missing)})"
        record_property("array_api_child_summary", summary)
    assert completed.returncode == 0, completed.stdout[-8000:] + completed.stderr
    # array-api-strict is in the test extra: its cases must have run, not
    # been skipped (scikit-learn's checks, training, predictions, X_val)
    passed = [
        line for line in completed.stdout.splitlines() if line.startswith("PASSED")
    ]
    strict = [line for line in passed if "array_api_strict" in line]
    assert len(strict) >= 20, "\n".join(passed)
    assert any("check_array_api_input-array_api_strict" in line for line in strict)
    assert any("test_x_val_on_the_device" in line for line in strict)
