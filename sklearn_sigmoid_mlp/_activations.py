"""Activation functions of the network and the derivative of the sigmoid.

Plain NumPy/SciPy, no scikit-learn. Every function takes the array
namespace ``xp`` of its input (the ``numpy`` module for NumPy arrays; see
:mod:`._xp`) and keeps
its dtype (float32 or float64). With NumPy every function works in place on
the array it is given (``out``), so the training loop can reuse its buffers;
other namespaces have no ``out=`` and return new arrays: callers use the
returned array.

The logistic function is computed as ``1 / (1 + exp(-z))`` in place, with
NumPy's overflow warning silenced: ``exp(-z)`` overflows to ``inf`` for very
negative ``z`` and the result is then exactly 0, as it should be. This is
three to four times faster than :func:`scipy.special.expit` on the blocks the
network trains on; a single sample's layer (per-sample SGD) still goes
through :func:`~scipy.special.expit`, one call instead of four. Its
derivative is taken from the stored output ``a = sigmoid(z)`` as
``a * (1 - a)``: the pre-activation ``z`` is never kept and ``exp`` is never
recomputed. Other namespaces compute ``1 / (1 + exp(-z))`` with the
standard's functions.

The regressor's outputs are the identity (``loss="squared_error"``) and the
exponential (``loss="poisson"``, the log link), as in scikit-learn's
``MLPRegressor``. Neither derivative is needed: each is the canonical
output of its loss, whose gradient at the output is the residual (see
:mod:`._losses`). The exponential clips its input to the range where the
result is a positive, finite, normal number of the dtype, so that it never
overflows (nor warns) and the logarithm of the Poisson loss stays finite.
"""

import math

import numpy as np
from scipy.special import expit

from ._xp import is_numpy

# up to this many values, scipy.special.expit (one call) is faster than the
# four in-place operations, whose cost is then the calls themselves
_SMALL = 1024

# rows of at most this many outputs: softmax takes their maxima column-wise
_SHORT_ROWS = 64


def sigmoid(z, out=None, *, xp):
    """Logistic function ``1 / (1 + exp(-z))``, elementwise.

    Parameters
    ----------
    z : ndarray
        Pre-activations.
    out : ndarray, default=None
        Where NumPy writes the result; may be ``z`` itself.
    xp : namespace
        The namespace of ``z`` (``numpy`` for NumPy arrays).

    Returns
    -------
    a : ndarray
        Values in ``[0, 1]`` with the dtype of ``z``.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_sigmoid_mlp._activations import sigmoid
    >>> sigmoid(np.array([-1000.0, 0.0, 1000.0]), xp=np)
    array([0. , 0.5, 1. ])
    """
    if not is_numpy(xp):
        # exp(-z) -> inf gives 0, exp(-z) -> 0 gives 1, as below
        return 1 / (1 + xp.exp(-z))
    if z.size <= _SMALL:
        # one sample's layer (per-sample SGD): one call beats four
        return expit(z, out=out)
    # exp(-z) -> inf for z < -88 (float32) or -709 (float64): 1 / inf is 0;
    # exp(-z) -> 0 for large z: 1 / 1 is 1
    with np.errstate(over="ignore", under="ignore"):
        out = np.negative(z, out=out)
        np.exp(out, out=out)
    out += 1
    # a division is vectorised where np.reciprocal is not: twice as fast
    return np.divide(1, out, out=out)


def sigmoid_derivative(a, out, *, xp):
    """Derivative of the sigmoid, ``a * (1 - a)``, from its output ``a``.

    Parameters
    ----------
    a : ndarray
        Outputs of :func:`sigmoid`.
    out : ndarray
        Where NumPy writes the derivative; must not be ``a``.
    xp : namespace
        The namespace of ``a`` (``numpy`` for NumPy arrays).

    Returns
    -------
    derivative : ndarray
        ``a * (1 - a)`` (``out`` with NumPy).

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_sigmoid_mlp._activations import sigmoid_derivative
    >>> a = np.array([0.5, 0.9])
    >>> sigmoid_derivative(a, out=np.empty_like(a), xp=np)
    array([0.25, 0.09])
    """
    if is_numpy(xp):
        out = np.subtract(1, a, out=out)
    else:
        out = 1 - a
    out *= a
    return out


