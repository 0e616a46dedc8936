"""The scikit-learn regressor: its parameters and public methods.

What depends on the targets is here and in :mod:`._targets`
(:class:`~._regression_targets.RegressionTargets`); the training and the forward pass
are the base class's (:mod:`._base`), shared with the classifier.
"""

from typing import ClassVar

from sklearn.base import RegressorMixin, _fit_context
from sklearn.utils._param_validation import StrOptions
from sklearn.utils.metaestimators import available_if

from . import _regression_targets
from ._base import BaseSigmoidMLP

__all__ = ["SigmoidMLPRegressor"]


class SigmoidMLPRegressor(RegressorMixin, BaseSigmoidMLP):
    """Multilayer perceptron regressor with sigmoid hidden layers.

    The sibling of :class:`SigmoidMLPClassifier`: the same network of
    ``sigmoid(a @ W + b)`` hidden layers, the same hand-written forward and
    backward passes over mini-batches and the same training (Adam or SGD,
    schedules, early stopping, callbacks, Ctrl-C), with an output layer for
    regression. Its parameters follow scikit-learn's
    :class:`~sklearn.neural_network.MLPRegressor`, and so does the loss it
    reports.

    Parameters
    ----------
    hidden_layer_sizes : array-like of shape (n_layers - 2,), default=(128, 64)
        The ``i``-th element is the number of sigmoid units of the ``i``-th
        hidden layer. An empty tuple gives a linear model.

    loss : {"squared_error", "poisson"}, default="squared_error"
        ``"squared_error"``: an identity output and half the squared error,
        averaged over the outputs (``MLPRegressor``'s definition, so that
        ``loss_curve_`` compares with its). ``"poisson"``: an exponential
        output (the log link) and half the Poisson deviance, summed over the
        outputs, as ``MLPRegressor`` in scikit-learn >= 1.7; ``y`` must be
        non-negative, and a model's first call needs ``sum(y) > 0`` for each
        output. The exponential is clipped to the finite range of the dtype.

    solver : {"adam", "sgd"}, default="adam"
        ``"adam"``: Adam (Kingma and Ba). ``"sgd"``: stochastic gradient
        descent with optional (Nesterov's) momentum.

    alpha : float, default=0.0001
        Strength of the L2 penalty on the weights (not on the intercepts).

    batch_size : int or "auto", default="auto"
        Size of the mini-batches; ``"auto"`` means ``min(200, n_samples)``.
        Larger values are clipped to the number of samples.

    learning_rate : {"constant", "invscaling", "adaptive", "cosine"}, \
            default="constant"
        Learning-rate schedule. For ``solver="sgd"`` only, as in
        ``MLPRegressor``: ``"invscaling"`` divides the rate by
        ``(t_ + 1) ** power_t`` after each epoch; ``"adaptive"`` divides it by
        5 each time the loss (or validation score) stops improving for
        ``n_iter_no_change`` epochs, until it falls below 1e-6. For both
        solvers: ``"cosine"`` decays it from ``learning_rate_init`` to 0 along
        half a cosine over the ``max_iter`` epochs of each :meth:`fit` (over
        the first ``max_iter`` calls of :meth:`partial_fit`), one step per
        epoch. ``"constant"`` keeps it.

    learning_rate_init : float, default=0.001
        The initial learning rate (the step size of Adam).

    power_t : float, default=0.5
        Exponent of the ``"invscaling"`` schedule.

    max_iter : int, default=200
        Maximum number of epochs of one call to :meth:`fit` (a warm-started
        call gets the whole budget again). A call that runs out of it warns
        with a :class:`~sklearn.exceptions.ConvergenceWarning`, also when
        ``n_iter_no_change=np.inf``.

    shuffle : bool, default=True
        Whether to shuffle the samples at each epoch.

    random_state : int, RandomState instance or None, default=None
        Controls the weight initialisation, the shuffling and the validation
        split. Pass an int for reproducible results.

    tol : float, default=1e-4
        Training stops when the loss (or the validation R², with early
        stopping) does not improve by at least ``tol`` for
        ``n_iter_no_change`` consecutive epochs.

    verbose : bool, default=False
        Whether to print one line per epoch: the epoch, the loss and, with
        validation data, the validation loss and R².

    warm_start : bool, default=False
        When True, :meth:`fit` continues from the previous solution, with its
        optimizer state, random state and counters.

    momentum : float, default=0.9
        Momentum of ``solver="sgd"``, in ``[0, 1]``.

    nesterovs_momentum : bool, default=True
        Whether to use Nesterov's momentum (``solver="sgd"``, ``momentum > 0``).

    early_stopping : bool, default=False
        Whether to stop when the validation R² stops improving, and restore
        the weights of the best epoch. The validation data is ``fit``'s
        ``X_val`` when given, else a ``validation_fraction`` of the training
        data held out (not stratified).

    validation_fraction : float, default=0.1
        Fraction of the training data held out for early stopping when
        ``fit`` gets no ``X_val``.

    beta_1 : float, default=0.9
        Decay rate of Adam's first-moment estimates, in ``[0, 1)``.

    beta_2 : float, default=0.999
        Decay rate of Adam's second-moment estimates, in ``[0, 1)``.

    epsilon : float, default=1e-8
        Adam's numerical-stability term.

    n_iter_no_change : int or np.inf, default=10
        Number of epochs without an improvement of ``tol`` before stopping.

    max_fun : int, default=15000
        Maximum number of evaluations of the loss (with its gradient) of
        ``solver="lbfgs"``, as in ``MLPRegressor``.

    fit_intercept : bool, default=True
        Whether the layers have bias terms.

    weight_init : {"glorot_uniform", "notebook"}, default="glorot_uniform"
        ``"glorot_uniform"``: weights uniform in
        ``[-sqrt(6 / (fan_in + fan_out)), sqrt(6 / (fan_in + fan_out))]``.
        ``"notebook"``: the original notebook's ``randn(fan_out, fan_in) *
        sqrt(1 / fan_out)``, drawn layer by layer. Intercepts start at zero.

    max_time : float or None, default=None
        Time budget in seconds of one call to :meth:`fit` or
        :meth:`partial_fit`: training stops after the batch that crosses it.

    Attributes
    ----------
    coefs_ : list of ndarray of shape (fan_in, fan_out)
        Weight matrices; ``coefs_[i]`` maps layer ``i`` to layer ``i + 1``.

    intercepts_ : list of ndarray of shape (fan_out,)
        Bias vectors (zeros, never trained, when ``fit_intercept=False``).

    n_features_in_ : int
        Number of features seen during :term:`fit`.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during :term:`fit`, when ``X`` has feature
        names that are all strings.

    n_iter_ : int
        Number of epochs run by the last call: :meth:`fit` counts from 0 on
        every call, warm-started or not; :meth:`partial_fit` sets it to 1.

    t_ : int
        Number of training samples seen, over all calls.

    loss_ : float
        Loss of the last epoch.

    loss_curve_ : list of float
        Loss of each epoch (the weighted mean of the batch objectives, L2
        penalty included), as ``MLPRegressor`` defines it: half the mean
        squared error averaged over the outputs, or half the Poisson deviance
        summed over them.

    best_loss_ : float or None
        Lowest epoch loss; None with early stopping.

    validation_scores_ : list of float or None
        Validation R² after each epoch (uniformly averaged over the outputs,
        weighted by the validation sample weights), when the last call had
        validation data (``X_val``, or the rows held out by early stopping),
        else None. Warm-started calls with validation data extend it.

    validation_loss_curve_ : list of float or None
        Loss on the validation data after each epoch, beside
        ``validation_scores_``: the data term of the objective (as in
        ``loss_curve_``, weighted by the validation sample weights), without
        the L2 penalty, which depends on no sample.

    best_validation_score_ : float or None
        Best validation R² with early stopping, else None.

    n_layers_ : int
        Number of layers, input and output included.

    n_outputs_ : int
        Number of outputs: 1 for a 1-D ``y``, else its number of columns.

    out_activation_ : str
        ``"identity"`` (``loss="squared_error"``) or ``"exp"``
        (``loss="poisson"``).

    stop_reason_ : str
        Why the last call stopped: ``"converged"`` (``tol`` reached),
        ``"max_iter"``, ``"early_stopping"``, ``"diverged"`` (the loss became
        non-finite or exploded after at least one good epoch of the call; the
        weights of the last good epoch were restored; a call without any good
        epoch raises a ``ValueError`` and leaves the model as it was),
        ``"interrupted"`` (Ctrl-C; the last completed batch's weights are
        kept; a second Ctrl-C raises ``KeyboardInterrupt``), ``"max_time"``,
        ``"callback"`` (a scikit-learn callback asked to stop, see
        :meth:`set_callbacks`) or ``"partial_fit"`` (a :meth:`partial_fit`
        pass completed).

    See Also
    --------
    SigmoidMLPClassifier : The same network for classification.
    sklearn.neural_network.MLPRegressor : scikit-learn's multilayer
        perceptron regressor, whose parameter names this class follows.

    Notes
    -----
    Scale the features (e.g. with
    :class:`~sklearn.preprocessing.StandardScaler`) and, for the squared
    error, targets far from the unit scale too: the output starts near 0
    and the sigmoid units saturate on large inputs. A
    :class:`~sklearn.compose.TransformedTargetRegressor` scales ``y`` and
    scales the predictions back.

    The divergence guard of training compares each epoch's loss with that of
    predicting the weighted mean of the call's targets (R² = 0), the
    regressor's chance level (see :ref:`regression`).

    ``RegressorMixin`` comes before the base estimator class among the
    bases, as scikit-learn >= 1.6 requires: that is what makes
    ``is_regressor()`` true, and :meth:`score` the R².

    Examples
    --------
    >>> from sklearn.compose import TransformedTargetRegressor
    >>> from sklearn.datasets import load_diabetes
    >>> from sklearn.model_selection import train_test_split
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> from sklearn_sigmoid_mlp import SigmoidMLPRegressor
    >>> X, y = load_diabetes(return_X_y=True)
    >>> X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
    >>> mlp = SigmoidMLPRegressor(hidden_layer_sizes=(16,), learning_rate_init=0.01,
    ...                           early_stopping=True, random_state=0)
    >>> model = TransformedTargetRegressor(
    ...     make_pipeline(StandardScaler(), mlp), transformer=StandardScaler())
    >>> model.fit(X_train, y_train).score(X_test, y_test) > 0.3
    True
    >>> model.predict(X_test[:2]).shape
    (2,)
    """

    _parameter_constraints: ClassVar[dict] = {
        **BaseSigmoidMLP._parameter_constraints,
        "loss": [StrOptions({"squared_error", "poisson"})],
    }

    def __init__(
        self,
        hidden_layer_sizes=(128, 64),
        *,
        loss="squared_error",
        solver="adam",
        alpha=0.0001,
        batch_size="auto",
        learning_rate="constant",
        learning_rate_init=0.001,
        power_t=0.5,
        max_iter=200,
        shuffle=True,
        random_state=None,
        tol=1e-4,
        verbose=False,
        warm_start=False,
        momentum=0.9,
        nesterovs_momentum=True,
        early_stopping=False,
        validation_fraction=0.1,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
        n_iter_no_change=10,
        max_fun=15000,
        fit_intercept=True,
        weight_init="glorot_uniform",
        max_time=None,
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.loss = loss
        self.solver = solver
        self.alpha = alpha
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.learning_rate_init = learning_rate_init
        self.power_t = power_t
        self.max_iter = max_iter
        self.shuffle = shuffle
        self.random_state = random_state
        self.tol = tol
        self.verbose = verbose
        self.warm_start = warm_start
        self.momentum = momentum
        self.nesterovs_momentum = nesterovs_momentum
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.n_iter_no_change = n_iter_no_change
        self.max_fun = max_fun
        self.fit_intercept = fit_intercept
        self.weight_init = weight_init
        self.max_time = max_time

    # ------------------------------------------------------------------ fit

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(
        self,
        X,
        y,
        sample_weight=None,
        *,
        X_val=None,
        y_val=None,
        sample_weight_val=None,
    ):
        """Fit the model to data matrix X and targets y.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data. Float32 data is trained in float32; other numeric
            data in float64. Sparse CSR/CSC matrices are never densified.

        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Target values: finite numbers (non-negative for
            ``loss="poisson"``). A column vector is treated as 1-D, with a
            :class:`~sklearn.exceptions.DataConversionWarning`, as
            ``MLPRegressor`` does.

        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative sample weights; None means all ones. Integer weights
            are equivalent to repeating rows.

        X_val : {array-like, sparse matrix} of shape (n_val, n_features), \
                default=None
            Validation data, checked as ``X`` is (the same features, finite
            values). After every epoch the model is scored on it: its R²
            goes to ``validation_scores_``, its loss to
            ``validation_loss_curve_``. With ``early_stopping=True``, early
            stopping monitors it instead of holding out
            ``validation_fraction`` of ``X`` (all of ``X`` is trained on);
            with ``early_stopping=False`` it is only monitored. At least two
            rows. In a :class:`~sklearn.pipeline.Pipeline`, ``X_val`` is
            transformed like ``X`` with ``Pipeline(...,
            transform_input=["X_val"])`` and metadata routing (see
            :ref:`validation_set`).

        y_val : array-like of shape (n_val,) or (n_val, n_outputs), default=None
            Validation targets, with the outputs of ``y``. Required with
            ``X_val``.

        sample_weight_val : array-like of shape (n_val,), default=None
            Non-negative weights of the validation rows; None means all
            ones.

        Returns
        -------
        self : object
            The fitted estimator.

        Examples
        --------
        >>> from sklearn.datasets import make_friedman1
        >>> from sklearn_sigmoid_mlp import SigmoidMLPRegressor
        >>> X, y = make_friedman1(n_samples=400, random_state=0)
        >>> reg = SigmoidMLPRegressor(hidden_layer_sizes=(32,), batch_size=50,
        ...                           learning_rate_init=0.05, random_state=0)
        >>> reg = reg.fit(X, y)
        >>> reg.stop_reason_, reg.score(X, y) > 0.95
        ('converged', True)
        """
        return self._fit(
            X,
            y,
            sample_weight,
            classes=None,
            incremental=False,
            validation=(X_val, y_val, sample_weight_val),
        )

    @available_if(BaseSigmoidMLP._check_solver)
    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y, sample_weight=None):
        """Train for one epoch (one pass in mini-batches) over the given data.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data.

        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Target values, with as many outputs on every call.

        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative sample weights; None means all ones.

        Returns
        -------
        self : object
            The trained estimator.

        Examples
        --------
        >>> from sklearn.datasets import make_friedman1
        >>> from sklearn_sigmoid_mlp import SigmoidMLPRegressor
        >>> X, y = make_friedman1(n_samples=300, random_state=0)
        >>> reg = SigmoidMLPRegressor(random_state=0)
        >>> for start in range(0, 300, 100):
        ...     _ = reg.partial_fit(X[start:start + 100], y[start:start + 100])
        >>> reg.n_iter_, len(reg.loss_curve_), reg.stop_reason_
        (1, 3, 'partial_fit')
        """
        self._check_partial_fit_params()
        return self._fit(X, y, sample_weight, classes=None, incremental=True)

    def set_callbacks(self, *callbacks):
        """Set scikit-learn callbacks, called during fit and partial_fit.

        Needs scikit-learn >= 1.9 (:mod:`sklearn.callback`). Each call to
        :meth:`fit` or :meth:`partial_fit` is a task, named ``"fit"``, whose
        subtasks are its epochs (at most ``max_iter``; one for
        :meth:`partial_fit`), named ``"epoch"``. The hooks of an epoch get
        the training rows (those not held out by early stopping) and a model
        as fitted after the epoch. With validation data (``X_val``, or the
        rows early stopping holds out), each epoch is followed by a task
        named ``"validation"`` whose hooks get the validation rows. A hook
        that returns True ends training after the epoch, with
        ``stop_reason_ = "callback"``.

        Parameters
        ----------
        *callbacks : callback instances
            The callbacks, following :class:`sklearn.callback.FitCallback`;
            none removes those set before.

        Returns
        -------
        self : object
            The estimator.

        Raises
        ------
        ImportError
            With a scikit-learn older than 1.9, which has no callbacks.

        Examples
        --------
        >>> from sklearn.callback import ScoringMonitor
        >>> from sklearn.datasets import make_friedman1
        >>> from sklearn_sigmoid_mlp import SigmoidMLPRegressor
        >>> X, y = make_friedman1(n_samples=400, random_state=0)
        >>> monitor = ScoringMonitor(scoring="r2")
        >>> reg = SigmoidMLPRegressor(hidden_layer_sizes=(32,), batch_size=50,
        ...                           learning_rate_init=0.05, random_state=0)
        >>> _ = reg.set_callbacks(monitor).fit(X, y)
        >>> epochs = [row for row in monitor.get_logs().data
        ...           if row["task_name"] == "epoch"]
        >>> len(epochs) == reg.n_iter_, epochs[-1]["r2"] == reg.score(X, y)
        (True, True)
        """
        return super().set_callbacks(*callbacks)

    def predict(self, X):
        """Predict with the multilayer perceptron.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input data.

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_outputs)
            Predicted values: 1-D for a model of one output (trained on a
            1-D ``y``), as ``MLPRegressor``'s. In the dtype of the model's
            weights, float32 for a model trained on float32 data (the wider
            of the two for wider input).

        Examples
        --------
        >>> import numpy as np
        >>> from sklearn.datasets import make_friedman1
        >>> from sklearn_sigmoid_mlp import SigmoidMLPRegressor
        >>> X, y = make_friedman1(n_samples=400, random_state=0)
        >>> reg = SigmoidMLPRegressor(hidden_layer_sizes=(32,), batch_size=50,
        ...                           learning_rate_init=0.05, random_state=0)
        >>> reg.fit(X, np.column_stack([y, -y])).predict(X[:3]).shape
        (3, 2)
        >>> reg.fit(X.astype(np.float32), y).predict(X[:3].astype(np.float32)).dtype
        dtype('float32')
        """
        X = self._validate_predict_data(X, "predict")
        return self._fitted_targets().decode(self._output(X))

    # ------------------------------------------------------------- targets

    def _targets_of_call(self, y, classes, incremental, fitted):
        """The checked targets of a training call (``classes`` is None)."""
        return _regression_targets.regression_targets_of_call(
            y, self.loss, fitted, incremental
        )

    def _adopt_targets(self, targets):
        """A first call's targets become fitted attributes."""
        self.n_outputs_ = targets.n_outputs
        self.out_activation_ = targets.out_activation

    def _fitted_targets(self):
        """The targets of the fitted model."""
        return _regression_targets.RegressionTargets(
            self.n_outputs_, self.loss, out_activation=self.out_activation_
        )

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        tags.target_tags.multi_output = True
        tags.target_tags.single_output = True
        # the Poisson loss needs non-negative targets (scikit-learn's checks
        # then draw them so)
        tags.target_tags.positive_only = self.loss == "poisson"
        tags.array_api_support = True
        return tags
