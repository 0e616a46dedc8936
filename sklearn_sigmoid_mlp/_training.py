"""The training engine: batches, epochs, and the rules that end training.

Plain NumPy/SciPy, no scikit-learn. One call to ``fit`` or ``partial_fit``
runs :meth:`Trainer.run` on one input, a :class:`TrainingData`, and returns
one output, a :class:`TrainingResult`. An epoch is a pass over the rows in
mini-batches, each trained by the call's step path (:mod:`._steps`: forward,
backward and an optimizer step over the flat parameter vector of
:mod:`._parameters`). After every epoch that kept the weights finite, the
engine records the epoch's loss and, with validation data, the validation
score and loss, in the result; then it consults the rules.

What ends training is decided by small, named rules, each with one job,
consulted through one interface (:class:`Rule`); each reads the result and
writes what it measures there, so that their order does not matter:

- before every epoch, :meth:`Rule.before_epoch` (scikit-learn's callbacks
  open the epoch's task);
- after every batch, :meth:`Rule.after_batch` (Ctrl-C:
  :class:`~._interrupt.Interrupt`; the time budget: :class:`TimeBudget`);
- after every epoch, :meth:`Rule.after_epoch` (the loss or validation-score
  plateau: :class:`Plateau`; early stopping and its best weights:
  :class:`EarlyStopping`; the per-epoch line of ``verbose``: :class:`Report`;
  scikit-learn's callbacks, in :mod:`._callbacks`);
- once at the end, :meth:`Rule.end` (early stopping restores its best
  weights).

A new stop rule is one class here, and the estimator parameter that adds it
to a call's rules.

The divergence guard (:class:`DivergenceGuard`) watches every epoch before
the rules see it: an epoch whose loss is not finite, or explodes, is rolled
back to the last good epoch, parameters and optimizer state alike, and
training stops with ``"diverged"``.

The engine trains in the namespace and on the device of the parameters; the
epochs' row orders are drawn with NumPy and moved there.
"""

import math
import time
from dataclasses import dataclass, field

import numpy as np

from ._batches import BatchIterator, blas_threads_for
from ._optimizers import state_arrays
from ._steps import choose_step_path, make_step, rows_per_batch
from ._xp import copy, squared_norm, sum_all

#: An epoch loss this many times the loss where training started (at least the
#: loss of chance-level predictions) means divergence.
DIVERGENCE_FACTOR = 10.0

#: When rules ask to stop after the same epoch, the reason recorded is the
#: first of these (then any other, by name).
STOP_PRIORITY = ("early_stopping", "converged", "callback", "max_time", "interrupted")

# a blow-up in training overflows to inf/NaN: the divergence guard detects it
# and restores the last good weights, so it must not also warn
_TRAINING_ERRSTATE = {"over": "ignore", "invalid": "ignore"}


@dataclass
class TrainingData:
    """What one training call trains on, in the namespace of the parameters.

    ``X`` are the rows (dense, or SciPy CSR), ``y`` the network's targets
    (``(n_samples, n_outputs)``), ``sample_weight`` the effective weight of
    each row; ``train_index`` the rows trained on when some are held out for
    early stopping (None: all). ``labels``, ``label_index`` and ``metadata``
    are the caller's view of the targets, each row's class index (None for
    other targets) and what scikit-learn's callbacks see (the caller's sample
    weights), kept beside the arrays for the estimator's rules.
    """

    X: object
    y: object
    sample_weight: object
    labels: object = None
    label_index: object = None
    metadata: dict | None = None
    train_index: object = None

    @property
    def n_train(self):
        """The number of rows trained on."""
        return self.X.shape[0] if self.train_index is None else len(self.train_index)


