"""Per-sample SGD (the notebook's training) computed block by block.

Plain NumPy/SciPy, no scikit-learn. Per-sample SGD without momentum updates
the first layer after every sample::

    coefs[0] <- coefs[0] - lr * outer(x_t, delta_t)

so the first layer's pre-activation of the next sample is
``x_{t+1} @ coefs[0]`` with the weights of that moment. Done literally, each
sample streams the whole first weight matrix through memory twice (one
matrix-vector product, one rank-one update): for MNIST's 784 x 128 float64
weights that memory traffic, not arithmetic, bounds the speed.

Deferring the first layer's updates over a block of ``K`` rows gives exactly
the same values (up to rounding) with matrix-matrix products. With
``base = X_block @ coefs[0]`` taken at the start of the block and the Gram
matrix ``gram = X_block @ X_block.T``, the pre-activation of sample ``t`` is::

    x_t @ (coefs[0] - lr * sum_{s < t} outer(x_s, delta_s))
        = base[t] - lr * sum_{s < t} gram[t, s] * delta_s

and the block's updates are applied at its end in one product,
``coefs[0] -= lr * X_block.T @ deltas_block``. The layers above the first are
small; they go through the usual :func:`~._network.forward`,
:func:`~._network.backward` and rank-one updates sample by sample.
"""

import math

import numpy as np

from ._activations import sigmoid
from ._network import backward, forward
from ._optimizers import sgd_rank_one_step
from ._parameters import Parameters

#: Rows per block: large enough for efficient matrix products, small enough
#: that the per-sample correction ``gram[t, :t] @ pending[:t]`` stays cheap.
BLOCK_SIZE = 64


def sgd_per_sample_block(
    params, objective, X_block, y_block, weight_block, learning_rate, workspace
):
    """Per-sample plain SGD (no momentum, no L2) over the rows of a block.

    Parameters
    ----------
    params : Parameters
        The network (NumPy), trained in place: ``coefs[0]`` at the end of the
        block, the other weights and the biases after every sample.
    objective : Objective
        The loss and output activation (its ``alpha`` must be 0).
    X_block : ndarray of shape (n_rows, n_features)
        Dense input rows, in training order.
    y_block : ndarray of shape (n_rows, n_outputs)
        Encoded targets.
    weight_block : ndarray of shape (n_rows,) or None
        Sample weights; rows of weight zero are skipped. None: every row
        weighs one.
    learning_rate : float
        Step size.
    workspace : dict
        Buffers for one sample, from :func:`~._network.allocate_workspace`.

    Returns
    -------
    objective : float
        Weighted mean of the per-sample objectives; not finite when a
        sample's objective was not, which ends the block before that sample's
        update (the updates before it are kept).

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_sigmoid_mlp._losses import Objective
    >>> from sklearn_sigmoid_mlp._network import allocate_workspace
    >>> from sklearn_sigmoid_mlp._online import sgd_per_sample_block
    >>> from sklearn_sigmoid_mlp._parameters import Parameters
    >>> rng = np.random.RandomState(0)
    >>> params = Parameters.of([rng.randn(4, 3), rng.randn(3, 2)],
    ...                        [np.zeros(3), np.zeros(2)], False, xp=np)
    >>> X, y = rng.rand(5, 4), np.eye(2)[[0, 1, 0, 1, 1]]
    >>> value = sgd_per_sample_block(
    ...     params, Objective("squared_error", "logistic"), X, y, np.ones(5),
    ...     0.1, allocate_workspace(params, 1))
    >>> 0 < value < 1
    True
    """
    coefs, intercepts = params.coefs, params.used_intercepts
    first = coefs[0]
    base = X_block @ first
    gram = X_block @ X_block.T
    # row t holds -learning_rate * delta_t of the first layer, zero if skipped
    pending = np.zeros((X_block.shape[0], first.shape[1]), dtype=first.dtype)
    # the layers above the first, as a network of their own
    upper = Parameters.of(coefs[1:], params.intercepts[1:], params.fit_intercept, xp=np)
    hidden = workspace["activations"][0]
    total, total_weight = 0.0, 0.0
    n_rows = X_block.shape[0]
    for t in range(n_rows):
        weight = 1.0 if weight_block is None else weight_block[t]
        if weight > 0:
            # first layer with the block's earlier updates folded in
            np.matmul(gram[t, :t], pending[:t], out=hidden[0])
            hidden += base[t]
            if intercepts is not None:
                hidden += intercepts[0]
            sigmoid(hidden, out=hidden, xp=np)
            activations = [
                X_block[t : t + 1],
                *forward(
                    upper,
                    hidden,
                    objective.out_activation,
                    activations=workspace["activations"][1:],
                ),
            ]
            value, _, _ = backward(
                params,
                objective,
                y_block[t : t + 1],
                activations,
                sample_weight=None if weight_block is None else weight_block[t : t + 1],
                workspace=workspace,
                weight_gradients=False,
            )
            if not math.isfinite(value):
                total, n_rows = value, t
                break
            deltas = workspace["deltas"]
            sgd_rank_one_step(
                upper.coefs,
                upper.used_intercepts,
                activations[1:],
                deltas[1:],
                learning_rate,
                0.0,
            )
            np.multiply(deltas[0][0], -learning_rate, out=pending[t])
            if intercepts is not None:
                intercepts[0] += pending[t]
            total += value * weight
            total_weight += weight
    # the block's first-layer updates in one product
    first += X_block[:n_rows].T @ pending[:n_rows]
    return float(total / total_weight) if total_weight else float(total)
