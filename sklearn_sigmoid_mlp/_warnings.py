"""The warnings of a training call, pointed at the caller's line."""

import os
import sys
import warnings

import sklearn.base
from sklearn.exceptions import ConvergenceWarning

_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))
_SKLEARN_BASE = sklearn.base.__file__


def user_stacklevel():
    """The ``stacklevel`` that makes a warning point at the caller's line.

    Counts the frames, from the function that warns, that belong to this
    package or to scikit-learn's ``_fit_context`` wrapper of ``fit``.
    """
    frame, level = sys._getframe(1), 1
    while frame is not None and (
        frame.f_code.co_filename.startswith(_PACKAGE_DIR)
        or (
            frame.f_code.co_filename == _SKLEARN_BASE
            and frame.f_code.co_name == "wrapper"
        )
    ):
        frame, level = frame.f_back, level + 1
    return level


def warn_on_stop(reason, max_iter, early_stopping, schedule_ended=False):
    """The warning that goes with a stop reason, pointed at the caller's line.

    A call that ran its ``max_iter`` epochs warns that it did not converge,
    as ``MLPClassifier`` does, unless its learning-rate schedule ended with
    them (``schedule_ended``: ``"cosine"``, whose rate is then 0), as planned.
    """
    if reason == "max_iter" and not schedule_ended:
        warnings.warn(
            f"Stochastic Optimizer: Maximum iterations ({max_iter}) "
            "reached and the optimization hasn't converged yet.",
            ConvergenceWarning,
            stacklevel=user_stacklevel(),
        )
    elif reason == "diverged":
        warnings.warn(
            "Training diverged: the loss became non-finite or exploded. The "
            "last finite weights were restored. Try a smaller "
            "learning_rate_init.",
            ConvergenceWarning,
            stacklevel=user_stacklevel(),
        )
    elif reason == "interrupted":
        warnings.warn(
            "Training was interrupted (KeyboardInterrupt); the weights of the "
            "last completed batch are kept"
            + (", the best epoch's restored." if early_stopping else "."),
            UserWarning,
            stacklevel=user_stacklevel(),
        )


def warn_schedule_ended(n_epochs):
    """``partial_fit`` goes on after the cosine schedule ended: it cannot learn."""
    warnings.warn(
        f"The cosine learning-rate schedule has ended: it ran its {n_epochs} "
        "epochs (max_iter when it began) and its learning rate is now 0, so "
        "this partial_fit call learns nothing from X and y. To train on, set "
        "learning_rate='constant' (partial_fit then trains at "
        "learning_rate_init), or call fit, which runs a new cosine over "
        "max_iter epochs (from the current weights with warm_start=True).",
        UserWarning,
        stacklevel=user_stacklevel(),
    )


def warn_lbfgs(solution, n_iter, max_iter):
    """``solver="lbfgs"`` did not converge: scikit-learn's warning, its words.

    ``solution`` is SciPy's result; ``n_iter`` the iterations counted.
    """
    message = (
        f"lbfgs failed to converge after {n_iter} iteration(s) "
        f"(status={solution.status}):\n{solution.message}\n"
    )
    if n_iter == max_iter:
        message += (
            "\nIncrease the number of iterations to improve the convergence "
            f"(max_iter={max_iter})."
        )
    message += (
        "\nYou might also want to scale the data as shown in:\n"
        "    https://scikit-learn.org/stable/modules/preprocessing.html"
    )
    warnings.warn(message, ConvergenceWarning, stacklevel=user_stacklevel())
