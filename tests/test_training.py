"""The training engine on plain arrays, without an estimator.

The :class:`~sklearn_sigmoid_mlp._training.Trainer`, its rules, the step
paths (:mod:`sklearn_sigmoid_mlp._steps`) and the optimizers' schedules are
driven here directly: data as NumPy arrays, parameters from
:func:`~sklearn_sigmoid_mlp._network.init_parameters`.
"""

import numpy as np
import pytest
from helpers import blas_threads_by_library

from sklearn_sigmoid_mlp import _blas
from sklearn_sigmoid_mlp._batches import SMALL_BATCH, BatchIterator
from sklearn_sigmoid_mlp._losses import Objective
from sklearn_sigmoid_mlp._network import forward, init_parameters
from sklearn_sigmoid_mlp._optimizers import (
    init_state,
    make_optimizer,
    state_for_call,
)
from sklearn_sigmoid_mlp._parameters import Parameters
from sklearn_sigmoid_mlp._schedules import Constant, Cosine
from sklearn_sigmoid_mlp._steps import STEP_PATHS, choose_step_path
from sklearn_sigmoid_mlp._training import (
    DIVERGENCE_FACTOR,
    EarlyStopping,
    Plateau,
    Report,
    Rule,
    TimeBudget,
    Trainer,
    TrainingData,
    weights_or_none,
)

pytestmark = pytest.mark.usefixtures("single_blas_thread")

SETTINGS = {
    "learning_rate": "constant",
    "power_t": 0.5,
    "momentum": 0.0,
    "nesterovs_momentum": False,
    "beta_1": 0.9,
    "beta_2": 0.999,
    "epsilon": 1e-8,
    "verbose": False,
}


def problem(n_samples=60, n_features=6, n_classes=3, seed=0, weighted=False):
    """Separable blobs, one-hot targets and (optionally) sample weights."""
    rng = np.random.RandomState(seed)
    labels = np.arange(n_samples) % n_classes
    centers = rng.normal(scale=2.0, size=(n_classes, n_features))
    X = centers[labels] + rng.normal(size=(n_samples, n_features))
    y = np.eye(n_classes)[labels]
    weight = np.ones(n_samples)
    if weighted:
        weight = rng.uniform(0.5, 2.0, size=n_samples)
        weight[[3, 10]] = 0.0
    return TrainingData(X, y, weight, labels=labels, label_index=labels)


def network(layer_sizes, seed=0, fit_intercept=True):
    coefs, intercepts = init_parameters(
        layer_sizes, "glorot_uniform", np.random.RandomState(seed), np.float64
    )
    return Parameters.packed(coefs, intercepts, fit_intercept, xp=np)


def optimizer_for(params, solver="sgd", learning_rate_init=0.05, **settings):
    state = init_state(
        solver, params.n_trained, params.dtype, learning_rate_init, xp=np
    )
    return make_optimizer(state, {**SETTINGS, **settings}, xp=np)


def run(data, params, objective, optimizer, rules=(), epochs=3, **options):
    trainer = Trainer(
        params,
        objective,
        optimizer,
        options.pop("batch_size", 10),
        step_path=options.pop("step_path", None),
    )
    return trainer.run(
        data,
        epochs,
        list(rules),
        samples_seen=0,
        rng=np.random.RandomState(0),
        shuffle=options.pop("shuffle", True),
        **options,
    )


def accuracy(params, data, out_activation="softmax"):
    output = forward(params, data.X, out_activation)[-1]
    return float(np.mean(output.argmax(axis=1) == data.labels))


def test_trainer_learns_on_plain_arrays():
    data = problem()
    params = network([6, 8, 3])
    before = accuracy(params, data)
    result = run(
        data,
        params,
        Objective("log_loss", "softmax"),
        optimizer_for(params, momentum=0.9, learning_rate_init=0.1),
        epochs=15,
    )
    assert result.n_epochs == 15 and result.stop_reason is None
    assert result.samples_seen == 15 * 60
    assert result.epoch_losses[-1] < result.epoch_losses[0] / 2
    assert accuracy(params, data) > max(before, 0.9)
    assert result.validation_scores == [] and result.best is None


def test_training_data_train_index_restricts_the_rows():
    data = problem()
    data.train_index = np.arange(0, 60, 2)
    params = network([6, 4, 3])
    result = run(
        data,
        params,
        Objective("log_loss", "softmax"),
        optimizer_for(params),
        epochs=2,
    )
    assert result.samples_seen == 2 * 30


