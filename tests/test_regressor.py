"""SigmoidMLPRegressor on its own: its targets, what it adds to MLPRegressor.

What it shares with scikit-learn's ``MLPRegressor`` is tested on both in
``test_conformance.py``, scikit-learn's estimator checks in
``test_common.py``, the gradients of its outputs in ``test_network.py``.
"""

import pickle
import re
import signal
import subprocess
import sys
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from helpers import quiet_fit
from sklearn.base import clone
from sklearn.datasets import make_friedman1, make_regression
from sklearn.exceptions import ConvergenceWarning, DataConversionWarning
from sklearn.linear_model import LinearRegression, PoissonRegressor
from sklearn.metrics import r2_score
from sklearn.model_selection import cross_val_score
from sklearn.neural_network._base import poisson_loss, squared_loss
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler, scale
from sklearn.utils._param_validation import InvalidParameterError

from sklearn_sigmoid_mlp import SigmoidMLPRegressor, _losses, _training, to_numpy
from sklearn_sigmoid_mlp._regression_targets import (
    RegressionTargets,
    check_regression_targets,
    regression_targets_of_call,
)

pytestmark = pytest.mark.usefixtures("single_blas_thread")

X, Y = make_regression(
    n_samples=200, n_features=8, n_informative=4, noise=5.0, random_state=0
)
X = StandardScaler().fit_transform(X)
Y = scale(Y)
Y_MULTI = np.column_stack([Y, -2 * Y + 1])
COUNTS = np.random.RandomState(0).poisson(np.exp(0.5 * X[:, 0] + 0.5))


def small(**params):
    """A small regressor with a fixed seed."""
    return SigmoidMLPRegressor(
        **{"hidden_layer_sizes": (8,), "random_state": 0, **params}
    )


def weights_of(model):
    return [a.copy() for a in model.coefs_ + model.intercepts_]


def assert_same_weights(model, weights):
    current = model.coefs_ + model.intercepts_
    assert all(np.array_equal(a, b) for a, b in zip(current, weights))


# ------------------------------------------------------------------ targets


def test_regression_targets_encode_and_decode():
    single = RegressionTargets(1, "squared_error")
    assert (single.n_outputs, single.out_activation) == (1, "identity")
    assert single.target_type == "continuous"
    assert single.score_name == "R2"
    encoded, index = single.encode(np.array([1.5, -2.0, 3]), np.float32)
    assert index is None
    assert encoded.shape == (3, 1) and encoded.dtype == np.float32
    np.testing.assert_array_equal(single.decode(encoded), [1.5, -2.0, 3])
    multi = RegressionTargets(2, "poisson")
    assert multi.out_activation == "exp"
    assert multi.target_type == "continuous-multioutput"
    output = np.array([[1.0, 2.0], [3.0, 4.0]])
    assert multi.decode(output) is output
    with pytest.raises(ValueError, match=r"y has 1 output\(s\), but the model has 2"):
        multi.encode(np.ones(3), np.float64)


def test_regression_targets_weights_have_no_class_weights():
    targets = RegressionTargets(1, "squared_error")
    weights, class_weights, counts = targets.weights(
        [1, 2, 0], 3, np.float32, None, None
    )
    assert weights.dtype == np.float32
    np.testing.assert_array_equal(weights, [1, 2, 0])
    assert class_weights is None and counts is None
    with pytest.raises(ValueError, match="sample_weight"):
        targets.weights([-1.0, 1.0, 1.0], 3, np.float64, None)


def test_regression_targets_score_is_weighted_r2_or_nan():
    targets = RegressionTargets(2, "squared_error")
    y = np.array([[1.0, 0.0], [2.0, 1.0], [4.0, 3.0]])
    output = y + np.array([[0.5, -0.5], [0.0, 0.2], [-0.1, 0.0]])
    weights = np.array([1.0, 2.0, 0.5])
    assert targets.score(y, output, weights) == pytest.approx(
        r2_score(y, output, sample_weight=weights)
    )
    output[0, 0] = np.inf
    assert np.isnan(targets.score(y, output, weights))


