"""The network's parameters: one owner for the weights, biases and flat vector.

Plain NumPy, no scikit-learn. A :class:`Parameters` holds what the network
math reads of a model: the weight matrices ``coefs`` (``(fan_in, fan_out)``
each), the bias vectors ``intercepts``, whether the intercepts are used, and
the array namespace and device of all of them.

While a model trains, its arrays are views into one contiguous vector,
``flat``, laid out as::

    [coefs[0].ravel(), ..., coefs[-1].ravel(), intercepts[0], ..., intercepts[-1]]

and its gradients and optimizer moments are vectors of the same layout. An
optimizer step, a snapshot for the divergence guard and a copy of the best
weights are then each one array operation. The weights come first, so a
network without trained intercepts trains the leading slice ``trained``.

:meth:`Parameters.packed` makes that vector once per training call, by
copying, unless the estimator's arrays are already the views of the
:class:`Parameters` it kept from its last call (:meth:`Parameters.owns`): a
model loaded from a file, memory-mapped read-only, or whose arrays were
replaced, is packed afresh and its original arrays are never written.
Predictions wrap the estimator's arrays as they are (:meth:`Parameters.of`),
without a flat vector.

The arrays may belong to any namespace of the array API standard (``xp``;
the ``numpy`` module itself for NumPy arrays, see :mod:`._xp`): slices and
reshapes of a contiguous vector are views there too.
"""

import math
from copy import deepcopy as _deepcopy
from itertools import pairwise

import numpy as np

from ._xp import astype, copy, is_numpy, size


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


def unflatten(flat, coef_shapes, intercept_shapes, *, xp):
    """Views of a flat vector as the layers' weight matrices and bias vectors.

    Parameters
    ----------
    flat : array of shape (n_params,)
        The vector, laid out as in the module's docstring.
    coef_shapes, intercept_shapes : list of tuple
        From :func:`layer_shapes`.
    xp : namespace
        The namespace of ``flat``.

    Returns
    -------
    coefs : list of array of shape (fan_in, fan_out)
        C-contiguous views of ``flat``.
    intercepts : list of array of shape (fan_out,)
        Views of ``flat``.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_sigmoid_mlp._parameters import unflatten
    >>> coefs, intercepts = unflatten(
    ...     np.arange(9.0), [(2, 2), (2, 1)], [(2,), (1,)], xp=np
    ... )
    >>> coefs[1].ravel(), intercepts[0]
    (array([4., 5.]), array([6., 7.]))
    """
    views, start = [], 0
    for shape in [*coef_shapes, *intercept_shapes]:
        stop = start + math.prod(shape)
        views.append(xp.reshape(flat[start:stop], shape))
        start = stop
    return views[: len(coef_shapes)], views[len(coef_shapes) :]