@pytest.mark.parametrize("weighted", [True, False])
@pytest.mark.parametrize("alpha", [0.0, 0.01])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_step_paths_agree(alpha, fit_intercept, weighted):
    """One-row batches of plain SGD: the three step paths give one result.

    Per-sample blocks (without L2), rank-one updates and the formed
    gradients are the same arithmetic up to rounding, with weights and
    without (weights of one train as no weights).
    """
    data = problem(n_samples=90, weighted=weighted)
    objective = Objective("squared_error", "logistic", alpha)
    paths = [p for p in STEP_PATHS if alpha == 0 or p != "per_sample_blocks"]
    results = {}
    for path in paths:
        params = network([6, 8, 5, 3], fit_intercept=fit_intercept)
        result = run(
            data,
            params,
            objective,
            optimizer_for(params),
            epochs=2,
            batch_size=1,
            step_path=path,
        )
        results[path] = (params.flat.copy(), result.epoch_losses)
    reference_flat, reference_losses = results["mini_batch"]
    for path in paths:
        flat, losses = results[path]
        np.testing.assert_allclose(flat, reference_flat, rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(losses, reference_losses, rtol=1e-10)


@pytest.mark.parametrize(
    "path, solver",
    [(path, "sgd") for path in STEP_PATHS] + [("mini_batch", "adam")],
)
def test_weights_of_one_train_as_equal_weights(path, solver):
    """Unit weights take the unweighted passes; any equal weights agree.

    Weights of one are dropped (:func:`weights_or_none`); weights of 2.5
    take the weighted arithmetic. Without L2 (whose term is divided by the
    weights' sum) the objective is a weighted mean, so both train the same
    network up to rounding.
    """
    batch_size = 1 if path != "mini_batch" else 7
    flats, losses = [], []
    for weight in (1.0, 2.5):
        data = problem(n_samples=45)
        data.sample_weight = np.full(45, weight)
        params = network([6, 5, 3])
        result = run(
            data,
            params,
            Objective("log_loss", "softmax"),
            optimizer_for(params, solver=solver),
            epochs=2,
            batch_size=batch_size,
            step_path=path,
        )
        flats.append(params.flat.copy())
        losses.append(result.epoch_losses)
    np.testing.assert_allclose(flats[0], flats[1], rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(losses[0], losses[1], rtol=1e-10)


def test_weights_or_none():
    assert weights_or_none(None, np) is None
    assert weights_or_none(np.ones(4), np) is None
    empty = np.ones(0)
    assert weights_or_none(empty, np) is empty
    for weights in (np.full(3, 2.0), np.array([1.0, 1.0, 0.0])):
        assert weights_or_none(weights, np) is weights


@pytest.mark.parametrize("weighted", [True, False])
def test_batches_are_the_rows_in_order(weighted):
    """Gathered batches hold the ordered rows; slices without an order."""
    rng = np.random.RandomState(0)
    X, y = rng.randn(23, 4).astype(np.float32), rng.rand(23, 3)
    weights = rng.rand(23) if weighted else None
    batches = BatchIterator(X, y, weights, 5, xp=np)
    order = rng.permutation(23)
    for i, (X_b, y_b, w_b) in enumerate(batches.epoch(order)):
        rows = order[5 * i : 5 * i + 5]
        np.testing.assert_array_equal(X_b, X[rows])
        np.testing.assert_array_equal(y_b, y[rows])
        assert X_b.dtype == X.dtype
        if weighted:
            np.testing.assert_array_equal(w_b, weights[rows])
        else:
            assert w_b is None
    assert i == 4
    for i, (X_b, y_b, _) in enumerate(batches.epoch()):
        assert np.shares_memory(X_b, X) and np.shares_memory(y_b, y)
        np.testing.assert_array_equal(y_b, y[5 * i : 5 * i + 5])


@pytest.mark.parametrize("batch_size", [8, 32])
def test_blas_threads_while_training(batch_size):
    """SciPy's BLAS (the optimizers' axpy) on one thread during training.

    NumPy's keeps its threads for the products of large batches; small
    batches run every BLAS on one; both come back after the call.
    """
    from threadpoolctl import threadpool_limits

    threads = blas_threads_by_library
    if set(threads()) != {"scipy", "other"}:
        pytest.skip("SciPy shares NumPy's BLAS here: nothing to limit")
    seen = []

    class Watch(Rule):
        def after_batch(self, result):
            seen.append(threads())

    data = problem(n_samples=64)
    params = network([6, 5, 3])
    with threadpool_limits(limits=2, user_api="blas"):
        run(
            data,
            params,
            Objective("log_loss", "softmax", 1e-4),
            optimizer_for(params, solver="adam"),
            rules=[Watch()],
            epochs=1,
            batch_size=batch_size,
        )
        after = threads()
    expected = {"scipy": 1, "other": 1 if batch_size <= SMALL_BATCH else 2}
    assert seen and all(s == expected for s in seen), seen
    assert after == {"scipy": 2, "other": 2}


@pytest.mark.parametrize("solver", ["sgd", "adam"])
def test_training_steps_with_blas_axpy(solver, axpy_calls):
    """The optimizers' updates take BLAS's axpy inside training's limits."""
    data = problem(n_samples=40)
    params = network([6, 5, 3])
    run(
        data,
        params,
        Objective("log_loss", "softmax", 1e-4),
        optimizer_for(params, solver=solver, momentum=0.9),
        epochs=1,
        batch_size=20,
    )
    # per batch: the L2 term, then one (SGD without Nesterov's momentum) or
    # three (Adam) updates
    assert len(axpy_calls) == 2 * (1 + (1 if solver == "sgd" else 3))
    assert _blas._single_thread_limits == [0]


def test_choose_step_path():
    params = network([6, 8, 3])
    X = np.zeros((4, 6))
    plain = optimizer_for(params)
    momentum = optimizer_for(params, momentum=0.9)
    adam = optimizer_for(params, solver="adam")
    notebook = Objective("squared_error", "logistic")
    l2 = Objective("squared_error", "logistic", 1e-4)
    assert choose_step_path(params, notebook, plain, X, 1) == "per_sample_blocks"
    assert choose_step_path(params, l2, plain, X, 1) == "rank_one"
    assert choose_step_path(params, notebook, plain, X, 32) == "rank_one"
    assert choose_step_path(params, notebook, momentum, X, 1) == "mini_batch"
    assert choose_step_path(params, notebook, adam, X, 1) == "mini_batch"
    # no hidden layer: no block path
    assert choose_step_path(network([6, 3]), notebook, plain, X, 1) == "rank_one"


def test_unknown_step_path_is_an_error():
    data, params = problem(), network([6, 3])
    with pytest.raises(ValueError, match="Unknown step path 'fast'"):
        run(
            data,
            params,
            Objective("log_loss", "softmax"),
            optimizer_for(params),
            step_path="fast",
        )


class Recorder(Rule):
    """Records what the engine shows a rule, and stops when told to."""

    def __init__(self, stop_after=None, reason="callback"):
        self.calls, self.stop_after, self.reason = [], stop_after, reason

    def before_epoch(self, result):
        self.calls.append(("before", result.n_epochs))

    def after_epoch(self, result):
        self.calls.append(("after", result.n_epochs, len(result.validation_scores)))
        if self.stop_after is not None and result.n_epochs >= self.stop_after:
            return self.reason
        return None

    def end(self, result):
        self.calls.append(("end", result.stop_reason))


def test_rules_see_the_result_and_can_stop():
    data, params = problem(), network([6, 4, 3])
    recorder = Recorder(stop_after=2)
    result = run(
        data,
        params,
        Objective("log_loss", "softmax"),
        optimizer_for(params),
        rules=[recorder],
        epochs=5,
    )
    assert result.stop_reason == "callback" and result.n_epochs == 2
    assert recorder.calls == [
        ("before", 0),
        ("after", 1, 0),
        ("before", 1),
        ("after", 2, 0),
        ("end", "callback"),
    ]


def test_scores_are_recorded_before_the_rules_whatever_their_order():
    data, params = problem(), network([6, 4, 3])
    calls = []

    def scorer():
        calls.append("score")
        return accuracy(params, data), 0.5

    for order in (0, 1):
        recorder = Recorder()
        rules = [recorder, Report()] if order == 0 else [Report(), recorder]
        result = run(
            data,
            params,
            Objective("log_loss", "softmax"),
            optimizer_for(params),
            rules=rules,
            epochs=2,
            scorer=scorer,
        )
        assert recorder.calls[1] == ("after", 1, 1)
        assert len(result.validation_scores) == len(result.validation_losses) == 2
        assert result.validation_losses == [0.5, 0.5]


def test_stop_priority_does_not_depend_on_rule_order():
    data = problem()
    for order in (0, 1):
        params = network([6, 4, 3])
        rules = [Recorder(1, "max_time"), Recorder(1, "callback")]
        result = run(
            data,
            params,
            Objective("log_loss", "softmax"),
            optimizer_for(params),
            rules=rules[::-1] if order else rules,
        )
        assert result.stop_reason == "callback"


def test_plateau_writes_its_measures_in_the_result():
    data, params = problem(), network([6, 4, 3])
    optimizer = optimizer_for(params, learning_rate_init=1e-12)
    plateau = Plateau(optimizer, tol=1.0, n_iter_no_change=2, best=np.inf, count=0)
    result = run(
        data,
        params,
        Objective("log_loss", "softmax"),
        optimizer,
        rules=[plateau],
        epochs=10,
    )
    # the first epoch improves on inf, then three without 1.0 of improvement
    assert result.stop_reason == "converged" and result.n_epochs == 4
    assert result.best == min(result.epoch_losses)
    assert result.no_improvement_count == 3


def test_plateau_that_cannot_stop_only_counts():
    data, params = problem(), network([6, 4, 3])
    optimizer = optimizer_for(params, learning_rate_init=1e-12)
    plateau = Plateau(
        optimizer, tol=1.0, n_iter_no_change=1, best=0.0, count=5, can_stop=False
    )
    result = run(
        data,
        params,
        Objective("log_loss", "softmax"),
        optimizer,
        rules=[plateau],
        epochs=3,
    )
    assert result.stop_reason is None and result.no_improvement_count == 8


def test_early_stopping_restores_the_best_epoch():
    data, params = problem(), network([6, 4, 3])
    scores = iter([0.5, 0.9, 0.7, 0.6, 0.4, 0.3])
    snapshots = []

    def scorer():
        snapshots.append(params.snapshot())
        return next(scores), 1.0

    optimizer = optimizer_for(params)
    stopping = EarlyStopping(
        params,
        optimizer=optimizer,
        tol=0.0,
        n_iter_no_change=2,
        best=-np.inf,
        count=0,
    )
    result = run(
        data,
        params,
        Objective("log_loss", "softmax"),
        optimizer,
        rules=[stopping],
        epochs=6,
        scorer=scorer,
    )
    assert result.stop_reason == "early_stopping" and result.n_epochs == 5
    assert result.best == 0.9
    np.testing.assert_array_equal(params.trained, snapshots[1])


def test_time_budget_stops_after_a_batch():
    data, params = problem(), network([6, 4, 3])
    result = run(
        data,
        params,
        Objective("log_loss", "softmax"),
        optimizer_for(params),
        rules=[TimeBudget(1e-9)],
        epochs=5,
    )
    assert result.stop_reason == "max_time"
    assert result.samples_seen == 10 and result.n_epochs == 1


def test_divergence_rolls_back_to_the_last_good_epoch():
    data, params = problem(), network([6, 4, 3])
    optimizer = optimizer_for(params, learning_rate_init=0.01)
    start = params.snapshot()

    class Explode(Rule):
        """After the first epoch, a learning rate that makes the loss explode."""

        def after_epoch(self, result):
            optimizer.state["learning_rate"] = 1e6

    result = run(
        data,
        params,
        Objective("log_loss", "softmax"),
        optimizer,
        rules=[Explode()],
        epochs=5,
    )
    assert result.stop_reason == "diverged"
    assert result.n_epochs == 1 and result.samples_seen == 60
    assert not np.array_equal(params.trained, start)
    assert np.isfinite(params.trained).all()
    assert DIVERGENCE_FACTOR > 1


def test_cosine_schedule_is_owned_by_the_optimizer():
    params = network([6, 3])
    state = state_for_call(
        None, "adam", params.n_trained, params.dtype, 0.1, xp=np, device=None
    )
    optimizer = make_optimizer(state, {**SETTINGS, "learning_rate": "cosine"}, xp=np)
    assert isinstance(optimizer.schedule, Cosine)
    optimizer.start(incremental=False, max_iter=4)
    rates = []
    for samples in range(4):
        rates.append(optimizer.learning_rate)
        optimizer.iteration_ends(samples)
    assert rates == pytest.approx([0.1, 0.0854, 0.05, 0.0146], abs=1e-4)
    # partial_fit goes on along the curve, here at its end; a new fit starts
    # it again
    optimizer.start(incremental=True, max_iter=4)
    assert optimizer.learning_rate == 0.0 and optimizer.schedule_ended()
    optimizer.start(incremental=False, max_iter=4)
    assert optimizer.learning_rate == 0.1 and not optimizer.schedule_ended()
    assert not make_optimizer(state, SETTINGS, xp=np).schedule_ended()
    # another schedule leaves the cosine's position behind
    constant = make_optimizer(state, SETTINGS, xp=np)
    assert isinstance(constant.schedule, Constant)
    constant.start(incremental=False, max_iter=4)
    assert "cosine_epochs" not in state and constant.learning_rate == 0.1


def test_state_for_call_keeps_moments_and_takes_a_new_rate():
    state = state_for_call(None, "adam", 3, np.float64, 0.1, xp=np, device=None)
    state["first_moments"] += 1.0
    same = state_for_call(state, "adam", 3, np.float64, 0.01, xp=np, device=None)
    assert same is state and state["learning_rate"] == 0.01
    np.testing.assert_array_equal(state["first_moments"], 1.0)
    other = state_for_call(state, "sgd", 3, np.float64, 0.01, xp=np, device=None)
    assert other["solver"] == "sgd" and not other["velocities"].any()
    read_only = np.zeros(3)
    read_only.flags.writeable = False
    state["second_moments"] = read_only
    copied = state_for_call(state, "adam", 3, np.float64, 0.01, xp=np, device=None)
    assert copied["second_moments"].flags.writeable
