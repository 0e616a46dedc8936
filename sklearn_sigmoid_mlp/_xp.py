"""The array namespace of the network math: NumPy's fast paths, or the standard.

Plain NumPy, no scikit-learn. The math modules (:mod:`._network`,
:mod:`._activations`, :mod:`._losses`, :mod:`._optimizers`,
:mod:`._parameters`) take the namespace of their arrays as an argument
``xp``, with no default: the estimator finds it once per call
(:mod:`._array_api`) and hands it down, so that a forgotten argument fails
rather than silently computing with NumPy.

The math is written once, with what the `array API standard
<https://data-apis.org/array-api/latest/>`_ has: operators (in-place ones
included), slicing and the standard's functions. What NumPy has beyond it is
kept for NumPy alone, here and in a few small helpers of the math modules:

- ``out=``: with NumPy, :func:`elementwise` and the products write into the
  buffers they are given, so that training allocates nothing per batch; other
  namespaces return new arrays and the callers use the returned array (with
  NumPy it is the buffer itself). Where a result must land in a given array
  (a gradient, a view of the flat gradient vector), :func:`store` copies it;
- NumPy's array flags and memory addresses (:mod:`._parameters`), SciPy's
  sparse matrices, ``scipy.special.expit`` and BLAS's rank-one update
  (:mod:`._blas`) serve only NumPy arrays.

``xp is numpy`` tells the NumPy path; the estimator passes the ``numpy``
module itself for NumPy arrays, never a wrapper of it.
"""

import math

import numpy as np


def is_numpy(xp):
    """Whether ``xp`` is NumPy itself: the path with ``out=`` and SciPy."""
    return xp is np


def size(array):
    """The number of elements (``array.size`` is a method in PyTorch)."""
    return math.prod(array.shape)


def is_array(value):
    """Whether ``value`` is an array of some namespace (not a scalar).

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_sigmoid_mlp._xp import is_array
    >>> is_array(np.zeros(2)), is_array(np.float64(1.0)), is_array(0.5)
    (True, False, False)
    """
    if isinstance(value, np.ndarray):
        return True
    return hasattr(value, "__dlpack__") and not isinstance(value, np.generic)


def empty(shape, dtype, xp, device=None):
    """An uninitialised array of ``xp`` on ``device``."""
    if is_numpy(xp):
        return np.empty(shape, dtype)
    return xp.empty(shape, dtype=dtype, device=device)


def zeros(shape, dtype, xp, device=None):
    """An array of zeros of ``xp`` on ``device``."""
    if is_numpy(xp):
        return np.zeros(shape, dtype)
    return xp.zeros(shape, dtype=dtype, device=device)


def astype(array, dtype, xp):
    """``array`` converted to ``dtype`` (NumPy before 2.0 has no ``np.astype``)."""
    if is_numpy(xp):
        return array.astype(dtype)
    return xp.astype(array, dtype)


def copy(array, xp):
    """A copy of ``array``, in its namespace and on its device."""
    if is_numpy(xp):
        return array.copy()
    return xp.asarray(array, copy=True)


def sum_all(a, xp):
    """The sum of all elements (NumPy's method: a microsecond ahead of np.sum)."""
    return a.sum() if is_numpy(xp) else xp.sum(a)


def squared_norm(a, xp):
    """``sum(a ** 2)`` over all elements: a BLAS dot product with NumPy."""
    if is_numpy(xp):
        return np.dot(a.ravel(), a.ravel())
    return xp.sum(a * a)


def elementwise(name, *args, out=None, xp):
    """The standard's elementwise function ``name`` (NumPy writes into ``out``).

    Parameters
    ----------
    name : str
        A function that NumPy and the standard share: ``"subtract"``,
        ``"multiply"``, ``"divide"``, ``"sqrt"``, ``"exp"``, ...
    *args : arrays or Python scalars
        Its arguments.
    out : array, default=None
        NumPy writes the result into it; other namespaces ignore it.
    xp : namespace
        The namespace of the arrays (``numpy`` for NumPy arrays).

    Returns
    -------
    result : array
        ``out`` with NumPy when given, else a new array: use the returned
        array, not ``out``.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_sigmoid_mlp._xp import elementwise
    >>> buffer = np.empty(2)
    >>> elementwise("multiply", np.array([1.0, 2.0]), 3.0, out=buffer, xp=np) is buffer
    True
    """
    if is_numpy(xp):
        return getattr(np, name)(*args, out=out)
    return getattr(xp, name)(*args)


def store(out, result):
    """Put ``result`` into ``out`` unless it is ``out`` already; returns ``out``.

    For results that must land in a given array, such as the gradient views
    of the flat gradient vector.
    """
    if result is not out:
        out[...] = result
    return out
