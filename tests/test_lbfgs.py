"""``solver="lbfgs"``: full-batch L-BFGS-B over the flat parameter vector.

The cases of scikit-learn's ``test_mlp.py`` that exercise ``lbfgs`` on a
classifier, ported; the objective as SciPy sees it checked by
``scipy.optimize.check_grad``; the attributes, warnings and errors compared
with ``MLPClassifier``'s; and what ours adds: callbacks told of every
iteration (and able to stop it), ``max_time``, Ctrl-C, validation scores per
iteration, float32 kept.
"""

import os
import pickle
import re
import signal
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from helpers import blas_threads_by_library, quiet_fit
from scipy.optimize import check_grad
from sklearn.datasets import (
    load_digits,
    make_multilabel_classification,
    make_regression,
)
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import PoissonRegressor
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.preprocessing import MinMaxScaler

from sklearn_sigmoid_mlp import SigmoidMLPClassifier, SigmoidMLPRegressor
from sklearn_sigmoid_mlp._lbfgs import FlatObjective
from sklearn_sigmoid_mlp._losses import Objective
from sklearn_sigmoid_mlp._network import init_parameters
from sklearn_sigmoid_mlp._parameters import Parameters
from sklearn_sigmoid_mlp._training import TrainingData

pytestmark = pytest.mark.usefixtures("single_blas_thread")

# scikit-learn's test data: the first 200 digits of 3 classes, and of 2
X_MULTI, Y_MULTI = load_digits(n_class=3, return_X_y=True)
X_MULTI, Y_MULTI = MinMaxScaler().fit_transform(X_MULTI[:200]), Y_MULTI[:200]
X_BINARY, Y_BINARY = load_digits(n_class=2, return_X_y=True)
X_BINARY, Y_BINARY = MinMaxScaler().fit_transform(X_BINARY[:200]), Y_BINARY[:200]
CLASSIFICATION = [(X_MULTI, Y_MULTI), (X_BINARY, Y_BINARY)]
# (the shape of scikit-learn's tests, with our sigmoid)
LOGISTIC = {"activation": "logistic"}


def ours_and_theirs(**params):
    """Our classifier and MLPClassifier with the same shape and settings."""
    return [
        SigmoidMLPClassifier(**params),
        MLPClassifier(**params, **LOGISTIC),
    ]


# ------------------------------------------------- the objective SciPy sees


@pytest.mark.parametrize(
    ("out_activation", "loss", "n_outputs"),
    [
        ("softmax", "log_loss", 3),
        ("logistic", "log_loss", 1),
        ("logistic", "log_loss", 4),
        ("logistic", "squared_error", 3),
    ],
)
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_check_grad_of_the_flat_objective(
    out_activation, loss, n_outputs, fit_intercept
):
    """The gradient handed to SciPy is the objective's, on the flat vector."""
    rng = np.random.RandomState(0)
    coefs, intercepts = init_parameters(
        [5, 4, 3, n_outputs], "glorot_uniform", rng, np.float64
    )
    intercepts = [rng.normal(scale=0.3, size=b.shape) for b in intercepts]
    params = Parameters.packed(coefs, intercepts, fit_intercept, xp=np)
    labels = rng.randint(n_outputs if n_outputs > 1 else 2, size=12)
    y = np.eye(n_outputs)[labels] if n_outputs > 1 else labels[:, None] * 1.0
    if loss == "log_loss" and out_activation == "logistic" and n_outputs > 1:
        y = (rng.uniform(size=(12, n_outputs)) < 0.5) * 1.0  # multilabel
    weight = rng.uniform(0.2, 2.0, size=12)
    data = TrainingData(rng.normal(size=(12, 5)), y, weight)
    fun = FlatObjective(
        params, Objective(loss, out_activation, 0.05), data, np.asarray, np.asarray
    )
    start = params.trained.copy()
    error = check_grad(lambda w: fun(w)[0], lambda w: fun(w)[1], start)
    assert error < 1e-6 * max(1.0, np.linalg.norm(fun(start)[1]))
    assert np.linalg.norm(fun(start)[1]) > 1e-3  # not vacuous
    _, gradient = fun(start)
    assert gradient.dtype == np.float64 and gradient.shape == start.shape
    assert gradient is not fun.grads  # SciPy keeps what it is given


