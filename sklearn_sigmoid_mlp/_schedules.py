"""The learning-rate schedules: what a call's start, an epoch's end and a
plateau do to the rate.

Plain NumPy, no scikit-learn. The rate lives in the optimizer's state
(``state["learning_rate"]``, see :mod:`._optimizers`), so that it survives
pickling and carries on across calls. :func:`make_schedule` chooses the
schedule of an estimator's ``learning_rate`` for its solver:
:class:`Constant`, :class:`InvScaling` and :class:`Adaptive` as in
``MLPClassifier`` (the last two are SGD's), and :class:`Cosine`
(:func:`cosine_rate`), for both solvers.
"""

import numpy as np

#: The ``"adaptive"`` schedule divides the rate by this on a plateau ...
ADAPTIVE_DIVISOR = 5.0
#: ... until it falls to this value, when training stops.
ADAPTIVE_MIN_RATE = 1e-6


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
    >>> from sklearn_sigmoid_mlp._schedules import cosine_rate
    >>> [round(cosine_rate(0.1, k, 4), 4) for k in range(5)]
    [0.1, 0.0854, 0.05, 0.0146, 0.0]
    """
    progress = min(epochs_done, n_epochs) / n_epochs
    return float(learning_rate_init * (1 + np.cos(np.pi * progress)) / 2)


class Schedule:
    """A learning-rate schedule: what a call's start, an epoch's end and a
    plateau do to the rate in the optimizer's state.

    The rate lives in ``state["learning_rate"]``, so that it survives pickling
    and carries on across calls.
    """

    def start(self, state, incremental, max_iter):
        """The start of a call to ``fit`` (or ``partial_fit``, ``incremental``)."""
        _leave_cosine(state)

    def iteration_ends(self, state, samples_seen):
        """The end of an epoch, after ``samples_seen`` samples in all."""

    def on_plateau(self, state):
        """The monitored value stopped improving: whether to stop training."""
        return True

    def ended(self, state):
        """Whether the schedule has run its course (its rate is final)."""
        return False


class Constant(Schedule):
    """The rate stays ``learning_rate_init``."""


class InvScaling(Schedule):
    """``learning_rate_init / (t + 1) ** power_t`` after each epoch (SGD)."""

    def __init__(self, power_t):
        self.power_t = power_t

    def iteration_ends(self, state, samples_seen):
        try:
            rate = state["learning_rate_init"] / ((samples_seen + 1) ** self.power_t)
        except OverflowError:
            # (t + 1) ** power_t beyond the float range: the rate is zero
            rate = 0.0
        state["learning_rate"] = float(rate)


class Adaptive(Schedule):
    """Divide the rate by 5 on each plateau until it is at most 1e-6 (SGD)."""

    def __init__(self, verbose=False):
        self.verbose = verbose

    def on_plateau(self, state):
        if state["learning_rate"] <= ADAPTIVE_MIN_RATE:
            return True
        state["learning_rate"] /= ADAPTIVE_DIVISOR
        if self.verbose:
            print(f"Setting learning rate to {state['learning_rate']:f}")
        return False


class Cosine(Schedule):
    """Half a cosine from ``learning_rate_init`` to 0 over ``max_iter`` epochs.

    Each :meth:`start` of a ``fit`` starts it again; ``partial_fit`` starts
    it on its first call and then goes on along it, one epoch per call, at
    the rate of its position (of a ``learning_rate_init`` set since, too).
    Its position is kept in the state (``"cosine_epoch"``,
    ``"cosine_epochs"``). After its last epoch it has :meth:`ended`: the rate
    is 0 from then on.
    """

    def start(self, state, incremental, max_iter):
        if not incremental or "cosine_epochs" not in state:
            state["cosine_epoch"] = 0
            state["cosine_epochs"] = int(max_iter)
        state["learning_rate"] = cosine_rate(
            state["learning_rate_init"], state["cosine_epoch"], state["cosine_epochs"]
        )

    def ended(self, state):
        """Whether its last epoch has run: the rate is 0 from then on.

        Parameters
        ----------
        state : dict
            The optimizer's state, which holds the schedule's position.

        Returns
        -------
        ended : bool
            True once ``"cosine_epochs"`` epochs have ended.

        Examples
        --------
        >>> from sklearn_sigmoid_mlp._schedules import Cosine
        >>> cosine, state = Cosine(), {"learning_rate_init": 0.1}
        >>> cosine.start(state, incremental=False, max_iter=2)
        >>> for _ in range(2):
        ...     cosine.iteration_ends(state, samples_seen=0)
        >>> cosine.ended(state), state["learning_rate"]
        (True, 0.0)
        """
        return state["cosine_epoch"] >= state["cosine_epochs"]

    def iteration_ends(self, state, samples_seen):
        state["cosine_epoch"] += 1
        state["learning_rate"] = cosine_rate(
            state["learning_rate_init"], state["cosine_epoch"], state["cosine_epochs"]
        )


def _leave_cosine(state):
    """Leave a cosine schedule that ran before, back to the initial rate."""
    if state.pop("cosine_epochs", None) is not None:
        state.pop("cosine_epoch", None)
        state["learning_rate"] = state["learning_rate_init"]


def make_schedule(name, solver, power_t=0.5, verbose=False):
    """The schedule called ``name`` for ``solver``.

    As in ``MLPClassifier``, ``"invscaling"`` and ``"adaptive"`` are SGD's:
    Adam keeps a constant step size with them. ``"cosine"`` applies to both.

    Parameters
    ----------
    name : {"constant", "invscaling", "adaptive", "cosine"}
        The estimator's ``learning_rate``.
    solver : {"sgd", "adam"}
        The optimizer the schedule is for.
    power_t : float, default=0.5
        The exponent of ``"invscaling"``.
    verbose : bool, default=False
        Whether ``"adaptive"`` says when it lowers the rate.

    Returns
    -------
    schedule : Schedule
        ``Constant``, ``InvScaling``, ``Adaptive`` or ``Cosine``.

    Examples
    --------
    >>> from sklearn_sigmoid_mlp._schedules import make_schedule
    >>> type(make_schedule("adaptive", "sgd")).__name__
    'Adaptive'
    >>> type(make_schedule("adaptive", "adam")).__name__
    'Constant'
    """
    if name == "cosine":
        return Cosine()
    if solver == "sgd" and name == "invscaling":
        return InvScaling(power_t)
    if solver == "sgd" and name == "adaptive":
        return Adaptive(verbose)
    return Constant()