class Parameters:
    """The weights and biases of a network, and the flat vector behind them.

    Make one with :meth:`of` (the arrays as they are, for predictions),
    :meth:`packed` (copies in a new flat vector, for training) or
    :meth:`from_flat` (views of a given vector).

    Attributes
    ----------
    coefs : list of array of shape (fan_in, fan_out)
        Weight matrices; ``coefs[i]`` maps layer ``i`` to layer ``i + 1``.
    intercepts : list of array of shape (fan_out,)
        Bias vectors, whether used or not.
    fit_intercept : bool
        Whether the intercepts are trained and used.
    xp : namespace
        The namespace of the arrays (``numpy`` for NumPy arrays).
    device : device or None
        Their device; None for NumPy.
    flat : array of shape (n_params,) or None
        The vector the arrays are views of; None when they are not.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_sigmoid_mlp._parameters import Parameters
    >>> params = Parameters.packed(
    ...     [np.ones((2, 2))], [np.zeros(2)], fit_intercept=False, xp=np
    ... )
    >>> params.flat, params.trained.shape, params.layer_sizes
    (array([1., 1., 1., 1., 0., 0.]), (4,), [2, 2])
    >>> params.owns(params.coefs, params.intercepts)
    True
    """

    def __init__(self, coefs, intercepts, fit_intercept, *, xp, device, flat):
        self.coefs, self.intercepts = list(coefs), list(intercepts)
        self.fit_intercept = bool(fit_intercept)
        self.xp, self.device, self.flat = xp, device, flat

    @classmethod
    def of(cls, coefs, intercepts, fit_intercept, *, xp, device=None):
        """The arrays as they are, not copied (no flat vector)."""
        return cls(coefs, intercepts, fit_intercept, xp=xp, device=device, flat=None)

    @classmethod
    def from_flat(cls, flat, layer_sizes, fit_intercept, *, xp, device=None):
        """Views of ``flat`` laid out for a network of ``layer_sizes``."""
        coefs, intercepts = unflatten(flat, *layer_shapes(layer_sizes), xp=xp)
        return cls(coefs, intercepts, fit_intercept, xp=xp, device=device, flat=flat)

    @classmethod
    def packed(cls, coefs, intercepts, fit_intercept, *, xp, device=None):
        """Copies of the arrays in one new flat vector, and views of it."""
        arrays = [*coefs, *intercepts]
        if is_numpy(xp):
            flat = np.concatenate([a.ravel() for a in arrays])
        else:
            flat = xp.concat([xp.reshape(a, (-1,)) for a in arrays])
        sizes = [coefs[0].shape[0]] + [c.shape[1] for c in coefs]
        return cls.from_flat(flat, sizes, fit_intercept, xp=xp, device=device)

    @property
    def layer_sizes(self):
        """``[n_features, *hidden_layer_sizes, n_outputs]``."""
        return [self.coefs[0].shape[0]] + [c.shape[1] for c in self.coefs]

    @property
    def dtype(self):
        """The floating dtype of the parameters."""
        return self.coefs[0].dtype

    @property
    def used_intercepts(self):
        """The intercepts the network adds; None when it has no bias terms."""
        return self.intercepts if self.fit_intercept else None

    @property
    def n_coefs(self):
        """The number of weights: the length of the flat vector's weight slice."""
        return sum(size(c) for c in self.coefs)

    @property
    def n_trained(self):
        """The number of trained parameters: the weights, and biases if used."""
        n = self.n_coefs
        if self.fit_intercept:
            n += sum(size(b) for b in self.intercepts)
        return n

    @property
    def trained(self):
        """The trained slice of the flat vector (a view)."""
        return self.flat[: self.n_trained]

    def owns(self, coefs, intercepts):
        """Whether ``coefs`` and ``intercepts`` are this vector's views, unchanged.

        True for the very arrays that :meth:`packed` handed out (identity, not
        equality): training may then go on in them without packing again.
        """
        arrays, views = [*coefs, *intercepts], [*self.coefs, *self.intercepts]
        return (
            self.flat is not None
            and len(arrays) == len(views)
            and all(a is b for a, b in zip(arrays, views))
        )

    def snapshot(self):
        """A copy of the trained slice (see :meth:`restore`)."""
        return copy(self.trained, self.xp)

    def restore(self, saved):
        """Put a :meth:`snapshot` back, in place."""
        self.trained[...] = saved

    def __deepcopy__(self, memo):
        # a copy of the arrays owns no vector (the namespace, a module, is
        # shared, not copied): training packs it afresh
        return Parameters.of(
            [_deepcopy(c, memo) for c in self.coefs],
            [_deepcopy(b, memo) for b in self.intercepts],
            self.fit_intercept,
            xp=self.xp,
            device=self.device,
        )

    def __sklearn_array_api_convert__(self, converter):
        # scikit-learn's conversion of an estimator's arrays to another
        # namespace (``to_numpy``) copies the layers one by one: the copy
        # owns no vector, and must not keep this one (on a GPU) alive
        return None

    def astype(self, dtype):
        """The parameters in ``dtype`` (copies), or themselves if they have it."""
        if self.dtype == dtype:
            return self
        xp = self.xp
        return Parameters.of(
            [astype(c, dtype, xp) for c in self.coefs],
            [astype(b, dtype, xp) for b in self.intercepts],
            self.fit_intercept,
            xp=xp,
            device=self.device,
        )
