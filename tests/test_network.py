"""The network math: gradient checks, activations, losses and optimizers."""

import contextlib
import warnings
from itertools import pairwise

import numpy as np
import pytest
import scipy.sparse as sp
import scipy.special
from sklearn.neural_network._base import poisson_loss, squared_loss

from sklearn_sigmoid_mlp import _blas
from sklearn_sigmoid_mlp._activations import (
    OUT_ACTIVATIONS,
    _row_max,
    exp_bounds,
    exponential,
    identity,
    sigmoid,
    sigmoid_derivative,
    softmax,
)
from sklearn_sigmoid_mlp._blas import axpy
from sklearn_sigmoid_mlp._losses import (
    Objective,
    binary_log_loss,
    chance_loss,
    constant_prediction_loss,
    half_poisson_deviance,
    half_squared_error,
    log_loss,
    loss_function,
    output_delta,
    squared_error,
)
from sklearn_sigmoid_mlp._network import (
    allocate_workspace,
    backward,
    forward,
    init_parameters,
    match_output_mean,
    predict_output,
    workspace_rows,
)
from sklearn_sigmoid_mlp._optimizers import (
    SGD,
    Adam,
    adam_step,
    init_state,
    sgd_rank_one_step,
    sgd_step,
)
from sklearn_sigmoid_mlp._parameters import Parameters
from sklearn_sigmoid_mlp._schedules import Adaptive, Constant, InvScaling

N_SAMPLES = 7
N_FEATURES = 5
N_OUTPUTS = 3
STEP = 1e-5  # balances truncation (h**2) and rounding (eps / h) errors
MAX_RELATIVE_ERROR = 1e-6
MAX_CHECKED_ENTRIES = 60


pytestmark = pytest.mark.usefixtures("single_blas_thread")


def make_problem(
    loss,
    output_type,
    hidden_layer_sizes,
    fit_intercept=True,
    weighted=False,
    seed=0,
    n_features=N_FEATURES,
    dtype=np.float64,
):
    """A small random network and data set for one output type.

    Parameters
    ----------
    loss : {"log_loss", "squared_error", "poisson"}
        The loss; with ``"log_loss"`` a multiclass target gets a softmax.
    output_type : {"binary", "multiclass", "multilabel", "continuous", \
            "continuous_multioutput", "counts"}
        Kind of target: one logistic output, one output per class, or one
        logistic output per label; the regressor's real targets with one or
        ``N_OUTPUTS`` identity outputs, or non-negative counts with
        ``N_OUTPUTS`` exponential outputs.
    hidden_layer_sizes : tuple of int
        Units of the hidden layers.
    fit_intercept : bool, default=True
        Whether the layers have (random, non-zero) intercepts, or None.
    weighted : bool, default=False
        Whether to draw sample weights (one of them zero).
    seed : int, default=0
        Seed of the data and the parameters.
    n_features : int, default=N_FEATURES
        Number of input features.
    dtype : numpy dtype, default=np.float64
        Floating dtype of data and parameters.

    Returns
    -------
    problem : dict
        ``X``, ``y``, ``coefs``, ``intercepts``, ``out_activation`` and
        ``sample_weight``, ready for :func:`forward` and :func:`backward`.
    """
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(N_SAMPLES, n_features))
    if output_type == "binary":
        y = (rng.uniform(size=(N_SAMPLES, 1)) < 0.5).astype(float)
        y[:2, 0] = [0, 1]
        out_activation = "logistic"
    elif output_type == "multiclass":
        labels = np.arange(N_SAMPLES) % N_OUTPUTS
        y = np.eye(N_OUTPUTS)[rng.permutation(labels)]
        out_activation = "softmax" if loss == "log_loss" else "logistic"
    elif output_type == "continuous":
        y = rng.normal(scale=2.0, size=(N_SAMPLES, 1))
        out_activation = "identity"
    elif output_type == "continuous_multioutput":
        y = rng.normal(scale=2.0, size=(N_SAMPLES, N_OUTPUTS))
        out_activation = "identity"
    elif output_type == "counts":
        y = rng.poisson(2.0, size=(N_SAMPLES, N_OUTPUTS)).astype(float)
        y[0, 0], y[1, 1] = 0.0, 5.0  # zeros (0 * log 0) and a large count
        out_activation = "exp"
    else:
        y = (rng.uniform(size=(N_SAMPLES, N_OUTPUTS)) < 0.5).astype(float)
        out_activation = "logistic"
    layer_sizes = [n_features, *hidden_layer_sizes, y.shape[1]]
    coefs, intercepts = init_parameters(layer_sizes, "glorot_uniform", rng, dtype)
    if fit_intercept:
        intercepts = [
            rng.normal(scale=0.5, size=b.shape).astype(dtype) for b in intercepts
        ]
    else:
        intercepts = None
    sample_weight = None
    if weighted:
        sample_weight = rng.uniform(0.1, 3.0, size=N_SAMPLES)
        sample_weight[1] = 0.0
    return {
        "X": X.astype(dtype),
        "y": y.astype(dtype),
        "coefs": coefs,
        "intercepts": intercepts,
        "out_activation": out_activation,
        "sample_weight": sample_weight,
    }


def params_of(problem):
    """The problem's parameters as the math takes them (the same arrays)."""
    coefs, intercepts = problem["coefs"], problem["intercepts"]
    used = intercepts is not None
    if not used:
        intercepts = [np.zeros(c.shape[1], c.dtype) for c in coefs]
    return Parameters.of(coefs, intercepts, used, xp=np)


