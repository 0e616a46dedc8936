"""A regressor's targets and the network's outputs.

A regressor's network sees its ``y`` as floats, one column per output, with
an identity output (``loss="squared_error"``) or an exponential one (the
log link of ``loss="poisson"``). :class:`RegressionTargets` follows the
protocol of :class:`~._targets.ClassTargets` (``encode``, ``weights``,
``validation``, ``score``, ``decode``, ``n_outputs``, ``out_activation``,
...) with no classes and no class weights, and scores outputs by R², as
``MLPRegressor``'s early stopping does; :func:`regression_targets_of_call`
makes or checks it at the start of a training call.
"""

import numpy as np
import scipy.sparse as sp
from sklearn.metrics import r2_score
from sklearn.utils.validation import check_array, check_consistent_length, column_or_1d

from ._array_api import asnumpy
from ._network import match_output_mean
from ._targets import sample_weights

#: the estimator whose targets these are, as messages name it
REGRESSOR_NAME = "SigmoidMLPRegressor"
CONTINUOUS = "continuous"
CONTINUOUS_MULTIOUTPUT = "continuous-multioutput"


def regression_output_activation(loss):
    """``"exp"`` (the log link) for the Poisson loss, ``"identity"`` otherwise."""
    return "exp" if loss == "poisson" else "identity"


def check_regression_targets(y, loss, input_name="y"):
    """``y`` checked as a regressor's targets: numbers, finite, 1-D or 2-D.

    A column vector becomes 1-D with a
    :class:`~sklearn.exceptions.DataConversionWarning`, as in
    ``MLPRegressor``; a sparse ``y`` becomes dense. With
    ``loss="poisson"`` the targets must be non-negative.

    Parameters
    ----------
    y : array-like of shape (n_samples,) or (n_samples, n_outputs)
        The caller's targets.
    loss : {"squared_error", "poisson"}
        The regressor's loss.
    input_name : str, default="y"
        The name in messages (``"y_val"`` for validation targets).

    Returns
    -------
    y : ndarray of shape (n_samples,) or (n_samples, n_outputs)
        Numeric, finite targets.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_sigmoid_mlp._regression_targets import check_regression_targets
    >>> check_regression_targets([1, 2.5], "squared_error")
    array([1. , 2.5])
    >>> check_regression_targets([1.0, -1.0], "poisson")
    Traceback (most recent call last):
    ...
    ValueError: loss='poisson' requires non-negative y; y has negative values.
    """
    if sp.issparse(y):
        y = y.toarray()
    y = check_array(
        y,
        ensure_2d=False,
        dtype="numeric",
        input_name=input_name,
        estimator=REGRESSOR_NAME,
    )
    if y.dtype.kind not in "fiub":
        raise ValueError(
            f"{input_name} must hold real numbers, got an array of dtype {y.dtype}."
        )
    if y.ndim == 2 and y.shape[1] == 1:
        y = column_or_1d(y, warn=True)
    if y.ndim not in (1, 2):
        raise ValueError(
            f"{input_name} must be 1-D or 2-D (one column per output), got "
            f"{y.ndim} dimensions."
        )
    y = y.astype(np.float64, copy=False) if y.dtype.kind in "iub" else y
    if loss == "poisson" and np.any(y < 0):
        raise ValueError(
            f"loss='poisson' requires non-negative {input_name}; {input_name} "
            "has negative values."
        )
    return y


def n_outputs_of(y):
    """The number of outputs of checked targets: 1 for a 1-D ``y``."""
    return 1 if y.ndim == 1 else y.shape[1]


