"""Loss functions and their gradients at the output layer.

Plain NumPy, no scikit-learn; every function takes the array namespace ``xp``
of its arrays (the ``numpy`` module for NumPy arrays, see :mod:`._xp`). Each
loss is a weighted mean over samples of a per-sample loss ``L_i``::

    loss = sum_i w_i * L_i / sum_i w_i

- ``"log_loss"`` with a softmax output (multiclass):
  ``L_i = -sum_k y_ik * log(p_ik)``;
- ``"log_loss"`` with logistic outputs (binary, multilabel):
  ``L_i = -sum_k [y_ik * log(p_ik) + (1 - y_ik) * log(1 - p_ik)]``;
- ``"squared_error"`` with logistic outputs (the notebook's loss):
  ``L_i = mean_k (p_ik - y_ik) ** 2``.

:func:`output_delta` gives ``dL_i / dz_ik``, the gradient with respect to the
output layer's pre-activation. For the log-loss with its matching output
activation it is ``p - y``; for the squared error through a sigmoid it is
``2 * (p - y) / n_outputs * p * (1 - p)``, exactly the notebook's ``error3``.
"""

from dataclasses import dataclass

import numpy as np

from ._activations import sigmoid_derivative
from ._xp import is_numpy, sum_all


def _clipped(y_prob, xp):
    eps = xp.finfo(y_prob.dtype).eps
    return xp.clip(y_prob, eps, 1 - eps)


def _weighted_mean(per_sample, sample_weight, xp):
    if sample_weight is None:
        return float(sum_all(per_sample, xp) / per_sample.shape[0])
    return float(per_sample @ sample_weight / sum_all(sample_weight, xp))


def _row_sums(a, xp):
    """The sum of each row (NumPy's method skips the np.sum wrapper)."""
    return a.sum(axis=1) if is_numpy(xp) else xp.sum(a, axis=1)


def _row_sums_of_squares(a, xp):
    if is_numpy(xp):
        # no temporary array of squares
        return np.einsum("ij,ij->i", a, a)
    return xp.sum(a * a, axis=1)


def log_loss(y_true, y_prob, sample_weight=None, *, xp):
    """Cross-entropy of a softmax output (multiclass).

    Parameters
    ----------
    y_true : ndarray of shape (n_samples, n_classes)
        One-hot targets.
    y_prob : ndarray of shape (n_samples, n_classes)
        Predicted probabilities; clipped to ``[eps, 1 - eps]`` so that the loss
        stays finite when they saturate.
    sample_weight : ndarray of shape (n_samples,), default=None
        Sample weights.
    xp : namespace
        The namespace of the arrays (``numpy`` for NumPy arrays).

    Returns
    -------
    loss : float
        Weighted mean of the per-sample losses.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_sigmoid_mlp._losses import log_loss
    >>> round(log_loss(np.array([[1.0, 0.0]]), np.array([[0.5, 0.5]]), xp=np), 6)
    0.693147
    """
    per_sample = -_row_sums(y_true * xp.log(_clipped(y_prob, xp)), xp)
    return _weighted_mean(per_sample, sample_weight, xp)


def binary_log_loss(y_true, y_prob, sample_weight=None, *, xp):
    """Binary cross-entropy of logistic outputs, summed over the outputs.

    Parameters
    ----------
    y_true : ndarray of shape (n_samples, n_outputs)
        Targets in ``{0, 1}``: one column for a binary target, one per label
        for multilabel targets.
    y_prob : ndarray of shape (n_samples, n_outputs)
        The logistic outputs, each the probability that its target is 1;
        clipped like :func:`log_loss`'s.
    sample_weight : ndarray of shape (n_samples,), default=None
        Weights of the samples in the mean; None weighs them equally.
    xp : namespace
        The namespace of the arrays (``numpy`` for NumPy arrays).

    Returns
    -------
    loss : float
        ``sum_i w_i * L_i / sum_i w_i`` with ``L_i`` summed over the outputs.

    Examples
    --------
    Two labels, each predicted at 0.5, cost ``2 * log(2)``:

    >>> import numpy as np
    >>> from sklearn_sigmoid_mlp._losses import binary_log_loss
    >>> round(binary_log_loss(np.array([[1.0, 0.0]]), np.full((1, 2), 0.5), xp=np), 6)
    1.386294
    """
    y_prob = _clipped(y_prob, xp)
    per_sample = -_row_sums(
        y_true * xp.log(y_prob) + (1 - y_true) * xp.log1p(-y_prob), xp
    )
    return _weighted_mean(per_sample, sample_weight, xp)


def squared_error(y_true, y_prob, sample_weight=None, *, xp):
    """Squared error averaged over the outputs (the notebook's loss).

    Parameters
    ----------
    y_true : ndarray of shape (n_samples, n_outputs)
        Targets in ``{0, 1}``.
    y_prob : ndarray of shape (n_samples, n_outputs)
        Logistic outputs.
    sample_weight : ndarray of shape (n_samples,), default=None
        Sample weights.
    xp : namespace
        The namespace of the arrays (``numpy`` for NumPy arrays).

    Returns
    -------
    loss : float
        Weighted mean over samples of ``mean_k (p_ik - y_ik) ** 2``.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_sigmoid_mlp._losses import squared_error
    >>> squared_error(np.array([[1.0, 0.0]]), np.array([[0.5, 0.5]]), xp=np)
    0.25
    """
    residual = y_prob - y_true
    per_sample = _row_sums_of_squares(residual, xp) / y_true.shape[1]
    return _weighted_mean(per_sample, sample_weight, xp)