def objective_and_gradients(problem, loss, alpha, X=None):
    """Objective and copies of its gradients by :func:`forward` and :func:`backward`.

    Parameters
    ----------
    problem : dict
        From :func:`make_problem`; its parameter arrays are read, not changed.
    loss : {"log_loss", "squared_error", "poisson"}
        The loss.
    alpha : float
        L2 penalty.
    X : {ndarray, sparse matrix}, default=None
        Input to use instead of ``problem["X"]``.

    Returns
    -------
    objective : float
        The batch objective.
    grad_coefs : list of ndarray
        Gradients with respect to the weights.
    grad_intercepts : list of ndarray or None
        Gradients with respect to the intercepts.
    """
    X = problem["X"] if X is None else X
    params = params_of(problem)
    activations = forward(params, X, problem["out_activation"])
    objective, grad_coefs, grad_intercepts = backward(
        params,
        Objective(loss, problem["out_activation"], alpha),
        problem["y"],
        activations,
        sample_weight=problem["sample_weight"],
    )
    grad_coefs = [g.copy() for g in grad_coefs]
    if grad_intercepts is not None:
        grad_intercepts = [g.copy() for g in grad_intercepts]
    return objective, grad_coefs, grad_intercepts


def numerical_gradient(problem, loss, alpha, param, entries):
    """Central finite differences of the objective at some entries of a parameter.

    Parameters
    ----------
    problem : dict
        From :func:`make_problem`.
    loss : {"log_loss", "squared_error", "poisson"}
        The loss.
    alpha : float
        L2 penalty.
    param : ndarray
        One of the problem's parameter arrays; perturbed in place and restored.
    entries : ndarray of int
        Flat indices of the entries to differentiate.

    Returns
    -------
    gradient : ndarray of shape (len(entries),)
        ``(J(p + h) - J(p - h)) / (2 h)`` for each entry.
    """
    flat = param.reshape(-1)
    gradient = np.empty(len(entries))
    for k, index in enumerate(entries):
        original = flat[index]
        flat[index] = original + STEP
        plus = objective_and_gradients(problem, loss, alpha)[0]
        flat[index] = original - STEP
        minus = objective_and_gradients(problem, loss, alpha)[0]
        flat[index] = original
        gradient[k] = (plus - minus) / (2 * STEP)
    return gradient


def relative_error(numerical, analytical):
    """``||numerical - analytical|| / max(||numerical||, ||analytical||)``."""
    scale = max(np.linalg.norm(numerical), np.linalg.norm(analytical), 1e-12)
    return np.linalg.norm(numerical - analytical) / scale


def checked_entries(param, rng):
    """Every flat index of ``param``, or a random subset for big arrays."""
    if param.size <= MAX_CHECKED_ENTRIES:
        return np.arange(param.size)
    return rng.choice(param.size, size=MAX_CHECKED_ENTRIES, replace=False)


def assert_gradients_match(problem, loss, alpha):
    """Backward's gradients equal central finite differences, every parameter."""
    _, grad_coefs, grad_intercepts = objective_and_gradients(problem, loss, alpha)
    rng = np.random.RandomState(42)
    pairs = list(zip(problem["coefs"], grad_coefs))
    if problem["intercepts"] is None:
        assert grad_intercepts is None
    else:
        pairs += list(zip(problem["intercepts"], grad_intercepts))
    for param, analytical in pairs:
        assert analytical.shape == param.shape
        entries = checked_entries(param, rng)
        numerical = numerical_gradient(problem, loss, alpha, param, entries)
        error = relative_error(numerical, analytical.reshape(-1)[entries])
        assert error < MAX_RELATIVE_ERROR, error
        assert np.linalg.norm(numerical) > 1e-8  # the check is not vacuous


# ----------------------------------------------------------- gradient checks


@pytest.mark.parametrize("loss", ["log_loss", "squared_error"])
@pytest.mark.parametrize("output_type", ["binary", "multiclass", "multilabel"])
@pytest.mark.parametrize("hidden_layer_sizes", [(4,), (4, 3), (4, 3, 3)])
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize(("weighted", "alpha"), [(False, 0.0), (True, 0.3)])
def test_gradient_check(
    loss, output_type, hidden_layer_sizes, fit_intercept, weighted, alpha
):
    """Backward's gradients equal central finite differences of its objective."""
    problem = make_problem(
        loss, output_type, hidden_layer_sizes, fit_intercept, weighted
    )
    assert_gradients_match(problem, loss, alpha)


@pytest.mark.parametrize("loss", ["log_loss", "squared_error"])
def test_gradient_check_bigger_layers(loss):
    """A random subset of entries of bigger layers passes the gradient check."""
    problem = make_problem(
        loss, "multiclass", (30, 20), weighted=True, seed=3, n_features=12
    )
    assert problem["coefs"][0].size > MAX_CHECKED_ENTRIES
    assert_gradients_match(problem, loss, alpha=0.1)


REGRESSION_PROBLEMS = [
    ("squared_error", "continuous"),
    ("squared_error", "continuous_multioutput"),
    ("poisson", "counts"),
]


@pytest.mark.parametrize(("loss", "output_type"), REGRESSION_PROBLEMS)
@pytest.mark.parametrize("hidden_layer_sizes", [(), (4,), (4, 3)])
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize(("weighted", "alpha"), [(False, 0.0), (True, 0.3)])
def test_gradient_check_regression(
    loss, output_type, hidden_layer_sizes, fit_intercept, weighted, alpha
):
    """The regressor's outputs: half squared error through the identity (its
    ``1 / n_outputs``), half Poisson deviance through the exponential."""
    problem = make_problem(
        loss, output_type, hidden_layer_sizes, fit_intercept, weighted
    )
    assert_gradients_match(problem, loss, alpha)


