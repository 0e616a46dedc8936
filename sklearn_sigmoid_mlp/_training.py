"""The training engine: batches, epochs, and the rules that end training.

Plain NumPy/SciPy, no scikit-learn. One call to ``fit`` or ``partial_fit``
runs :meth:`Trainer.run`: epochs of mini-batches, each batch a forward pass,
a backward pass and an optimizer step over the flat parameter vector (see
:mod:`._parameters`). What ends training is decided by small, named rules,
each with one job, consulted through one interface:

- before every epoch, :meth:`Rule.before_epoch` (scikit-learn's callbacks
  open the epoch's task);
- after every batch, :meth:`Rule.after_batch` (Ctrl-C: :class:`~._interrupt.Interrupt`;
  the time budget: :class:`TimeBudget`);
- after every epoch that kept the weights finite, :meth:`Rule.after_epoch`
  (the loss or validation-score plateau: :class:`Plateau`; the best weights of
  early stopping: :class:`EarlyStopping`; validation scores recorded without
  stopping on them: :class:`Monitor`; the per-epoch line of ``verbose``:
  :class:`Report`; scikit-learn's callbacks, in :mod:`._callbacks`);
- once at the end, :meth:`Rule.end` (early stopping restores its best
  weights).

The divergence guard (:class:`DivergenceGuard`) watches every epoch before
the rules see it: an epoch whose loss is not finite, or explodes, is rolled
back to the last good epoch, parameters and optimizer state alike, and
training stops with ``"diverged"``.

The engine returns what happened (:class:`TrainingResult`: the epoch losses,
the samples seen, why it stopped); the estimator turns that into fitted
attributes and warnings.

The engine trains in the array namespace of the parameters, the one its
optimizer steps in (``optimizer.xp``, see :mod:`._xp`), on their device; the
epochs' row orders are drawn with NumPy and moved there.
"""

import math
import time
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from ._batches import BatchIterator, blas_threads_for
from ._network import allocate_workspace, backward, forward, workspace_rows
from ._online import BLOCK_SIZE, sgd_per_sample_block
from ._optimizers import SGD, state_arrays
from ._xp import copy, is_numpy, squared_norm, sum_all

#: An epoch loss this many times the loss where training started (at least the
#: loss of chance-level predictions) means divergence.
DIVERGENCE_FACTOR = 10.0

# a blow-up in training overflows to inf/NaN: the divergence guard detects it
# and restores the last good weights, so it must not also warn
_TRAINING_ERRSTATE = {"over": "ignore", "invalid": "ignore"}


@dataclass
class Network:
    """What the forward and backward passes need to know about the model.

    ``coefs`` and ``intercepts`` are views of the flat parameter vector;
    ``intercepts`` is None for a network without trained bias terms.
    """

    coefs: list
    intercepts: list | None
    out_activation: str
    loss: str
    alpha: float


@dataclass
class TrainingResult:
    """What one call to :meth:`Trainer.run` did.

    ``stop_reason`` is None when the epoch budget ran out.
    """

    epoch_losses: list = field(default_factory=list)
    samples_seen: int = 0
    stop_reason: str | None = None


class Rule:
    """A rule consulted by the engine; each method may ask to stop.

    A method returns None to go on, or the reason to stop (a short string
    that becomes the estimator's ``stop_reason_``).
    """

    def before_epoch(self):
        """Before every epoch."""

    def after_batch(self):
        """After every batch; returns a stop reason or None."""
        return None

    def after_epoch(self, epoch_loss):
        """After every epoch that kept the weights finite; a reason or None."""
        return None

    def end(self, stop_reason):
        """Once, when training stops for ``stop_reason``."""


class TimeBudget(Rule):
    """Stop after the batch that crosses ``max_time`` seconds."""

    def __init__(self, max_time):
        self.deadline = time.monotonic() + max_time

    def after_batch(self):
        return "max_time" if time.monotonic() >= self.deadline else None