def test_regression_targets_check_y_val():
    targets = RegressionTargets(1, "poisson")
    with pytest.warns(DataConversionWarning, match="column-vector"):
        labels, y, weight = targets.validation(
            [[1.0], [0.0], [2.0]], None, 3, np.float64, None
        )
    np.testing.assert_array_equal(labels, [1.0, 0.0, 2.0])  # a column, raveled
    assert y.shape == (3, 1)
    np.testing.assert_array_equal(weight, [1, 1, 1])
    with pytest.raises(ValueError, match="needs two rows"):
        targets.validation([1.0], None, 1, np.float64, None)
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        targets.validation([1.0, 2.0], None, 3, np.float64, None)
    with pytest.raises(ValueError, match="non-negative y_val"):
        targets.validation([1.0, -2.0], None, 2, np.float64, None)
    with pytest.raises(ValueError, match=r"Invalid y_val: y has 2 output\(s\)"):
        targets.validation(np.ones((2, 2)), None, 2, np.float64, None)
    with pytest.raises(ValueError, match="Invalid sample_weight_val"):
        targets.validation([1.0, 2.0], [0.0, 0.0], 2, np.float64, None)


@pytest.mark.parametrize(
    ("y", "loss", "message"),
    [
        (["a", "b"], "squared_error", "dtype='numeric' is not compatible"),
        ([1.0, np.nan], "squared_error", "Input y contains NaN"),
        ([1.0, np.inf], "poisson", "Input y contains infinity"),
        ([1.0, -1.0], "poisson", "requires non-negative y"),
        ([1j, 2j], "squared_error", "Complex data not supported"),
        (np.ones((2, 0)), "squared_error", "0 feature"),
    ],
)
def test_regression_targets_refuse_bad_y(y, loss, message):
    with pytest.raises(ValueError, match=message):
        check_regression_targets(np.asarray(y), loss)


def test_regression_targets_accept_numbers_of_any_kind():
    for y in ([True, False], np.array([1, 2], np.uint8), sp.csr_matrix([[1.0], [2.0]])):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DataConversionWarning)
            checked = check_regression_targets(y, "squared_error")
        assert checked.dtype.kind == "f" and checked.shape == (2,)


def test_regression_targets_of_call():
    _, targets = regression_targets_of_call(np.ones(4), "poisson", None, False)
    assert targets.n_outputs == 1 and targets.out_activation == "exp"
    with pytest.raises(ValueError, match="sum"):
        regression_targets_of_call(np.zeros(4), "poisson", None, False)
    with pytest.raises(ValueError, match=r"sum\(y\) > 0 \(for each output\)"):
        regression_targets_of_call(
            np.column_stack([np.ones(4), np.zeros(4)]), "poisson", None, True
        )
    # a model that is trained already may meet a batch of zero counts
    _, same = regression_targets_of_call(np.zeros(4), "poisson", targets, True)
    assert same is targets
    with pytest.raises(ValueError, match=r"output activation 'exp'.*'poisson'"):
        regression_targets_of_call(np.ones(4), "squared_error", targets, False)


# ------------------------------------------------------------- fit checks


def test_poisson_refuses_negative_and_all_zero_targets():
    with pytest.raises(ValueError, match="loss='poisson' requires non-negative y"):
        small(loss="poisson").fit(X, Y)
    with pytest.raises(ValueError, match=r"sum\(y\) > 0"):
        small(loss="poisson").fit(X, np.zeros(len(X)))
    reg = small(loss="poisson").partial_fit(X, COUNTS)
    reg.partial_fit(X, np.zeros(len(X)))  # zero counts later are data
    assert reg.stop_reason_ == "partial_fit"


def test_loss_is_validated():
    with pytest.raises(InvalidParameterError, match="loss"):
        small(loss="log_loss").fit(X, Y)
    assert "class_weight" not in SigmoidMLPRegressor().get_params()
    assert SigmoidMLPRegressor().get_params()["max_fun"] == 15000


@pytest.mark.parametrize("incremental", [False, True])
def test_continuing_with_another_loss_or_outputs_is_refused(incremental):
    """The model is left as it was; the message says what to do."""

    def train(reg, y):
        if incremental:
            return reg.partial_fit(X, y)
        return quiet_fit(reg, X, y)

    reg = train(small(max_iter=3, warm_start=True), Y)
    weights, curve = weights_of(reg), list(reg.loss_curve_)
    advice = "partial_fit goes on" if incremental else "set warm_start=False"
    with pytest.raises(ValueError, match=rf"trained on 1; {advice}"):
        train(reg, Y_MULTI)
    reg.set_params(loss="poisson")
    with pytest.raises(ValueError, match=rf"loss='squared_error'; {advice}"):
        train(reg, COUNTS)
    assert_same_weights(reg, weights)
    assert reg.loss_curve_ == curve
    assert reg.out_activation_ == "identity"
    # a fresh fit may change both
    reg.set_params(warm_start=False)
    quiet_fit(reg, X, np.column_stack([COUNTS, COUNTS]))
    assert (reg.n_outputs_, reg.out_activation_) == (2, "exp")