@dataclass
class TrainingResult:
    """What one call to :meth:`Trainer.run` did, and what its rules measured.

    ``stop_reason`` is None when the epoch budget ran out. ``epoch_losses``,
    ``validation_scores`` and ``validation_losses`` hold this call's epochs
    (the validation lists stay empty without validation data). ``best`` and
    ``no_improvement_count`` are the convergence rule's (:class:`Plateau`),
    None when no epoch ran.
    """

    samples_seen: int = 0
    epoch_losses: list = field(default_factory=list)
    validation_scores: list = field(default_factory=list)
    validation_losses: list = field(default_factory=list)
    stop_reason: str | None = None
    best: float | None = None
    no_improvement_count: int | None = None
    #: SciPy's result of ``solver="lbfgs"`` (see ``_lbfgs``); None otherwise
    lbfgs: object = None

    @property
    def n_epochs(self):
        """The number of epochs completed in the call."""
        return len(self.epoch_losses)


class Rule:
    """A rule consulted by the engine; each method may ask to stop.

    A method returns None to go on, or the reason to stop (a short string
    that becomes the estimator's ``stop_reason_``). Each gets the call's
    :class:`TrainingResult` so far.
    """

    def before_epoch(self, result):
        """Before every epoch."""

    def after_batch(self, result):
        """After every batch; returns a stop reason or None."""
        return None

    def after_epoch(self, result):
        """After every epoch that kept the weights finite; a reason or None."""
        return None

    def end(self, result):
        """Once, when training stops (``result.stop_reason`` is set)."""


class TimeBudget(Rule):
    """Stop after the batch that crosses ``max_time`` seconds."""

    def __init__(self, max_time):
        self.deadline = time.monotonic() + max_time

    def after_batch(self, result):
        return "max_time" if time.monotonic() >= self.deadline else None


class Plateau(Rule):
    """Stop when the monitored value stops improving; the optimizer decides.

    Monitors the epoch loss, or the validation score with
    ``monitor="validation_score"`` (higher is better). Counts the epochs in a
    row in which the value did not improve by at least ``tol``: the loss must
    fall below ``best - tol``, a score rise to ``best + tol``. After more
    than ``n_iter_no_change`` such epochs the optimizer's
    ``trigger_stopping`` says whether to stop (``"adaptive"`` SGD lowers its
    rate instead), as in ``MLPClassifier``; a rule with ``can_stop=False``
    (``partial_fit``) only counts. ``best`` and ``count`` carry over between
    calls; the rule writes them in the result after every epoch.
    """

    reason = "converged"

    def __init__(
        self,
        optimizer,
        tol,
        n_iter_no_change,
        *,
        best,
        count,
        monitor="loss",
        can_stop=True,
    ):
        self.optimizer, self.tol = optimizer, tol
        self.n_iter_no_change = n_iter_no_change
        self.best, self.count = best, count
        self.monitor, self.can_stop = monitor, can_stop

    def _value(self, result):
        if self.monitor == "loss":
            return result.epoch_losses[-1]
        return result.validation_scores[-1]

    def update(self, value):
        """Record an epoch's value; whether training should stop."""
        if self.monitor == "loss":
            improved = value <= self.best - self.tol
            self.best = min(self.best, value)
        else:
            improved = value >= self.best + self.tol
            self.best = max(self.best, value)
        self.count = 0 if improved else self.count + 1
        if not self.can_stop or self.count <= self.n_iter_no_change:
            return False
        if self.optimizer.trigger_stopping():
            return True
        self.count = 0
        return False

    def after_epoch(self, result):
        stop = self.update(self._value(result))
        result.best, result.no_improvement_count = self.best, self.count
        return self.reason if stop else None


class EarlyStopping(Plateau):
    """Monitor the validation score, keep the best epoch's weights, restore them.

    ``params`` are the network's :class:`~._parameters.Parameters`. A warm
    start (``resume_best``) begins from the weights the model has, the best
    ones of its previous call.
    """

    reason = "early_stopping"

    def __init__(self, params, *, resume_best=False, **plateau):
        super().__init__(**plateau, monitor="validation_score")
        self.params = params
        self.best_params = params.snapshot() if resume_best else None

    def after_epoch(self, result):
        stop = super().after_epoch(result)
        if result.validation_scores[-1] == self.best:
            self.best_params = self.params.snapshot()
        return stop

    def end(self, result):
        if self.best_params is not None:
            self.params.restore(self.best_params)