class Plateau(Rule):
    """Stop when a monitored value stops improving; the optimizer decides.

    Counts the epochs in a row in which the value did not improve by at
    least ``tol``: the loss must fall below ``best - tol``, a score
    (``higher_is_better``) rise to ``best + tol``. After more than
    ``n_iter_no_change`` such epochs the optimizer's ``trigger_stopping``
    says whether to stop (``"adaptive"`` SGD lowers its rate instead), as in
    ``MLPClassifier``. ``best`` and ``count`` carry over between calls.
    """

    def __init__(self, optimizer, tol, n_iter_no_change, *, best, count, reason):
        self.optimizer, self.tol = optimizer, tol
        self.n_iter_no_change = n_iter_no_change
        self.best, self.count, self.reason = best, count, reason
        self.higher_is_better = False
        self.can_stop = True

    def update(self, value):
        """Record an epoch's value; whether training should stop."""
        if self.higher_is_better:
            improved = value >= self.best + self.tol
            self.best = max(self.best, value)
        else:
            improved = value <= self.best - self.tol
            self.best = min(self.best, value)
        self.count = 0 if improved else self.count + 1
        if not self.can_stop or self.count <= self.n_iter_no_change:
            return False
        if self.optimizer.trigger_stopping():
            return True
        self.count = 0
        return False

    def after_epoch(self, epoch_loss):
        return self.reason if self.update(epoch_loss) else None


class EarlyStopping(Plateau):
    """Monitor a validation score, keep the best epoch's weights, restore them.

    ``score`` is called after every epoch and returns the score of the current
    weights on the validation data (higher is better). ``xp`` is the
    namespace of ``params``.
    """

    def __init__(self, score, params, scores, xp=np, **plateau):
        super().__init__(**plateau, reason="early_stopping")
        self.higher_is_better = True
        self.score, self.params, self.scores, self.xp = score, params, scores, xp
        # a warm start begins from the best weights of the previous call
        self.best_params = copy(params, xp) if scores else None

    def after_epoch(self, epoch_loss):
        score = float(self.score())
        self.scores.append(score)
        stop = self.update(score)
        if score == self.best:
            self.best_params = copy(self.params, self.xp)
        return self.reason if stop else None

    def end(self, stop_reason):
        if self.best_params is not None:
            self.params[...] = self.best_params


class Monitor(Rule):
    """Record a validation score after every epoch, without stopping on it.

    ``score`` is called after every epoch and returns the score of the
    current weights on the validation data; it is appended to ``scores``.
    """

    def __init__(self, score, scores):
        self.score, self.scores = score, scores

    def after_epoch(self, epoch_loss):
        self.scores.append(float(self.score()))


class Report(Rule):
    """The per-epoch line of ``verbose=True``.

    ``scores`` and ``losses`` are the lists the validation rules fill (None
    without validation data); their last entries are printed.
    """

    def __init__(self, first_epoch, scores=None, losses=None):
        self.epoch, self.scores, self.losses = first_epoch, scores, losses

    def after_epoch(self, epoch_loss):
        self.epoch += 1
        line = f"Iteration {self.epoch}, loss = {epoch_loss:.8f}"
        if self.scores is not None:
            line += (
                f", validation loss = {self.losses[-1]:.8f}"
                f", validation accuracy = {self.scores[-1]:.4f}"
            )
        print(line)