def test_float32_network_gets_float64_vectors():
    rng = np.random.RandomState(0)
    coefs, intercepts = init_parameters([5, 4, 2], "glorot_uniform", rng, np.float32)
    params = Parameters.packed(coefs, intercepts, True, xp=np)
    data = TrainingData(
        rng.normal(size=(6, 5)).astype(np.float32),
        np.eye(2, dtype=np.float32)[rng.randint(2, size=6)],
        np.ones(6, dtype=np.float32),
    )
    fun = FlatObjective(
        params, Objective("log_loss", "softmax"), data, np.asarray, np.asarray
    )
    value, gradient = fun(params.trained.astype(np.float64) + 0.1)
    assert gradient.dtype == np.float64 and np.isfinite(value)
    assert params.dtype == np.float32
    np.testing.assert_allclose(params.trained, (params.trained + 0).astype(np.float32))


# ------------------------------------------ scikit-learn's test_mlp.py, ported


@pytest.mark.parametrize(("X", "y"), CLASSIFICATION)
def test_lbfgs_classification(X, y):
    """test_mlp.py's ``test_lbfgs_classification``: above 0.95 on digits."""
    X_train, y_train, X_test = X[:150], y[:150], X[150:]
    mlp = SigmoidMLPClassifier(
        solver="lbfgs", hidden_layer_sizes=50, max_iter=150, random_state=1
    )
    mlp.fit(X_train, y_train)
    y_predict = mlp.predict(X_test)
    assert mlp.score(X_train, y_train) > 0.95
    assert (y_predict.shape[0], y_predict.dtype.kind) == (
        X_test.shape[0],
        y_train.dtype.kind,
    )


@pytest.mark.parametrize(("X", "y"), CLASSIFICATION)
@pytest.mark.parametrize("estimator", ["ours", "MLPClassifier"])
def test_lbfgs_classification_maxfun(X, y, estimator):
    """``max_fun`` limits the iterations on its own, with a ConvergenceWarning."""
    params = {"solver": "lbfgs", "hidden_layer_sizes": 50, "max_iter": 150}
    params.update(max_fun=10, random_state=1)
    mlp = dict(zip(["ours", "MLPClassifier"], ours_and_theirs(**params)))[estimator]
    with pytest.warns(ConvergenceWarning, match=r"lbfgs failed to converge"):
        mlp.fit(X, y)
    assert mlp.n_iter_ <= 10
    if estimator == "ours":
        assert mlp.stop_reason_ == "max_fun"


def test_multilabel_classification():
    """test_mlp.py's multilabel case with lbfgs: above 0.97."""
    X, y = make_multilabel_classification(
        n_samples=50, random_state=0, return_indicator=True
    )
    mlp = SigmoidMLPClassifier(
        solver="lbfgs",
        hidden_layer_sizes=50,
        alpha=1e-5,
        max_iter=150,
        random_state=0,
        learning_rate_init=0.2,
    )
    mlp.fit(X, y)
    assert mlp.score(X, y) > 0.97


def test_predict_proba_multilabel():
    """Multilabel outputs are independent: no softmax (test_mlp.py's case)."""
    X, Y = make_multilabel_classification(
        n_samples=50, random_state=0, return_indicator=True
    )
    clf = SigmoidMLPClassifier(solver="lbfgs", hidden_layer_sizes=30, random_state=0)
    clf.fit(X, Y)
    y_proba = clf.predict_proba(X)
    assert y_proba.shape == Y.shape
    np.testing.assert_array_equal(y_proba > 0.5, Y)
    y_log_proba = clf.predict_log_proba(X)
    np.testing.assert_array_equal(y_proba.argmax(axis=1), y_log_proba.argmax(axis=1))
    assert (y_proba.sum(1) - 1).dot(y_proba.sum(1) - 1) > 1e-10


def test_sparse_matrices():
    """Sparse and dense input give the same fit (test_mlp.py's case)."""
    X, y = X_BINARY[:50], Y_BINARY[:50]
    mlp = SigmoidMLPClassifier(solver="lbfgs", hidden_layer_sizes=15, random_state=1)
    dense = mlp.fit(X, y).predict_proba(X)
    sparse = mlp.fit(sp.csr_matrix(X), y).predict_proba(sp.csr_matrix(X))
    np.testing.assert_allclose(dense, sparse, rtol=1e-7, atol=1e-9)