class Report(Rule):
    """The per-epoch line of ``verbose=True``, counting from ``first_epoch``.

    ``score_name`` names the validation score (a classifier's accuracy, a
    regressor's R2).
    """

    def __init__(self, first_epoch=0, score_name="accuracy"):
        self.epoch, self.score_name = first_epoch, score_name

    def after_epoch(self, result):
        self.epoch += 1
        line = f"Iteration {self.epoch}, loss = {result.epoch_losses[-1]:.8f}"
        if result.validation_scores:
            line += (
                f", validation loss = {result.validation_losses[-1]:.8f}"
                f", validation {self.score_name} = "
                f"{result.validation_scores[-1]:.4f}"
            )
        print(line)


class DivergenceGuard:
    """Roll an epoch that diverged back to the last good epoch.

    An epoch diverged when a batch's objective was not finite, when its loss
    exceeds ``DIVERGENCE_FACTOR`` times the reference loss (the first batch's
    loss in this call, or chance level if higher: a trained model meeting a
    new class is not diverging), or when the weights' squares overflow.
    """

    def __init__(self, params, optimizer_state, samples_seen, chance_loss):
        self.params, self.state, self.xp = params, optimizer_state, params.xp
        self.chance_loss, self.reference_loss = chance_loss, None
        self.snapshot(samples_seen)

    def snapshot(self, samples_seen):
        """Remember the current parameters, optimizer state and sample count."""
        arrays = state_arrays(self.state)
        self.saved = (
            self.params.snapshot(),
            {key: copy(self.state[key], self.xp) for key in arrays},
            {k: v for k, v in self.state.items() if k not in arrays},
            samples_seen,
        )

    def restore(self):
        """Go back to the snapshot; returns its sample count."""
        params, arrays, scalars, samples_seen = self.saved
        self.params.restore(params)
        for key, saved in arrays.items():
            self.state[key][...] = saved
        self.state.update(scalars)
        return samples_seen

    def first_batch(self, batch_loss):
        if self.reference_loss is None:
            self.reference_loss = max(batch_loss, self.chance_loss)

    def diverged(self, epoch_loss):
        """Whether an epoch with this mean loss diverged."""
        with np.errstate(over="ignore", invalid="ignore"):
            norm = float(squared_norm(self.params.trained, self.xp))
        return not (
            epoch_loss <= DIVERGENCE_FACTOR * self.reference_loss
            and math.isfinite(norm)
        )


class Trainer:
    """Runs the epochs of one call to ``fit`` or ``partial_fit``.

    Parameters
    ----------
    params : Parameters
        The network, packed (its ``trained`` slice is stepped in place).
    objective : Objective
        What is minimised.
    optimizer : Optimizer
        Steps over the flat vector and owns the learning-rate schedule.
    batch_size : int
        Rows per batch.
    step_path : {"mini_batch", "rank_one", "per_sample_blocks"}, default=None
        How batches are stepped (:mod:`._steps`); None lets
        :func:`~._steps.choose_step_path` choose.
    """

    def __init__(self, params, objective, optimizer, batch_size, step_path=None):
        self.params, self.objective, self.optimizer = params, objective, optimizer
        self.batch_size, self.step_path = batch_size, step_path

    def run(self, data, n_epochs, rules, *, samples_seen, rng, shuffle, scorer=None):
        """Train for at most ``n_epochs`` epochs; returns a :class:`TrainingResult`.

        ``data`` is a :class:`TrainingData`; ``rng`` shuffles its training
        rows at each epoch when ``shuffle``. ``scorer``, given with validation
        data, returns ``(score, loss)`` of the current weights on it.
        """
        path = self.step_path or choose_step_path(
            self.params, self.objective, self.optimizer, data.X, self.batch_size
        )
        step = make_step(
            path, self.params, self.objective, self.optimizer, self.batch_size
        )
        xp = self.params.xp
        batches = BatchIterator(
            data.X,
            data.y,
            weights_or_none(data.sample_weight, xp),
            rows_per_batch(path, self.batch_size),
            xp=xp,
        )
        chance = self.objective.chance_loss(self.params.layer_sizes[-1])
        guard = DivergenceGuard(self.params, self.optimizer.state, samples_seen, chance)
        epoch = _Epoch(step, batches, rules, guard, xp)
        result = TrainingResult(samples_seen=samples_seen)
        with np.errstate(**_TRAINING_ERRSTATE), blas_threads_for(self.batch_size):
            for _ in range(n_epochs):
                for rule in rules:
                    rule.before_epoch(result)
                order = _epoch_order(data, rng, shuffle)
                result.stop_reason = self._run_epoch(epoch, order, result, scorer)
                if result.stop_reason is not None:
                    break
        for rule in rules:
            rule.end(result)
        return result

    def _run_epoch(self, epoch, order, result, scorer):
        """One epoch, checked and recorded; the reason to stop, or None."""
        total, weight, stop = epoch.train(order, result)
        guard = epoch.guard
        if stop == "diverged" or (weight > 0 and guard.diverged(total / weight)):
            result.samples_seen = guard.restore()
            return "diverged"
        if weight == 0:
            # stopped before any batch of positive weight was trained
            return stop
        result.epoch_losses.append(total / weight)
        if scorer is not None:
            score, loss = scorer()
            result.validation_scores.append(float(score))
            result.validation_losses.append(float(loss))
        self.optimizer.iteration_ends(result.samples_seen)
        requests = [rule.after_epoch(result) for rule in epoch.rules]
        guard.snapshot(result.samples_seen)
        # a stop during the epoch's batches comes first, then by STOP_PRIORITY
        return stop or first_reason(requests)