def test_sparse_and_float32_inputs():
    dense = quiet_fit(small(max_iter=5), X, Y)
    sparse = quiet_fit(small(max_iter=5), sp.csr_matrix(X), Y)
    np.testing.assert_allclose(sparse.predict(sp.csc_matrix(X)), dense.predict(X))
    reg32 = quiet_fit(small(max_iter=5), X.astype(np.float32), Y_MULTI)
    prediction = reg32.predict(X.astype(np.float32))
    assert prediction.dtype == np.float32 and prediction.shape == Y_MULTI.shape


# ---------------------------------------------------- the start at the mean


@pytest.mark.parametrize(
    ("loss", "y"),
    [("squared_error", 100 + 10 * Y_MULTI), ("poisson", 50 + COUNTS)],
)
def test_a_fresh_model_starts_at_the_mean_target(loss, y):
    """Before training, the weighted mean prediction is the weighted mean of
    y: a learning rate too small to move the weights shows it."""
    weights = np.random.RandomState(1).uniform(0.5, 2.0, size=len(X))
    reg = quiet_fit(
        small(loss=loss, learning_rate_init=1e-12, max_iter=1),
        X,
        y,
        sample_weight=weights,
    )
    np.testing.assert_allclose(
        np.average(reg.predict(X), axis=0, weights=weights),
        np.average(y, axis=0, weights=weights),
        rtol=1e-8,
    )
    # without intercepts there is nothing to shift
    reg = quiet_fit(
        small(loss=loss, learning_rate_init=1e-12, max_iter=1, fit_intercept=False),
        X,
        y,
    )
    assert np.all(np.abs(reg.predict(X).mean(axis=0) / y.mean(axis=0) - 1) > 0.1)


def test_unscaled_targets_train_from_the_mean():
    """Targets far from zero need no rescaling to train (MLPRegressor's output
    starts near 0 and has to travel to them)."""
    X_f, y_f = make_friedman1(n_samples=300, random_state=0)
    reg = quiet_fit(small(learning_rate_init=0.01, max_iter=100), X_f, 1000 + y_f)
    assert reg.score(X_f, 1000 + y_f) > 0.5


# ------------------------------------------- networks without hidden layers


def test_without_hidden_layers_poisson_is_the_poisson_glm():
    """test_mlp_vs_poisson_glm_equivalent, with no hidden layer at all: an
    exponential output on X is a Poisson GLM; full batches and a cosine
    schedule reach its optimum."""
    n = 100
    rng = np.random.default_rng(0)
    X_1 = np.linspace(0, 1, n).reshape(n, 1)
    y = rng.poisson(np.exp(X_1[:, 0] + 1))
    glm = PoissonRegressor(alpha=0, tol=1e-7).fit(X_1, y)
    params = {
        "hidden_layer_sizes": (),
        "alpha": 0.0,
        "learning_rate_init": 0.1,
        "learning_rate": "cosine",
        "batch_size": n,
        "max_iter": 500,
        "tol": 0.0,
        "n_iter_no_change": np.inf,
        "random_state": 0,
    }
    mlp = quiet_fit(SigmoidMLPRegressor(loss="poisson", **params), X_1, y)
    np.testing.assert_allclose(mlp.predict(X_1), glm.predict(X_1), rtol=1e-6)
    squared = quiet_fit(SigmoidMLPRegressor(**params), X_1, y)
    assert not np.allclose(squared.predict(X_1), glm.predict(X_1), rtol=1e-4)


def test_without_hidden_layers_squared_error_is_least_squares():
    rng = np.random.RandomState(0)
    X_3 = rng.normal(size=(100, 3))
    y = X_3 @ [1.0, -2.0, 0.5] + 3 + rng.normal(size=100)
    linear = LinearRegression().fit(X_3, y)
    mlp = quiet_fit(
        SigmoidMLPRegressor(
            hidden_layer_sizes=(),
            alpha=0.0,
            learning_rate_init=0.1,
            learning_rate="cosine",
            batch_size=100,
            max_iter=500,
            tol=0.0,
            n_iter_no_change=np.inf,
            random_state=0,
        ),
        X_3,
        y,
    )
    np.testing.assert_allclose(mlp.coefs_[0][:, 0], linear.coef_, rtol=1e-6)
    np.testing.assert_allclose(mlp.intercepts_[0], [linear.intercept_], rtol=1e-6)


