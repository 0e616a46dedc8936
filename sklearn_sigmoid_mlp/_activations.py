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
"""

import numpy as np
from scipy.special import expit

from ._xp import is_numpy

# up to this many values, scipy.special.expit (one call) is faster than the
# four in-place operations, whose cost is then the calls themselves
_SMALL = 1024


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
    return np.reciprocal(out, out=out)


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
    maximum = z.max(axis=-1, keepdims=True)
    if not np.isfinite(maximum).all():
        # an overflowed (infinite) pre-activation takes the probability
        largest = np.finfo(z.dtype).max
        z = np.clip(z, -largest, largest, out=out)
        maximum = z.max(axis=-1, keepdims=True)
    np.subtract(z, maximum, out=out)
    np.exp(out, out=out)
    out /= out.sum(axis=-1, keepdims=True)
    return out


def _softmax_standard(z, xp):
    """:func:`softmax` with the array API standard's functions (new arrays)."""
    maximum = xp.max(z, axis=-1, keepdims=True)
    if not bool(xp.all(xp.isfinite(maximum))):
        largest = float(xp.finfo(z.dtype).max)
        z = xp.clip(z, -largest, largest)
        maximum = xp.max(z, axis=-1, keepdims=True)
    out = xp.exp(z - maximum)
    return out / xp.sum(out, axis=-1, keepdims=True)


OUT_ACTIVATIONS = {"logistic": sigmoid, "softmax": softmax}
