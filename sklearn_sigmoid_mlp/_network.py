"""The network: weight initialisation, forward pass and backward pass.

Plain NumPy/SciPy, no scikit-learn. Notation, shared with the user guide:

- samples are rows: ``X`` has shape ``(n_samples, n_features)``;
- layer ``i`` maps ``activations[i]`` to ``activations[i + 1]`` with
  ``coefs[i]`` of shape ``(fan_in, fan_out)`` and ``intercepts[i]`` of shape
  ``(fan_out,)``::

      z = activations[i] @ coefs[i] + intercepts[i]
      activations[i + 1] = sigmoid(z)          (hidden layers)
      activations[-1] = out_activation(z)      (output layer)

- ``deltas[i]`` is the gradient of the loss with respect to the
  pre-activation ``z`` of layer ``i``.

The same :func:`forward` serves training and prediction. The training loop
passes it, and :func:`backward`, buffers allocated once per batch size (see
:func:`allocate_workspace`) so that no array is allocated per batch; without
buffers both functions allocate what they need.

Every function takes the array namespace ``xp`` of its arrays, NumPy by
default (see :mod:`._xp`): the same code runs on NumPy and on any namespace of
the array API standard (PyTorch, CuPy, array-api-strict), on its device. The
NumPy/SciPy-specific operations (``out=`` products, sparse products) are in
:func:`_matmul` and :func:`_column_sums`; with another namespace they return
new arrays, and the buffers serve NumPy only. The gradients always land in
the flat gradient vector (:func:`~._xp.store`).
"""

import math
from itertools import pairwise

import numpy as np
import scipy.sparse as sp

from ._activations import OUT_ACTIVATIONS, sigmoid, sigmoid_derivative
from ._losses import loss_function, output_delta
from ._parameters import layer_shapes, unflatten
from ._xp import elementwise, empty, is_numpy, squared_norm, store, sum_all


def _matmul(a, b, out=None, xp=np):
    """``a @ b``, written into ``out`` by NumPy; ``a`` may be a SciPy sparse matrix."""
    if not is_numpy(xp):
        return a @ b
    if isinstance(a, np.ndarray) or not sp.issparse(a):
        return np.matmul(a, b, out=out)
    if out is None:
        return np.asarray(a @ b)
    out[...] = a @ b
    return out


def _column_sums(a, out, xp):
    """The sum of the rows of ``a``, written into ``out`` by NumPy."""
    if is_numpy(xp):
        return a.sum(axis=0, out=out)
    return xp.sum(a, axis=0)


def init_parameters(layer_sizes, weight_init, random_state, dtype):
    """Initial weights and zero intercepts of every layer.

    Parameters
    ----------
    layer_sizes : list of int
        ``[n_features, *hidden_layer_sizes, n_outputs]``.
    weight_init : {"glorot_uniform", "notebook"}
        ``"glorot_uniform"`` draws ``coefs[i]`` from
        ``U(-b, b)`` with ``b = sqrt(6 / (fan_in + fan_out))``. ``"notebook"``
        draws, layer by layer, ``randn(fan_out, fan_in) * sqrt(1 / fan_out)``
        and stores it transposed, exactly as the notebook's ``NeuralNetwork``
        does with the global ``np.random`` state.
    random_state : numpy.random.RandomState
        Source of randomness, consumed in layer order.
    dtype : numpy dtype
        Floating dtype of the parameters.

    Returns
    -------
    coefs : list of ndarray of shape (fan_in, fan_out)
        C-contiguous weight matrices.
    intercepts : list of ndarray of shape (fan_out,)
        Zero bias vectors.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_sigmoid_mlp._network import init_parameters
    >>> coefs, intercepts = init_parameters(
    ...     [4, 3, 2], "glorot_uniform", np.random.RandomState(0), np.float64
    ... )
    >>> [c.shape for c in coefs], [b.shape for b in intercepts]
    ([(4, 3), (3, 2)], [(3,), (2,)])
    """
    coefs, intercepts = [], []
    for fan_in, fan_out in pairwise(layer_sizes):
        if weight_init == "notebook":
            weights = random_state.randn(fan_out, fan_in) * np.sqrt(1.0 / fan_out)
            weights = weights.T
        else:
            bound = np.sqrt(6.0 / (fan_in + fan_out))
            weights = random_state.uniform(-bound, bound, (fan_in, fan_out))
        coefs.append(np.ascontiguousarray(weights, dtype=dtype))
        intercepts.append(np.zeros(fan_out, dtype=dtype))
    return coefs, intercepts


