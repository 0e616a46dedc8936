"""Stochastic gradient descent (with momentum) and Adam over one flat vector.

Plain NumPy, no scikit-learn. During training every trained parameter lives in
one contiguous vector (see :mod:`._parameters`), and so do the gradients and
the optimizer's moments: a step is a handful of whole-array operations, with
no loop over layers.

An optimizer's state is a ``dict`` of arrays and numbers (see
:func:`init_state`), so that an estimator holding it pickles small and loads
in secure loaders that trust only the estimator class. Its arrays are in the
namespace and on the device of the parameters (see :mod:`._xp`).
:func:`state_for_call` gives the state a training call starts from (a new
one, the one kept, or the kept one with a new ``learning_rate_init``).

:func:`make_optimizer` is the one place that turns the estimator's settings
into an optimizer for one call: :class:`SGD` or :class:`Adam`, wrapping the
state, with its learning-rate schedule (:mod:`._schedules`). The optimizer
starts the call (:meth:`Optimizer.start`: a cosine schedule starts or goes
on), takes the steps, moves the schedule at the end of each epoch
(``iteration_ends``) and decides what a plateau means (``trigger_stopping``),
as scikit-learn's optimizers do.

Each step updates the parameters in place; Adam's uses the gradient array as
scratch space (after its step the gradient is overwritten). With NumPy no array
is allocated during a step, and each ``y <- y + a * x`` is one pass of BLAS's
``axpy`` (:func:`~._blas.axpy`; an Adam step is nine passes over the
vector); other namespaces have no ``out=`` and allocate their temporaries.

The update rules follow :class:`sklearn.neural_network.MLPClassifier`:

- SGD: ``v <- momentum * v - lr * g``, then ``w <- w + v``; with Nesterov's
  momentum ``w <- w + momentum * v - lr * g``.
- Adam: ``m <- beta_1 * m + (1 - beta_1) * g``,
  ``v <- beta_2 * v + (1 - beta_2) * g ** 2``,
  ``w <- w - lr_t * m / (sqrt(v) + epsilon)`` with
  ``lr_t = lr * sqrt(1 - beta_2 ** t) / (1 - beta_1 ** t)``.
"""

import math

import numpy as np
import scipy.sparse as sp

from ._blas import axpy, ger
from ._schedules import make_schedule
from ._xp import elementwise, is_array, is_numpy, zeros


def init_state(solver, n_params, dtype, learning_rate_init, *, xp, device=None):
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
    xp : namespace
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
    >>> state = init_state("adam", 3, np.float64, 0.001, xp=np)
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


def sgd_step(params, grads, velocities, learning_rate, momentum, nesterov, *, xp):
    """One SGD step with (Nesterov's) momentum, in place.

    Parameters
    ----------
    params : ndarray of shape (n_params,)
        Parameters, updated in place.
    grads : ndarray of shape (n_params,)
        Their gradient (read, not changed).
    velocities : ndarray of shape (n_params,)
        Momentum buffer, updated in place.
    learning_rate : float
        Step size.
    momentum : float
        Momentum in ``[0, 1]``.
    nesterov : bool
        Whether to use Nesterov's momentum.
    xp : namespace
        The namespace of the arrays.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_sigmoid_mlp._optimizers import sgd_step
    >>> w, g, v = np.array([1.0]), np.array([0.5]), np.array([0.0])
    >>> sgd_step(w, g, v, learning_rate=0.1, momentum=0.0, nesterov=False, xp=np)
    >>> w
    array([0.95])
    """
    # v <- momentum * v - lr * g
    velocities *= momentum
    axpy(-learning_rate, grads, velocities)
    if nesterov:
        # w <- w + momentum * v - lr * g
        axpy(momentum, velocities, params)
        axpy(-learning_rate, grads, params)
    else:
        params += velocities