# ------------------------------------------------------- divergence guard


@pytest.mark.parametrize("floor", [True, False])
def test_partial_fit_of_a_trained_model_one_row_at_a_time(monkeypatch, floor):
    """Regression's chance level is the divergence guard's floor.

    A trained model stepped one row at a time can start a call with a row it
    predicts almost exactly; compared with that row's loss alone, an ordinary
    epoch "explodes". Against the loss of predicting the mean target it does
    not (``floor=False`` shows the failure the floor prevents).
    """
    if not floor:
        monkeypatch.setattr(
            _losses.Objective, "for_targets", lambda self, y, w, *, xp: self
        )
    rng = np.random.RandomState(0)
    X_2 = rng.uniform(-1, 1, size=(2000, 2))
    y = np.sin(3 * X_2[:, 0]) + X_2[:, 1] ** 2 + 0.05 * rng.randn(2000)
    reg = quiet_fit(
        SigmoidMLPRegressor(
            hidden_layer_sizes=(32,),
            learning_rate_init=0.01,
            max_iter=300,
            random_state=0,
        ),
        X_2,
        y,
    )
    reg.set_params(solver="sgd", batch_size=1, alpha=0.0)

    def stream():
        for start in range(0, 2000, 100):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ConvergenceWarning)
                reg.partial_fit(X_2[start : start + 100], y[start : start + 100])
            assert reg.stop_reason_ == "partial_fit"

    if floor:
        stream()
        assert reg.score(X_2, y) > 0.95
    else:
        with pytest.raises(ValueError, match="exploding loss before completing"):
            stream()


def test_no_finite_epoch_is_an_error_naming_the_rate():
    reg = small(solver="sgd", learning_rate_init=1e8, batch_size=20, max_iter=5)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        with pytest.raises(
            ValueError, match=re.escape("learning_rate_init=100000000.0")
        ):
            reg.fit(X, 1e3 * Y)
    assert not hasattr(reg, "coefs_")


def test_a_diverging_fit_keeps_finite_validation_scores():
    """test_mlp_diverging_loss: where MLPRegressor records a NaN validation
    score, ours rolls the diverged epoch back and says so."""
    reg = small(
        hidden_layer_sizes=100,
        solver="sgd",
        learning_rate_init=1,
        max_iter=20,
        early_stopping=True,
    )
    with pytest.warns(ConvergenceWarning, match="Training diverged"):
        reg.fit(X, Y)
    assert reg.stop_reason_ == "diverged"
    assert np.all(np.isfinite(reg.validation_scores_))
    assert np.all(np.isfinite(reg.predict(X)))


# ------------------------------------------------------- validation data


@pytest.mark.parametrize(
    ("loss", "y", "loss_function"),
    [
        ("squared_error", Y_MULTI, squared_loss),
        ("poisson", np.column_stack([COUNTS, COUNTS + 1]), poisson_loss),
    ],
)
def test_validation_scores_and_losses_of_x_val(loss, y, loss_function):
    """After the last epoch: the R² of the fitted model on X_val, and its loss
    as MLPRegressor defines it, both weighted by sample_weight_val."""
    X_train, X_val, y_train, y_val = X[:150], X[150:], y[:150], y[150:]
    weight_val = np.random.RandomState(2).uniform(0.5, 2.0, size=50)
    reg = quiet_fit(
        small(loss=loss, max_iter=4, tol=0),
        X_train,
        y_train,
        X_val=X_val,
        y_val=y_val,
        sample_weight_val=weight_val,
    )
    assert len(reg.validation_scores_) == len(reg.validation_loss_curve_) == 4
    assert reg.validation_scores_[-1] == pytest.approx(
        reg.score(X_val, y_val, sample_weight=weight_val), rel=1e-12
    )
    assert reg.validation_loss_curve_[-1] == pytest.approx(
        loss_function(y_val, reg.predict(X_val), weight_val), rel=1e-12
    )
    assert reg.best_validation_score_ is None  # no early stopping