def allocate_workspace(layer_sizes, batch_size, dtype, xp=np, device=None):
    """Buffers for one batch of the forward and backward passes.

    Parameters
    ----------
    layer_sizes : list of int
        ``[n_features, *hidden_layer_sizes, n_outputs]``.
    batch_size : int
        Largest number of rows a batch will have; smaller batches use the
        leading rows of each buffer (see :func:`workspace_rows`).
    dtype : dtype
        Floating dtype of the network.
    xp : namespace, default=numpy
        The namespace of the network's arrays.
    device : device, default=None
        Their device (ignored by NumPy).

    Returns
    -------
    workspace : dict of list of ndarray
        ``"activations"`` and ``"deltas"``, one ``(batch_size, fan_out)``
        array per layer; ``"derivatives"``, one per hidden layer;
        ``"grads"``, one flat gradient vector laid out as the parameters (see
        ``_parameters``), and ``"grad_coefs"`` and ``"grad_intercepts"``,
        its views shaped as the layers; ``"scratch_coefs"``, one per layer,
        for the L2 term.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_sigmoid_mlp._network import allocate_workspace
    >>> ws = allocate_workspace([4, 3, 2], 10, np.float32)
    >>> [a.shape for a in ws["activations"]], ws["grad_coefs"][0].dtype
    ([(10, 3), (10, 2)], dtype('float32'))
    """
    coef_shapes, intercept_shapes = layer_shapes(layer_sizes)
    fan_outs = layer_sizes[1:]

    def new(shape):
        return empty(shape, dtype, xp, device)

    grads = new(sum(math.prod(s) for s in coef_shapes + intercept_shapes))
    grad_coefs, grad_intercepts = unflatten(grads, coef_shapes, intercept_shapes, xp)
    return {
        "activations": [new((batch_size, n)) for n in fan_outs],
        "deltas": [new((batch_size, n)) for n in fan_outs],
        "derivatives": [new((batch_size, n)) for n in fan_outs[:-1]],
        "grads": grads,
        "grad_coefs": grad_coefs,
        "grad_intercepts": grad_intercepts,
        "scratch_coefs": [new(shape) for shape in coef_shapes],
    }


def workspace_rows(workspace, n_rows):
    """The workspace restricted to its first ``n_rows`` rows (views, no copy).

    Parameters
    ----------
    workspace : dict
        From :func:`allocate_workspace`.
    n_rows : int
        Rows of the current batch, at most the workspace's batch size.

    Returns
    -------
    workspace : dict
        The same buffers; per-sample buffers sliced to ``n_rows`` rows.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_sigmoid_mlp._network import allocate_workspace, workspace_rows
    >>> ws = allocate_workspace([4, 3, 2], 10, np.float64)
    >>> rows = workspace_rows(ws, 7)
    >>> rows["deltas"][0].shape, np.shares_memory(rows["deltas"][0], ws["deltas"][0])
    ((7, 3), True)
    """
    rows = dict(workspace)
    for key in ("activations", "deltas", "derivatives"):
        # the standard indexes every axis: the ellipsis stands for the columns
        rows[key] = [buffer[:n_rows, ...] for buffer in workspace[key]]
    return rows


def forward(
    X, coefs, intercepts, out_activation, activations=None, check_input=None, xp=np
):
    """Forward pass: the activations of every layer.

    Parameters
    ----------
    X : {ndarray, sparse matrix} of shape (n_samples, n_features)
        Input rows.
    coefs : list of ndarray of shape (fan_in, fan_out)
        Weight matrices.
    intercepts : list of ndarray of shape (fan_out,) or None
        Bias vectors; ``None`` for a network without bias terms.
    out_activation : {"softmax", "logistic"}
        Activation of the output layer.
    activations : list of ndarray, default=None
        Buffers for the outputs of each layer (``n_layers - 1`` arrays of shape
        ``(n_samples, fan_out)``), used by NumPy; allocated when None.
    check_input : callable, default=None
        Called with the first layer's product ``X @ coefs[0]``, before the
        intercepts are added. Prediction uses it to check that ``X`` is finite
        on the product, far smaller than ``X`` itself: a NaN or an infinity in
        a row of ``X`` makes that row of the product non-finite.
    xp : namespace, default=numpy
        The namespace of ``X`` and of the parameters.

    Returns
    -------
    activations : list of ndarray
        ``[X, a_1, ..., a_L]``: the input, then every layer's output; the last
        one is the network's output.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_sigmoid_mlp._network import forward
    >>> coefs = [np.zeros((3, 2)), np.zeros((2, 2))]
    >>> forward(np.ones((1, 3)), coefs, None, "softmax")[-1]
    array([[0.5, 0.5]])
    """
    if activations is None:
        activations = [None] * len(coefs)
    last = len(coefs) - 1
    outputs = [X]
    for i, weights in enumerate(coefs):
        z = _matmul(outputs[i], weights, out=activations[i], xp=xp)
        if i == 0 and check_input is not None:
            check_input(z)
        if intercepts is not None:
            z += intercepts[i]
        if i < last:
            outputs.append(sigmoid(z, out=z, xp=xp))
        else:
            outputs.append(OUT_ACTIVATIONS[out_activation](z, out=z, xp=xp))
    return outputs


