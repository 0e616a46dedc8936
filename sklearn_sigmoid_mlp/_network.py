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

The parameters come as one object, :class:`~._parameters.Parameters` (the
weights, the biases if used, their namespace ``xp`` and device), and what is
minimised as another, :class:`~._losses.Objective` (the loss, the output
activation, L2). The same :func:`forward` serves training and prediction
(:func:`predict_output` runs it over large inputs in blocks of rows). The
training loop passes it, and :func:`backward`, buffers allocated once per
batch size (see :func:`allocate_workspace`) so that no array is allocated per
batch; without buffers both functions allocate what they need.

The same code runs on NumPy and on any namespace of the array API standard
(PyTorch, CuPy, array-api-strict), on the parameters' device. The
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
from ._blas import axpy
from ._parameters import layer_shapes, unflatten
from ._xp import empty, is_numpy, squared_norm, store, sum_all


def _matmul(a, b, out, xp):
    """``a @ b``, written into ``out`` by NumPy; ``a`` may be a SciPy sparse matrix."""
    if not is_numpy(xp):
        return a @ b
    if isinstance(a, np.ndarray) or not sp.issparse(a):
        return np.matmul(a, b, out=out)
    if out is None:
        return np.asarray(a @ b)
    out[...] = a @ b
    return out


def _column_sums(a, ones, out, xp):
    """The sum of the rows of ``a``, written into ``out`` by NumPy.

    NumPy forms it as the product ``ones @ a`` with a vector of ones as long
    as ``a`` is tall: one BLAS call, two to four times faster than
    ``a.sum(axis=0)`` on a batch of rows.
    """
    if is_numpy(xp):
        return np.matmul(ones, a, out=out)
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