def softmax(z, out=None, *, xp):
    """Softmax over the last axis, stable for any finite input.

    Parameters
    ----------
    z : ndarray of shape (n_samples, n_classes)
        Pre-activations.
    out : ndarray of shape (n_samples, n_classes), default=None
        Where NumPy writes the result; may be ``z`` itself.
    xp : namespace
        The namespace of ``z`` (``numpy`` for NumPy arrays).

    Returns
    -------
    p : ndarray of shape (n_samples, n_classes)
        Rows of non-negative values that sum to one.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_sigmoid_mlp._activations import softmax
    >>> softmax(np.array([[0.0, 0.0], [1000.0, 0.0], [np.inf, 0.0]]), xp=np)
    array([[0.5, 0.5],
           [1. , 0. ],
           [1. , 0. ]])
    """
    if not is_numpy(xp):
        return _softmax_standard(z, xp)
    # NumPy: in place, with ndarray methods (per-sample SGD calls this once a
    # row, where the function wrappers of np.max and np.sum would show)
    if out is None:
        out = np.empty_like(z)
    maximum = _row_max(z)
    if not np.isfinite(maximum).all():
        # an overflowed (infinite) pre-activation takes the probability
        largest = np.finfo(z.dtype).max
        z = np.clip(z, -largest, largest, out=out)
        maximum = _row_max(z)
    np.subtract(z, maximum, out=out)
    np.exp(out, out=out)
    # the rows' sums as a product with ones: one BLAS call, where a reduction
    # along rows as short as the classes pays NumPy's cost per row
    out /= (out @ np.ones(out.shape[-1], dtype=out.dtype))[..., None]
    return out


def _row_max(z):
    """The largest value of each row of a 2-D NumPy array, as a column.

    A reduction along rows as short as a classifier's outputs pays NumPy's
    cost per row; over the columns of the transposed copy it is one pass, two
    to seven times faster for ten classes and 32 to 4096 rows.
    """
    if z.ndim == 2 and z.shape[1] <= _SHORT_ROWS and z.shape[0] > 1:
        return np.ascontiguousarray(z.T).max(axis=0)[:, None]
    return z.max(axis=-1, keepdims=True)


def _softmax_standard(z, xp):
    """:func:`softmax` with the array API standard's functions (new arrays)."""
    maximum = xp.max(z, axis=-1, keepdims=True)
    if not bool(xp.all(xp.isfinite(maximum))):
        largest = float(xp.finfo(z.dtype).max)
        z = xp.clip(z, -largest, largest)
        maximum = xp.max(z, axis=-1, keepdims=True)
    out = xp.exp(z - maximum)
    return out / xp.sum(out, axis=-1, keepdims=True)


def identity(z, out=None, *, xp):
    """The identity, the output of the squared error's regression.

    Parameters
    ----------
    z : ndarray
        Pre-activations.
    out : ndarray, default=None
        Where NumPy writes the result; may be ``z`` itself (then nothing is
        done).
    xp : namespace
        The namespace of ``z`` (``numpy`` for NumPy arrays).

    Returns
    -------
    a : ndarray
        ``z`` (``out`` when NumPy is given another array).

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_sigmoid_mlp._activations import identity
    >>> z = np.array([-1.5, 0.0, 2.0])
    >>> identity(z, out=z, xp=np) is z
    True
    """
    if out is None or out is z or not is_numpy(xp):
        return z
    out[...] = z
    return out


def exp_bounds(dtype, xp):
    """The range ``exp`` clips its input to, for a floating ``dtype``.

    ``exp(upper)`` is just below the dtype's largest number, ``exp(lower)``
    its smallest normal number.

    Parameters
    ----------
    dtype : dtype
        A floating dtype of the namespace ``xp``.
    xp : namespace
        The namespace (``numpy`` for NumPy arrays).

    Returns
    -------
    lower, upper : float
        The bounds of the input of :func:`exponential`.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_sigmoid_mlp._activations import exp_bounds
    >>> lower, upper = exp_bounds(np.float32, np)
    >>> round(lower, 2), round(upper, 2)
    (-87.34, 88.72)
    >>> bool(np.isfinite(np.exp(np.float32(upper))))
    True
    """
    info = xp.finfo(dtype)
    # a margin below log(max): rounded to float32, log(max) itself overflows
    return math.log(float(info.smallest_normal)), math.log(float(info.max)) - 1e-3


def exponential(z, out=None, *, xp):
    """The exponential, the output of the Poisson loss (its log link).

    The input is clipped to :func:`exp_bounds` first: the output is a
    positive, finite number whatever ``z``, without an overflow warning, and
    ``log(exp(z))`` is finite.

    Parameters
    ----------
    z : ndarray
        Pre-activations.
    out : ndarray, default=None
        Where NumPy writes the result; may be ``z`` itself.
    xp : namespace
        The namespace of ``z`` (``numpy`` for NumPy arrays).

    Returns
    -------
    a : ndarray
        ``exp(clip(z))``, with the dtype of ``z``.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_sigmoid_mlp._activations import exponential
    >>> a = exponential(np.array([-1e4, 0.0, 1.0, 1e4]), xp=np)
    >>> bool(a[0] > 0), a[1], round(float(a[2]), 6), bool(np.isfinite(a[3]))
    (True, np.float64(1.0), 2.718282, True)
    """
    lower, upper = exp_bounds(z.dtype, xp)
    if not is_numpy(xp):
        return xp.exp(xp.clip(z, lower, upper))
    out = np.clip(z, lower, upper, out=out)
    return np.exp(out, out=out)


#: the output layer's activation of each ``out_activation_``
OUT_ACTIVATIONS = {
    "logistic": sigmoid,
    "softmax": softmax,
    "identity": identity,
    "exp": exponential,
}
