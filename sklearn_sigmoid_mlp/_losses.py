"""Loss functions and their gradients at the output layer.

Plain NumPy, no scikit-learn; every function takes the array namespace ``xp``
of its arrays (the ``numpy`` module for NumPy arrays, see :mod:`._xp`). Each
loss is a weighted mean over samples of a per-sample loss ``L_i``::

    loss = sum_i w_i * L_i / sum_i w_i

The classifier's losses, on outputs ``p`` in ``[0, 1]``:

- ``"log_loss"`` with a softmax output (multiclass):
  ``L_i = -sum_k y_ik * log(p_ik)``;
- ``"log_loss"`` with logistic outputs (binary, multilabel):
  ``L_i = -sum_k [y_ik * log(p_ik) + (1 - y_ik) * log(1 - p_ik)]``;
- ``"squared_error"`` with logistic outputs (the notebook's loss):
  ``L_i = mean_k (p_ik - y_ik) ** 2``.

The regressor's, as scikit-learn's ``MLPRegressor`` defines them (so that
the two estimators' ``loss_curve_`` compare):

- ``"squared_error"`` with an identity output, half the squared error
  averaged over the outputs: ``L_i = mean_k (p_ik - y_ik) ** 2 / 2``;
- ``"poisson"`` with an exponential output (the log link), half the Poisson
  deviance summed over the outputs:
  ``L_i = sum_k [y_ik * log(y_ik / p_ik) - y_ik + p_ik]``.

:func:`output_delta` gives ``dL_i / dz_ik``, the gradient with respect to the
output layer's pre-activation. For the log-losses and the Poisson loss with
their matching output activations it is ``p - y``; for the regressor's
squared error ``(p - y) / n_outputs``; for the squared error through a
sigmoid it is ``2 * (p - y) / n_outputs * p * (1 - p)``, exactly the
notebook's ``error3``.
"""

from dataclasses import dataclass, replace

import numpy as np

from ._activations import sigmoid_derivative
from ._xp import is_numpy, sum_all

#: the losses of regression, whose chance level depends on the targets
REGRESSION_LOSSES = ("squared_error", "poisson")

#: the output activations of regression
REGRESSION_OUTPUTS = ("identity", "exp")


def _clipped(y_prob, xp):
    """``y_prob`` clipped to ``[eps, 1 - eps]``, in a new array."""
    eps = float(xp.finfo(y_prob.dtype).eps)
    if is_numpy(xp):
        # two ufuncs: np.clip's checks cost more than the clipping
        clipped = np.maximum(y_prob, eps)
        return np.minimum(clipped, 1 - eps, out=clipped)
    return xp.clip(y_prob, eps, 1 - eps)


def _weighted_mean(per_sample, sample_weight, xp):
    if sample_weight is None:
        return float(sum_all(per_sample, xp) / per_sample.shape[0])
    return float(per_sample @ sample_weight / sum_all(sample_weight, xp))


def _weighted_mean_of_rows(per_element, sample_weight, xp):
    """The weighted mean over the samples of each row's sum.

    Without weights it is the sum of all the elements over the rows; with
    weights, ``sample_weight @ per_element`` (one matrix-vector product)
    summed: either way no reduction along the rows, which are as short as
    the network's outputs and pay NumPy's cost per row.
    """
    if sample_weight is None:
        return float(sum_all(per_element, xp)) / per_element.shape[0]
    weighted = sum_all(sample_weight @ per_element, xp)
    return float(weighted / sum_all(sample_weight, xp))


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
    per_element = y_true * xp.log(_clipped(y_prob, xp))
    return -_weighted_mean_of_rows(per_element, sample_weight, xp)


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
    per_element = y_true * xp.log(y_prob) + (1 - y_true) * xp.log1p(-y_prob)
    return -_weighted_mean_of_rows(per_element, sample_weight, xp)


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


def half_squared_error(y_true, y_pred, sample_weight=None, *, xp):
    """Half the squared error, averaged over the outputs (regression).

    ``MLPRegressor``'s ``squared_error``: the weighted mean over samples of
    ``mean_k (p_ik - y_ik) ** 2 / 2``.

    Parameters
    ----------
    y_true : ndarray of shape (n_samples, n_outputs)
        Targets.
    y_pred : ndarray of shape (n_samples, n_outputs)
        Identity outputs of the network.
    sample_weight : ndarray of shape (n_samples,), default=None
        Sample weights.
    xp : namespace
        The namespace of the arrays (``numpy`` for NumPy arrays).

    Returns
    -------
    loss : float
        Weighted mean over samples of ``mean_k (p_ik - y_ik) ** 2 / 2``.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_sigmoid_mlp._losses import half_squared_error
    >>> half_squared_error(np.array([[1.0, 0.0]]), np.array([[3.0, 0.0]]), xp=np)
    1.0
    """
    # halving is exact: the same number as halving each sample's term
    return squared_error(y_true, y_pred, sample_weight, xp=xp) / 2


