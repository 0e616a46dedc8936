"""The in-place BLAS rank-one update of per-sample SGD.

Plain SciPy, no scikit-learn. NumPy has no in-place ``W += a * outer(x, y)``:
written with ufuncs it forms the outer product first, one more pass over
memory and a temporary matrix. BLAS's ``?ger`` does it in one pass, in place.
This is the only place where the package calls :mod:`scipy.linalg.blas`
(and where it limits SciPy's own BLAS, :func:`scipy_blas_single_thread`);
another array library would swap it for its own (``W += a * outer(x, y)`` is
always a correct, slower fallback).

It is used only under a one-thread BLAS limit (see the estimator's training
loop): SciPy and NumPy each bundle their own OpenBLAS, and two multi-threaded
copies busy-waiting on the same cores slow each other down many times.
"""

import contextlib
import os

import numpy as np
import scipy
from scipy.linalg import blas
from threadpoolctl import ThreadpoolController

_GER = {np.dtype(np.float32): blas.sger, np.dtype(np.float64): blas.dger}


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


def scipy_blas_single_thread():
    """SciPy's own BLAS limited to one thread, NumPy's left as it is.

    SciPy's wheels bring an OpenBLAS of their own, beside NumPy's. L-BFGS-B
    (``solver="lbfgs"``) alternates NumPy's matrix products with SciPy's
    vector operations: the two libraries' threads then wait on each other,
    and on two cores a fit took four times as long with two threads as with
    one. SciPy's vector operations gain nothing from threads; this keeps them
    on one, and NumPy's products on their threads.

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
    scipy_dir = os.path.dirname(os.path.abspath(scipy.__file__))
    owned = (scipy_dir, scipy_dir + ".libs")
    controller = ThreadpoolController()
    paths = [
        lib.filepath
        for lib in controller.lib_controllers
        if lib.user_api == "blas"
        and os.path.dirname(os.path.abspath(lib.filepath)).startswith(owned)
    ]
    numpy_paths = {
        lib.filepath
        for lib in controller.lib_controllers
        if lib.user_api == "blas" and lib.filepath not in paths
    }
    if not paths or not numpy_paths:
        return contextlib.nullcontext()
    return controller.select(filepath=paths).limit(limits=1)
