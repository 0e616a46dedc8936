"""The in-place BLAS rank-one update of per-sample SGD.

Plain SciPy, no scikit-learn. NumPy has no in-place ``W += a * outer(x, y)``:
written with ufuncs it forms the outer product first, one more pass over
memory and a temporary matrix. BLAS's ``?ger`` does it in one pass, in place.
This is the only place where the package calls :mod:`scipy.linalg.blas`;
another array library would swap it for its own (``W += a * outer(x, y)`` is
always a correct, slower fallback).

It is used only under a one-thread BLAS limit (see the estimator's training
loop): SciPy and NumPy each bundle their own OpenBLAS, and two multi-threaded
copies busy-waiting on the same cores slow each other down many times.
"""

import numpy as np
from scipy.linalg import blas

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