@pytest.mark.parametrize(("loss", "output_type"), REGRESSION_PROBLEMS)
def test_gradient_check_regression_bigger_layers(loss, output_type):
    problem = make_problem(
        loss, output_type, (30, 20), weighted=True, seed=3, n_features=12
    )
    assert_gradients_match(problem, loss, alpha=0.1)


def test_output_types_are_as_specified():
    """Softmax only for multiclass log-loss; logistic outputs otherwise."""
    assert make_problem("log_loss", "multiclass", (2,))["out_activation"] == "softmax"
    for loss, output_type in [
        ("log_loss", "binary"),
        ("log_loss", "multilabel"),
        ("squared_error", "multiclass"),
    ]:
        assert make_problem(loss, output_type, (2,))["out_activation"] == "logistic"


def test_objective_definition():
    """The objective is the weighted mean loss plus alpha/2 ||W||^2 / sum(w)."""
    problem = make_problem("log_loss", "multilabel", (4, 3), weighted=True)
    alpha = 0.7
    objective = objective_and_gradients(problem, "log_loss", alpha)[0]
    output = forward(params_of(problem), problem["X"], "logistic")[-1]
    weights = problem["sample_weight"]
    penalty = sum((c**2).sum() for c in problem["coefs"])
    expected = binary_log_loss(problem["y"], output, weights, xp=np)
    expected += 0.5 * alpha * penalty / weights.sum()
    np.testing.assert_allclose(objective, expected, rtol=1e-12)


@pytest.mark.parametrize(
    ("loss", "output_type"),
    [
        (loss, output_type)
        for loss in ("log_loss", "squared_error")
        for output_type in ("binary", "multiclass", "multilabel")
    ]
    + REGRESSION_PROBLEMS,
)
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_sparse_input_gives_dense_gradients(loss, output_type, fit_intercept):
    """CSR input gives the objective and gradients of the same data dense."""
    problem = make_problem(loss, output_type, (4, 3), fit_intercept, weighted=True)
    X = problem["X"].copy()
    X[np.abs(X) < 0.7] = 0.0  # make it genuinely sparse
    X_sparse = sp.csr_matrix(X)
    dense = objective_and_gradients(problem, loss, 0.2, X=X)
    sparse = objective_and_gradients(problem, loss, 0.2, X=X_sparse)
    np.testing.assert_allclose(sparse[0], dense[0], rtol=1e-13)
    for grad_sparse, grad_dense in zip(sparse[1], dense[1]):
        assert isinstance(grad_sparse, np.ndarray)
        np.testing.assert_allclose(grad_sparse, grad_dense, rtol=1e-12, atol=1e-15)
    if fit_intercept:
        for grad_sparse, grad_dense in zip(sparse[2], dense[2]):
            np.testing.assert_allclose(grad_sparse, grad_dense, rtol=1e-12, atol=1e-15)


def test_workspace_buffers_give_the_same_results():
    """Reused buffers (sliced to the batch) give what fresh allocations give."""
    problem = make_problem("log_loss", "multiclass", (4, 3), weighted=True)
    params = params_of(problem)
    workspace = allocate_workspace(params, 2 * N_SAMPLES)
    for buffers in workspace.values():
        for buffer in buffers:
            buffer.fill(np.nan)  # stale content must not leak into results
    rows = workspace_rows(workspace, N_SAMPLES)
    activations = forward(
        params, problem["X"], "softmax", activations=rows["activations"]
    )
    assert activations[1].base is workspace["activations"][0]
    objective, grad_coefs, grad_intercepts = backward(
        params,
        Objective("log_loss", "softmax", alpha=0.2),
        problem["y"],
        activations,
        sample_weight=problem["sample_weight"],
        workspace=rows,
    )
    expected = objective_and_gradients(problem, "log_loss", 0.2)
    assert objective == pytest.approx(expected[0], rel=1e-14)
    for got, want in zip(grad_coefs + grad_intercepts, expected[1] + expected[2]):
        np.testing.assert_allclose(got, want, rtol=1e-13, atol=1e-16)


def test_backward_without_weight_gradients_keeps_deltas():
    """``weight_gradients=False`` returns no weight gradients, the same deltas."""
    problem = make_problem("squared_error", "multiclass", (4, 3))
    params = params_of(problem)
    results = []
    for weight_gradients in (True, False):
        workspace = allocate_workspace(params, N_SAMPLES)
        activations = forward(params, problem["X"], "logistic")
        results.append(
            (
                backward(
                    params,
                    Objective("squared_error", "logistic"),
                    problem["y"],
                    activations,
                    workspace=workspace,
                    weight_gradients=weight_gradients,
                ),
                [d.copy() for d in workspace["deltas"]],
            )
        )
    (with_weights, deltas), (without_weights, deltas_only) = results
    assert without_weights[1] is None
    assert with_weights[0] == without_weights[0]
    for got, want in zip(deltas_only, deltas):
        np.testing.assert_array_equal(got, want)
    for got, want in zip(without_weights[2], with_weights[2]):
        np.testing.assert_array_equal(got, want)
    # the bias gradient is the column sum of the deltas
    for delta, grad_intercept in zip(deltas, with_weights[2]):
        np.testing.assert_allclose(delta.sum(axis=0), grad_intercept, rtol=1e-14)