@pytest.mark.parametrize("estimator", ["ours", "MLPClassifier"])
def test_warm_start_needs_the_same_classes(estimator):
    """test_mlp.py's ``test_warm_start`` with lbfgs."""
    X, y = X_MULTI[:150], np.array([0] * 50 + [1] * 50 + [2] * 50)
    params = {"hidden_layer_sizes": 2, "solver": "lbfgs", "warm_start": True}
    params.update(random_state=42, tol=1e-2)
    make = {"ours": SigmoidMLPClassifier, "MLPClassifier": MLPClassifier}[estimator]
    extra = LOGISTIC if estimator == "MLPClassifier" else {}
    clf = quiet_fit(make(**params, **extra), X, y)
    quiet_fit(clf, X, y)
    for y_i in (
        np.array([0] * 75 + [1] * 75),
        np.array([0] * 50 + [1] * 50 + [3] * 50),
    ):
        message = (
            "warm_start can only be used where `y` has the same classes as in "
            "the previous call to fit. Previously got"
        )
        with pytest.raises(ValueError, match=re.escape(message)):
            quiet_fit(make(**params, **extra).fit(X, y), X, y_i)


@pytest.mark.parametrize("estimator", ["ours", "MLPClassifier"])
def test_mlp_warm_start_no_convergence(estimator):
    """A warm start runs max_iter more iterations (test_mlp.py, gh-24764)."""
    X, y = X_MULTI, Y_MULTI
    params = {"solver": "lbfgs", "warm_start": True, "max_iter": 10}
    params.update(n_iter_no_change=np.inf, random_state=0, tol=0.0)
    model = dict(zip(["ours", "MLPClassifier"], ours_and_theirs(**params)))[estimator]
    with pytest.warns(ConvergenceWarning):
        model.fit(X, y)
    assert model.n_iter_ == 10
    model.set_params(max_iter=20)
    with pytest.warns(ConvergenceWarning):
        model.fit(X, y)
    assert model.n_iter_ == 20


@pytest.mark.parametrize("estimator", ["ours", "MLPClassifier"])
def test_partial_fit_is_not_available(estimator):
    """lbfgs is not stochastic: no partial_fit (test_mlp.py's check)."""
    model = dict(zip(["ours", "MLPClassifier"], ours_and_theirs(solver="lbfgs")))[
        estimator
    ]
    assert not hasattr(model, "partial_fit")
    with pytest.raises(AttributeError, match="has no attribute 'partial_fit'") as info:
        model.partial_fit(X_MULTI, Y_MULTI, classes=[0, 1, 2])
    assert "lbfgs is not stochastic" in str(info.value.__cause__)


# ------------------------------------------------ attributes as MLPClassifier's


FITTED = ["loss_", "n_iter_", "t_", "coefs_", "intercepts_", "n_layers_"]
STOCHASTIC_ONLY = [
    "loss_curve_",
    "best_loss_",
    "validation_scores_",
    "best_validation_score_",
]


def test_fitted_attributes_are_mlpclassifier_s():
    ours, theirs = ours_and_theirs(solver="lbfgs", hidden_layer_sizes=8, random_state=0)
    for model in (ours, theirs):
        quiet_fit(model, X_MULTI, Y_MULTI)
        for name in FITTED:
            assert hasattr(model, name), (type(model).__name__, name)
        for name in STOCHASTIC_ONLY:
            assert not hasattr(model, name), (type(model).__name__, name)
        assert model.t_ == 0  # lbfgs counts iterations, not samples
        assert isinstance(model.loss_, float)
        assert 0 < model.n_iter_ <= model.max_iter
    assert ours.stop_reason_ in {"converged", "max_iter"}
    # the loss is the objective at the final weights: the mean loss plus L2
    proba = np.clip(ours.predict_proba(X_MULTI), 1e-15, 1)
    data_term = -np.mean(np.log(proba[np.arange(len(Y_MULTI)), Y_MULTI]))
    penalty = 0.5 * ours.alpha * sum((c**2).sum() for c in ours.coefs_)
    assert ours.loss_ == pytest.approx(data_term + penalty / len(Y_MULTI), rel=1e-6)