def allocate_workspace(params, batch_size):
    """Buffers for one batch of the forward and backward passes.

    Parameters
    ----------
    params : Parameters
        The network (its layer sizes, dtype, namespace and device).
    batch_size : int
        Largest number of rows a batch will have; smaller batches use the
        leading rows of each buffer (see :func:`workspace_rows`).

    Returns
    -------
    workspace : dict of list of ndarray
        ``"activations"`` and ``"deltas"``, one ``(batch_size, fan_out)``
        array per layer; ``"derivatives"``, one per hidden layer;
        ``"grads"``, one flat gradient vector laid out as the parameters (see
        ``_parameters``), and ``"grad_coefs"`` and ``"grad_intercepts"``,
        its views shaped as the layers; ``"ones"``, a ``(batch_size,)``
        vector of ones that sums a batch's rows by a product (NumPy; None
        otherwise).

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_sigmoid_mlp._network import allocate_workspace
    >>> from sklearn_sigmoid_mlp._parameters import Parameters
    >>> params = Parameters.of(
    ...     [np.ones((4, 3), np.float32), np.ones((3, 2), np.float32)],
    ...     [np.zeros(3, np.float32), np.zeros(2, np.float32)], True, xp=np)
    >>> ws = allocate_workspace(params, 10)
    >>> [a.shape for a in ws["activations"]], ws["grad_coefs"][0].dtype
    ([(10, 3), (10, 2)], dtype('float32'))
    """
    layer_sizes, xp = params.layer_sizes, params.xp
    coef_shapes, intercept_shapes = layer_shapes(layer_sizes)
    fan_outs = layer_sizes[1:]

    def new(shape):
        return empty(shape, params.dtype, xp, params.device)

    grads = new(sum(math.prod(s) for s in coef_shapes + intercept_shapes))
    grad_coefs, grad_intercepts = unflatten(grads, coef_shapes, intercept_shapes, xp=xp)
    return {
        "activations": [new((batch_size, n)) for n in fan_outs],
        "deltas": [new((batch_size, n)) for n in fan_outs],
        "derivatives": [new((batch_size, n)) for n in fan_outs[:-1]],
        "grads": grads,
        "grad_coefs": grad_coefs,
        "grad_intercepts": grad_intercepts,
        "ones": np.ones(batch_size, params.dtype) if is_numpy(xp) else None,
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
    >>> from sklearn_sigmoid_mlp._parameters import Parameters
    >>> params = Parameters.of([np.ones((4, 3)), np.ones((3, 2))],
    ...                        [np.zeros(3), np.zeros(2)], True, xp=np)
    >>> ws = allocate_workspace(params, 10)
    >>> rows = workspace_rows(ws, 7)
    >>> rows["deltas"][0].shape, np.shares_memory(rows["deltas"][0], ws["deltas"][0])
    ((7, 3), True)
    """
    rows = dict(workspace)
    for key in ("activations", "deltas", "derivatives"):
        # the standard indexes every axis: the ellipsis stands for the columns
        rows[key] = [buffer[:n_rows, ...] for buffer in workspace[key]]
    if workspace["ones"] is not None:
        rows["ones"] = workspace["ones"][:n_rows]
    return rows


def forward(params, X, out_activation, activations=None, check_input=None):
    """Forward pass: the activations of every layer.

    Parameters
    ----------
    params : Parameters
        The weights, the biases if used, their namespace.
    X : {array, sparse matrix} of shape (n_samples, n_features)
        Input rows, in the namespace of ``params``.
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

    Returns
    -------
    activations : list of array
        ``[X, a_1, ..., a_L]``: the input, then every layer's output; the last
        one is the network's output.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_sigmoid_mlp._network import forward
    >>> from sklearn_sigmoid_mlp._parameters import Parameters
    >>> params = Parameters.of([np.zeros((3, 2)), np.zeros((2, 2))],
    ...                        [np.zeros(2), np.zeros(2)], False, xp=np)
    >>> forward(params, np.ones((1, 3)), "softmax")[-1]
    array([[0.5, 0.5]])
    """
    xp, coefs, intercepts = params.xp, params.coefs, params.used_intercepts
    if activations is None:
        activations = [None] * len(coefs)
    last = len(coefs) - 1
    outputs = [X]
    for i, weights in enumerate(coefs):
        z = _matmul(outputs[i], weights, activations[i], xp)
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
    params,
    objective,
    y,
    activations,
    sample_weight=None,
    workspace=None,
    weight_gradients=True,
):
    """Backward pass: the objective and its gradients.

    The objective of a batch is the weighted mean of the per-sample losses
    plus an L2 penalty, both normalised by the sum of the weights::

        J = (sum_i w_i * L_i + alpha / 2 * sum_l ||coefs[l]||^2) / sum_i w_i

    so that integer weights give the same objective as repeated rows.

    Parameters
    ----------
    params : Parameters
        The weights, the biases if used (no bias gradients are computed
        otherwise), their namespace.
    objective : Objective
        The loss, the output activation and ``alpha``, the L2 penalty on the
        weights (not on the intercepts).
    y : array of shape (n_samples, n_outputs)
        Encoded targets (one-hot, or 0/1 per output).
    activations : list of array
        From :func:`forward` on the same rows.
    sample_weight : array of shape (n_samples,), default=None
        Sample weights; None means all ones.
    workspace : dict, default=None
        Buffers from :func:`allocate_workspace` (sliced to ``n_samples`` rows);
        allocated when None. Its ``"deltas"`` hold ``dJ / dz`` of every layer
        on return.
    weight_gradients : bool, default=True
        Whether to form the weight gradients. Per-sample SGD sets it to False
        and applies ``activations[l].T @ deltas[l]`` itself as a rank-one
        update (:func:`~sklearn_sigmoid_mlp._optimizers.sgd_rank_one_step`).

    Returns
    -------
    objective : float
        ``J`` above.
    grad_coefs : list of array of shape (fan_in, fan_out) or None
        ``dJ / dcoefs[l]``; None when ``weight_gradients`` is False.
    grad_intercepts : list of array of shape (fan_out,) or None
        ``dJ / dintercepts[l]``; None for a network without biases.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_sigmoid_mlp._losses import Objective
    >>> from sklearn_sigmoid_mlp._network import backward, forward
    >>> from sklearn_sigmoid_mlp._parameters import Parameters
    >>> X, y = np.ones((2, 3)), np.array([[1.0, 0.0], [0.0, 1.0]])
    >>> params = Parameters.of([np.full((3, 2), 0.1), np.zeros((2, 2))],
    ...                        [np.zeros(2), np.zeros(2)], False, xp=np)
    >>> acts = forward(params, X, "softmax")
    >>> J, grad_coefs, _ = backward(
    ...     params, Objective("log_loss", "softmax"), y, acts)
    >>> round(J, 6), grad_coefs[1].shape
    (0.693147, (2, 2))
    """
    xp, coefs, alpha = params.xp, params.coefs, objective.alpha
    n_samples = y.shape[0]
    if workspace is None:
        workspace = allocate_workspace(params, n_samples)
    deltas = workspace["deltas"]
    grad_coefs = workspace["grad_coefs"] if weight_gradients else None
    grad_intercepts = workspace["grad_intercepts"] if params.fit_intercept else None
    weight_sum = (
        n_samples if sample_weight is None else float(sum_all(sample_weight, xp))
    )

    output = activations[-1]
    value = objective.data_term(y, output, sample_weight, xp=xp)
    if alpha:
        value += 0.5 * alpha * _squared_weights(params) / weight_sum

    # dJ/dz at the output: each sample's dL_i/dz times w_i / sum(w)
    last = len(coefs) - 1
    deltas[last] = objective.output_delta(y, output, out=deltas[last], xp=xp)
    if sample_weight is None:
        deltas[last] /= weight_sum
    else:
        deltas[last] *= (sample_weight / weight_sum)[:, None]

    for i in range(last, -1, -1):
        # weight gradient: dJ/dcoefs[i] = activations[i].T @ deltas[i] + L2 term
        if grad_coefs is not None:
            store(
                grad_coefs[i],
                _matmul(activations[i].T, deltas[i], grad_coefs[i], xp),
            )
        # bias gradient: dJ/dintercepts[i] = sum over samples of deltas[i]
        if grad_intercepts is not None:
            store(
                grad_intercepts[i],
                _column_sums(deltas[i], workspace["ones"], grad_intercepts[i], xp),
            )
        # error sent back through the sigmoid of layer i: a * (1 - a) from the
        # stored activation (the input's gradient is never needed)
        if i > 0:
            deltas[i - 1] = _matmul(deltas[i], coefs[i].T, deltas[i - 1], xp)
            deltas[i - 1] *= sigmoid_derivative(
                activations[i], out=workspace["derivatives"][i - 1], xp=xp
            )
    # the L2 term of the weight gradients: + alpha / sum(w) * coefs[l]
    if alpha and grad_coefs is not None:
        _add_l2_gradient(params, workspace, alpha / weight_sum)
    return value, grad_coefs, grad_intercepts


def _squared_weights(params):
    """``sum_l ||coefs[l]||^2``: one dot product over the flat weight slice."""
    if params.flat is not None:
        return float(squared_norm(params.flat[: params.n_coefs], params.xp))
    return float(sum(squared_norm(w, params.xp) for w in params.coefs))


def _add_l2_gradient(params, workspace, scale):
    """Add ``scale * coefs[l]`` to every weight gradient, in place.

    Packed parameters (training) do it in one pass of BLAS's ``axpy`` over
    the weight slices of the flat parameter and gradient vectors, laid out
    alike.
    """
    if params.flat is not None:
        n_coefs = params.n_coefs
        axpy(scale, params.flat[:n_coefs], workspace["grads"][:n_coefs])
        return
    for grad, weights in zip(workspace["grad_coefs"], params.coefs):
        axpy(scale, weights, grad)


#: Predictions go through dense X in blocks of this many rows.
PREDICT_BLOCK = 4096


def predict_output(
    params, X, out_activation, check_input=None, block_rows=PREDICT_BLOCK
):
    """The network's output for X, computed in blocks of rows.

    Dense X goes through in blocks of ``block_rows`` rows, so that the hidden
    activations of a large X never all sit in memory at once; sparse X in one
    pass. X and the parameters are computed in one dtype, the wider (NumPy
    promotes alone; the standard's products want one dtype).

    Parameters
    ----------
    params : Parameters
        The network.
    X : {array, sparse matrix} of shape (n_samples, n_features)
        Input rows, in the namespace of ``params``.
    out_activation : {"softmax", "logistic"}
        Activation of the output layer.
    check_input : callable, default=None
        ``check_input(rows, product)``, called with each block of rows and
        its first-layer product (see :func:`forward`).
    block_rows : int, default=PREDICT_BLOCK
        Rows per block.

    Returns
    -------
    output : array of shape (n_samples, n_outputs)
        The last layer's activations.

    Raises
    ------
    ValueError
        When a product overflowed into NaN (``inf - inf``): no meaningful
        prediction exists.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_sigmoid_mlp._network import forward, predict_output
    >>> from sklearn_sigmoid_mlp._parameters import Parameters
    >>> rng = np.random.RandomState(0)
    >>> params = Parameters.of([rng.randn(3, 4), rng.randn(4, 2)],
    ...                        [np.zeros(4), np.zeros(2)], True, xp=np)
    >>> X = rng.randn(10, 3)
    >>> blocks = predict_output(params, X, "softmax", block_rows=3)
    >>> bool(np.allclose(blocks, forward(params, X, "softmax")[-1]))
    True
    """
    xp = params.xp
    if not is_numpy(xp) and X.dtype != params.dtype:
        dtype = xp.result_type(X.dtype, params.dtype)
        X, params = xp.astype(X, dtype), params.astype(dtype)

    def outputs(rows):
        check = None
        if check_input is not None:

            def check(product):
                check_input(rows, product)

        return forward(params, rows, out_activation, check_input=check)[-1]

    # features so large that a product overflows give +-inf pre-activations,
    # which the sigmoid and softmax map to 0 and 1: no warning for those
    with np.errstate(over="ignore", invalid="ignore"):
        if sp.issparse(X) or X.shape[0] <= block_rows:
            output = outputs(X)
        else:
            dtype = xp.result_type(X.dtype, params.dtype)
            n_outputs = params.layer_sizes[-1]
            output = empty((X.shape[0], n_outputs), dtype, xp, params.device)
            for start in range(0, X.shape[0], block_rows):
                stop = min(start + block_rows, X.shape[0])
                output[start:stop, ...] = outputs(X[start:stop, ...])
        # a finite sum means no NaN, in one reduction (an exponential output's
        # sum may overflow: then the NaN check proper)
        finite = math.isfinite(float(sum_all(output, xp)))
    if not finite and bool(xp.any(xp.isnan(output))):
        raise ValueError(
            f"X has values so large that the network's products overflow "
            f"in {output.dtype}; scale the features (e.g. with StandardScaler)."
        )
    return output


def match_output_mean(params, X, y, sample_weight, out_activation):
    """Shift the output intercepts so that the mean output is the mean target.

    A regressor starts from the best constant prediction (R² = 0): after
    this shift, the weighted mean over the rows of each output of the
    network equals the weighted mean of its target, exactly for the
    identity output (``b += mean(y) - mean(p)``) and for the exponential
    (``b += log(mean(y) / mean(p))``, as ``exp(z + b) = exp(z) * exp(b)``).
    An exponential output whose targets have no positive weighted mean is
    left as it is.

    Parameters
    ----------
    params : Parameters
        The network, with intercepts (``params.fit_intercept``); its last
        intercepts are changed in place.
    X : {array, sparse matrix} of shape (n_samples, n_features)
        Rows, in the namespace of ``params``.
    y : array of shape (n_samples, n_outputs)
        Their targets.
    sample_weight : array of shape (n_samples,)
        Their weights, with a positive sum.
    out_activation : {"identity", "exp"}
        The output activation.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_sigmoid_mlp._network import match_output_mean, predict_output
    >>> from sklearn_sigmoid_mlp._parameters import Parameters
    >>> rng = np.random.RandomState(0)
    >>> params = Parameters.of([rng.randn(3, 4), rng.randn(4, 1)],
    ...                        [np.zeros(4), np.zeros(1)], True, xp=np)
    >>> X, y = rng.randn(10, 3), rng.uniform(1, 3, size=(10, 1))
    >>> match_output_mean(params, X, y, np.ones(10), "exp")
    >>> bool(np.isclose(predict_output(params, X, "exp").mean(), y.mean()))
    True
    """
    xp = params.xp
    total = sum_all(sample_weight, xp)
    output_mean = (sample_weight @ predict_output(params, X, out_activation)) / total
    target_mean = (sample_weight @ y) / total
    if out_activation == "exp":
        # only where both means are positive: a log of zero has no shift
        positive = (target_mean > 0) & (output_mean > 0)
        ones = xp.ones_like(target_mean)
        shift = xp.log(xp.where(positive, target_mean, ones)) - xp.log(
            xp.where(positive, output_mean, ones)
        )
    else:
        shift = target_mean - output_mean
    params.intercepts[-1] += shift
