"""The scikit-learn estimator: its parameters and public methods.

What depends on labels is here and in :mod:`._targets`; the training and
the forward pass are the base class's (:mod:`._base`) and the modules it
calls.
"""

from typing import ClassVar

import numpy as np
from sklearn.base import ClassifierMixin, _fit_context
from sklearn.utils._param_validation import StrOptions
from sklearn.utils.metaestimators import available_if

from . import _targets
from ._array_api import model_namespace
from ._base import BaseSigmoidMLP
from ._notebook import NOTEBOOK_PARAMS
from ._xp import elementwise

__all__ = ["NOTEBOOK_PARAMS", "SigmoidMLPClassifier"]


class SigmoidMLPClassifier(ClassifierMixin, BaseSigmoidMLP):
    """Multilayer perceptron with sigmoid hidden layers, trained by backpropagation.

    A readable NumPy implementation of the classic fully connected sigmoid
    network: every hidden layer is ``sigmoid(a @ W + b)``, the forward and
    backward passes are hand-written matrix products over mini-batches, and
    the model is trained by SGD (with momentum), Adam or L-BFGS. With
    :data:`NOTEBOOK_PARAMS` it reproduces the original MNIST notebook's
    training exactly.

    Parameters
    ----------
    hidden_layer_sizes : array-like of shape (n_layers - 2,), default=(128, 64)
        The ``i``-th element is the number of sigmoid units of the ``i``-th
        hidden layer. An empty tuple gives a network without hidden layers.

    loss : {"log_loss", "squared_error"}, default="log_loss"
        ``"log_loss"``: softmax output and cross-entropy for multiclass
        targets, one sigmoid output and binary cross-entropy for binary
        targets, one sigmoid output per label for multilabel targets.
        ``"squared_error"`` (the notebook's): one sigmoid output per class (one
        for binary targets) and the squared error averaged over the outputs;
        for multiclass targets :meth:`predict_proba` normalises the outputs
        to sum to one.

    solver : {"adam", "sgd", "lbfgs"}, default="adam"
        ``"adam"``: Adam (Kingma and Ba). ``"sgd"``: stochastic gradient
        descent with optional (Nesterov's) momentum. ``"lbfgs"``: SciPy's
        L-BFGS-B over all the rows at once, as in ``MLPClassifier``; for small
        data sets it can converge faster and perform better. The batch,
        learning-rate, momentum and Adam settings and ``early_stopping`` do
        not apply to it, and it has no :meth:`partial_fit` (see
        :ref:`optimizers`).

    alpha : float, default=0.0001
        Strength of the L2 penalty on the weights (not on the intercepts).

    batch_size : int or "auto", default="auto"
        Size of the mini-batches; ``"auto"`` means ``min(200, n_samples)``.
        Larger values are clipped to the number of samples.

    learning_rate : {"constant", "invscaling", "adaptive", "cosine"}, \
            default="constant"
        Learning-rate schedule. For ``solver="sgd"`` only, as in
        ``MLPClassifier``: ``"invscaling"`` divides the rate by
        ``(t_ + 1) ** power_t`` after each epoch; ``"adaptive"`` divides it by
        5 each time the loss (or validation score) stops improving for
        ``n_iter_no_change`` epochs, until it falls below 1e-6. For both
        solvers: ``"cosine"`` decays it from ``learning_rate_init`` to 0 along
        half a cosine over the ``max_iter`` epochs of each :meth:`fit` (over
        the first ``max_iter`` calls of :meth:`partial_fit`), one step per
        epoch. A fit that runs all ``max_iter`` epochs ends the schedule as
        planned: ``stop_reason_`` is ``"max_iter"``, without a
        :class:`~sklearn.exceptions.ConvergenceWarning`. After the end the
        rate is 0: :meth:`partial_fit` learns nothing and warns (set
        ``learning_rate="constant"``, or call :meth:`fit` for a new cosine).
        ``"constant"`` keeps it.

    learning_rate_init : float, default=0.001
        The initial learning rate (the step size of Adam).

    power_t : float, default=0.5
        Exponent of the ``"invscaling"`` schedule.

    max_iter : int, default=200
        Maximum number of epochs of one call to :meth:`fit` (a warm-started
        call gets the whole budget again); of L-BFGS iterations with
        ``solver="lbfgs"``. A call that runs out of it warns with a
        :class:`~sklearn.exceptions.ConvergenceWarning`, also when
        ``n_iter_no_change=np.inf``, but with ``learning_rate="cosine"``,
        whose schedule is planned to end there.

    shuffle : bool, default=True
        Whether to shuffle the samples at each epoch.

    random_state : int, RandomState instance or None, default=None
        Controls the weight initialisation, the shuffling and the validation
        split. Pass an int for reproducible results.

    tol : float, default=1e-4
        Training stops when the loss (or the validation score, with early
        stopping) does not improve by at least ``tol`` for
        ``n_iter_no_change`` consecutive epochs.

    verbose : bool, default=False
        Whether to print one line per epoch: the epoch, the loss and, with
        early stopping, the validation accuracy.

    warm_start : bool, default=False
        When True, :meth:`fit` continues from the previous solution, with its
        optimizer state, random state and counters.

    momentum : float, default=0.9
        Momentum of ``solver="sgd"``, in ``[0, 1]``.

    nesterovs_momentum : bool, default=True
        Whether to use Nesterov's momentum (``solver="sgd"``, ``momentum > 0``).

    early_stopping : bool, default=False
        Whether to stop when the validation accuracy stops improving, and
        restore the weights of the best epoch. The validation data is
        ``fit``'s ``X_val`` when given, else a stratified
        ``validation_fraction`` of the training data held out.

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
        ``solver="lbfgs"``, as in ``MLPClassifier``.

    fit_intercept : bool, default=True
        Whether the layers have bias terms (the notebook's have none).

    weight_init : {"glorot_uniform", "notebook"}, default="glorot_uniform"
        ``"glorot_uniform"``: weights uniform in
        ``[-sqrt(6 / (fan_in + fan_out)), sqrt(6 / (fan_in + fan_out))]``.
        ``"notebook"``: the notebook's ``randn(fan_out, fan_in) *
        sqrt(1 / fan_out)``, drawn layer by layer from one ``RandomState``,
        so that ``np.random.seed(s)`` before the notebook's network gives the
        same initial weights as ``random_state=s``. Intercepts start at zero.

    class_weight : dict, "balanced" or None, default=None
        Weights of the classes, multiplied into the sample weights (the
        caller's array is not changed). ``"balanced"`` uses
        ``n_samples / (n_classes * count(class))`` with counts (sums of sample
        weights) of the whole training set in :meth:`fit`, and of all samples
        seen so far, this call's included, in :meth:`partial_fit`. Not
        supported for multilabel targets.

    max_time : float or None, default=None
        Time budget in seconds of one call to :meth:`fit` or
        :meth:`partial_fit`: training stops after the batch that crosses it.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels (for multilabel targets, the label indices).

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
        With ``solver="lbfgs"``, the number of L-BFGS iterations.

    t_ : int
        Number of training samples seen, over all calls (not counted by
        ``solver="lbfgs"``, as in ``MLPClassifier``).

    loss_ : float
        Loss of the last epoch; with ``solver="lbfgs"``, the objective at the
        final weights.

    loss_curve_ : list of float
        Loss of each epoch (the weighted mean of the batch objectives). Like
        ``best_loss_``, ``validation_scores_`` (but with ``X_val``) and
        ``best_validation_score_``, a stochastic solver's only: a model
        fitted by ``solver="lbfgs"`` has none, as in ``MLPClassifier``.

    best_loss_ : float or None
        Lowest epoch loss; None with early stopping.

    validation_scores_ : list of float or None
        Validation accuracy after each epoch (each L-BFGS iteration), when
        the last call had validation data (``X_val``, or the rows held out by
        early stopping), else None. Warm-started calls with validation data
        extend it.

    validation_loss_curve_ : list of float or None
        Loss on the validation data after each epoch, beside
        ``validation_scores_``: the data term of the objective (log-loss or
        squared error, weighted by the validation sample weights), without
        the L2 penalty, which depends on no sample.

    best_validation_score_ : float or None
        Best validation accuracy with early stopping, else None.

    n_layers_ : int
        Number of layers, input and output included.

    n_outputs_ : int
        Number of output units.

    out_activation_ : str
        ``"softmax"`` or ``"logistic"``.

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
        pass completed). ``solver="lbfgs"`` adds ``"max_fun"`` (``max_fun``
        evaluations ran out) and ``"abnormal"`` (its line search failed),
        both with a ``ConvergenceWarning``.

    See Also
    --------
    sklearn.neural_network.MLPClassifier : scikit-learn's multilayer
        perceptron, whose parameter names this class follows.

    Notes
    -----
    Like every neural network trained by gradient descent, this one is
    sensitive to the scale of its inputs: scale the features to ``[0, 1]``
    (e.g. with :class:`~sklearn.preprocessing.MinMaxScaler`, or ``X / 255``
    for pixels) or standardize them (:class:`~sklearn.preprocessing.StandardScaler`),
    in a :class:`~sklearn.pipeline.Pipeline`.

    Training can be watched and steered with scikit-learn's callbacks
    (:mod:`sklearn.callback`, scikit-learn >= 1.9), such as
    :class:`~sklearn.callback.ProgressBar` and
    :class:`~sklearn.callback.ScoringMonitor`: see :meth:`set_callbacks`.

    ``ClassifierMixin`` comes before the base estimator class among the
    bases, as scikit-learn >= 1.6 requires of every classifier: that is what
    makes ``is_classifier()`` true, so that ``GridSearchCV`` and
    ``cross_val_score`` split with ``StratifiedKFold``.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> from sklearn_sigmoid_mlp import SigmoidMLPClassifier
    >>> X, y = load_iris(return_X_y=True)
    >>> # 150 rows make one batch an epoch: a larger step than the default
    >>> mlp = SigmoidMLPClassifier(learning_rate_init=0.01, random_state=0)
    >>> clf = make_pipeline(StandardScaler(), mlp).fit(X, y)
    >>> clf.score(X, y) > 0.95, mlp.stop_reason_
    (True, 'converged')
    """

    _parameter_constraints: ClassVar[dict] = {
        **BaseSigmoidMLP._parameter_constraints,
        "loss": [StrOptions({"log_loss", "squared_error"})],
        "class_weight": [dict, StrOptions({"balanced"}), None],
    }

    def __init__(
        self,
        hidden_layer_sizes=(128, 64),
        *,
        loss="log_loss",
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
        class_weight=None,
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
        self.class_weight = class_weight
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

        y : array-like of shape (n_samples,) or (n_samples, n_labels)
            Class labels (binary or multiclass, of any type) or a multilabel
            indicator matrix. Labels of a single class are fitted, as by
            ``MLPClassifier``: the model predicts that class.

        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative sample weights; None means all ones. Integer weights
            are equivalent to repeating rows.

        X_val : {array-like, sparse matrix} of shape (n_val, n_features), \
                default=None
            Validation data, checked as ``X`` is (the same features, finite
            values). After every epoch the model is scored on it: its
            accuracy goes to ``validation_scores_``, its loss to
            ``validation_loss_curve_``. With ``early_stopping=True``, early
            stopping monitors it instead of holding out
            ``validation_fraction`` of ``X`` (all of ``X`` is trained on);
            with ``early_stopping=False`` it is only monitored. In a
            :class:`~sklearn.pipeline.Pipeline`, ``X_val`` is transformed
            like ``X`` with ``Pipeline(..., transform_input=["X_val"])`` and
            metadata routing (see :ref:`validation_set`).

        y_val : array-like of shape (n_val,) or (n_val, n_labels), default=None
            Validation targets: labels among the classes of ``y`` (an
            indicator matrix of as many columns for multilabel ``y``).
            Required with ``X_val``.

        sample_weight_val : array-like of shape (n_val,), default=None
            Non-negative weights of the validation rows; None means all
            ones. ``class_weight`` applies to them as to the training rows.

        Returns
        -------
        self : object
            The fitted estimator.

        Examples
        --------
        >>> from sklearn.datasets import load_iris
        >>> from sklearn_sigmoid_mlp import SigmoidMLPClassifier
        >>> X, y = load_iris(return_X_y=True)
        >>> clf = SigmoidMLPClassifier(learning_rate_init=0.01, random_state=0)
        >>> clf.fit(X, y).stop_reason_, clf.n_iter_ < clf.max_iter
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
    def partial_fit(self, X, y, classes=None, sample_weight=None):
        """Train for one epoch (one pass in mini-batches) over the given data.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data.

        y : array-like of shape (n_samples,) or (n_samples, n_labels)
            Targets; only labels listed in ``classes`` are accepted.

        classes : array-like of shape (n_classes,), default=None
            All the classes that can appear in any call; required on the first
            call and ignored (but checked, when given) afterwards. For a
            multilabel indicator ``y``, one entry per label column.

        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative sample weights; None means all ones.

        Returns
        -------
        self : object
            The trained estimator.

        Examples
        --------
        >>> import numpy as np
        >>> from sklearn.datasets import load_iris
        >>> from sklearn_sigmoid_mlp import SigmoidMLPClassifier
        >>> X, y = load_iris(return_X_y=True)
        >>> clf = SigmoidMLPClassifier(random_state=0)
        >>> for start in range(0, 150, 50):
        ...     _ = clf.partial_fit(X[start:start + 50], y[start:start + 50],
        ...                         classes=np.unique(y))
        >>> clf.n_iter_, len(clf.loss_curve_)
        (1, 3)
        """
        self._check_partial_fit_params()
        return self._fit(X, y, sample_weight, classes=classes, incremental=True)

    def set_callbacks(self, *callbacks):
        """Set scikit-learn callbacks, called during fit and partial_fit.

        Needs scikit-learn >= 1.9 (:mod:`sklearn.callback`). Each call to
        :meth:`fit` or :meth:`partial_fit` is a task, named ``"fit"``, whose
        subtasks are its epochs (at most ``max_iter``; one for
        :meth:`partial_fit`), named ``"epoch"``. The hooks of an epoch get
        the training rows (those not held out by early stopping) and a model
        as fitted when the epoch begins (``on_fit_task_begin``) or after it
        (``on_fit_task_end``). With validation data (``X_val``, or the
        rows early stopping holds out), each epoch is followed by a task
        named ``"validation"`` whose hooks get the validation rows: a
        :class:`~sklearn.callback.ScoringMonitor` then records a score per
        epoch on each. A hook that returns True ends training after the
        epoch, with ``stop_reason_ = "callback"``.

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
        >>> from sklearn.datasets import load_iris
        >>> from sklearn_sigmoid_mlp import SigmoidMLPClassifier
        >>> X, y = load_iris(return_X_y=True)
        >>> monitor = ScoringMonitor(scoring="accuracy")
        >>> clf = SigmoidMLPClassifier(learning_rate_init=0.01, random_state=0)
        >>> _ = clf.set_callbacks(monitor).fit(X, y)
        >>> epochs = [row for row in monitor.get_logs().data
        ...           if row["task_name"] == "epoch"]
        >>> len(epochs) == clf.n_iter_, epochs[-1]["accuracy"] == clf.score(X, y)
        (True, True)
        """
        return super().set_callbacks(*callbacks)

    def predict(self, X):
        """Predict class labels (or label indicators) for X.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input data.

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_labels)
            Predicted classes, or a 0/1 matrix for multilabel models.

        Examples
        --------
        Labels come back as they were given, strings included:

        >>> import numpy as np
        >>> from sklearn.datasets import load_iris
        >>> from sklearn_sigmoid_mlp import SigmoidMLPClassifier
        >>> X, y = load_iris(return_X_y=True)
        >>> names = np.array(["setosa", "versicolor", "virginica"])[y]
        >>> SigmoidMLPClassifier(learning_rate_init=0.01, random_state=0).fit(
        ...     X, names
        ... ).predict(X[[0, 50]])
        array(['setosa', 'versicolor'], dtype='<U10')
        """
        X = self._validate_predict_data(X, "predict")
        return self._fitted_targets().decode(self._output(X))

    def predict_proba(self, X):
        """Probability estimates.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Rows to score, with the features seen in :meth:`fit`.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes) or (n_samples, n_labels)
            Class probabilities in the order of ``classes_`` (rows sum to one),
            or, for multilabel models, each label's probability. Float32
            models give float32 probabilities. A model of one class gives one
            column of ones (``MLPClassifier`` gives two columns,
            ``[1 - p, p]``).

        Examples
        --------
        Each row is a distribution over ``classes_``:

        >>> from sklearn.datasets import load_wine
        >>> from sklearn.preprocessing import StandardScaler
        >>> from sklearn_sigmoid_mlp import SigmoidMLPClassifier
        >>> X, y = load_wine(return_X_y=True)
        >>> X = StandardScaler().fit_transform(X)
        >>> clf = SigmoidMLPClassifier(learning_rate_init=0.01, random_state=0)
        >>> proba = clf.fit(X, y).predict_proba(X)
        >>> proba.shape, proba.sum(axis=1).round(6).min()
        ((178, 3), np.float64(1.0))
        """
        X = self._validate_predict_data(X, "predict_proba")
        return self._fitted_targets().probabilities(self._output(X))

    def predict_log_proba(self, X):
        """Logarithm of the probability estimates.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Rows to score.

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
            ``log(predict_proba(X))``; ``-inf`` where a probability is exactly
            zero.

        Examples
        --------
        >>> import numpy as np
        >>> from sklearn.datasets import load_breast_cancer
        >>> from sklearn.pipeline import make_pipeline
        >>> from sklearn.preprocessing import MinMaxScaler
        >>> from sklearn_sigmoid_mlp import SigmoidMLPClassifier
        >>> X, y = load_breast_cancer(return_X_y=True)
        >>> clf = SigmoidMLPClassifier(learning_rate_init=0.01, random_state=0)
        >>> model = make_pipeline(MinMaxScaler(), clf)
        >>> log_proba = model.fit(X, y).predict_log_proba(X[:5])
        >>> bool(np.allclose(np.exp(log_proba).sum(axis=1), 1))
        True
        """
        X = self._validate_predict_data(X, "predict_log_proba")
        proba = self._fitted_targets().probabilities(self._output(X))
        with np.errstate(divide="ignore"):
            return elementwise("log", proba, out=proba, xp=model_namespace(proba))

    # ------------------------------------------------------------- targets

    def _targets_of_call(self, y, classes, incremental, fitted):
        """The checked labels of a training call and their targets."""
        return _targets.targets_of_call(
            y, classes, self.loss, self.class_weight, fitted, incremental
        )

    def _adopt_targets(self, targets):
        """A first call's targets become fitted attributes."""
        self.classes_ = targets.classes
        self._target_type = targets.target_type
        self.n_outputs_ = targets.n_outputs
        self.out_activation_ = targets.out_activation

    def _fitted_targets(self):
        """The targets of the fitted model."""
        return _targets.ClassTargets(
            self.classes_,
            self._target_type == _targets.MULTILABEL,
            self.loss,
            self.class_weight,
            out_activation=self.out_activation_,
        )

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        tags.classifier_tags.multi_label = True
        tags.array_api_support = True
        return tags