def half_poisson_deviance(y_true, y_pred, sample_weight=None, *, xp):
    """Half the Poisson deviance, summed over the outputs (regression).

    ``MLPRegressor``'s ``poisson``: the weighted mean over samples of
    ``sum_k [y_ik * log(y_ik / p_ik) - y_ik + p_ik]``, with
    ``0 * log(0) = 0``. It is zero for a perfect prediction.

    Parameters
    ----------
    y_true : ndarray of shape (n_samples, n_outputs)
        Non-negative targets.
    y_pred : ndarray of shape (n_samples, n_outputs)
        Positive predictions: the exponential outputs of the network, which
        never reach zero (:func:`~._activations.exponential`).
    sample_weight : ndarray of shape (n_samples,), default=None
        Sample weights.
    xp : namespace
        The namespace of the arrays (``numpy`` for NumPy arrays).

    Returns
    -------
    loss : float
        Weighted mean over samples of the per-sample deviance halves.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_sigmoid_mlp._losses import half_poisson_deviance
    >>> y = np.array([[0.0], [2.0]])
    >>> half_poisson_deviance(y, y + (y == 0), xp=np)  # 0 for y, 1 for 0
    0.5
    """
    positive = y_true > 0
    # y * log(y) is 0 at y = 0: log(1) there keeps the product finite
    log_true = xp.log(xp.where(positive, y_true, xp.ones_like(y_true)))
    per_element = y_true * (log_true - xp.log(y_pred)) - y_true + y_pred
    return _weighted_mean_of_rows(per_element, sample_weight, xp)


#: the loss function of each pair of a loss name and an output activation
LOSS_FUNCTIONS = {
    ("log_loss", "softmax"): log_loss,
    ("log_loss", "logistic"): binary_log_loss,
    ("squared_error", "logistic"): squared_error,
    ("squared_error", "identity"): half_squared_error,
    ("poisson", "exp"): half_poisson_deviance,
}


def loss_function(loss, out_activation):
    """The loss function for a loss name and output activation.

    Parameters
    ----------
    loss : {"log_loss", "squared_error", "poisson"}
        Name of the loss.
    out_activation : {"softmax", "logistic", "identity", "exp"}
        Output activation of the network: the classifier's squared error
        goes with a sigmoid, the regressor's with the identity.

    Returns
    -------
    function : callable
        ``function(y_true, y_prob, sample_weight=None, *, xp) -> float``.

    Raises
    ------
    ValueError
        For a pair that no estimator trains (the keys of ``LOSS_FUNCTIONS``).

    Examples
    --------
    >>> from sklearn_sigmoid_mlp._losses import loss_function
    >>> loss_function("log_loss", "logistic").__name__
    'binary_log_loss'
    >>> loss_function("squared_error", "identity").__name__
    'half_squared_error'
    """
    try:
        return LOSS_FUNCTIONS[loss, out_activation]
    except KeyError:
        raise ValueError(
            f"No loss {loss!r} with the output activation {out_activation!r}; "
            f"the pairs are {sorted(LOSS_FUNCTIONS)}."
        ) from None


def output_delta(loss, out_activation, y_true, y_prob, out, *, xp):
    """Gradient of the per-sample loss with respect to the output pre-activation.

    Parameters
    ----------
    loss : {"log_loss", "squared_error", "poisson"}
        Name of the loss.
    out_activation : {"softmax", "logistic", "identity", "exp"}
        The output activation it goes with (see :func:`loss_function`).
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
        ``p - y`` for the log-loss and the Poisson loss (each through its
        canonical output); ``(p - y) / n_outputs`` for the regressor's half
        squared error; ``2 * (p - y) / n_outputs * p * (1 - p)`` for the
        squared error through a sigmoid (``out`` with NumPy).

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_sigmoid_mlp._losses import output_delta
    >>> y, p = np.array([[1.0, 0.0]]), np.array([[0.5, 0.5]])
    >>> output_delta("squared_error", "logistic", y, p, out=np.empty_like(p), xp=np)
    array([[-0.125,  0.125]])
    >>> output_delta("squared_error", "identity", y, p, out=np.empty_like(p), xp=np)
    array([[-0.25,  0.25]])
    """
    loss_function(loss, out_activation)  # a pair that exists
    if is_numpy(xp):
        out = np.subtract(y_prob, y_true, out=out)
    else:
        out = y_prob - y_true
    if loss == "squared_error":
        if out_activation == "logistic":
            out *= 2
        out /= y_prob.shape[1]
        if out_activation == "logistic":
            out *= sigmoid_derivative(y_prob, out=xp.empty_like(y_prob), xp=xp)
    return out