@pytest.mark.parametrize(
    ("loss", "output_type"),
    [
        (loss, output_type)
        for loss in ("log_loss", "squared_error")
        for output_type in ("binary", "multiclass", "multilabel")
    ]
    + REGRESSION_PROBLEMS,
)
def test_float32_stays_float32(loss, output_type):
    """Float32 data and parameters give float32 activations and gradients."""
    problem = make_problem(loss, output_type, (4, 3), weighted=True, dtype=np.float32)
    problem["sample_weight"] = problem["sample_weight"].astype(np.float32)
    activations = forward(params_of(problem), problem["X"], problem["out_activation"])
    assert all(a.dtype == np.float32 for a in activations)
    objective, grad_coefs, grad_intercepts = objective_and_gradients(problem, loss, 0.1)
    assert np.isfinite(objective)
    assert all(g.dtype == np.float32 for g in grad_coefs + grad_intercepts)
    # and the float32 gradients approximate the float64 ones
    problem64 = make_problem(loss, output_type, (4, 3), weighted=True)
    expected = objective_and_gradients(problem64, loss, 0.1)
    assert objective == pytest.approx(expected[0], rel=1e-5)
    for got, want in zip(grad_coefs + grad_intercepts, expected[1] + expected[2]):
        np.testing.assert_allclose(got, want, rtol=1e-3, atol=1e-6)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("weight_init", ["glorot_uniform", "notebook"])
def test_init_parameters(dtype, weight_init):
    """Shapes, dtype, contiguity, zero intercepts and the documented draws."""
    layer_sizes = [6, 5, 4, 3]
    coefs, intercepts = init_parameters(
        layer_sizes, weight_init, np.random.RandomState(7), dtype
    )
    rng = np.random.RandomState(7)
    for (fan_in, fan_out), weights, bias in zip(
        pairwise(layer_sizes), coefs, intercepts
    ):
        assert weights.shape == (fan_in, fan_out)
        assert weights.dtype == dtype
        assert weights.flags.c_contiguous
        assert bias.dtype == dtype
        np.testing.assert_array_equal(bias, np.zeros(fan_out))
        if weight_init == "notebook":
            expected = rng.randn(fan_out, fan_in).T * np.sqrt(1.0 / fan_out)
        else:
            bound = np.sqrt(6.0 / (fan_in + fan_out))
            expected = rng.uniform(-bound, bound, (fan_in, fan_out))
            assert np.abs(weights).max() <= bound
        np.testing.assert_array_equal(weights, expected.astype(dtype))


# --------------------------------------------------------------- activations


def test_sigmoid_does_not_overflow():
    """The logistic function saturates at +-1e4 without any warning."""
    z = np.array([-1e4, -50.0, 0.0, 50.0, 1e4])
    with warnings.catch_warnings(), np.errstate(all="raise"):
        warnings.simplefilter("error")
        a = sigmoid(z, xp=np)
    assert a[0] == 0.0
    assert a[-1] == 1.0
    assert a[2] == 0.5
    np.testing.assert_allclose(a[1:4], 1 / (1 + np.exp(-z[1:4])), rtol=1e-15)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_sigmoid_in_place_keeps_dtype(dtype):
    """``out=z`` writes in place and keeps float32/float64."""
    z = np.linspace(-5, 5, 11).astype(dtype)
    expected = 1 / (1 + np.exp(-z.astype(np.float64)))
    result = sigmoid(z, out=z, xp=np)
    assert result is z
    assert result.dtype == dtype
    np.testing.assert_allclose(result, expected, rtol=1e-6)


def test_sigmoid_derivative_from_output():
    """``a * (1 - a)`` from the output equals the notebook's formula in ``z``."""
    z = np.linspace(-8, 8, 33)
    a = sigmoid(z, xp=np)
    out = np.empty_like(a)
    result = sigmoid_derivative(a, out=out, xp=np)
    assert result is out
    np.testing.assert_allclose(result, a * (1 - a), rtol=1e-15)
    notebook = np.exp(-z) / ((np.exp(-z) + 1) ** 2)
    np.testing.assert_allclose(result, notebook, rtol=1e-12)
    np.testing.assert_array_equal(a, sigmoid(z, xp=np))  # the input is not changed


def test_softmax_is_stable_and_normalised():
    """Rows sum to one, large inputs do not overflow, shifts do not matter."""
    z = np.array([[1000.0, 0.0, -1000.0], [1.0, 2.0, 3.0], [-1e4, -1e4, -1e4]])
    with warnings.catch_warnings(), np.errstate(over="raise", invalid="raise"):
        warnings.simplefilter("error")
        p = softmax(z, xp=np)
    np.testing.assert_allclose(p.sum(axis=1), 1.0, rtol=1e-15)
    np.testing.assert_allclose(p[0], [1.0, 0.0, 0.0])
    np.testing.assert_allclose(p[2], [1 / 3] * 3)
    expected = np.exp([1.0, 2.0, 3.0]) / np.exp([1.0, 2.0, 3.0]).sum()
    np.testing.assert_allclose(p[1], expected, rtol=1e-15)
    np.testing.assert_allclose(softmax(z[1:2] + 123.0, xp=np), p[1:2], rtol=1e-14)
    z32 = z.astype(np.float32)
    assert softmax(z32, out=z32, xp=np) is z32
    assert z32.dtype == np.float32