def test_early_stopping_on_x_val_restores_the_best_epoch():
    reg = small(early_stopping=True, learning_rate_init=0.05, n_iter_no_change=3)
    quiet_fit(reg, X[:150], Y[:150], X_val=X[150:], y_val=Y[150:])
    assert reg.stop_reason_ == "early_stopping"
    assert reg.best_validation_score_ == max(reg.validation_scores_)
    assert reg.score(X[150:], Y[150:]) == pytest.approx(reg.best_validation_score_)


@pytest.mark.parametrize(
    ("X_val", "y_val", "message"),
    [
        (X[:1], Y[:1], "needs two rows"),
        (X[:5], Y_MULTI[:5], r"y_val: y has 2 output\(s\)"),
        (X[:5], None, "y_val was not provided"),
        (X[:5, :3], Y[:5], "X_val has 3 features"),
    ],
)
def test_bad_validation_data_is_refused(X_val, y_val, message):
    with pytest.raises(ValueError, match=message):
        small().fit(X, Y, X_val=X_val, y_val=y_val)


def test_verbose_names_the_validation_r2(capsys):
    quiet_fit(small(max_iter=2, verbose=True), X, Y, X_val=X, y_val=Y)
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 2
    assert re.match(
        r"Iteration 1, loss = [\d.]+, validation loss = [\d.]+, "
        r"validation R2 = -?[\d.]+$",
        lines[0],
    )


# --------------------------------------------- stopping: time, callbacks


def test_max_time_stops_training():
    reg = small(max_time=1e-9, max_iter=50)
    reg.fit(X, Y)
    assert reg.stop_reason_ == "max_time"
    assert reg.n_iter_ <= 1


def test_callbacks_see_the_r2():
    callback = pytest.importorskip("sklearn.callback")
    monitor = callback.ScoringMonitor(scoring="r2")
    reg = small(max_iter=5, tol=0).set_callbacks(monitor)
    quiet_fit(reg, X, Y, X_val=X[:50], y_val=Y[:50])
    rows = monitor.get_logs().data
    epochs = [row for row in rows if row["task_name"] == "epoch"]
    validation = [row for row in rows if row["task_name"] == "validation"]
    assert len(epochs) == len(validation) == 5
    assert epochs[-1]["r2"] == pytest.approx(reg.score(X, Y))
    assert validation[-1]["r2"] == pytest.approx(reg.validation_scores_[-1])


class StopAfter:
    """A callback that asks to stop after ``n_epochs`` epochs."""

    def __init__(self, n_epochs):
        self.n_epochs, self.fitted = n_epochs, []

    def setup(self, estimator, context):
        pass

    def teardown(self, estimator, context):
        pass

    def on_fit_task_begin(self, estimator, context):
        pass

    def on_fit_task_end(self, estimator, context, *, fitted_estimator=None):
        if context.task_name != "epoch":
            return False
        self.fitted.append(fitted_estimator)
        return len(self.fitted) >= self.n_epochs


def test_a_callback_may_stop_training():
    pytest.importorskip("sklearn.callback")
    stopper = StopAfter(3)
    reg = small(max_iter=50).set_callbacks(stopper)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a stop asked for is no convergence failure
        reg.fit(X, Y_MULTI)
    assert (reg.stop_reason_, reg.n_iter_, len(reg.loss_curve_)) == ("callback", 3, 3)
    last = stopper.fitted[-1]
    np.testing.assert_array_equal(last.predict(X), reg.predict(X))
    assert last.predict(X).shape == Y_MULTI.shape


CTRL_C_PROGRAM = """
import os, signal, sys, warnings
import numpy as np
signal.signal(signal.SIGINT, signal.default_int_handler)
from sklearn_sigmoid_mlp import SigmoidMLPRegressor

class SignalOnReport:
    def __init__(self, stream):
        self.stream = stream
    def write(self, text):
        if text.startswith("Iteration 2,"):
            os.kill(os.getpid(), signal.SIGINT)
        return self.stream.write(text)
    def flush(self):
        self.stream.flush()

rng = np.random.RandomState(0)
X = rng.randn(60, 3)
y = X[:, 0] - X[:, 1]
reg = SigmoidMLPRegressor(hidden_layer_sizes=(4,), max_iter=5, verbose=True)
stdout, sys.stdout = sys.stdout, SignalOnReport(sys.stdout)
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    reg.fit(X, y)
sys.stdout = stdout
warned = any("interrupted" in str(w.message) for w in caught)
stopped, n_iter = reg.stop_reason_, reg.n_iter_
finite = bool(np.isfinite(reg.predict(X)).all())
reg.partial_fit(X, y)
print("RESULT", stopped, n_iter, warned, finite, reg.stop_reason_)
"""


