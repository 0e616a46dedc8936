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

import numpy as np

from ._activations import sigmoid
from ._network import backward, forward
from ._optimizers import sgd_rank_one_step

#: Rows per block: large enough for efficient matrix products, small enough
#: that the per-sample correction ``gram[t, :t] @ pending[:t]`` stays cheap.
BLOCK_SIZE = 64


def sgd_per_sample_block(
    X_block,
    y_block,
    weight_block,
    coefs,
    intercepts,
    loss,
    out_activation,
    learning_rate,
    workspace,
):
    """Per-sample plain SGD (no momentum, no L2) over the rows of a block.

    Parameters
    ----------
    X_block : ndarray of shape (n_rows, n_features)
        Dense input rows, in training order.
    y_block : ndarray of shape (n_rows, n_outputs)
        Encoded targets.
    weight_block : ndarray of shape (n_rows,)
        Sample weights; rows of weight zero are skipped.
    coefs : list of ndarray of shape (fan_in, fan_out)
        Weights, updated in place; ``coefs[0]`` at the end of the block.
    intercepts : list of ndarray or None
        Bias vectors, updated in place after every sample.
    loss : {"log_loss", "squared_error"}
        The per-sample loss.
    out_activation : {"softmax", "logistic"}
        Activation of the output layer.
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
    >>> from sklearn_sigmoid_mlp._network import allocate_workspace
    >>> from sklearn_sigmoid_mlp._online import sgd_per_sample_block
    >>> rng = np.random.RandomState(0)
    >>> coefs = [rng.randn(4, 3), rng.randn(3, 2)]
    >>> X, y = rng.rand(5, 4), np.eye(2)[[0, 1, 0, 1, 1]]
    >>> objective = sgd_per_sample_block(
    ...     X, y, np.ones(5), coefs, None, "squared_error", "logistic", 0.1,
    ...     allocate_workspace([4, 3, 2], 1, np.float64))
    >>> 0 < objective < 1
    True
    """
    first = coefs[0]
    base = X_block @ first
    gram = X_block @ X_block.T
    # row t holds -learning_rate * delta_t of the first layer, zero if skipped
    pending = np.zeros((X_block.shape[0], first.shape[1]), dtype=first.dtype)
    upper_intercepts = None if intercepts is None else intercepts[1:]
    hidden = workspace["activations"][0]
    total, total_weight = 0.0, 0.0
    n_rows = X_block.shape[0]
    for t in range(n_rows):
        if weight_block[t] > 0:
            # first layer with the block's earlier updates folded in
            np.matmul(gram[t, :t], pending[:t], out=hidden[0])
            hidden += base[t]
            if intercepts is not None:
                hidden += intercepts[0]
            sigmoid(hidden, out=hidden)
            activations = [
                X_block[t : t + 1],
                *forward(
                    hidden,
                    coefs[1:],
                    upper_intercepts,
                    out_activation,
                    activations=workspace["activations"][1:],
                ),
            ]
            objective, _, _ = backward(
                y_block[t : t + 1],
                activations,
                coefs,
                intercepts,
                loss,
                out_activation,
                sample_weight=weight_block[t : t + 1],
                workspace=workspace,
                weight_gradients=False,
            )
            if not np.isfinite(objective):
                total, n_rows = objective, t
                break
            deltas = workspace["deltas"]
            sgd_rank_one_step(
                coefs[1:],
                upper_intercepts,
                activations[1:],
                deltas[1:],
                learning_rate,
                0.0,
            )
            np.multiply(deltas[0][0], -learning_rate, out=pending[t])
            if intercepts is not None:
                intercepts[0] += pending[t]
            total += objective * weight_block[t]
            total_weight += weight_block[t]
    # the block's first-layer updates in one product
    first += X_block[:n_rows].T @ pending[:n_rows]
    return float(total / total_weight) if total_weight else float(total)
