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


def warn_on_stop(reason, max_iter, early_stopping):
    """The warning that goes with a stop reason, pointed at the caller's line."""
    if reason == "max_iter":
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