def test_a_refit_with_lbfgs_drops_the_stochastic_records():
    clf = quiet_fit(SigmoidMLPClassifier(max_iter=3, random_state=0), X_MULTI, Y_MULTI)
    assert hasattr(clf, "loss_curve_")
    quiet_fit(clf.set_params(solver="lbfgs", max_iter=5), X_MULTI, Y_MULTI)
    for name in STOCHASTIC_ONLY:
        assert not hasattr(clf, name), name
    # and a stochastic warm start after lbfgs starts its records afresh
    quiet_fit(
        clf.set_params(solver="adam", warm_start=True, max_iter=2), X_MULTI, Y_MULTI
    )
    assert len(clf.loss_curve_) == 2 and clf.n_iter_ == 2


def test_early_stopping_and_stochastic_settings_do_not_apply():
    """As in scikit-learn: no rows held out, batch and rate settings ignored."""
    base = SigmoidMLPClassifier(solver="lbfgs", hidden_layer_sizes=8, random_state=0)
    reference = quiet_fit(base, X_MULTI, Y_MULTI).predict_proba(X_MULTI)
    other = SigmoidMLPClassifier(
        solver="lbfgs",
        hidden_layer_sizes=8,
        random_state=0,
        early_stopping=True,
        batch_size=7,
        shuffle=False,
        learning_rate_init=0.5,
        momentum=0.1,
    )
    np.testing.assert_array_equal(
        quiet_fit(other, X_MULTI, Y_MULTI).predict_proba(X_MULTI), reference
    )
    assert not hasattr(other, "validation_scores_")


def test_float32_stays_float32_and_agrees_with_float64():
    fits = {}
    for dtype in (np.float32, np.float64):
        clf = SigmoidMLPClassifier(
            solver="lbfgs", hidden_layer_sizes=16, max_iter=30, random_state=0
        )
        quiet_fit(clf, X_MULTI.astype(dtype), Y_MULTI)
        assert all(c.dtype == dtype for c in clf.coefs_ + clf.intercepts_)
        assert clf.predict_proba(X_MULTI.astype(dtype)).dtype == dtype
        fits[dtype] = clf
    assert fits[np.float32].loss_ == pytest.approx(fits[np.float64].loss_, rel=0.05)


def test_sample_and_class_weights_as_repeated_rows():
    X, y = X_MULTI[:60], Y_MULTI[:60]
    weights = np.r_[np.full(30, 2), np.ones(30)].astype(int)
    params = {"solver": "lbfgs", "hidden_layer_sizes": 6, "max_iter": 20}
    weighted = quiet_fit(
        SigmoidMLPClassifier(**params, random_state=0), X, y, sample_weight=weights
    )
    repeated = quiet_fit(
        SigmoidMLPClassifier(**params, random_state=0),
        np.repeat(X, weights, axis=0),
        np.repeat(y, weights),
    )
    np.testing.assert_allclose(weighted.loss_, repeated.loss_, rtol=1e-6)
    balanced = quiet_fit(
        SigmoidMLPClassifier(**params, class_weight="balanced", random_state=0), X, y
    )
    assert balanced.stop_reason_ in {"converged", "max_iter"}


# ----------------------------------------------------- what ours adds: control


class Recorder:
    """A scikit-learn callback: records the iterations, stops after ``stop_after``."""

    def __init__(self, stop_after=None, on_iteration=None):
        self.stop_after, self.on_iteration = stop_after, on_iteration
        self.events, self.models = [], []

    def setup(self, estimator, context):
        pass

    def teardown(self, estimator, context):
        pass

    def on_fit_task_begin(self, estimator, context):
        self.events.append(("begin", context.task_name))

    def on_fit_task_end(self, estimator, context, *, fitted_estimator=None):
        self.events.append(("end", context.task_name))
        if context.task_name == "iteration" and fitted_estimator is not None:
            self.models.append(fitted_estimator)
            if self.on_iteration is not None:
                self.on_iteration(len(self.models))
            return self.stop_after is not None and len(self.models) >= self.stop_after
        return False