def chance_loss(loss, out_activation, n_outputs):
    """The loss of chance-level predictions (every output uniform).

    Parameters
    ----------
    loss : {"log_loss", "squared_error", "poisson"}
        The loss being minimised.
    out_activation : {"softmax", "logistic", "identity", "exp"}
        Whether the outputs form one distribution or are independent, or
        are the regressor's.
    n_outputs : int
        Number of output units.

    Returns
    -------
    loss : float
        ``0.25`` for the classifier's squared error (outputs of 0.5),
        ``log(n_outputs)`` for a softmax output, ``n_outputs * log(2)`` for
        logistic outputs; 0 for regression, whose chance level depends on
        the targets (:func:`constant_prediction_loss`, which
        ``Objective.for_targets`` records).

    Examples
    --------
    >>> from sklearn_sigmoid_mlp._losses import chance_loss
    >>> round(chance_loss("log_loss", "softmax", 10), 4)
    2.3026
    """
    if out_activation in REGRESSION_OUTPUTS:
        return 0.0
    if loss == "squared_error":
        return 0.25
    if out_activation == "softmax":
        return float(np.log(n_outputs))
    return n_outputs * float(np.log(2))


def constant_prediction_loss(loss, out_activation, y_true, sample_weight, *, xp):
    """The loss of predicting the weighted mean of the targets for every sample.

    Regression's chance level: the best constant prediction of both
    regression losses (its R² is 0). The divergence guard of a regressor
    takes it as its floor (``Objective.for_targets``).

    Parameters
    ----------
    loss : {"squared_error", "poisson"}
        The regression loss.
    out_activation : {"identity", "exp"}
        Its output activation.
    y_true : ndarray of shape (n_samples, n_outputs)
        Targets.
    sample_weight : ndarray of shape (n_samples,)
        Sample weights, with a positive sum.
    xp : namespace
        The namespace of the arrays (``numpy`` for NumPy arrays).

    Returns
    -------
    loss : float
        Half the weighted variance of the targets, averaged over the outputs,
        for the squared error; the half deviance of the mean for the Poisson
        loss (a mean of zero is taken as the dtype's smallest normal number).

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_sigmoid_mlp._losses import constant_prediction_loss
    >>> y = np.array([[0.0], [2.0]])
    >>> constant_prediction_loss("squared_error", "identity", y, np.ones(2), xp=np)
    0.5
    """
    mean = (sample_weight @ y_true) / sum_all(sample_weight, xp)
    prediction = xp.zeros_like(y_true) + mean
    if loss == "poisson":
        tiny = float(xp.finfo(y_true.dtype).smallest_normal)
        prediction = xp.clip(prediction, tiny, None)
    function = loss_function(loss, out_activation)
    return function(y_true, prediction, sample_weight, xp=xp)


@dataclass(frozen=True)
class Objective:
    """What training minimises: a loss on the network's output, plus L2.

    One object names the per-sample loss, the output activation it goes
    with and the L2 strength ``alpha``. :func:`~._network.backward` reads
    it; so do the validation losses and the divergence guard.

    Parameters
    ----------
    loss : {"log_loss", "squared_error", "poisson"}
        The per-sample loss.
    out_activation : {"softmax", "logistic", "identity", "exp"}
        Activation of the output layer.
    alpha : float, default=0.0
        Strength of the L2 penalty on the weights.
    chance : float or None, default=None
        The loss of chance-level predictions, the divergence guard's floor;
        None: :func:`chance_loss` of the loss and output. A regressor's
        comes from its targets (:meth:`for_targets`).

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
    chance: float | None = None

    def data_term(self, y_true, y_prob, sample_weight=None, *, xp):
        """The weighted mean loss of the outputs ``y_prob``, without L2."""
        function = loss_function(self.loss, self.out_activation)
        return function(y_true, y_prob, sample_weight, xp=xp)

    def output_delta(self, y_true, y_prob, out, *, xp):
        """``dL_i / dz`` at the output layer (see :func:`output_delta`)."""
        return output_delta(self.loss, self.out_activation, y_true, y_prob, out, xp=xp)

    def chance_loss(self, n_outputs):
        """The loss of chance-level predictions (see :func:`chance_loss`)."""
        if self.chance is not None:
            return self.chance
        return chance_loss(self.loss, self.out_activation, n_outputs)

    def for_targets(self, y_true, sample_weight, *, xp):
        """This objective with the chance level of a call's targets.

        A regression loss has no chance level without the targets: its is
        the loss of predicting their weighted mean
        (:func:`constant_prediction_loss`). A classifier's objective is
        returned as it is.

        Parameters
        ----------
        y_true : array of shape (n_samples, n_outputs)
            The call's targets, as the network sees them.
        sample_weight : array of shape (n_samples,)
            Their weights.
        xp : namespace
            The namespace of the arrays (``numpy`` for NumPy arrays).

        Returns
        -------
        objective : Objective
            A regressor's objective with ``chance`` set; ``self`` otherwise.

        Examples
        --------
        >>> import numpy as np
        >>> from sklearn_sigmoid_mlp._losses import Objective
        >>> y = np.array([[0.0], [2.0]])
        >>> Objective("squared_error", "identity").for_targets(
        ...     y, np.ones(2), xp=np).chance_loss(1)
        0.5
        """
        if self.out_activation not in REGRESSION_OUTPUTS:
            return self
        chance = constant_prediction_loss(
            self.loss, self.out_activation, y_true, sample_weight, xp=xp
        )
        return replace(self, chance=chance)