@pytest.mark.parametrize(
    "shape", [(1, 10), (32, 10), (200, 2), (7, 64), (7, 65), (3, 200), (10,)]
)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_softmax_of_short_and_long_rows(shape, dtype):
    """Rows' maxima taken column-wise (short rows) or along them agree."""
    z = np.random.RandomState(0).normal(scale=5, size=shape).astype(dtype)
    np.testing.assert_array_equal(_row_max(z), z.max(axis=-1, keepdims=True))
    if z.ndim == 2:
        z[0, -1] = np.inf
    expected = scipy.special.softmax(
        np.clip(z.astype(np.float64), -1e300, 1e300), axis=-1
    )
    result = softmax(z.copy(), xp=np)
    assert result.dtype == dtype
    np.testing.assert_allclose(
        result, expected, rtol=1e-5 if dtype == np.float32 else 1e-13, atol=1e-30
    )


@pytest.mark.parametrize("limited", [True, False])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("layout", ["contiguous", "strided", "mixed dtype", "matrix"])
def test_axpy_blas_and_plain_agree(dtype, layout, limited, axpy_calls):
    """BLAS's ``y += a * x`` in place, or NumPy's where BLAS cannot take it.

    BLAS only for contiguous arrays of one dtype, and only inside a limit
    that keeps SciPy's BLAS on one thread (unless SciPy shares NumPy's).
    """
    rng = np.random.RandomState(0)
    x, y = rng.randn(2, 101).astype(dtype)
    if layout == "strided":
        x, y = rng.randn(2, 202).astype(dtype)[:, ::2]
    elif layout == "mixed dtype":
        x = x.astype(np.float32 if dtype == np.float64 else np.float64)
    elif layout == "matrix":
        x, y = x[:100].reshape(10, 10), y[:100].reshape(10, 10)
    expected = y + -0.3 * x  # NumPy's promotion: the fallback's result
    with _blas.scipy_blas_single_thread() if limited else contextlib.nullcontext():
        result = axpy(-0.3, x, y)
    assert result is y and y.dtype == dtype
    # BLAS may fuse the multiply and the add: one rounding fewer
    tolerance = 1e-6 if dtype == np.float32 else 1e-15
    np.testing.assert_allclose(y, expected, rtol=tolerance, atol=tolerance)
    by_blas = layout in ("contiguous", "matrix") and (
        limited or _blas._scipy_own_blas() is None
    )
    assert axpy_calls == ([1] if by_blas else [])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_identity_and_exponential_outputs(dtype):
    """The identity writes in place; the exponential never overflows nor
    reaches zero, and is ``exp`` inside its bounds."""
    z = np.array([-1e4, -50.0, 0.0, 3.0, 80.0, 1e4], dtype=dtype)
    assert identity(z, out=z, xp=np) is z
    out = np.empty_like(z)
    np.testing.assert_array_equal(identity(z, out=out, xp=np), z)
    with warnings.catch_warnings(), np.errstate(all="raise"):
        warnings.simplefilter("error")
        a = exponential(z.copy(), out=None, xp=np)
        logs = np.log(a)
    assert a.dtype == dtype
    assert np.all(np.isfinite(a)) and np.all(a > 0)
    assert np.all(np.isfinite(logs))
    np.testing.assert_allclose(a[1:5], np.exp(z[1:5].astype(np.float64)), rtol=1e-6)
    lower, upper = exp_bounds(dtype, np)
    assert a[-1] == np.exp(np.asarray(upper, dtype))
    assert a[0] == np.exp(np.asarray(lower, dtype))
    buffer = z.copy()
    assert exponential(buffer, out=buffer, xp=np) is buffer
    assert OUT_ACTIVATIONS["identity"] is identity
    assert OUT_ACTIVATIONS["exp"] is exponential


# -------------------------------------------------------------------- losses


@pytest.mark.parametrize("function", [log_loss, binary_log_loss, squared_error])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_losses_finite_when_saturated(function, dtype):
    """Probabilities of exactly 0 and 1, right or wrong, give finite losses."""
    y_true = np.array([[1, 0], [0, 1], [1, 0]], dtype=dtype)
    y_prob = np.array([[0, 1], [0, 1], [1, 0]], dtype=dtype)
    with warnings.catch_warnings(), np.errstate(all="raise"):
        warnings.simplefilter("error")
        value = function(y_true, y_prob, xp=np)
    assert isinstance(value, float)
    assert np.isfinite(value)
    assert value > 0
    perfect = function(y_true, y_true, xp=np)
    assert np.isfinite(perfect)
    assert 0 <= perfect < 1e-5


def test_loss_values():
    """The three losses against their formulas, per sample then averaged."""
    rng = np.random.RandomState(0)
    y_prob = rng.uniform(0.05, 0.95, size=(6, 3))
    y_true = np.eye(3)[[0, 1, 2, 0, 1, 2]]
    softmax_prob = y_prob / y_prob.sum(axis=1, keepdims=True)
    np.testing.assert_allclose(
        log_loss(y_true, softmax_prob, xp=np),
        -np.mean(np.log(softmax_prob[np.arange(6), [0, 1, 2, 0, 1, 2]])),
        rtol=1e-14,
    )
    per_sample = -(y_true * np.log(y_prob) + (1 - y_true) * np.log(1 - y_prob))
    np.testing.assert_allclose(
        binary_log_loss(y_true, y_prob, xp=np),
        per_sample.sum(axis=1).mean(),
        rtol=1e-14,
    )
    np.testing.assert_allclose(
        squared_error(y_true, y_prob, xp=np),
        ((y_prob - y_true) ** 2).mean(),
        rtol=1e-14,
    )