class DivergenceGuard:
    """Roll an epoch that diverged back to the last good epoch.

    An epoch diverged when a batch's objective was not finite, when its loss
    exceeds ``DIVERGENCE_FACTOR`` times the reference loss (the first batch's
    loss in this call, or chance level if higher: a trained model meeting a
    new class is not diverging), or when the weights' squares overflow.
    """

    def __init__(self, params, optimizer_state, samples_seen, chance_loss, xp=np):
        self.params, self.state, self.xp = params, optimizer_state, xp
        self.chance_loss, self.reference_loss = chance_loss, None
        self.snapshot(samples_seen)

    def snapshot(self, samples_seen):
        """Remember the current parameters, optimizer state and sample count."""
        arrays = state_arrays(self.state)
        self.saved = (
            copy(self.params, self.xp),
            {key: copy(self.state[key], self.xp) for key in arrays},
            {k: v for k, v in self.state.items() if k not in arrays},
            samples_seen,
        )

    def restore(self):
        """Go back to the snapshot; returns its sample count."""
        params, arrays, scalars, samples_seen = self.saved
        self.params[...] = params
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
            finite_norm = math.isfinite(float(squared_norm(self.params, self.xp)))
        return not (
            epoch_loss <= DIVERGENCE_FACTOR * self.reference_loss and finite_norm
        )