def test_callbacks_are_told_of_every_iteration():
    recorder = Recorder()
    clf = SigmoidMLPClassifier(solver="lbfgs", hidden_layer_sizes=8, max_iter=15)
    quiet_fit(clf.set_params(random_state=0).set_callbacks(recorder), X_MULTI, Y_MULTI)
    iterations = [e for e in recorder.events if e[1] == "iteration"]
    assert iterations.count(("end", "iteration")) == iterations.count(
        ("begin", "iteration")
    )
    assert len(recorder.models) == clf.n_iter_
    last = recorder.models[-1]
    for got, want in zip(last.coefs_, clf.coefs_):
        np.testing.assert_array_equal(got, want)
    assert last.n_iter_ == clf.n_iter_ and last.loss_ == pytest.approx(clf.loss_)
    assert not hasattr(last, "loss_curve_")


def test_a_callback_stops_the_solver_with_the_last_iterate_kept():
    recorder = Recorder(stop_after=4)
    clf = SigmoidMLPClassifier(solver="lbfgs", hidden_layer_sizes=8, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a stop asked for is no convergence failure
        clf.set_callbacks(recorder).fit(X_MULTI, Y_MULTI)
    assert clf.stop_reason_ == "callback" and clf.n_iter_ == 4
    for got, want in zip(recorder.models[-1].coefs_, clf.coefs_):
        np.testing.assert_array_equal(got, want)
    # the same 4 iterations as a fit that runs out of max_iter after 4
    reference = quiet_fit(
        SigmoidMLPClassifier(
            solver="lbfgs", hidden_layer_sizes=8, random_state=0, max_iter=4
        ),
        X_MULTI,
        Y_MULTI,
    )
    for got, want in zip(clf.coefs_, reference.coefs_):
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-14)


def test_progress_bar_moves_per_iteration(capsys):
    rich = pytest.importorskip("rich")
    from sklearn.callback import ProgressBar

    rich.reconfigure(width=120, force_terminal=False)
    clf = SigmoidMLPClassifier(solver="lbfgs", hidden_layer_sizes=8, max_iter=10)
    quiet_fit(
        clf.set_params(random_state=0).set_callbacks(ProgressBar()), X_MULTI, Y_MULTI
    )
    out = capsys.readouterr().out
    assert "SigmoidMLPClassifier - fit" in out and "100%" in out