@pytest.mark.parametrize("function", [log_loss, binary_log_loss, squared_error])
def test_losses_weighted_mean(function):
    """Weights give the weighted mean; integer weights equal repeated rows."""
    rng = np.random.RandomState(1)
    y_prob = rng.uniform(0.05, 0.95, size=(5, 3))
    y_prob /= y_prob.sum(axis=1, keepdims=True)
    y_true = np.eye(3)[[0, 2, 1, 1, 0]]
    weights = np.array([2.0, 0.0, 1.0, 3.0, 1.0])
    per_sample = np.array(
        [function(y_true[i : i + 1], y_prob[i : i + 1], xp=np) for i in range(5)]
    )
    weighted = function(y_true, y_prob, weights, xp=np)
    np.testing.assert_allclose(weighted, np.average(per_sample, weights=weights))
    repeats = weights.astype(int)
    repeated = function(
        np.repeat(y_true, repeats, axis=0), np.repeat(y_prob, repeats, axis=0), xp=np
    )
    np.testing.assert_allclose(weighted, repeated, rtol=1e-14)
    np.testing.assert_allclose(
        function(y_true, y_prob, np.full(5, 4.0), xp=np),
        function(y_true, y_prob, xp=np),
    )


def test_loss_function_mapping():
    """The loss name and output activation pick the documented function."""
    assert loss_function("log_loss", "softmax") is log_loss
    assert loss_function("log_loss", "logistic") is binary_log_loss
    assert loss_function("squared_error", "logistic") is squared_error


def test_loss_function_mapping_regression():
    """The regressor's pairs; a pair no estimator trains is an error."""
    assert loss_function("squared_error", "identity") is half_squared_error
    assert loss_function("poisson", "exp") is half_poisson_deviance
    for loss, out_activation in [("poisson", "identity"), ("log_loss", "exp")]:
        with pytest.raises(ValueError, match="No loss"):
            loss_function(loss, out_activation)


def test_output_delta_formulas():
    """``p - y`` for log-loss, the notebook's ``error3`` for squared error."""
    rng = np.random.RandomState(2)
    y_prob = rng.uniform(0.05, 0.95, size=(4, 3))
    y_true = np.eye(3)[[0, 1, 2, 0]]
    out = np.empty_like(y_prob)
    for out_activation in ("softmax", "logistic"):
        np.testing.assert_allclose(
            output_delta("log_loss", out_activation, y_true, y_prob, out=out, xp=np),
            y_prob - y_true,
        )
    expected = 2 * (y_prob - y_true) / 3 * y_prob * (1 - y_prob)
    result = output_delta("squared_error", "logistic", y_true, y_prob, out=out, xp=np)
    assert result is out
    np.testing.assert_allclose(result, expected, rtol=1e-14)


def test_output_delta_formulas_regression():
    """``(p - y) / n_outputs`` for the half squared error, ``p - y`` for Poisson."""
    rng = np.random.RandomState(2)
    y_pred = rng.normal(size=(4, 3))
    y_true = rng.normal(size=(4, 3))
    out = np.empty_like(y_pred)
    result = output_delta("squared_error", "identity", y_true, y_pred, out=out, xp=np)
    assert result is out
    np.testing.assert_allclose(result, (y_pred - y_true) / 3, rtol=1e-14)
    counts, rates = np.abs(y_true).round(), np.exp(y_pred)
    np.testing.assert_allclose(
        output_delta("poisson", "exp", counts, rates, out=out, xp=np),
        rates - counts,
        rtol=1e-14,
    )


@pytest.mark.parametrize("n_outputs", [1, 3])
@pytest.mark.parametrize("weighted", [False, True])
def test_regression_losses_are_mlpregressors(n_outputs, weighted):
    """The values of scikit-learn's ``squared_loss`` and ``poisson_loss`` (the
    losses ``MLPRegressor`` reports in ``loss_curve_``)."""
    rng = np.random.RandomState(5)
    y_true = rng.normal(size=(9, n_outputs))
    y_pred = rng.normal(size=(9, n_outputs))
    weights = rng.uniform(0, 2, size=9) if weighted else None
    np.testing.assert_allclose(
        half_squared_error(y_true, y_pred, weights, xp=np),
        squared_loss(y_true, y_pred, weights),
        rtol=1e-13,
    )
    counts = rng.poisson(1.5, size=(9, n_outputs)).astype(float)
    rates = np.exp(y_pred)
    np.testing.assert_allclose(
        half_poisson_deviance(counts, rates, weights, xp=np),
        poisson_loss(counts, rates, weights),
        rtol=1e-13,
    )
    assert half_poisson_deviance(counts, counts + (counts == 0), xp=np) == (
        pytest.approx(float((counts == 0).sum(axis=1).mean()))
    )


def test_constant_prediction_loss_is_the_chance_level_of_regression():
    """The loss of the weighted mean: half the weighted variance (squared
    error), the deviance of the mean (Poisson); the objective records it."""
    rng = np.random.RandomState(6)
    y = rng.normal(3.0, 2.0, size=(50, 2))
    weights = rng.uniform(0.5, 2.0, size=50)
    variance = np.average(
        (y - np.average(y, axis=0, weights=weights)) ** 2, axis=0, weights=weights
    )
    value = constant_prediction_loss("squared_error", "identity", y, weights, xp=np)
    assert value == pytest.approx(variance.mean() / 2, rel=1e-12)
    objective = Objective("squared_error", "identity").for_targets(y, weights, xp=np)
    assert objective.chance_loss(2) == value
    counts = rng.poisson(2.0, size=(50, 1)).astype(float)
    mean = np.average(counts[:, 0], weights=weights)
    expected = poisson_loss(counts, np.full_like(counts, mean), weights)
    assert constant_prediction_loss(
        "poisson", "exp", counts, weights, xp=np
    ) == pytest.approx(expected, rel=1e-12)
    # an output of zeros only: the deviance of a tiny rate, finite
    with (
        warnings.catch_warnings(),
        np.errstate(over="raise", divide="raise", invalid="raise"),
    ):
        warnings.simplefilter("error")
        zero = constant_prediction_loss("poisson", "exp", 0 * counts, weights, xp=np)
    assert 0 <= zero < 1e-300
    # without the targets a regression loss has no chance level; a classifier's
    # objective is the same object
    assert chance_loss("squared_error", "identity", 2) == 0.0
    classifier = Objective("log_loss", "softmax")
    assert classifier.for_targets(np.eye(2), np.ones(2), xp=np) is classifier


