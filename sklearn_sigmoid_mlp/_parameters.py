"""The network's parameters as one flat vector, and layer views into it.

Plain NumPy, no scikit-learn. While a model trains, its weight matrices and
bias vectors are views into one contiguous vector laid out as::

    [coefs[0].ravel(), ..., coefs[-1].ravel(), intercepts[0], ..., intercepts[-1]]

and its gradients and optimizer moments are vectors of the same layout. An
optimizer step, a snapshot for the divergence guard and a copy of the best
weights are then each one array operation. The weights come first, so a
network without trained intercepts trains the leading slice ``[:n_coefs]``.

The layer views stay the estimator's public ``coefs_`` and ``intercepts_``
lists. A model whose arrays are no longer views of one vector (a model loaded
from a pickle, or memory-mapped read-only) is packed afresh, by copying, when
it trains again: the original arrays are never written.

The arrays may belong to any namespace of the array API standard (``xp``,
NumPy by default; see :mod:`._xp`): slices and reshapes of a contiguous
vector are views there too. Only NumPy tells whether arrays already are views
of one vector; arrays of other namespaces are packed afresh by every call
that trains.
"""

import math
from itertools import pairwise

import numpy as np

from ._xp import is_numpy, size


def layer_shapes(layer_sizes):
    """The shapes of the weight matrices and of the bias vectors.

    Parameters
    ----------
    layer_sizes : list of int
        ``[n_features, *hidden_layer_sizes, n_outputs]``.

    Returns
    -------
    coef_shapes : list of tuple
        ``(fan_in, fan_out)`` per layer.
    intercept_shapes : list of tuple
        ``(fan_out,)`` per layer.

    Examples
    --------
    >>> from sklearn_sigmoid_mlp._parameters import layer_shapes
    >>> layer_shapes([4, 3, 2])
    ([(4, 3), (3, 2)], [(3,), (2,)])
    """
    coef_shapes = list(pairwise(layer_sizes))
    return coef_shapes, [(fan_out,) for fan_out in layer_sizes[1:]]


def unflatten(flat, coef_shapes, intercept_shapes, xp=np):
    """Views of a flat vector as the layers' weight matrices and bias vectors.

    Parameters
    ----------
    flat : ndarray of shape (n_params,)
        The vector, laid out as in the module's docstring.
    coef_shapes, intercept_shapes : list of tuple
        From :func:`layer_shapes`.
    xp : namespace, default=numpy
        The namespace of ``flat``.

    Returns
    -------
    coefs : list of ndarray of shape (fan_in, fan_out)
        C-contiguous views of ``flat``.
    intercepts : list of ndarray of shape (fan_out,)
        Views of ``flat``.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_sigmoid_mlp._parameters import unflatten
    >>> coefs, intercepts = unflatten(np.arange(9.0), [(2, 2), (2, 1)], [(2,), (1,)])
    >>> coefs[1].ravel(), intercepts[0]
    (array([4., 5.]), array([6., 7.]))
    """
    views, start = [], 0
    for shape in [*coef_shapes, *intercept_shapes]:
        stop = start + math.prod(shape)
        views.append(xp.reshape(flat[start:stop], shape))
        start = stop
    return views[: len(coef_shapes)], views[len(coef_shapes) :]


def n_coefs(coefs):
    """Number of weights: the length of the flat vector's weight slice."""
    return sum(size(c) for c in coefs)


def flat_vector(coefs, intercepts, xp=np):
    """The flat vector behind ``coefs`` and ``intercepts``, packing them if needed.

    Parameters
    ----------
    coefs : list of ndarray of shape (fan_in, fan_out)
        Weight matrices.
    intercepts : list of ndarray of shape (fan_out,)
        Bias vectors.
    xp : namespace, default=numpy
        The namespace of the arrays.

    Returns
    -------
    flat : ndarray of shape (n_params,)
        The vector the arrays are views of, when they already are NumPy views
        of one writeable vector in the layout of this module; otherwise a new
        vector holding copies of their values.
    packed : bool
        Whether a new vector was made (then new views must replace the
        arrays, see :func:`unflatten`).

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_sigmoid_mlp._parameters import flat_vector, unflatten
    >>> flat, packed = flat_vector([np.ones((2, 2))], [np.zeros(2)])
    >>> flat, packed
    (array([1., 1., 1., 1., 0., 0.]), True)
    >>> coefs, intercepts = unflatten(flat, [(2, 2)], [(2,)])
    >>> flat_vector(coefs, intercepts)[0] is flat
    True
    """
    arrays = [*coefs, *intercepts]
    if not is_numpy(xp):
        return xp.concat([xp.reshape(a, (-1,)) for a in arrays]), True
    base = _common_base(arrays)
    if base is not None:
        return base, False
    return np.concatenate([a.ravel() for a in arrays]), True


def _common_base(arrays):
    """The writeable 1-D vector whose consecutive slices ``arrays`` are, if any."""
    base = arrays[0].base
    if not (
        isinstance(base, np.ndarray)
        and base.ndim == 1
        and base.flags.c_contiguous
        and base.flags.writeable
        and base.size == sum(a.size for a in arrays)
    ):
        return None
    address = base.__array_interface__["data"][0]
    for array in arrays:
        if not (
            array.base is base
            and array.flags.c_contiguous
            and array.dtype == base.dtype
            and array.__array_interface__["data"][0] == address
        ):
            return None
        address += array.nbytes
    return base