def backward(
    y,
    activations,
    coefs,
    intercepts,
    loss,
    out_activation,
    alpha=0.0,
    sample_weight=None,
    workspace=None,
    weight_gradients=True,
    xp=np,
):
    """Backward pass: the objective and its gradients.

    The objective of a batch is the weighted mean of the per-sample losses
    plus an L2 penalty, both normalised by the sum of the weights::

        J = (sum_i w_i * L_i + alpha / 2 * sum_l ||coefs[l]||^2) / sum_i w_i

    so that integer weights give the same objective as repeated rows.

    Parameters
    ----------
    y : ndarray of shape (n_samples, n_outputs)
        Encoded targets (one-hot, or 0/1 per output).
    activations : list of ndarray
        From :func:`forward` on the same rows.
    coefs : list of ndarray of shape (fan_in, fan_out)
        Weight matrices.
    intercepts : list of ndarray or None
        Bias vectors; ``None`` when the network has none (no bias gradients
        are computed then).
    loss : {"log_loss", "squared_error"}
        The per-sample loss.
    out_activation : {"softmax", "logistic"}
        Activation of the output layer.
    alpha : float, default=0.0
        L2 penalty on the weights (not on the intercepts).
    sample_weight : ndarray of shape (n_samples,), default=None
        Sample weights; None means all ones.
    workspace : dict, default=None
        Buffers from :func:`allocate_workspace` (sliced to ``n_samples`` rows);
        allocated when None. Its ``"deltas"`` hold ``dJ / dz`` of every layer
        on return.
    weight_gradients : bool, default=True
        Whether to form the weight gradients. Per-sample SGD sets it to False
        and applies ``activations[l].T @ deltas[l]`` itself as a rank-one
        update (:func:`~sklearn_sigmoid_mlp._optimizers.sgd_rank_one_step`).
    xp : namespace, default=numpy
        The namespace of the arrays.

    Returns
    -------
    objective : float
        ``J`` above.
    grad_coefs : list of ndarray of shape (fan_in, fan_out) or None
        ``dJ / dcoefs[l]``; None when ``weight_gradients`` is False.
    grad_intercepts : list of ndarray of shape (fan_out,) or None
        ``dJ / dintercepts[l]``; None when ``intercepts`` is None.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_sigmoid_mlp._network import backward, forward
    >>> X, y = np.ones((2, 3)), np.array([[1.0, 0.0], [0.0, 1.0]])
    >>> coefs = [np.full((3, 2), 0.1), np.zeros((2, 2))]
    >>> acts = forward(X, coefs, None, "softmax")
    >>> J, grad_coefs, _ = backward(y, acts, coefs, None, "log_loss", "softmax")
    >>> round(J, 6), grad_coefs[1].shape
    (0.693147, (2, 2))
    """
    n_samples = y.shape[0]
    if workspace is None:
        layer_sizes = [activations[0].shape[1]] + [w.shape[1] for w in coefs]
        workspace = allocate_workspace(
            layer_sizes, n_samples, coefs[0].dtype, xp, getattr(y, "device", None)
        )
    deltas = workspace["deltas"]
    grad_coefs = workspace["grad_coefs"] if weight_gradients else None
    grad_intercepts = None if intercepts is None else workspace["grad_intercepts"]
    weight_sum = (
        n_samples if sample_weight is None else float(sum_all(sample_weight, xp))
    )

    output = activations[-1]
    objective = loss_function(loss, out_activation)(y, output, sample_weight, xp=xp)
    if alpha:
        penalty = sum(squared_norm(w, xp) for w in coefs)
        objective += 0.5 * alpha * float(penalty) / weight_sum

    # dJ/dz at the output: each sample's dL_i/dz times w_i / sum(w)
    last = len(coefs) - 1
    deltas[last] = output_delta(loss, y, output, out=deltas[last], xp=xp)
    if sample_weight is None:
        deltas[last] /= weight_sum
    else:
        deltas[last] *= (sample_weight / weight_sum)[:, None]

    for i in range(last, -1, -1):
        # weight gradient: dJ/dcoefs[i] = activations[i].T @ deltas[i] + L2 term
        if grad_coefs is not None:
            store(
                grad_coefs[i],
                _matmul(activations[i].T, deltas[i], out=grad_coefs[i], xp=xp),
            )
            if alpha:
                grad_coefs[i] += elementwise(
                    "multiply",
                    coefs[i],
                    alpha / weight_sum,
                    out=workspace["scratch_coefs"][i],
                    xp=xp,
                )
        # bias gradient: dJ/dintercepts[i] = sum over samples of deltas[i]
        if grad_intercepts is not None:
            store(
                grad_intercepts[i],
                _column_sums(deltas[i], out=grad_intercepts[i], xp=xp),
            )
        # error sent back through the sigmoid of layer i: a * (1 - a) from the
        # stored activation (the input's gradient is never needed)
        if i > 0:
            deltas[i - 1] = _matmul(deltas[i], coefs[i].T, out=deltas[i - 1], xp=xp)
            deltas[i - 1] *= sigmoid_derivative(
                activations[i], out=workspace["derivatives"][i - 1], xp=xp
            )
    return objective, grad_coefs, grad_intercepts