def test_match_output_mean_starts_at_the_mean_target():
    """Identity and exponential outputs: the weighted mean output is the
    weighted mean target after the shift; only the last intercepts move."""
    rng = np.random.RandomState(7)
    X = rng.normal(size=(40, 5))
    weights = rng.uniform(0.5, 2.0, size=40)
    for out_activation, y in [
        ("identity", rng.normal(100.0, 5.0, size=(40, 2))),
        ("exp", rng.poisson(20.0, size=(40, 2)).astype(float)),
    ]:
        coefs, intercepts = init_parameters(
            [5, 4, 2], "glorot_uniform", rng, np.float64
        )
        params = Parameters.of(coefs, intercepts, True, xp=np)
        hidden = intercepts[0].copy()
        match_output_mean(params, X, y, weights, out_activation)
        output = predict_output(params, X, out_activation)
        np.testing.assert_allclose(
            np.average(output, axis=0, weights=weights),
            np.average(y, axis=0, weights=weights),
            rtol=1e-12,
        )
        np.testing.assert_array_equal(intercepts[0], hidden)
    # an exponential output whose targets are all zero is left as drawn
    params = Parameters.of(
        *init_parameters([5, 2], "glorot_uniform", rng, np.float64), True, xp=np
    )
    match_output_mean(params, X, np.zeros((40, 2)), weights, "exp")
    np.testing.assert_array_equal(params.intercepts[-1], [0.0, 0.0])


# ---------------------------------------------------------------- optimizers


def random_params(seed, dtype=np.float64):
    """Parameters and four rounds of gradients of three small arrays."""
    rng = np.random.RandomState(seed)
    shapes = [(4, 3), (3,), (3, 2)]
    params = [rng.normal(size=shape).astype(dtype) for shape in shapes]
    grads = [
        [rng.normal(size=shape).astype(dtype) for shape in shapes] for _ in range(4)
    ]
    return params, grads


def flat(arrays):
    """The arrays as one vector, in order (the optimizers' layout)."""
    return np.concatenate([a.ravel() for a in arrays])


@pytest.mark.parametrize(
    ("momentum", "nesterov"), [(0.0, False), (0.9, False), (0.9, True), (0.5, True)]
)
def test_sgd_step_matches_sklearn_rule(momentum, nesterov):
    """SGD follows MLPClassifier's ``v = mu v - lr g``; ``w += v`` (or Nesterov)."""
    params, grad_rounds = random_params(0)
    expected = [p.copy() for p in params]
    params, velocities = flat(params), np.zeros(flat(params).size)
    expected_velocities = [np.zeros_like(p) for p in expected]
    learning_rate = 0.05
    for grads in grad_rounds:
        for i, grad in enumerate(grads):
            expected_velocities[i] = (
                momentum * expected_velocities[i] - learning_rate * grad
            )
            if nesterov:
                update = momentum * expected_velocities[i] - learning_rate * grad
            else:
                update = expected_velocities[i]
            expected[i] = expected[i] + update
        sgd_step(
            params, flat(grads), velocities, learning_rate, momentum, nesterov, xp=np
        )
    np.testing.assert_allclose(params, flat(expected), rtol=1e-13, atol=1e-15)
    np.testing.assert_allclose(
        velocities, flat(expected_velocities), rtol=1e-13, atol=1e-15
    )


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_adam_step_matches_sklearn_rule(dtype):
    """Adam follows MLPClassifier's bias-corrected step size, over several steps."""
    params, grad_rounds = random_params(1, dtype)
    expected = [p.astype(np.float64) for p in params]
    params = flat(params)
    first = [np.zeros_like(p) for p in expected]
    second = [np.zeros_like(p) for p in expected]
    learning_rate, beta_1, beta_2, epsilon = 0.01, 0.9, 0.999, 1e-8
    state = init_state("adam", params.size, dtype, learning_rate, xp=np)
    assert state["t"] == 0
    for t, grads in enumerate(grad_rounds, start=1):
        step_size = learning_rate * np.sqrt(1 - beta_2**t) / (1 - beta_1**t)
        for i, grad in enumerate(grads):
            first[i] = beta_1 * first[i] + (1 - beta_1) * grad
            second[i] = beta_2 * second[i] + (1 - beta_2) * grad**2
            expected[i] = expected[i] - step_size * first[i] / (
                np.sqrt(second[i]) + epsilon
            )
        adam_step(params, flat(grads), state, beta_1, beta_2, epsilon, xp=np)
        assert state["t"] == t
    rtol = 1e-5 if dtype == np.float32 else 1e-12
    assert params.dtype == dtype
    np.testing.assert_allclose(params, flat(expected), rtol=rtol, atol=rtol)
    np.testing.assert_allclose(
        state["first_moments"], flat(first), rtol=rtol, atol=rtol
    )
    np.testing.assert_allclose(
        state["second_moments"], flat(second), rtol=rtol, atol=rtol
    )