def test_max_time_stops_the_solver():
    clf = SigmoidMLPClassifier(
        solver="lbfgs",
        hidden_layer_sizes=8,
        max_iter=10**6,
        max_time=1e-6,
        random_state=0,
        tol=0.0,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        clf.fit(X_MULTI, Y_MULTI)
    assert clf.stop_reason_ == "max_time" and clf.n_iter_ == 1
    assert np.isfinite(clf.loss_)


def test_ctrl_c_stops_the_solver_after_the_iteration():
    """A real SIGINT during an iteration: the solver stops, the model is usable."""
    if signal.getsignal(signal.SIGINT) is not signal.default_int_handler:
        pytest.skip("SIGINT has a handler of its own in this process")

    def press(iteration):
        if iteration == 3:
            os.kill(os.getpid(), signal.SIGINT)

    clf = SigmoidMLPClassifier(solver="lbfgs", hidden_layer_sizes=8, random_state=0)
    clf.set_params(tol=0.0, max_iter=200).set_callbacks(Recorder(on_iteration=press))
    with pytest.warns(UserWarning, match="interrupted"):
        clf.fit(X_MULTI, Y_MULTI)
    assert clf.stop_reason_ == "interrupted"
    assert 3 <= clf.n_iter_ <= 4
    assert clf.score(X_MULTI, Y_MULTI) > 0.3


def test_validation_scores_per_iteration():
    X_train, y_train = X_MULTI[:150], Y_MULTI[:150]
    X_val, y_val = X_MULTI[150:], Y_MULTI[150:]
    clf = SigmoidMLPClassifier(
        solver="lbfgs", hidden_layer_sizes=8, max_iter=25, random_state=0
    )
    quiet_fit(clf, X_train, y_train, X_val=X_val, y_val=y_val)
    assert len(clf.validation_scores_) == len(clf.validation_loss_curve_) == clf.n_iter_
    assert clf.validation_scores_[-1] == clf.score(X_val, y_val)
    # and the training itself is the same as without X_val
    plain = quiet_fit(
        SigmoidMLPClassifier(
            solver="lbfgs", hidden_layer_sizes=8, max_iter=25, random_state=0
        ),
        X_train,
        y_train,
    )
    for got, want in zip(clf.coefs_, plain.coefs_):
        np.testing.assert_array_equal(got, want)


def test_verbose_prints_a_line_per_iteration(capsys):
    clf = SigmoidMLPClassifier(
        solver="lbfgs", hidden_layer_sizes=8, max_iter=5, verbose=True, random_state=0
    )
    quiet_fit(clf, X_MULTI, Y_MULTI)
    lines = [line for line in capsys.readouterr().out.splitlines() if line]
    assert len(lines) == clf.n_iter_
    assert lines[0].startswith("Iteration 1, loss = ")


def test_non_finite_weights_raise_and_leave_the_model():
    X = X_MULTI * 1e300
    clf = SigmoidMLPClassifier(solver="lbfgs", hidden_layer_sizes=4, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            clf.fit(X, Y_MULTI)
        except ValueError as error:
            assert "non-finite" in str(error)
            assert not hasattr(clf, "coefs_")
        else:
            assert all(np.isfinite(c).all() for c in clf.coefs_)


# ----------------------------------------------------- everything else works


def test_pickle_and_warm_start_after_reload(tmp_path):
    clf = quiet_fit(
        SigmoidMLPClassifier(
            solver="lbfgs",
            hidden_layer_sizes=8,
            max_iter=10,
            random_state=0,
            warm_start=True,
        ),
        X_MULTI,
        Y_MULTI,
    )
    path = tmp_path / "model.pkl"
    path.write_bytes(pickle.dumps(clf))
    loaded = pickle.loads(path.read_bytes())
    np.testing.assert_array_equal(
        loaded.predict_proba(X_MULTI), clf.predict_proba(X_MULTI)
    )
    quiet_fit(loaded, X_MULTI, Y_MULTI)
    quiet_fit(clf, X_MULTI, Y_MULTI)
    assert loaded.loss_ == clf.loss_  # the same iterations from the same start
    assert loaded.loss_ < pickle.loads(path.read_bytes()).loss_


def test_onnx_export_of_an_lbfgs_model():
    pytest.importorskip("onnxruntime")
    import onnxruntime as ort

    from sklearn_sigmoid_mlp.onnx import to_onnx

    clf = quiet_fit(
        SigmoidMLPClassifier(solver="lbfgs", hidden_layer_sizes=8, random_state=0),
        X_MULTI.astype(np.float32),
        Y_MULTI,
    )
    model = to_onnx(clf, X_MULTI[:1].astype(np.float32), options={"zipmap": False})
    session = ort.InferenceSession(model.SerializeToString())
    labels, proba = session.run(
        None, {session.get_inputs()[0].name: X_MULTI.astype(np.float32)}
    )
    np.testing.assert_array_equal(labels, clf.predict(X_MULTI.astype(np.float32)))
    np.testing.assert_allclose(
        proba, clf.predict_proba(X_MULTI.astype(np.float32)), rtol=1e-4, atol=1e-6
    )


def test_training_curve_display_says_lbfgs_has_no_loss_curve():
    pytest.importorskip("matplotlib")
    from sklearn_sigmoid_mlp import TrainingCurveDisplay

    clf = quiet_fit(
        SigmoidMLPClassifier(solver="lbfgs", hidden_layer_sizes=4, max_iter=3),
        X_MULTI,
        Y_MULTI,
    )
    with pytest.raises(ValueError, match="solver='lbfgs' records none"):
        TrainingCurveDisplay.from_estimator(clf)


# --------------------------------------------------------------- the regressor


REGRESSION = make_regression(
    n_samples=200, n_features=10, n_informative=10, random_state=7
)
REGRESSION = (REGRESSION[0], REGRESSION[1] / REGRESSION[1].std())


@pytest.mark.parametrize("estimator", ["ours", "MLPRegressor"])
def test_lbfgs_regression(estimator):
    """test_mlp.py's ``test_lbfgs_regression``: R² above 0.98 (sigmoid)."""
    X, y = REGRESSION
    params = {"solver": "lbfgs", "hidden_layer_sizes": 50, "max_iter": 200}
    params.update(tol=1e-3, random_state=1)
    if estimator == "ours":
        mlp = SigmoidMLPRegressor(**params)
    else:
        mlp = MLPRegressor(**params, **LOGISTIC)
    quiet_fit(mlp, X, y)
    assert mlp.score(X, y) > 0.98


@pytest.mark.parametrize("estimator", ["ours", "MLPRegressor"])
def test_lbfgs_regression_maxfun(estimator):
    """``max_fun`` limits a regressor's iterations too, with the warning."""
    X, y = REGRESSION
    params = {"solver": "lbfgs", "hidden_layer_sizes": 50, "tol": 0.0}
    params.update(max_iter=150, max_fun=10, random_state=1)
    if estimator == "ours":
        mlp = SigmoidMLPRegressor(**params)
    else:
        mlp = MLPRegressor(**params, **LOGISTIC)
    with pytest.warns(ConvergenceWarning, match="lbfgs failed to converge"):
        mlp.fit(X, y)
    assert mlp.n_iter_ <= 10


def test_multioutput_regression():
    """test_mlp.py's multi-output case with lbfgs: R² above 0.9."""
    X, y = make_regression(n_samples=200, n_targets=5, random_state=11)
    mlp = SigmoidMLPRegressor(
        solver="lbfgs", hidden_layer_sizes=50, max_iter=200, tol=1e-2, random_state=1
    )
    quiet_fit(mlp, X, y / y.std(axis=0))
    assert mlp.score(X, y / y.std(axis=0)) > 0.9
    assert mlp.predict(X).shape == y.shape


def test_poisson_without_hidden_units_is_the_glm():
    """Poisson loss, lbfgs, no hidden layer: PoissonRegressor's predictions."""
    rng = np.random.RandomState(0)
    X = np.linspace(0, 1, 100).reshape(-1, 1)
    y = rng.poisson(np.exp(X[:, 0] + 1))
    glm = PoissonRegressor(alpha=0, tol=1e-7).fit(X, y)
    mlp = SigmoidMLPRegressor(
        loss="poisson",
        hidden_layer_sizes=(),
        alpha=0,
        solver="lbfgs",
        tol=1e-7,
        random_state=1,
    )
    quiet_fit(mlp, X, y)
    np.testing.assert_allclose(mlp.predict(X), glm.predict(X), rtol=1e-4)


def test_regressor_lbfgs_has_no_partial_fit_and_mlpregressor_s_attributes():
    X, y = REGRESSION
    reg = quiet_fit(
        SigmoidMLPRegressor(solver="lbfgs", hidden_layer_sizes=8, max_iter=20), X, y
    )
    assert not hasattr(reg, "partial_fit")
    for name in STOCHASTIC_ONLY:
        assert not hasattr(reg, name), name
    assert reg.t_ == 0 and 0 < reg.n_iter_ <= 20
    # X_val: an R² per iteration
    quiet_fit(reg, X[:150], y[:150], X_val=X[150:], y_val=y[150:])
    assert len(reg.validation_scores_) == reg.n_iter_
    assert reg.validation_scores_[-1] == pytest.approx(reg.score(X[150:], y[150:]))


def test_scipy_s_own_blas_runs_on_one_thread_during_the_solver():
    """SciPy's BLAS on one thread, NumPy's on its own, while L-BFGS-B runs."""
    from threadpoolctl import threadpool_limits

    threads = blas_threads_by_library
    if set(threads()) != {"scipy", "other"}:
        pytest.skip("SciPy shares NumPy's BLAS here: nothing to limit")
    seen = []
    with threadpool_limits(limits=2, user_api="blas"):
        clf = SigmoidMLPClassifier(solver="lbfgs", hidden_layer_sizes=4, max_iter=3)
        clf.set_callbacks(Recorder(on_iteration=lambda _: seen.append(threads())))
        quiet_fit(clf, X_MULTI, Y_MULTI)
        after = threads()
    assert seen and all(s == {"scipy": 1, "other": 2} for s in seen), seen
    assert after == {"scipy": 2, "other": 2}