def adam_step(params, grads, state, beta_1, beta_2, epsilon, *, xp):
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
    xp : namespace
        The namespace of the arrays.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_sigmoid_mlp._optimizers import adam_step, init_state
    >>> w, g = np.array([1.0]), np.array([0.5])
    >>> state = init_state("adam", 1, np.float64, 0.1, xp=np)
    >>> adam_step(w, g, state, beta_1=0.9, beta_2=0.999, epsilon=1e-8, xp=np)
    >>> w.round(6)
    array([0.9])
    """
    state["t"] += 1
    t = state["t"]
    # a Python float: a NumPy float64 would make float32 arrays compute in
    # float64 and cast back, eight times slower
    step_size = state["learning_rate"] * math.sqrt(1 - beta_2**t) / (1 - beta_1**t)
    m, v = state["first_moments"], state["second_moments"]
    # m <- beta_1 * m + (1 - beta_1) * g
    m *= beta_1
    axpy(1 - beta_1, grads, m)
    # v <- beta_2 * v + (1 - beta_2) * g**2
    grads *= grads
    v *= beta_2
    axpy(1 - beta_2, grads, v)
    # w <- w - step_size * m / (sqrt(v) + epsilon); grads is scratch now
    grads = elementwise("sqrt", v, out=grads, xp=xp)
    grads += epsilon
    grads = elementwise("divide", m, grads, out=grads, xp=xp)
    axpy(-step_size, grads, params)


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


def state_for_call(state, solver, n_params, dtype, learning_rate_init, *, xp, device):
    """The optimizer state a training call starts from.

    A new state (:func:`init_state`) for a model without one or one trained
    by another solver; otherwise the model's state, with a new
    ``learning_rate_init`` taking effect (the moments are kept). The arrays of
    a NumPy state that are read-only (memory-mapped) are copied, and those of
    states pickled by 0.1.0 (lists of per-layer arrays) are laid out as one
    vector: the state is never written where it was loaded from.

    Parameters
    ----------
    state : dict or None
        The model's state.
    solver : {"sgd", "adam"}
        The call's solver.
    n_params : int
        Length of the vector of trained parameters.
    dtype : dtype
        Floating dtype of the parameters.
    learning_rate_init : float
        The call's initial learning rate.
    xp : namespace
        The namespace of the parameters.
    device : device or None
        Their device.

    Returns
    -------
    state : dict
        The state to train with.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_sigmoid_mlp._optimizers import state_for_call
    >>> state = state_for_call(None, "sgd", 2, np.float64, 0.1, xp=np, device=None)
    >>> state["velocities"] += 1
    >>> state = state_for_call(state, "sgd", 2, np.float64, 0.01, xp=np, device=None)
    >>> state["learning_rate"], state["velocities"]
    (0.01, array([1., 1.]))
    """
    if state is None or state["solver"] != solver:
        return init_state(
            solver, n_params, dtype, learning_rate_init, xp=xp, device=device
        )
    if state["learning_rate_init"] != learning_rate_init:
        state["learning_rate_init"] = float(learning_rate_init)
        state["learning_rate"] = float(learning_rate_init)
    if is_numpy(xp):
        for key, value in list(state.items()):
            if isinstance(value, list):
                state[key] = np.concatenate([a.ravel() for a in value])
            elif isinstance(value, np.ndarray) and not value.flags.writeable:
                state[key] = value.copy()
    return state


# ----------------------------------------------------------------- optimizers


class Optimizer:
    """Steps over the flat parameter vector, with a learning-rate schedule.

    Parameters
    ----------
    state : dict
        The state from :func:`init_state`, updated in place.
    schedule : Schedule
        The learning-rate schedule.
    xp : namespace
        The namespace of the parameters.
    """

    #: whether one-sample batches may be stepped as rank-one updates
    #: (:meth:`rank_one_step`), without forming the gradient
    rank_one = False

    def __init__(self, state, schedule, *, xp):
        self.state, self.schedule, self.xp = state, schedule, xp

    @property
    def learning_rate(self):
        """The current learning rate (step size)."""
        return self.state["learning_rate"]

    def start(self, incremental, max_iter):
        """The start of a training call (see ``Schedule.start``)."""
        self.schedule.start(self.state, incremental, max_iter)

    def step(self, params, grads):
        """One step over the flat vector ``params``; ``grads`` may be overwritten."""
        raise NotImplementedError

    def iteration_ends(self, samples_seen):
        """The end of an epoch: the schedule moves on."""
        self.schedule.iteration_ends(self.state, samples_seen)

    def trigger_stopping(self):
        """The monitored value stopped improving: whether training should stop."""
        return self.schedule.on_plateau(self.state)

    def schedule_ended(self):
        """Whether the schedule has run its course (see ``Schedule.ended``)."""
        return self.schedule.ended(self.state)


class SGD(Optimizer):
    """Stochastic gradient descent with (Nesterov's) momentum.

    Parameters
    ----------
    state : dict
        The state from :func:`init_state` (``solver="sgd"``), updated in place.
    schedule : Schedule
        The learning-rate schedule.
    momentum : float
        Momentum in ``[0, 1]``.
    nesterovs_momentum : bool
        Whether to use Nesterov's momentum.
    xp : namespace
        The namespace of the parameters.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_sigmoid_mlp._optimizers import SGD, init_state
    >>> from sklearn_sigmoid_mlp._schedules import InvScaling
    >>> state = init_state("sgd", 1, np.float64, 0.1, xp=np)
    >>> sgd = SGD(state, InvScaling(0.5), 0.0, False, xp=np)
    >>> sgd.iteration_ends(samples_seen=99)
    >>> sgd.learning_rate, sgd.rank_one
    (0.01, True)
    """

    def __init__(self, state, schedule, momentum, nesterovs_momentum, *, xp):
        super().__init__(state, schedule, xp=xp)
        self.momentum = momentum
        self.nesterov = nesterovs_momentum and momentum > 0
        # plain SGD's step of one sample is a rank-one update of each layer
        self.rank_one = momentum == 0 and is_numpy(xp)

    def step(self, params, grads):
        sgd_step(
            params,
            grads,
            self.state["velocities"],
            self.learning_rate,
            self.momentum,
            self.nesterov,
            xp=self.xp,
        )

    def rank_one_step(self, params, activations, deltas, l2):
        """The step of a one-sample batch without momentum, layer by layer.

        See :func:`sgd_rank_one_step`.
        """
        sgd_rank_one_step(
            params.coefs,
            params.used_intercepts,
            activations,
            deltas,
            self.learning_rate,
            l2,
        )


class Adam(Optimizer):
    """Adam (Kingma and Ba).

    Parameters
    ----------
    state : dict
        The state from :func:`init_state` (``solver="adam"``), updated in place.
    schedule : Schedule
        The learning-rate schedule (constant or cosine).
    beta_1, beta_2 : float
        Decay rates of the moment estimates.
    epsilon : float
        Numerical-stability term.
    xp : namespace
        The namespace of the parameters.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_sigmoid_mlp._optimizers import Adam, init_state
    >>> from sklearn_sigmoid_mlp._schedules import Constant
    >>> state = init_state("adam", 1, np.float64, 0.1, xp=np)
    >>> adam = Adam(state, Constant(), 0.9, 0.999, 1e-8, xp=np)
    >>> w = np.array([1.0])
    >>> adam.step(w, np.array([0.5]))
    >>> w.round(6), adam.trigger_stopping()
    (array([0.9]), True)
    """

    def __init__(self, state, schedule, beta_1, beta_2, epsilon, *, xp):
        super().__init__(state, schedule, xp=xp)
        self.beta_1, self.beta_2, self.epsilon = beta_1, beta_2, epsilon

    def step(self, params, grads):
        adam_step(
            params,
            grads,
            self.state,
            self.beta_1,
            self.beta_2,
            self.epsilon,
            xp=self.xp,
        )


def make_optimizer(state, settings, *, xp):
    """The optimizer of one training call, from the estimator's settings.

    Parameters
    ----------
    state : dict
        The state to train with (:func:`state_for_call`); its ``"solver"``
        chooses the optimizer.
    settings : dict
        The estimator's parameters: ``learning_rate`` (the schedule's name),
        ``power_t``, ``momentum``, ``nesterovs_momentum``, ``beta_1``,
        ``beta_2``, ``epsilon``, ``verbose``.
    xp : namespace
        The namespace of the parameters.

    Returns
    -------
    optimizer : SGD or Adam

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_sigmoid_mlp._optimizers import init_state, make_optimizer
    >>> settings = dict(learning_rate="cosine", power_t=0.5, momentum=0.9,
    ...                 nesterovs_momentum=True, beta_1=0.9, beta_2=0.999,
    ...                 epsilon=1e-8, verbose=False)
    >>> adam = make_optimizer(init_state("adam", 3, np.float64, 0.1, xp=np),
    ...                       settings, xp=np)
    >>> type(adam).__name__, type(adam.schedule).__name__
    ('Adam', 'Cosine')
    """
    solver = state["solver"]
    schedule = make_schedule(
        settings["learning_rate"], solver, settings["power_t"], settings["verbose"]
    )
    if solver == "sgd":
        return SGD(
            state,
            schedule,
            settings["momentum"],
            settings["nesterovs_momentum"],
            xp=xp,
        )
    return Adam(
        state,
        schedule,
        settings["beta_1"],
        settings["beta_2"],
        settings["epsilon"],
        xp=xp,
    )