def test_optimizer_state_is_plain_data():
    """The state is a dict of numbers, strings and flat NumPy arrays of zeros."""
    for solver in ("sgd", "adam"):
        state = init_state(solver, 7, np.float32, 0.1, xp=np)
        assert state["solver"] == solver
        assert state["learning_rate"] == 0.1
        for value in state.values():
            if isinstance(value, np.ndarray):
                assert type(value) is np.ndarray
                assert value.shape == (7,) and value.dtype == np.float32
                assert not value.any()
            else:
                assert isinstance(value, (int, float, str))


def sgd_with(schedule, learning_rate_init=0.1):
    state = init_state("sgd", 1, np.float64, learning_rate_init, xp=np)
    return SGD(state, schedule, 0.0, False, xp=np)


def test_invscaling_schedule():
    """Inverse scaling divides the initial rate by ``(t_ + 1) ** power_t``."""
    sgd = sgd_with(InvScaling(0.5))
    sgd.iteration_ends(99)
    assert sgd.learning_rate == pytest.approx(0.01)
    sgd.iteration_ends(10**400)
    assert sgd.learning_rate == 0.0
    for schedule in (Constant(), Adaptive()):
        sgd = sgd_with(schedule)
        sgd.iteration_ends(99)
        assert sgd.learning_rate == 0.1


def test_adaptive_schedule_divides_by_five_until_1e_6():
    """``trigger_stopping`` lowers an adaptive rate by 5 and stops below 1e-6."""
    sgd = sgd_with(Adaptive(), learning_rate_init=1e-5)
    assert sgd.trigger_stopping() is False
    assert sgd.learning_rate == pytest.approx(2e-6)
    assert sgd.trigger_stopping() is False
    assert sgd.learning_rate == pytest.approx(4e-7)
    assert sgd.trigger_stopping() is True
    assert sgd_with(Constant()).trigger_stopping() is True
    state = init_state("adam", 1, np.float64, 0.1, xp=np)
    adam = Adam(state, Constant(), 0.9, 0.999, 1e-8, xp=np)
    assert adam.trigger_stopping() is True


@pytest.mark.parametrize("sparse_input", [False, True])
@pytest.mark.parametrize("with_intercepts", [False, True])
@pytest.mark.parametrize("l2", [0.0, 0.3])
def test_sgd_rank_one_step_matches_outer_product(sparse_input, with_intercepts, l2):
    """The rank-one update is ``W - lr * (outer(a, delta) + l2 * W)``."""
    rng = np.random.RandomState(3)
    row = rng.normal(size=(1, 6))
    row[0, [1, 4]] = 0.0
    hidden = rng.uniform(size=(1, 4))
    activations = [sp.csr_matrix(row) if sparse_input else row, hidden]
    deltas = [rng.normal(size=(1, 4)), rng.normal(size=(1, 2))]
    coefs = [rng.normal(size=(6, 4)), rng.normal(size=(4, 2))]
    intercepts = [rng.normal(size=4), rng.normal(size=2)] if with_intercepts else None
    learning_rate = 0.1
    expected = [
        weights - learning_rate * (np.outer(inputs, delta) + l2 * weights)
        for weights, inputs, delta in zip(coefs, [row, hidden], deltas)
    ]
    if with_intercepts:
        expected_intercepts = [
            bias - learning_rate * delta[0] for bias, delta in zip(intercepts, deltas)
        ]
    sgd_rank_one_step(coefs, intercepts, activations, deltas, learning_rate, l2)
    for got, want in zip(coefs, expected):
        assert got.flags.c_contiguous
        np.testing.assert_allclose(got, want, rtol=1e-13, atol=1e-15)
    if with_intercepts:
        for got, want in zip(intercepts, expected_intercepts):
            np.testing.assert_allclose(got, want, rtol=1e-14)


def test_sgd_rank_one_step_float32():
    """The rank-one update keeps float32 weights float32."""
    rng = np.random.RandomState(4)
    weights = rng.normal(size=(5, 3)).astype(np.float32)
    row = rng.normal(size=(1, 5)).astype(np.float32)
    delta = rng.normal(size=(1, 3)).astype(np.float32)
    expected = weights - 0.1 * np.outer(row, delta)
    sgd_rank_one_step([weights], None, [row], [delta], 0.1, 0.0)
    assert weights.dtype == np.float32
    np.testing.assert_allclose(weights, expected, rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("fit_intercept", [True, False])
def test_packed_parameters_give_the_same_objective_and_gradients(fit_intercept):
    """The L2 term over the flat vector (training) equals the per-layer one."""
    problem = make_problem("log_loss", "multiclass", (4, 3), fit_intercept, True)
    loose = params_of(problem)
    packed = Parameters.packed(
        loose.coefs, loose.intercepts, loose.fit_intercept, xp=np
    )
    objective = Objective("log_loss", "softmax", alpha=0.3)
    results = []
    for params in (loose, packed):
        activations = forward(params, problem["X"], "softmax")
        value, grad_coefs, grad_intercepts = backward(
            params, objective, problem["y"], activations, problem["sample_weight"]
        )
        results.append((value, [g.copy() for g in grad_coefs], grad_intercepts))
    assert results[0][0] == pytest.approx(results[1][0], rel=1e-14)
    for got, want in zip(results[1][1], results[0][1]):
        np.testing.assert_allclose(got, want, rtol=1e-13, atol=1e-16)