class RegressionTargets:
    """The targets of one regressor: ``y`` to outputs and back, and weights.

    Follows the protocol of :class:`ClassTargets`, without classes or class
    weights: the network's targets are ``y`` itself as floats, one column
    per output, and outputs are scored by R² (as ``MLPRegressor``'s early
    stopping does).

    Parameters
    ----------
    n_outputs : int
        The number of outputs (1 for a 1-D ``y``, whose predictions are 1-D).
    loss : {"squared_error", "poisson"}
        The loss; it fixes the output activation.
    out_activation : {"identity", "exp"}, default=None
        The output activation of a fitted model; None: the one of ``loss``.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_sigmoid_mlp._regression_targets import RegressionTargets
    >>> targets = RegressionTargets(1, "poisson")
    >>> targets.n_outputs, targets.out_activation, targets.target_type
    (1, 'exp', 'continuous')
    >>> encoded, index = targets.encode(np.array([2.0, 0.0]), np.float32)
    >>> encoded, index
    (array([[2.],
           [0.]], dtype=float32), None)
    >>> targets.decode(encoded)
    array([2., 0.], dtype=float32)
    """

    #: the name of :meth:`score`, as ``verbose`` prints it
    score_name = "R2"

    def __init__(self, n_outputs, loss, out_activation=None):
        self.n_outputs, self.loss = n_outputs, loss
        if out_activation is None:
            out_activation = regression_output_activation(loss)
        self.out_activation = out_activation

    @property
    def target_type(self):
        """``"continuous"`` (one output) or ``"continuous-multioutput"``."""
        return CONTINUOUS if self.n_outputs == 1 else CONTINUOUS_MULTIOUTPUT

    def encode(self, y, dtype):
        """The network's targets: ``y`` as an ``(n_samples, n_outputs)`` array.

        Returns the targets in ``dtype`` and None (there are no classes to
        index).
        """
        n_outputs = n_outputs_of(y)
        if n_outputs != self.n_outputs:
            raise ValueError(
                f"y has {n_outputs} output(s), but the model has {self.n_outputs}."
            )
        return np.asarray(y, dtype=dtype).reshape(len(y), n_outputs), None

    def decode(self, output):
        """Predictions from the outputs: 1-D for a single output.

        In the namespace and on the device of ``output``.
        """
        return output[:, 0] if self.n_outputs == 1 else output

    def initialize_outputs(self, params, data):
        """Start a new network at the best constant prediction (R² = 0).

        The output intercepts are shifted so that the network's weighted
        mean output on the first call's rows is the weighted mean of their
        targets (:func:`~._network.match_output_mean`); without intercepts
        (``fit_intercept=False``) nothing changes.

        Parameters
        ----------
        params : Parameters
            The freshly drawn network.
        data : TrainingData
            The first call's rows, targets and weights.
        """
        if params.fit_intercept:
            match_output_mean(
                params, data.X, data.y, data.sample_weight, self.out_activation
            )

    def weights(self, sample_weight, n_samples, dtype, label_index, counts=None):
        """Checked sample weights: a new array (there are no class weights).

        Returns the weights and None twice, the class weights and counts of
        :meth:`ClassTargets.weights`.
        """
        return sample_weights(sample_weight, n_samples, dtype), None, None

    def validation(self, y_val, sample_weight_val, n_rows, dtype, class_weights):
        """``y_val`` and ``sample_weight_val`` checked as ``y`` and its weights.

        Returns the targets as given (1-D for one output), the network's
        targets and the weights. R² needs two validation rows at least.
        """
        y_val = check_regression_targets(asnumpy(y_val), self.loss, "y_val")
        check_consistent_length(np.empty((n_rows, 0)), y_val)
        if n_rows < 2:
            raise ValueError(
                "X_val has a single row: R², the validation score, needs two "
                "rows at least."
            )
        try:
            y, _ = self.encode(y_val, dtype)
        except ValueError as error:
            raise ValueError(f"Invalid y_val: {error}") from error
        try:
            weight = sample_weights(sample_weight_val, n_rows, dtype)
        except ValueError as error:
            raise ValueError(f"Invalid sample_weight_val: {error}") from error
        return y_val, y, weight

    def score(self, labels, output, sample_weight):
        """The R² of the outputs on the targets ``labels`` (on the host).

        NaN where an output is not finite, as ``MLPRegressor``'s early
        stopping scores it.
        """
        predicted = asnumpy(self.decode(output))
        if not np.all(np.isfinite(predicted)):
            return np.nan
        return r2_score(labels, predicted, sample_weight=sample_weight)


def regression_targets_of_call(y, loss, fitted, incremental):
    """The targets of a regressor's training call: checked ``y`` and its
    :class:`RegressionTargets`.

    Parameters
    ----------
    y : ndarray of shape (n_samples,) or (n_samples, n_outputs)
        The caller's targets, validated with ``X``.
    loss : {"squared_error", "poisson"}
        The estimator's loss.
    fitted : RegressionTargets or None
        The targets of the model being continued; None for a fresh start.
    incremental : bool
        Whether the call is ``partial_fit``.

    Returns
    -------
    y : ndarray
        ``y`` as a 1-D array (one output) or a 2-D one.
    targets : RegressionTargets
        A new one for a fresh start; the fitted one when continuing.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_sigmoid_mlp._regression_targets import regression_targets_of_call
    >>> y, targets = regression_targets_of_call(
    ...     np.ones((4, 2)), "squared_error", None, False)
    >>> targets.n_outputs, targets.target_type
    (2, 'continuous-multioutput')
    >>> regression_targets_of_call(np.ones(4), "squared_error", targets, True)
    Traceback (most recent call last):
    ...
    ValueError: y has 1 output(s), but the model was trained on 2; partial_fit goes
    on with the fitted model.
    """
    y = check_regression_targets(y, loss)
    n_outputs = n_outputs_of(y)
    if fitted is None:
        if loss == "poisson" and not np.all(y.reshape(len(y), n_outputs).sum(0) > 0):
            raise ValueError(
                "loss='poisson' requires non-negative y and sum(y) > 0 (for each "
                "output): the model's first call needs positive targets."
            )
        return y, RegressionTargets(n_outputs, loss)
    advice = (
        "partial_fit goes on with the fitted model"
        if incremental
        else "set warm_start=False to start afresh"
    )
    if fitted.out_activation != regression_output_activation(loss):
        trained = "poisson" if fitted.out_activation == "exp" else "squared_error"
        raise ValueError(
            f"Cannot continue training with loss={loss!r}: the model has the "
            f"output activation {fitted.out_activation!r}, trained with "
            f"loss={trained!r}; {advice}."
        )
    if n_outputs != fitted.n_outputs:
        raise ValueError(
            f"y has {n_outputs} output(s), but the model was trained on "
            f"{fitted.n_outputs}; {advice}."
        )
    return y, fitted
