"""Stochastic gradient descent (with momentum) and Adam over plain arrays.

Plain NumPy, no scikit-learn. An optimizer's state is a ``dict`` of NumPy
arrays and numbers (see :func:`init_state`), so that an estimator holding it
pickles small and loads in secure loaders that trust only the estimator class.

Each step updates the parameters in place and uses the gradient arrays as
scratch space: after a step the gradients are overwritten. No array is
allocated during a step.

The update rules follow :class:`sklearn.neural_network.MLPClassifier`:

- SGD: ``v <- momentum * v - lr * g``, then ``w <- w + v``; with Nesterov's
  momentum ``w <- w + momentum * v - lr * g``.
- Adam: ``m <- beta_1 * m + (1 - beta_1) * g``,
  ``v <- beta_2 * v + (1 - beta_2) * g ** 2``,
  ``w <- w - lr_t * m / (sqrt(v) + epsilon)`` with
  ``lr_t = lr * sqrt(1 - beta_2 ** t) / (1 - beta_1 ** t)``.
"""

import numpy as np
import scipy.sparse as sp

from ._blas import ger


def init_state(solver, params, learning_rate_init):
    """Fresh optimizer state for a list of parameter arrays.

    Parameters
    ----------
    solver : {"sgd", "adam"}
        The optimizer.
    params : list of ndarray
        The parameters that will be updated.
    learning_rate_init : float
        The initial learning rate.

    Returns
    -------
    state : dict
        ``"solver"``, ``"learning_rate_init"``, the current
        ``"learning_rate"``, then ``"velocities"`` for SGD, or ``"t"``,
        ``"first_moments"`` and ``"second_moments"`` for Adam; arrays have the
        shapes and dtypes of ``params``.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_sigmoid_mlp._optimizers import init_state
    >>> state = init_state("adam", [np.ones(3)], 0.001)
    >>> state["t"], state["first_moments"][0]
    (0, array([0., 0., 0.]))
    """
    state = {
        "solver": solver,
        "learning_rate_init": float(learning_rate_init),
        "learning_rate": float(learning_rate_init),
    }
    if solver == "sgd":
        state["velocities"] = [np.zeros_like(p) for p in params]
    else:
        state["t"] = 0
        state["first_moments"] = [np.zeros_like(p) for p in params]
        state["second_moments"] = [np.zeros_like(p) for p in params]
    return state


def sgd_step(params, grads, velocities, learning_rate, momentum, nesterov):
    """One SGD step with (Nesterov's) momentum, in place.

    Parameters
    ----------
    params : list of ndarray
        Parameters, updated in place.
    grads : list of ndarray
        Their gradients; overwritten (used as scratch).
    velocities : list of ndarray
        Momentum buffers, updated in place.
    learning_rate : float
        Step size.
    momentum : float
        Momentum in ``[0, 1]``.
    nesterov : bool
        Whether to use Nesterov's momentum.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_sigmoid_mlp._optimizers import sgd_step
    >>> w, g, v = np.array([1.0]), np.array([0.5]), np.array([0.0])
    >>> sgd_step([w], [g], [v], learning_rate=0.1, momentum=0.0, nesterov=False)
    >>> w
    array([0.95])
    """
    for param, grad, velocity in zip(params, grads, velocities):
        grad *= learning_rate
        velocity *= momentum
        velocity -= grad
        if nesterov:
            param -= grad
            param += np.multiply(velocity, momentum, out=grad)
        else:
            param += velocity