def loss_function(loss, out_activation):
    """The loss function for a loss name and output activation.

    Parameters
    ----------
    loss : {"log_loss", "squared_error"}
        Name of the loss.
    out_activation : {"softmax", "logistic"}
        Output activation of the network.

    Returns
    -------
    function : callable
        ``function(y_true, y_prob, sample_weight=None, *, xp) -> float``.

    Examples
    --------
    >>> from sklearn_sigmoid_mlp._losses import loss_function
    >>> loss_function("log_loss", "logistic").__name__
    'binary_log_loss'
    """
    if loss == "squared_error":
        return squared_error
    return log_loss if out_activation == "softmax" else binary_log_loss


def output_delta(loss, y_true, y_prob, out, *, xp):
    """Gradient of the per-sample loss with respect to the output pre-activation.

    Parameters
    ----------
    loss : {"log_loss", "squared_error"}
        Name of the loss; the output activation is the one that goes with it
        (softmax or logistic for the log-loss, logistic for the squared error).
    y_true : ndarray of shape (n_samples, n_outputs)
        Targets.
    y_prob : ndarray of shape (n_samples, n_outputs)
        Outputs of the network.
    out : ndarray of shape (n_samples, n_outputs)
        Where NumPy writes the gradient.
    xp : namespace
        The namespace of the arrays (``numpy`` for NumPy arrays).

    Returns
    -------
    delta : ndarray of shape (n_samples, n_outputs)
        ``p - y`` for the log-loss; ``2 * (p - y) / n_outputs * p * (1 - p)``
        for the squared error (``out`` with NumPy).

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_sigmoid_mlp._losses import output_delta
    >>> y, p = np.array([[1.0, 0.0]]), np.array([[0.5, 0.5]])
    >>> output_delta("squared_error", y, p, out=np.empty_like(p), xp=np)
    array([[-0.125,  0.125]])
    """
    if is_numpy(xp):
        out = np.subtract(y_prob, y_true, out=out)
    else:
        out = y_prob - y_true
    if loss == "squared_error":
        out *= 2
        out /= y_prob.shape[1]
        out *= sigmoid_derivative(y_prob, out=xp.empty_like(y_prob), xp=xp)
    return out


def chance_loss(loss, out_activation, n_outputs):
    """The loss of chance-level predictions (every output uniform).

    Parameters
    ----------
    loss : {"log_loss", "squared_error"}
        The loss being minimised.
    out_activation : {"softmax", "logistic"}
        Whether the outputs form one distribution or are independent.
    n_outputs : int
        Number of output units.

    Returns
    -------
    loss : float
        ``0.25`` for the squared error (outputs of 0.5), ``log(n_outputs)``
        for a softmax output, ``n_outputs * log(2)`` for logistic outputs.

    Examples
    --------
    >>> from sklearn_sigmoid_mlp._losses import chance_loss
    >>> round(chance_loss("log_loss", "softmax", 10), 4)
    2.3026
    """
    if loss == "squared_error":
        return 0.25
    if out_activation == "softmax":
        return float(np.log(n_outputs))
    return n_outputs * float(np.log(2))


@dataclass(frozen=True)
class Objective:
    """What training minimises: a loss on the network's output, plus L2.

    One object names the per-sample loss, the output activation it goes
    with and the L2 strength ``alpha``. :func:`~._network.backward` reads
    it; so do the validation losses and the divergence guard.

    Parameters
    ----------
    loss : {"log_loss", "squared_error"}
        The per-sample loss.
    out_activation : {"softmax", "logistic"}
        Activation of the output layer.
    alpha : float, default=0.0
        Strength of the L2 penalty on the weights.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_sigmoid_mlp._losses import Objective
    >>> objective = Objective("log_loss", "softmax", alpha=1e-4)
    >>> round(objective.data_term(np.eye(2), np.full((2, 2), 0.5), xp=np), 6)
    0.693147
    >>> round(objective.chance_loss(10), 4)
    2.3026
    """

    loss: str
    out_activation: str
    alpha: float = 0.0

    def data_term(self, y_true, y_prob, sample_weight=None, *, xp):
        """The weighted mean loss of the outputs ``y_prob``, without L2."""
        function = loss_function(self.loss, self.out_activation)
        return function(y_true, y_prob, sample_weight, xp=xp)

    def output_delta(self, y_true, y_prob, out, *, xp):
        """``dL_i / dz`` at the output layer (see :func:`output_delta`)."""
        return output_delta(self.loss, y_true, y_prob, out, xp=xp)

    def chance_loss(self, n_outputs):
        """The loss of chance-level predictions (see :func:`chance_loss`)."""
        return chance_loss(self.loss, self.out_activation, n_outputs)
