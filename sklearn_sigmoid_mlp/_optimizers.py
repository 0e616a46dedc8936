"""Stochastic gradient descent (with momentum) and Adam over one flat vector.

Plain NumPy, no scikit-learn. During training every trained parameter lives in
one contiguous vector (see :mod:`._parameters`), and so do the gradients and
the optimizer's moments: a step is a handful of whole-array operations, with
no loop over layers.

An optimizer's state is a ``dict`` of arrays and numbers (see
:func:`init_state`), so that an estimator holding it pickles small and loads
in secure loaders that trust only the estimator class. Its arrays are in the
namespace and on the device of the parameters (NumPy by default; see
:mod:`._xp`). :class:`SGD` and
:class:`Adam` wrap such a state for the length of one call to ``fit``: they
take the steps and own the learning-rate schedule (what happens at the end of
an epoch and when the loss stops improving), as scikit-learn's optimizers do
with ``iteration_ends`` and ``trigger_stopping``.

Each step updates the parameters in place and uses the gradient array as
scratch space: after a step the gradient is overwritten. With NumPy no array
is allocated during a step; other namespaces have no ``out=`` and allocate
the temporaries of the square root and the division.

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
from ._xp import elementwise, is_array, scalar, zeros

#: The ``"adaptive"`` schedule divides the rate by this on a plateau ...
ADAPTIVE_DIVISOR = 5.0
#: ... until it falls to this value, when training stops.
ADAPTIVE_MIN_RATE = 1e-6


def init_state(solver, n_params, dtype, learning_rate_init, xp=np, device=None):
    """Fresh optimizer state for a flat vector of ``n_params`` parameters.

    Parameters
    ----------
    solver : {"sgd", "adam"}
        The optimizer.
    n_params : int
        Length of the vector of trained parameters.
    dtype : dtype
        Floating dtype of the parameters.
    learning_rate_init : float
        The initial learning rate.
    xp : namespace, default=numpy
        The namespace of the parameters.
    device : device, default=None
        Their device (ignored by NumPy).

    Returns
    -------
    state : dict
        ``"solver"``, ``"learning_rate_init"``, the current
        ``"learning_rate"``, then ``"velocities"`` for SGD, or ``"t"``,
        ``"first_moments"`` and ``"second_moments"`` for Adam; arrays of shape
        ``(n_params,)``.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_sigmoid_mlp._optimizers import init_state
    >>> state = init_state("adam", 3, np.float64, 0.001)
    >>> state["t"], state["first_moments"]
    (0, array([0., 0., 0.]))
    """
    state = {
        "solver": solver,
        "learning_rate_init": float(learning_rate_init),
        "learning_rate": float(learning_rate_init),
    }
    if solver == "sgd":
        state["velocities"] = zeros(n_params, dtype, xp, device)
    else:
        state["t"] = 0
        state["first_moments"] = zeros(n_params, dtype, xp, device)
        state["second_moments"] = zeros(n_params, dtype, xp, device)
    return state


def state_arrays(state):
    """The names of the array entries of an optimizer state."""
    return [key for key, value in state.items() if is_array(value)]


def sgd_step(params, grads, velocities, learning_rate, momentum, nesterov, xp=np):
    """One SGD step with (Nesterov's) momentum, in place.

    Parameters
    ----------
    params : ndarray of shape (n_params,)
        Parameters, updated in place.
    grads : ndarray of shape (n_params,)
        Their gradient; overwritten (used as scratch).
    velocities : ndarray of shape (n_params,)
        Momentum buffer, updated in place.
    learning_rate : float
        Step size.
    momentum : float
        Momentum in ``[0, 1]``.
    nesterov : bool
        Whether to use Nesterov's momentum.
    xp : namespace, default=numpy
        The namespace of the arrays.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_sigmoid_mlp._optimizers import sgd_step
    >>> w, g, v = np.array([1.0]), np.array([0.5]), np.array([0.0])
    >>> sgd_step(w, g, v, learning_rate=0.1, momentum=0.0, nesterov=False)
    >>> w
    array([0.95])
    """
    grads *= learning_rate
    velocities *= momentum
    velocities -= grads
    if nesterov:
        params -= grads
        params += elementwise("multiply", velocities, momentum, out=grads, xp=xp)
    else:
        params += velocities


def adam_step(params, grads, state, beta_1, beta_2, epsilon, xp=np):
    """One Adam step, in place.

    Parameters
    ----------
    params : ndarray of shape (n_params,)
        The flat parameter vector (or its trained slice), stepped in place.
    grads : ndarray of shape (n_params,)
        ``dJ / dparams``, laid out as ``params``; the step uses it as scratch
        space, so it is overwritten.
    state : dict
        Adam's state from :func:`init_state`; its step counter ``"t"`` and
        moments are updated in place.
    beta_1, beta_2 : float
        Decay rates of the first and second moment estimates.
    epsilon : float
        Added to the denominator for numerical stability.
    xp : namespace, default=numpy
        The namespace of the arrays.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_sigmoid_mlp._optimizers import adam_step, init_state
    >>> w, g = np.array([1.0]), np.array([0.5])
    >>> state = init_state("adam", 1, np.float64, 0.1)
    >>> adam_step(w, g, state, beta_1=0.9, beta_2=0.999, epsilon=1e-8)
    >>> w.round(6)
    array([0.9])
    """
    state["t"] += 1
    t = state["t"]
    step_size = state["learning_rate"] * np.sqrt(1 - beta_2**t) / (1 - beta_1**t)
    m, v = state["first_moments"], state["second_moments"]
    # m <- beta_1 * m + (1 - beta_1) * g, as beta_1 * (m - g) + g
    m -= grads
    m *= beta_1
    m += grads
    # v <- beta_2 * v + (1 - beta_2) * g**2, likewise
    grads *= grads
    v -= grads
    v *= beta_2
    v += grads
    # w <- w - step_size * m / (sqrt(v) + epsilon); grads is scratch now
    grads = elementwise("sqrt", v, out=grads, xp=xp)
    grads += epsilon
    grads = elementwise("divide", m, grads, out=grads, xp=xp)
    grads *= scalar(step_size, xp)
    params -= grads


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


def cosine_rate(learning_rate_init, epochs_done, n_epochs):
    """The cosine schedule's rate after ``epochs_done`` of ``n_epochs`` epochs.

    ``learning_rate_init * (1 + cos(pi * epochs_done / n_epochs)) / 2``: the
    initial rate for the first epoch, half of it at mid-course, 0 after the
    last epoch (and after it).

    Parameters
    ----------
    learning_rate_init : float
        The rate of the first epoch.
    epochs_done : int
        Epochs completed in the schedule.
    n_epochs : int
        Length of the schedule.

    Returns
    -------
    learning_rate : float
        The rate of the next epoch.

    Examples
    --------
    >>> from sklearn_sigmoid_mlp._optimizers import cosine_rate
    >>> [round(cosine_rate(0.1, k, 4), 4) for k in range(5)]
    [0.1, 0.0854, 0.05, 0.0146, 0.0]
    """
    progress = min(epochs_done, n_epochs) / n_epochs
    return float(learning_rate_init * (1 + np.cos(np.pi * progress)) / 2)


def start_cosine(state, n_epochs):
    """Start (or restart) the cosine schedule over ``n_epochs`` epochs.

    The schedule's position is kept in the state (``"cosine_epoch"``,
    ``"cosine_epochs"``), so it survives pickling and carries on across calls
    to ``partial_fit``.
    """
    state["cosine_epoch"] = 0
    state["cosine_epochs"] = int(n_epochs)
    state["learning_rate"] = state["learning_rate_init"]


def stop_cosine(state):
    """Leave the cosine schedule: back to the initial rate."""
    if state.pop("cosine_epochs", None) is not None:
        state.pop("cosine_epoch", None)
        state["learning_rate"] = state["learning_rate_init"]


def _cosine_iteration_ends(state):
    """One epoch of the cosine schedule, if one is running."""
    if "cosine_epochs" in state:
        state["cosine_epoch"] += 1
        state["learning_rate"] = cosine_rate(
            state["learning_rate_init"], state["cosine_epoch"], state["cosine_epochs"]
        )


class SGD:
    """Stochastic gradient descent with momentum and its learning-rate schedule.

    Parameters
    ----------
    state : dict
        The state from :func:`init_state` (``solver="sgd"``), updated in place.
    momentum : float
        Momentum in ``[0, 1]``.
    nesterovs_momentum : bool
        Whether to use Nesterov's momentum.
    schedule : {"constant", "invscaling", "adaptive"}
        The learning-rate schedule, as in ``MLPClassifier``.
    power_t : float
        Exponent of ``"invscaling"``.
    verbose : bool, default=False
        Whether to say when ``"adaptive"`` lowers the rate.
    xp : namespace, default=numpy
        The namespace of the parameters.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_sigmoid_mlp._optimizers import SGD, init_state
    >>> sgd = SGD(init_state("sgd", 1, np.float64, 0.1), 0.0, False, "invscaling", 0.5)
    >>> sgd.iteration_ends(samples_seen=99)
    >>> sgd.learning_rate
    0.01
    """

    def __init__(
        self,
        state,
        momentum,
        nesterovs_momentum,
        schedule,
        power_t,
        verbose=False,
        xp=np,
    ):
        self.state, self.xp = state, xp
        self.momentum = momentum
        self.nesterov = nesterovs_momentum and momentum > 0
        self.schedule = schedule
        self.power_t = power_t
        self.verbose = verbose

    @property
    def learning_rate(self):
        """The current learning rate."""
        return self.state["learning_rate"]

    def step(self, params, grads):
        """One step over the flat parameter vector; ``grads`` is overwritten."""
        sgd_step(
            params,
            grads,
            self.state["velocities"],
            self.learning_rate,
            self.momentum,
            self.nesterov,
            self.xp,
        )

    def rank_one_step(self, coefs, intercepts, activations, deltas, l2):
        """The step of a one-sample batch without momentum, layer by layer.

        See :func:`sgd_rank_one_step`.
        """
        sgd_rank_one_step(
            coefs, intercepts, activations, deltas, self.learning_rate, l2
        )

    def iteration_ends(self, samples_seen):
        """End of an epoch: ``"invscaling"`` sets ``lr_init / (t + 1) ** power_t``.

        ``"cosine"`` moves one epoch along its curve (:func:`cosine_rate`).
        """
        _cosine_iteration_ends(self.state)
        if self.schedule == "invscaling":
            try:
                rate = self.state["learning_rate_init"] / (
                    (samples_seen + 1) ** self.power_t
                )
            except OverflowError:
                # (t + 1) ** power_t beyond the float range: the rate is zero
                rate = 0.0
            self.state["learning_rate"] = float(rate)

    def trigger_stopping(self):
        """The loss stopped improving: whether training should stop.

        ``"adaptive"`` divides the rate by 5 and goes on, until the rate is at
        most 1e-6; every other schedule stops.
        """
        if self.schedule != "adaptive" or self.learning_rate <= ADAPTIVE_MIN_RATE:
            return True
        self.state["learning_rate"] /= ADAPTIVE_DIVISOR
        if self.verbose:
            print(f"Setting learning rate to {self.learning_rate:f}")
        return False


class Adam:
    """Adam, with a constant step size or the cosine schedule.

    As in ``MLPClassifier``, the ``"invscaling"`` and ``"adaptive"``
    schedules are SGD's: Adam ignores them. ``"cosine"`` applies to both.

    Parameters
    ----------
    state : dict
        The state from :func:`init_state` (``solver="adam"``), updated in place.
    beta_1, beta_2 : float
        Decay rates of the moment estimates.
    epsilon : float
        Numerical-stability term.
    xp : namespace, default=numpy
        The namespace of the parameters.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_sigmoid_mlp._optimizers import Adam, init_state
    >>> adam = Adam(init_state("adam", 1, np.float64, 0.1), 0.9, 0.999, 1e-8)
    >>> w = np.array([1.0])
    >>> adam.step(w, np.array([0.5]))
    >>> w.round(6), adam.trigger_stopping()
    (array([0.9]), True)
    """

    def __init__(self, state, beta_1, beta_2, epsilon, xp=np):
        self.state, self.xp = state, xp
        self.beta_1, self.beta_2, self.epsilon = beta_1, beta_2, epsilon

    @property
    def learning_rate(self):
        """The current step size."""
        return self.state["learning_rate"]

    def step(self, params, grads):
        """One step over the flat parameter vector; ``grads`` is overwritten."""
        adam_step(
            params,
            grads,
            self.state,
            self.beta_1,
            self.beta_2,
            self.epsilon,
            self.xp,
        )

    def iteration_ends(self, samples_seen):
        """End of an epoch: the cosine schedule, if one runs, moves on."""
        _cosine_iteration_ends(self.state)

    def trigger_stopping(self):
        """The loss stopped improving: Adam always stops."""
        return True