def sgd_rank_one_step(coefs, intercepts, activations, deltas, learning_rate, l2):
    """Plain SGD (no momentum) on a batch of one sample, as rank-one updates.

    For a single sample the weight gradient of layer ``l`` is the outer
    product ``activations[l].T @ deltas[l]`` plus the L2 term
    ``l2 * coefs[l]``. Instead of forming it and then stepping, each layer is
    updated by one BLAS rank-one update (``?ger``), one pass over the weights::

        coefs[l] <- (1 - learning_rate * l2) * coefs[l]
                    - learning_rate * outer(activations[l][0], deltas[l][0])

    This is the notebook's update ``W -= lr * outer(error, A)``, transposed.

    Parameters
    ----------
    coefs : list of ndarray of shape (fan_in, fan_out)
        C-contiguous weights, updated in place.
    intercepts : list of ndarray of shape (fan_out,) or None
        Bias vectors, updated in place; None when the network has none.
    activations : list of ndarray of shape (1, n_units)
        The forward pass of the sample; the input may be a sparse row.
    deltas : list of ndarray of shape (1, fan_out)
        ``dJ / dz`` of every layer, from
        :func:`~sklearn_sigmoid_mlp._network.backward`.
    learning_rate : float
        Step size.
    l2 : float
        L2 coefficient of the objective, ``alpha / sample_weight``.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_sigmoid_mlp._optimizers import sgd_rank_one_step
    >>> W = np.zeros((2, 3))
    >>> sgd_rank_one_step([W], None, [np.array([[1.0, 2.0]])],
    ...                   [np.array([[1.0, 0.0, -1.0]])], learning_rate=0.5, l2=0.0)
    >>> W
    array([[-0.5,  0. ,  0.5],
           [-1. ,  0. ,  1. ]])
    """
    for i, weights in enumerate(coefs):
        delta = deltas[i][0]
        if l2:
            weights *= 1 - learning_rate * l2
        _rank_one_update(weights, -learning_rate, activations[i], delta)
        if intercepts is not None:
            intercepts[i] -= learning_rate * delta


def _rank_one_update(matrix, scale, row, vector):
    """``matrix += scale * outer(row[0], vector)`` in place."""
    if not isinstance(row, np.ndarray) and sp.issparse(row):
        row = row.tocsr()
        np.add.at(matrix, row.indices, scale * np.outer(row.data, vector))
    else:
        ger(scale, row[0], vector, matrix)


def adam_step(params, grads, state, beta_1, beta_2, epsilon):
    """One Adam step, in place.

    Parameters
    ----------
    params : list of ndarray
        Parameters, updated in place.
    grads : list of ndarray
        Their gradients; overwritten (used as scratch).
    state : dict
        Adam's state from :func:`init_state`; its step counter ``"t"`` and
        moments are updated in place.
    beta_1, beta_2 : float
        Decay rates of the first and second moment estimates.
    epsilon : float
        Added to the denominator for numerical stability.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_sigmoid_mlp._optimizers import adam_step, init_state
    >>> w, g = np.array([1.0]), np.array([0.5])
    >>> state = init_state("adam", [w], 0.1)
    >>> adam_step([w], [g], state, beta_1=0.9, beta_2=0.999, epsilon=1e-8)
    >>> w.round(6)
    array([0.9])
    """
    state["t"] += 1
    t = state["t"]
    step_size = state["learning_rate"] * np.sqrt(1 - beta_2**t) / (1 - beta_1**t)
    for param, grad, m, v in zip(
        params, grads, state["first_moments"], state["second_moments"]
    ):
        # m <- beta_1 * m + (1 - beta_1) * g, as beta_1 * (m - g) + g
        m -= grad
        m *= beta_1
        m += grad
        # v <- beta_2 * v + (1 - beta_2) * g**2, likewise
        grad *= grad
        v -= grad
        v *= beta_2
        v += grad
        # w <- w - step_size * m / (sqrt(v) + epsilon); grad is scratch now
        np.sqrt(v, out=grad)
        grad += epsilon
        np.divide(m, grad, out=grad)
        grad *= step_size
        param -= grad


def scheduled_learning_rate(schedule, learning_rate_init, power_t, n_samples_seen):
    """Learning rate of the ``"invscaling"`` schedule after an epoch.

    Parameters
    ----------
    schedule : {"constant", "invscaling", "adaptive"}
        The learning-rate schedule of SGD.
    learning_rate_init : float
        The initial learning rate.
    power_t : float
        Exponent of inverse scaling.
    n_samples_seen : int
        Number of training samples seen so far (the estimator's ``t_``).

    Returns
    -------
    learning_rate : float or None
        The new rate for ``"invscaling"``,
        ``learning_rate_init / (n_samples_seen + 1) ** power_t``; ``None`` for
        the other schedules, whose rate does not change with time.

    Examples
    --------
    >>> from sklearn_sigmoid_mlp._optimizers import scheduled_learning_rate
    >>> scheduled_learning_rate("invscaling", 0.1, 0.5, 99)
    0.01
    """
    if schedule != "invscaling":
        return None
    return float(learning_rate_init / (n_samples_seen + 1) ** power_t)