def test_ctrl_c_stops_fit_with_a_usable_model():
    """A SIGINT while the second epoch is reported: the fit stops after it,
    warns, and the model predicts and trains on. In a child process: a
    Ctrl-C changes how later presses in the same program are handled."""
    completed = subprocess.run(
        [sys.executable, "-c", CTRL_C_PROGRAM],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    last_line = completed.stdout.strip().splitlines()[-1]
    assert last_line == "RESULT interrupted 2 True True partial_fit", completed.stderr


# ---------------------------------------------- saving, copies, composition


def test_pickle_and_to_numpy_copies_predict_and_train_on():
    reg = quiet_fit(small(loss="poisson", max_iter=3), X, COUNTS)
    loaded = pickle.loads(pickle.dumps(reg))
    copied = to_numpy(reg)
    for other in (loaded, copied):
        np.testing.assert_array_equal(other.predict(X), reg.predict(X))
        other.partial_fit(X, COUNTS)
        assert other.stop_reason_ == "partial_fit"
    assert not np.shares_memory(copied.coefs_[0], reg.coefs_[0])
    assert "_parameters" not in reg.__getstate__()


def test_cross_validation_scores_r2_on_unstratified_folds():
    model = make_pipeline(StandardScaler(), small(max_iter=30, learning_rate_init=0.01))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        scores = cross_val_score(model, X, Y, cv=3)
    assert scores.shape == (3,) and np.all(scores > 0.5)
    assert clone(small()).get_params() == small().get_params()


@pytest.mark.filterwarnings("error::RuntimeWarning")
def test_huge_pre_activations_give_finite_poisson_rates_without_warnings():
    """The exponential output is clipped: weights that send it past the
    dtype's range predict its largest finite rate, without a warning."""
    reg = quiet_fit(small(loss="poisson", max_iter=2), X, COUNTS)
    reg.intercepts_[-1][...] = 1e6
    for dtype in (np.float64, np.float32):
        rates = reg.predict(X.astype(dtype))
        assert np.all(np.isfinite(rates)) and np.all(rates > 1e37)


def test_signal_module_is_restored():
    """The fit's Ctrl-C handler is removed after a call."""
    before = signal.getsignal(signal.SIGINT)
    quiet_fit(small(max_iter=2), X, Y)
    assert signal.getsignal(signal.SIGINT) is before


# ------------------------------------------------- schedules and step paths


@pytest.mark.parametrize("solver", ["adam", "sgd"])
@pytest.mark.parametrize(
    "learning_rate", ["constant", "invscaling", "adaptive", "cosine"]
)
def test_every_schedule_trains(solver, learning_rate):
    reg = small(solver=solver, learning_rate=learning_rate, max_iter=20, tol=0)
    quiet_fit(reg, X, Y_MULTI)
    assert reg.loss_curve_[-1] < reg.loss_curve_[0]


@pytest.mark.parametrize(("loss", "y"), [("squared_error", Y), ("poisson", COUNTS)])
def test_one_row_batches_take_the_same_steps_on_every_path(monkeypatch, loss, y):
    """Plain SGD on one-row batches: the per-sample blocks (no L2), the
    rank-one steps (a negligible L2) and the general step (a negligible
    momentum) train the regressor's outputs alike."""
    paths = []
    choose = _training.choose_step_path

    def spy(*args):
        paths.append(choose(*args))
        return paths[-1]

    monkeypatch.setattr(_training, "choose_step_path", spy)
    common = {"solver": "sgd", "batch_size": 1, "learning_rate_init": 0.01}
    variants = [
        {"momentum": 0.0, "alpha": 0.0},
        {"momentum": 0.0, "alpha": 1e-300},
        {"momentum": 1e-300, "alpha": 0.0, "nesterovs_momentum": False},
    ]
    models = [
        quiet_fit(small(loss=loss, max_iter=3, **common, **v), X[:100], y[:100])
        for v in variants
    ]
    assert paths == ["per_sample_blocks", "rank_one", "mini_batch"]
    for other in models[1:]:
        for a, b in zip(
            models[0].coefs_ + models[0].intercepts_, other.coefs_ + other.intercepts_
        ):
            np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-12)
