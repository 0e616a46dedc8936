"""Assertion helpers shared by the test modules (``from helpers import ...``).

``tests/`` is no package: pytest puts it on ``sys.path``, so the test modules
import this file by its name. Child programs that tests run in fresh
interpreters are in ``child_programs/``; ``child_program`` gives their paths.
"""

import os
import runpy
import signal
import subprocess
import sys
import threading
import warnings
from pathlib import Path

import numpy as np
from sklearn.exceptions import ConvergenceWarning

CHILD_PROGRAMS = Path(__file__).resolve().parent / "child_programs"


def quiet_fit(estimator, *args, **kwargs):
    """``estimator.fit(*args, **kwargs)`` without its ConvergenceWarning.

    For fits that run out of a small ``max_iter`` on purpose.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return estimator.fit(*args, **kwargs)


def child_program(name):
    """The path of a child program, as a string for ``subprocess``.

    Parameters
    ----------
    name : str
        File name in ``tests/child_programs``, e.g. ``"sigint_training.py"``.

    Returns
    -------
    path : str
    """
    path = CHILD_PROGRAMS / name
    assert path.is_file(), path
    return str(path)


def run_program(name, *args, timeout=120):
    """Run a child program to its end in a fresh interpreter.

    Parameters
    ----------
    name : str
        File name in ``tests/child_programs``.
    *args : str
        Its arguments.
    timeout : float, default=120
        Seconds after which it is killed (and the test fails).

    Returns
    -------
    completed : subprocess.CompletedProcess
        With its exit status and its output as text.
    """
    return subprocess.run(
        [sys.executable, child_program(name), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def child_globals(name):
    """The functions and constants of a child program, without running it.

    Parameters
    ----------
    name : str
        File name in ``tests/child_programs``.

    Returns
    -------
    namespace : dict
        The program's globals; its ``if __name__ == "__main__"`` part did not run.
    """
    return runpy.run_path(child_program(name))


def assert_same_parameters(first, second, *, rtol=0.0, atol=0.0, check_dtype=True):
    """Two fitted networks have the same (or close) weights and intercepts.

    Parameters
    ----------
    first, second : SigmoidMLPClassifier
        Fitted estimators.
    rtol, atol : float, default=0.0
        Tolerances of ``numpy.testing.assert_allclose``; with both zero the
        arrays must be equal bit for bit.
    check_dtype : bool, default=True
        Whether the arrays must also have the same dtype.
    """
    assert len(first.coefs_) == len(second.coefs_)
    assert len(first.intercepts_) == len(second.intercepts_)
    for a, b in zip(
        first.coefs_ + first.intercepts_, second.coefs_ + second.intercepts_
    ):
        assert a.shape == b.shape
        if check_dtype:
            assert a.dtype == b.dtype
        if rtol == 0 and atol == 0:
            np.testing.assert_array_equal(a, b)
        else:
            np.testing.assert_allclose(a, b, rtol=rtol, atol=atol)


def assert_same_model(first, second, X=None):
    """Two fitted estimators are the same model, bit for bit.

    The same class and parameters, weights and intercepts (and dtypes),
    classes, training counters and loss curve; and, given ``X``, the same
    probabilities on it.

    Parameters
    ----------
    first, second : SigmoidMLPClassifier
        Fitted estimators.
    X : array-like, optional
        Data whose probabilities both must predict identically.
    """
    assert type(first) is type(second)
    assert first.get_params() == second.get_params()
    assert_same_parameters(first, second)
    np.testing.assert_array_equal(first.classes_, second.classes_)
    assert first.n_iter_ == second.n_iter_
    assert first.t_ == second.t_
    assert first.loss_curve_ == second.loss_curve_
    if X is not None:
        np.testing.assert_array_equal(first.predict_proba(X), second.predict_proba(X))


def assert_finite_model(estimator):
    """Every weight and intercept of a fitted estimator is finite."""
    for array in estimator.coefs_ + estimator.intercepts_:
        assert np.all(np.isfinite(array))


def assert_valid_proba(estimator, proba, *, multilabel=False, n_rows=None):
    """Finite probabilities in [0, 1]; one column per class summing to one.

    Parameters
    ----------
    estimator : SigmoidMLPClassifier
        The fitted estimator that predicted ``proba``.
    proba : ndarray of shape (n_samples, n_columns)
    multilabel : bool, default=False
        Whether the estimator was trained on a multilabel indicator matrix:
        then every column is a label of its own, and rows need not sum to one.
    n_rows : int, optional
        The expected number of rows.
    """
    if n_rows is not None:
        assert proba.shape[0] == n_rows
    assert np.all(np.isfinite(proba))
    assert np.all((proba >= 0) & (proba <= 1))
    if not multilabel:
        assert proba.shape[1] == len(estimator.classes_)
        tolerance = 1e-5 if proba.dtype == np.float32 else 1e-12
        np.testing.assert_allclose(proba.sum(axis=1), 1, rtol=0, atol=tolerance)


def run_child(args, on_line, timeout=120):
    """Run a child program, read its output line by line, let it be signalled.

    Parameters
    ----------
    args : list of str
        The child's arguments after ``sys.executable``.
    on_line : callable
        Called with each line of the child's standard output and a function
        that sends the child a SIGINT.
    timeout : float, default=120
        Seconds after which the child is killed.

    Returns
    -------
    returncode : int
    stderr : str
    """
    process = subprocess.Popen(
        [sys.executable, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )

    def interrupt():
        os.kill(process.pid, signal.SIGINT)

    watchdog = threading.Timer(timeout, process.kill)
    watchdog.start()
    try:
        for line in process.stdout:
            on_line(line, interrupt)
        stderr = process.stderr.read()
        process.wait()
    finally:
        watchdog.cancel()
        if process.poll() is None:
            process.kill()
    return process.returncode, stderr


def blas_threads_by_library():
    """The BLAS thread count of SciPy's own library and of the other one.

    ``{"scipy": n, "other": m}`` where SciPy brings a BLAS of its own beside
    NumPy's; a single key where they share one (nothing to tell apart).
    """
    import scipy
    from threadpoolctl import ThreadpoolController

    scipy_dir = os.path.dirname(os.path.abspath(scipy.__file__))
    return {
        (
            "scipy" if os.path.abspath(lib.filepath).startswith(scipy_dir) else "other"
        ): lib.num_threads
        for lib in ThreadpoolController().lib_controllers
        if lib.user_api == "blas"
    }
