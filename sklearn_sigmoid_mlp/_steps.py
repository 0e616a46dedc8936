"""How one batch is trained: the three step paths, and the one choice between them.

Plain NumPy/SciPy, no scikit-learn. Every path computes the same update, the
forward pass, the backward pass and the optimizer's step; they differ in how
much of it they form:

- ``"mini_batch"``: the general step. Forward, backward into the flat
  gradient vector, one optimizer step over the flat parameter vector.
- ``"rank_one"``: the same, except that a batch of a single row is stepped by
  plain SGD as rank-one updates of each layer, without forming its
  outer-product gradient (:func:`~._optimizers.sgd_rank_one_step`).
- ``"per_sample_blocks"``: per-sample plain SGD without L2 on dense data,
  computed block by block with matrix products (:mod:`._online`): the
  notebook's training. Ctrl-C and ``max_time`` are then checked after each
  block of :data:`~._online.BLOCK_SIZE` rows rather than after each row.

:func:`choose_step_path` is the only place that chooses; the training engine
asks it unless it is told a path (tests name one to compare paths directly).
The last two paths are NumPy's: other namespaces always take the general step.
"""

import math

import scipy.sparse as sp

from ._network import allocate_workspace, backward, forward, workspace_rows
from ._online import BLOCK_SIZE, sgd_per_sample_block
from ._xp import is_numpy

STEP_PATHS = ("mini_batch", "rank_one", "per_sample_blocks")


def choose_step_path(params, objective, optimizer, X, batch_size):
    """The step path of a training call.

    Parameters
    ----------
    params : Parameters
        The network.
    objective : Objective
        What is minimised (its ``alpha``).
    optimizer : Optimizer
        The call's optimizer; its ``rank_one`` says whether it can step one
        sample as rank-one updates (plain SGD on NumPy).
    X : {array, sparse matrix} of shape (n_samples, n_features)
        The training rows.
    batch_size : int
        Rows per batch.

    Returns
    -------
    path : {"mini_batch", "rank_one", "per_sample_blocks"}
        Per-sample blocks for one-row batches of plain SGD without L2 on
        dense data, in a network with a hidden layer; rank-one steps for the
        other one-row batches of plain SGD; the general step otherwise.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_sigmoid_mlp._losses import Objective
    >>> from sklearn_sigmoid_mlp._optimizers import SGD, init_state
    >>> from sklearn_sigmoid_mlp._parameters import Parameters
    >>> from sklearn_sigmoid_mlp._schedules import Constant
    >>> from sklearn_sigmoid_mlp._steps import choose_step_path
    >>> params = Parameters.packed([np.ones((4, 3)), np.ones((3, 2))],
    ...                            [np.zeros(3), np.zeros(2)], False, xp=np)
    >>> sgd = SGD(init_state("sgd", 18, np.float64, 0.1, xp=np), Constant(),
    ...           0.0, False, xp=np)
    >>> X = np.zeros((5, 4))
    >>> choose_step_path(params, Objective("squared_error", "logistic"), sgd, X, 1)
    'per_sample_blocks'
    >>> choose_step_path(params, Objective("log_loss", "softmax", 1e-4), sgd, X, 1)
    'rank_one'
    """
    if not optimizer.rank_one:
        return "mini_batch"
    if (
        batch_size == 1
        and objective.alpha == 0
        and len(params.coefs) > 1
        and not sp.issparse(X)
    ):
        return "per_sample_blocks"
    return "rank_one"


def rows_per_batch(path, batch_size):
    """The rows the engine hands a step at once: a block, or a batch."""
    return BLOCK_SIZE if path == "per_sample_blocks" else batch_size


def make_step(path, params, objective, optimizer, batch_size):
    """The step function of a path.

    Parameters
    ----------
    path : {"mini_batch", "rank_one", "per_sample_blocks"}
        From :func:`choose_step_path`, or named.
    params : Parameters
        The network, packed: ``params.trained`` is stepped in place.
    objective : Objective
        What is minimised.
    optimizer : Optimizer
        The call's optimizer.
    batch_size : int
        The largest batch the step will get (its buffers' rows).

    Returns
    -------
    step : callable
        ``step(X_batch, y_batch, weight_batch) -> objective``, where
        ``weight_batch`` may be None (every row weighs one): trains on the
        rows and returns their objective (the weighted mean for a block). The
        update is skipped when the objective is not finite.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_sigmoid_mlp._losses import Objective
    >>> from sklearn_sigmoid_mlp._optimizers import SGD, init_state
    >>> from sklearn_sigmoid_mlp._parameters import Parameters
    >>> from sklearn_sigmoid_mlp._schedules import Constant
    >>> from sklearn_sigmoid_mlp._steps import make_step
    >>> params = Parameters.packed([np.ones((4, 3)), np.ones((3, 2))],
    ...                            [np.zeros(3), np.zeros(2)], True, xp=np)
    >>> sgd = SGD(init_state("sgd", params.n_trained, np.float64, 0.1, xp=np),
    ...           Constant(), 0.9, True, xp=np)
    >>> step = make_step("mini_batch", params, Objective("log_loss", "softmax"),
    ...                  sgd, batch_size=5)
    >>> before = params.trained.copy()
    >>> value = step(np.eye(5, 4), np.eye(2)[[0, 1, 0, 1, 1]], np.ones(5))
    >>> round(value, 4), bool((params.trained != before).any())
    (0.6931, True)
    """
    if path not in STEP_PATHS:
        raise ValueError(f"Unknown step path {path!r}; choose from {STEP_PATHS}.")
    if path != "mini_batch" and not is_numpy(params.xp):
        raise ValueError(f"The step path {path!r} is NumPy's; use 'mini_batch'.")
    workspace = allocate_workspace(params, batch_size)
    if path == "per_sample_blocks":

        def per_sample_block(X_block, y_block, weight_block):
            return sgd_per_sample_block(
                params,
                objective,
                X_block,
                y_block,
                weight_block,
                optimizer.learning_rate,
                workspace,
            )

        return per_sample_block

    rank_one = path == "rank_one"
    trained, grads = params.trained, workspace["grads"][: params.n_trained]

    # the buffers sliced to a batch's rows, kept for the next batch of as many
    views = {}

    def mini_batch(X_batch, y_batch, weight_batch):
        n_rows = y_batch.shape[0]
        ws = views.get(n_rows)
        if ws is None:
            ws = views.setdefault(n_rows, workspace_rows(workspace, n_rows))
        activations = forward(
            params, X_batch, objective.out_activation, ws["activations"]
        )
        one_row = rank_one and n_rows == 1
        value, _, _ = backward(
            params,
            objective,
            y_batch,
            activations,
            sample_weight=weight_batch,
            workspace=ws,
            weight_gradients=not one_row,
        )
        if not math.isfinite(value):
            return value
        if one_row:
            weight = 1.0 if weight_batch is None else float(weight_batch[0])
            l2 = objective.alpha / weight
            optimizer.rank_one_step(params, activations, ws["deltas"], l2)
        else:
            optimizer.step(trained, grads)
        return value

    return mini_batch
