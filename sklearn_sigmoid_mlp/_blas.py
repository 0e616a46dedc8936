"""In-place BLAS updates of the optimizers, and the limits on BLAS threads.

Plain SciPy, no scikit-learn. NumPy has no in-place ``y += a * x`` nor
``W += a * outer(x, y)``: written with ufuncs they form ``a * x`` or the
outer product first, one more pass over memory and a temporary array.
BLAS's ``?axpy`` and ``?ger`` do them in one pass, in place: the optimizers'
steps over the flat parameter vector (``?axpy``, :func:`axpy`) and the
rank-one updates of per-sample SGD (``?ger``, :func:`ger`). Any other array,
or another namespace's, takes the plain ``y += a * x`` (always correct, one
pass slower).

SciPy and NumPy each bundle their own OpenBLAS, and two multi-threaded copies
busy-waiting on the same cores slow each other down many times (a step's
``axpy`` took milliseconds instead of microseconds beside NumPy's two-thread
products). Training therefore runs SciPy's BLAS on one thread
(:func:`scipy_blas_single_thread`; its vector operations gain nothing from
threads) while NumPy's products keep theirs, and runs every BLAS on one
thread for small batches (:func:`all_blas_single_thread`). :func:`axpy` calls
SciPy's BLAS only inside one of these limits (or where SciPy shares NumPy's
BLAS); elsewhere it is NumPy's ``y += a * x``, so that no caller outside
training can meet the slow case. Both limits reuse one
:class:`threadpoolctl.ThreadpoolController`, made on first use: making one
inspects every loaded library, two to three milliseconds that a
``partial_fit`` on a few rows would otherwise pay on every call.
"""

import contextlib
import functools
import os
import threading

import numpy as np
import scipy
from scipy.linalg import blas
from threadpoolctl import ThreadpoolController

_GER = {np.dtype(np.float32): blas.sger, np.dtype(np.float64): blas.dger}
_AXPY = {np.dtype(np.float32): blas.saxpy, np.dtype(np.float64): blas.daxpy}

#: How many limits that keep SciPy's BLAS on one thread are open (in any
#: thread: the limits are the process's); :func:`axpy` uses BLAS inside them.
_single_thread_limits = [0]
_count_lock = threading.Lock()


def axpy(alpha, x, y):
    """``y += alpha * x``, in place.

    One pass of BLAS's ``?axpy`` for contiguous NumPy arrays of one float
    dtype, inside a limit that keeps SciPy's BLAS on one thread (see the
    module's notes); NumPy's ``y += alpha * x`` otherwise.

    Parameters
    ----------
    alpha : float
        Scale of ``x``.
    x : array
        Added to ``y``, scaled; the same shape as ``y``.
    y : array
        Updated in place.

    Returns
    -------
    y : array
        The updated array (the same object).

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_sigmoid_mlp._blas import axpy
    >>> y = np.array([1.0, 2.0])
    >>> axpy(0.5, np.array([2.0, 2.0]), y) is y, y
    (True, array([2., 3.]))
    """
    routine = _AXPY.get(getattr(y, "dtype", None))
    if (
        routine is None
        or not (_single_thread_limits[0] or _scipy_own_blas() is None)
        or not isinstance(x, np.ndarray)
        or not isinstance(y, np.ndarray)
        or x.dtype != y.dtype
        or x.shape != y.shape
        or not (x.flags.c_contiguous and y.flags.c_contiguous)
        or not y.flags.writeable
    ):
        y += alpha * x
    else:
        # contiguous arrays are vectors to BLAS; ?axpy works on y in place
        routine(x.reshape(-1), y.reshape(-1), a=alpha)
    return y


def ger(alpha, x, y, matrix):
    """Rank-one update ``matrix += alpha * outer(x, y)``, in place.

    Parameters
    ----------
    alpha : float
        Scale of the outer product.
    x : ndarray of shape (m,)
        Left vector.
    y : ndarray of shape (n,)
        Right vector.
    matrix : ndarray of shape (m, n)
        Updated in place.

    Returns
    -------
    matrix : ndarray of shape (m, n)
        The updated matrix.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_sigmoid_mlp._blas import ger
    >>> ger(1.0, np.array([1.0, 2.0]), np.array([1.0, -1.0]), np.zeros((2, 2)))
    array([[ 1., -1.],
           [ 2., -2.]])
    """
    routine = _GER.get(matrix.dtype)
    if routine is None or not all(
        a.flags.c_contiguous and a.dtype == matrix.dtype for a in (matrix, x, y)
    ):
        matrix += alpha * np.outer(x, y)
    else:
        # a C-contiguous (m, n) matrix is the Fortran-contiguous (n, m) matrix.T
        routine(alpha, y, x, a=matrix.T, overwrite_a=True)
    return matrix


@functools.cache
def _controller():
    """The one controller of the loaded libraries' thread pools (made once)."""
    return ThreadpoolController()


@functools.cache
def _scipy_own_blas():
    """The controller of SciPy's own BLAS; None where it shares NumPy's."""
    controller = _controller()
    scipy_dir = os.path.dirname(os.path.abspath(scipy.__file__))
    owned = (scipy_dir, scipy_dir + ".libs")
    paths = [
        lib.filepath
        for lib in controller.lib_controllers
        if lib.user_api == "blas"
        and os.path.dirname(os.path.abspath(lib.filepath)).startswith(owned)
    ]
    others = [
        lib.filepath
        for lib in controller.lib_controllers
        if lib.user_api == "blas" and lib.filepath not in paths
    ]
    if not paths or not others:
        return None
    return controller.select(filepath=paths)


def scipy_blas_single_thread():
    """SciPy's own BLAS limited to one thread, NumPy's left as it is.

    SciPy's wheels bring an OpenBLAS of their own, beside NumPy's. Training
    alternates NumPy's matrix products with SciPy's vector operations
    (:func:`axpy` in the optimizers' steps; L-BFGS-B's own, with
    ``solver="lbfgs"``): the two libraries' threads then wait on each other,
    and on two cores an L-BFGS fit took four times as long with two threads
    as with one. SciPy's vector operations gain nothing from threads; this
    keeps them on one, and NumPy's products on their threads.

    Returns
    -------
    context : context manager
        The limit, or a context that does nothing where SciPy shares NumPy's
        BLAS (no second library to wait on).

    Examples
    --------
    >>> from sklearn_sigmoid_mlp._blas import scipy_blas_single_thread
    >>> with scipy_blas_single_thread():
    ...     pass
    """
    selected = _scipy_own_blas()
    return _counted(
        contextlib.nullcontext() if selected is None else selected.limit(limits=1)
    )


def all_blas_single_thread():
    """Every loaded BLAS limited to one thread (``threadpool_limits(1, "blas")``).

    The same limit as :func:`threadpoolctl.threadpool_limits`, through the
    controller made once (see the module's notes).

    Returns
    -------
    context : context manager

    Examples
    --------
    >>> from sklearn_sigmoid_mlp._blas import all_blas_single_thread
    >>> with all_blas_single_thread():
    ...     pass
    """
    return _counted(_controller().limit(limits=1, user_api="blas"))


@contextlib.contextmanager
def _counted(limit):
    """``limit``, counted in ``_single_thread_limits`` while it is open."""
    with limit:
        with _count_lock:
            _single_thread_limits[0] += 1
        try:
            yield
        finally:
            with _count_lock:
                _single_thread_limits[0] -= 1