class Trainer:
    """Runs the epochs of one call to ``fit`` or ``partial_fit``.

    Parameters
    ----------
    network : Network
        The model; its arrays are views of ``params``' vector.
    params : ndarray of shape (n_trained,)
        The trained slice of the flat parameter vector.
    optimizer : SGD or Adam
        Steps over ``params`` and owns the learning-rate schedule.
    X, y, sample_weight : arrays
        Training rows (dense or CSR), encoded targets, sample weights.
    batch_size : int
        Rows per batch.
    chance_loss : float
        The loss of chance-level predictions, for the divergence guard.

    The arrays are those of the optimizer's namespace, ``optimizer.xp``, on
    one device.
    """

    def __init__(
        self, network, params, optimizer, X, y, sample_weight, batch_size, chance_loss
    ):
        self.network, self.params, self.optimizer = network, params, optimizer
        self.X, self.batch_size = X, batch_size
        self.chance_loss = chance_loss
        self.xp = xp = optimizer.xp
        self.per_sample_blocks = uses_per_sample_blocks(
            network, optimizer, X, batch_size
        )
        rows = BLOCK_SIZE if self.per_sample_blocks else batch_size
        self.batches = BatchIterator(X, y, sample_weight, rows, xp)
        layer_sizes = [X.shape[1]] + [c.shape[1] for c in network.coefs]
        self.workspace = allocate_workspace(
            layer_sizes, batch_size, X.dtype, xp, getattr(params, "device", None)
        )

    def run(self, n_epochs, rules, *, samples_seen, rng, train_index=None, shuffle):
        """Train for at most ``n_epochs`` epochs; returns a :class:`TrainingResult`.

        ``train_index`` restricts training to those rows (early stopping holds
        the others out); ``rng`` shuffles them at each epoch when ``shuffle``.
        """
        result = TrainingResult(samples_seen=samples_seen)
        guard = DivergenceGuard(
            self.params, self.optimizer.state, samples_seen, self.chance_loss, self.xp
        )
        stop = None
        with np.errstate(**_TRAINING_ERRSTATE), blas_threads_for(self.batch_size):
            for _ in range(n_epochs):
                for rule in rules:
                    rule.before_epoch()
                order = _epoch_order(train_index, self.X.shape[0], rng, shuffle)
                stop = self._run_epoch(order, rules, guard, result)
                if stop is not None:
                    break
        result.stop_reason = stop
        for rule in rules:
            rule.end(stop)
        return result

    def _run_epoch(self, order, rules, guard, result):
        """One epoch, checked and recorded; the reason to stop, or None."""
        total, weight, stop = self._train_batches(order, rules, guard, result)
        if stop == "diverged" or (weight > 0 and guard.diverged(total / weight)):
            result.samples_seen = guard.restore()
            return "diverged"
        if weight == 0:
            # stopped before any batch of positive weight was trained
            return stop
        epoch_loss = total / weight
        result.epoch_losses.append(epoch_loss)
        self.optimizer.iteration_ends(result.samples_seen)
        for rule in rules:
            request = rule.after_epoch(epoch_loss)
            stop = stop or request
        guard.snapshot(result.samples_seen)
        return stop

    def _train_batches(self, order, rules, guard, result):
        """Train on each batch of an epoch, in order, asking the rules after each.

        Returns the weighted sum of the batch objectives, their total weight,
        and the reason to stop (None to go on).
        """
        step = self._per_sample_block if self.per_sample_blocks else self._batch
        total, weight = 0.0, 0.0
        for X_batch, y_batch, weight_batch in self.batches.epoch(order):
            batch_weight = float(sum_all(weight_batch, self.xp))
            if batch_weight > 0:
                batch_loss = step(X_batch, y_batch, weight_batch)
                guard.first_batch(batch_loss)
                if not np.isfinite(batch_loss):
                    return total, weight, "diverged"
                total += batch_loss * batch_weight
                weight += batch_weight
            result.samples_seen += weight_batch.shape[0]
            for rule in rules:
                stop = rule.after_batch()
                if stop is not None:
                    return total, weight, stop
        return total, weight, None

    def _batch(self, X_batch, y_batch, weight_batch):
        """Forward, backward and one optimizer step on a batch; its objective.

        The step is skipped when the objective is not finite. A one-sample
        batch of plain SGD on NumPy applies its outer-product gradients
        directly, as rank-one updates, without forming them.
        """
        n_rows, xp = weight_batch.shape[0], self.xp
        net, ws = self.network, workspace_rows(self.workspace, n_rows)
        activations = forward(
            X_batch,
            net.coefs,
            net.intercepts,
            net.out_activation,
            ws["activations"],
            xp=xp,
        )
        rank_one = _plain_sgd(self.optimizer) and n_rows == 1 and is_numpy(xp)
        batch_loss, _, _ = backward(
            y_batch,
            activations,
            net.coefs,
            net.intercepts,
            net.loss,
            net.out_activation,
            alpha=net.alpha,
            sample_weight=weight_batch,
            workspace=ws,
            weight_gradients=not rank_one,
            xp=xp,
        )
        if not np.isfinite(batch_loss):
            return batch_loss
        if rank_one:
            l2 = net.alpha / float(weight_batch.sum())
            self.optimizer.rank_one_step(
                net.coefs, net.intercepts, activations, ws["deltas"], l2
            )
        else:
            self.optimizer.step(self.params, ws["grads"][: self.params.shape[0]])
        return batch_loss

    def _per_sample_block(self, X_block, y_block, weight_block):
        """Per-sample SGD over a block of rows; the weighted mean objective."""
        net = self.network
        return sgd_per_sample_block(
            X_block,
            y_block,
            weight_block,
            net.coefs,
            net.intercepts,
            net.loss,
            net.out_activation,
            self.optimizer.learning_rate,
            self.workspace,
        )


def uses_per_sample_blocks(network, optimizer, X, batch_size):
    """Whether training runs per-sample SGD block by block (see :mod:`._online`).

    This is the one place that chooses between the three ways a step is
    taken: per-sample blocks (plain SGD on single rows of dense data without
    L2, in a network with a hidden layer: the notebook's training), rank-one
    updates (the other one-row batches of plain SGD) and the general
    mini-batch step. Ctrl-C and ``max_time`` are then checked after each block
    of ``BLOCK_SIZE`` rows rather than after each row. The first two are
    NumPy's: other namespaces always take the general step.
    """
    return (
        is_numpy(optimizer.xp)
        and batch_size == 1
        and _plain_sgd(optimizer)
        and network.alpha == 0
        and len(network.coefs) > 1
        and not sp.issparse(X)
    )


def _plain_sgd(optimizer):
    return isinstance(optimizer, SGD) and optimizer.momentum == 0


def _epoch_order(train_index, n_rows, rng, shuffle):
    """The rows of an epoch, in order; None for all rows as they are."""
    if shuffle:
        index = np.arange(n_rows) if train_index is None else train_index
        return index[rng.permutation(len(index))]
    return train_index