class _Epoch:
    """The batches of one epoch, each stepped and followed by the rules."""

    def __init__(self, step, batches, rules, guard, xp):
        self.step, self.batches, self.rules = step, batches, rules
        self.guard, self.xp = guard, xp

    def train(self, order, result):
        """Train on each batch, in order, asking the rules after each.

        Returns the weighted sum of the batch objectives, their total weight,
        and the reason to stop (None to go on).
        """
        total, weight = 0.0, 0.0
        for X_batch, y_batch, weight_batch in self.batches.epoch(order):
            n_rows = y_batch.shape[0]
            if weight_batch is None:
                batch_weight = float(n_rows)
            else:
                batch_weight = float(sum_all(weight_batch, self.xp))
            if batch_weight > 0:
                batch_loss = self.step(X_batch, y_batch, weight_batch)
                self.guard.first_batch(batch_loss)
                if not math.isfinite(batch_loss):
                    return total, weight, "diverged"
                total += batch_loss * batch_weight
                weight += batch_weight
            result.samples_seen += n_rows
            for rule in self.rules:
                stop = rule.after_batch(result)
                if stop is not None:
                    return total, weight, stop
        return total, weight, None


def weights_or_none(sample_weight, xp):
    """The weights, or None where every one is one (or there are none).

    The engine then trains as without weights: a batch's passes skip the
    weights' sums and products, which are a fixed cost of every small batch.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_sigmoid_mlp._training import weights_or_none
    >>> weights_or_none(np.ones(3), np), weights_or_none(np.array([1.0, 2.0]), np)
    (None, array([1., 2.]))
    """
    if sample_weight is None or sample_weight.shape[0] == 0:
        return sample_weight
    if float(xp.min(sample_weight)) == float(xp.max(sample_weight)) == 1:
        return None
    return sample_weight


def first_reason(reasons):
    """The reason recorded when rules ask to stop at once (by STOP_PRIORITY).

    None entries are requests to go on; None when all are.

    Examples
    --------
    >>> from sklearn_sigmoid_mlp._training import first_reason
    >>> first_reason([None, "max_time", "converged"]), first_reason([None])
    ('converged', None)
    """
    return min((r for r in reasons if r is not None), key=_priority, default=None)


def _priority(reason):
    if reason in STOP_PRIORITY:
        return (STOP_PRIORITY.index(reason), "")
    return (len(STOP_PRIORITY), reason)


def _epoch_order(data, rng, shuffle):
    """The rows of an epoch, in order; None for all rows as they are."""
    if shuffle:
        index = data.train_index
        if index is None:
            index = np.arange(data.X.shape[0])
        return index[rng.permutation(len(index))]
    return data.train_index
