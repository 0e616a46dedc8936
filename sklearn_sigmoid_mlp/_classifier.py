"""The scikit-learn estimator: validation, labels, weights and the training loop.

The network math lives in :mod:`._network` (forward and backward passes),
:mod:`._losses`, :mod:`._activations` and :mod:`._optimizers`; this module is
the only one that knows scikit-learn.
"""

import contextlib
import signal
import threading
import time
import warnings
from numbers import Integral, Real
from typing import ClassVar

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, ClassifierMixin, _fit_context
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import accuracy_score
from sklearn.model_selection import train_test_split
from sklearn.utils import check_random_state, gen_batches
from sklearn.utils._param_validation import Interval, Options, StrOptions
from sklearn.utils.class_weight import compute_class_weight
from sklearn.utils.multiclass import (
    check_classification_targets,
    type_of_target,
    unique_labels,
)
from sklearn.utils.validation import (
    _check_sample_weight,
    check_is_fitted,
    column_or_1d,
    validate_data,
)
from threadpoolctl import threadpool_limits

from ._network import (
    allocate_workspace,
    backward,
    forward,
    init_parameters,
    workspace_rows,
)
from ._online import BLOCK_SIZE, sgd_per_sample_block
from ._optimizers import (
    adam_step,
    init_state,
    scheduled_learning_rate,
    sgd_rank_one_step,
    sgd_step,
)
from ._version import __version__
from .exceptions import InconsistentVersionWarning

#: Parameters that reproduce the training of the original notebook: a
#: 784-128-64-10 sigmoid network without bias terms, squared error on sigmoid
#: outputs, per-sample SGD at a constant learning rate of 0.001, weights drawn
#: as ``randn(n_out, n_in) * sqrt(1 / n_out)``, 50 epochs over the data in
#: order.
NOTEBOOK_PARAMS = {
    "hidden_layer_sizes": (128, 64),
    "loss": "squared_error",
    "solver": "sgd",
    "learning_rate": "constant",
    "learning_rate_init": 0.001,
    "momentum": 0.0,
    "nesterovs_momentum": False,
    "alpha": 0.0,
    "batch_size": 1,
    "shuffle": False,
    "fit_intercept": False,
    "weight_init": "notebook",
    "max_iter": 50,
    "tol": 0.0,
    "n_iter_no_change": np.inf,
}

# prediction goes through dense X in blocks of this many rows
_PREDICT_BLOCK = 4096

# batches of at most this many rows train with one BLAS thread
_SMALL_BATCH = 16

# an epoch loss this many times the loss where training started (at least the
# loss of chance-level predictions) means divergence
_DIVERGENCE_FACTOR = 10.0

# a blow-up in training overflows to inf/NaN: the divergence guard detects it
# and restores the last finite weights, so it must not also warn
_TRAINING_ERRSTATE = {"over": "ignore", "invalid": "ignore"}


class _InterruptFlag:
    """Turns SIGINT into a flag that the training loop checks between batches.

    Installed only in the main thread and only when SIGINT has Python's default
    handler, so that a user's own handler is left alone.
    """

    def __init__(self):
        self.raised = False
        self._previous = None

    def _handler(self, signum, frame):
        self.raised = True

    def __enter__(self):
        if (
            threading.current_thread() is threading.main_thread()
            and signal.getsignal(signal.SIGINT) is signal.default_int_handler
        ):
            self._previous = signal.signal(signal.SIGINT, self._handler)
        return self

    def __exit__(self, *exc_info):
        if self._previous is not None:
            signal.signal(signal.SIGINT, self._previous)
        return False


class SigmoidMLPClassifier(ClassifierMixin, BaseEstimator):
    """Multilayer perceptron with sigmoid hidden layers, trained by backpropagation.

    A readable NumPy implementation of the classic fully connected sigmoid
    network: every hidden layer is ``sigmoid(a @ W + b)``, the forward and
    backward passes are hand-written matrix products over mini-batches, and
    the model is trained by SGD (with momentum) or Adam. With
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

    solver : {"adam", "sgd"}, default="adam"
        ``"adam"``: Adam (Kingma and Ba). ``"sgd"``: stochastic gradient
        descent with optional (Nesterov's) momentum.

    alpha : float, default=0.0001
        Strength of the L2 penalty on the weights (not on the intercepts).

    batch_size : int or "auto", default="auto"
        Size of the mini-batches; ``"auto"`` means ``min(200, n_samples)``.
        Larger values are clipped to the number of samples.

    learning_rate : {"constant", "invscaling", "adaptive"}, default="constant"
        Learning-rate schedule of ``solver="sgd"``: constant; divided by
        ``(t_ + 1) ** power_t`` after each epoch; or divided by 5 each time the
        loss (or validation score) stops improving for ``n_iter_no_change``
        epochs, until it falls below 1e-6.

    learning_rate_init : float, default=0.001
        The initial learning rate (the step size of Adam).

    power_t : float, default=0.5
        Exponent of the ``"invscaling"`` schedule.

    max_iter : int, default=200
        Maximum number of epochs of one call to :meth:`fit`.

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
        Whether to hold out a stratified ``validation_fraction`` of the
        training data, stop when its accuracy stops improving, and restore the
        weights of the best epoch.

    validation_fraction : float, default=0.1
        Fraction of the training data held out for early stopping.

    beta_1 : float, default=0.9
        Decay rate of Adam's first-moment estimates, in ``[0, 1)``.

    beta_2 : float, default=0.999
        Decay rate of Adam's second-moment estimates, in ``[0, 1)``.

    epsilon : float, default=1e-8
        Adam's numerical-stability term.

    n_iter_no_change : int or np.inf, default=10
        Number of epochs without an improvement of ``tol`` before stopping.

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
        Number of epochs run, over all calls.

    t_ : int
        Number of training samples seen, over all calls.

    loss_ : float
        Loss of the last epoch.

    loss_curve_ : list of float
        Loss of each epoch (the weighted mean of the batch objectives).

    best_loss_ : float or None
        Lowest epoch loss; None with early stopping.

    validation_scores_ : list of float or None
        Validation accuracy of each epoch with early stopping, else None.

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
        non-finite or exploded; the last finite weights were restored),
        ``"interrupted"`` (Ctrl-C; the last completed batch's weights are kept),
        ``"max_time"``, or ``"partial_fit"`` (a :meth:`partial_fit` pass
        completed).

    See Also
    --------
    sklearn.neural_network.MLPClassifier : scikit-learn's multilayer
        perceptron, whose parameter names this class follows.

    Notes
    -----
    The class is declared ``SigmoidMLPClassifier(ClassifierMixin,
    BaseEstimator)``. The design brief wrote the bases the other way round,
    but scikit-learn >= 1.6 requires the mixin on the left: otherwise
    ``is_classifier()`` is False, ``GridSearchCV`` and ``cross_val_score``
    use ``KFold`` instead of ``StratifiedKFold``, and ``check_estimator``
    fails ``check_mixin_order``.

    The optimizer state needed by :meth:`partial_fit` and ``warm_start`` is
    kept as plain NumPy arrays and numbers, so that secure loaders such as
    skops need to trust only this class.

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
        "hidden_layer_sizes": [
            "array-like",
            Interval(Integral, 1, None, closed="left"),
        ],
        "loss": [StrOptions({"log_loss", "squared_error"})],
        "solver": [StrOptions({"adam", "sgd"})],
        "alpha": [Interval(Real, 0, None, closed="left")],
        "batch_size": [
            StrOptions({"auto"}),
            Interval(Integral, 1, None, closed="left"),
        ],
        "learning_rate": [StrOptions({"constant", "invscaling", "adaptive"})],
        "learning_rate_init": [Interval(Real, 0, None, closed="neither")],
        "power_t": [Interval(Real, 0, None, closed="left")],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "shuffle": ["boolean"],
        "random_state": ["random_state"],
        "tol": [Interval(Real, 0, None, closed="left")],
        "verbose": ["verbose"],
        "warm_start": ["boolean"],
        "momentum": [Interval(Real, 0, 1, closed="both")],
        "nesterovs_momentum": ["boolean"],
        "early_stopping": ["boolean"],
        "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
        "beta_1": [Interval(Real, 0, 1, closed="left")],
        "beta_2": [Interval(Real, 0, 1, closed="left")],
        "epsilon": [Interval(Real, 0, None, closed="neither")],
        "n_iter_no_change": [
            Interval(Integral, 1, None, closed="left"),
            Options(Real, {np.inf}),
        ],
        "fit_intercept": ["boolean"],
        "weight_init": [StrOptions({"glorot_uniform", "notebook"})],
        "class_weight": [dict, StrOptions({"balanced"}), None],
        "max_time": [Interval(Real, 0, None, closed="neither"), None],
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
        self.fit_intercept = fit_intercept
        self.weight_init = weight_init
        self.class_weight = class_weight
        self.max_time = max_time

    # ------------------------------------------------------------------ fit

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Fit the model to data matrix X and targets y.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data. Float32 data is trained in float32; other numeric
            data in float64. Sparse CSR/CSC matrices are never densified.

        y : array-like of shape (n_samples,) or (n_samples, n_labels)
            Class labels (binary or multiclass, of any type) or a multilabel
            indicator matrix.

        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative sample weights; None means all ones. Integer weights
            are equivalent to repeating rows.

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
        return self._fit(X, y, sample_weight, classes=None, incremental=False)

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
        >>> clf.n_iter_
        3
        """
        if self.early_stopping:
            raise ValueError(
                "partial_fit does not support early_stopping=True: it trains on "
                "the data it is given and holds nothing out. Use fit, or set "
                "early_stopping=False."
            )
        return self._fit(X, y, sample_weight, classes=classes, incremental=True)

    def _fit(self, X, y, sample_weight, classes, incremental):
        # a call that raises leaves the estimator as it was: validation and set-up
        # (validate_data's reset, classes_, coefs_ of a fresh start) only rebind
        # attributes, so restoring the attribute dict undoes them
        saved_attributes = dict(self.__dict__)
        fresh = not (hasattr(self, "coefs_") and (incremental or self.warm_start))
        try:
            return self._fit_unguarded(X, y, sample_weight, classes, incremental)
        except Exception as error:
            # a warning raised as an error after continued training changed the
            # arrays in place: the model is then kept as trained
            if fresh or not isinstance(error, Warning):
                self.__dict__.clear()
                self.__dict__.update(saved_attributes)
            raise

    def _fit_unguarded(self, X, y, sample_weight, classes, incremental):
        fitted = hasattr(self, "coefs_")
        continuing = fitted and (incremental or self.warm_start)
        X, y = validate_data(
            self,
            X,
            y,
            accept_sparse=["csr", "csc"],
            dtype=(np.float64, np.float32),
            multi_output=True,
            reset=not continuing,
        )
        if continuing and X.dtype != self.coefs_[0].dtype:
            # the network keeps the dtype it was first trained in
            X = X.astype(self.coefs_[0].dtype)
        if sp.issparse(X) and X.format != "csr":
            # batches are row slices: CSR makes them cheap (no densifying)
            X = X.tocsr()
        y_encoded, label_index = self._encode_targets(
            y, classes, incremental, continuing, X.dtype
        )
        sample_weight = self._effective_sample_weight(
            sample_weight, X, label_index, incremental
        )

        hidden = self._hidden_layer_sizes()
        layer_sizes = [X.shape[1], *hidden, self.n_outputs_]
        if continuing:
            self._check_continuation(layer_sizes)
            rng = np.random.RandomState()
            rng.set_state(self._rng_state)
        else:
            rng = check_random_state(self.random_state)
            self._initialize(layer_sizes, rng, X.dtype)

        self._train(X, y_encoded, sample_weight, label_index, rng, incremental)
        self._rng_state = rng.get_state()
        return self

    def _hidden_layer_sizes(self):
        hidden = self.hidden_layer_sizes
        if isinstance(hidden, Integral):
            hidden = [hidden]
        hidden = list(hidden)
        if any(not isinstance(h, Integral) or h <= 0 for h in hidden):
            raise ValueError(
                "hidden_layer_sizes must contain only positive integers, got "
                f"{self.hidden_layer_sizes!r}."
            )
        return [int(h) for h in hidden]

    def _encode_targets(self, y, classes, incremental, continuing, dtype):
        """Encode y as an (n_samples, n_outputs) array of 0/1 in ``dtype``.

        Sets ``classes_``, ``n_outputs_`` and ``out_activation_`` on a fresh
        start and checks consistency when continuing. Returns the encoded
        targets and, for single-label targets, each sample's class index.
        """
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        try:
            check_classification_targets(y)
            target_type = type_of_target(y)
        except TypeError as error:
            # numpy sorts the labels to find them: mixed types fail to compare
            raise ValueError(
                "y has labels of mixed types that cannot be sorted together, "
                f"such as strings and numbers ({error})."
            ) from error
        if target_type not in ("binary", "multiclass", "multilabel-indicator"):
            raise ValueError(
                f"{type(self).__name__} supports binary, multiclass and "
                f"multilabel-indicator targets, got {target_type!r}."
            )
        multilabel = target_type == "multilabel-indicator"
        if sp.issparse(y):
            y = y.toarray()

        if incremental and not continuing:
            if classes is None:
                raise ValueError(
                    "classes must be passed on the first call to partial_fit."
                )
            all_classes = unique_labels(classes)
            if multilabel and len(all_classes) != y.shape[1]:
                raise ValueError(
                    f"For multilabel targets, classes must have one entry per "
                    f"label column: got {len(all_classes)} classes for "
                    f"{y.shape[1]} columns."
                )
        elif continuing:
            all_classes = self.classes_
            if classes is not None and not np.array_equal(
                unique_labels(classes), self.classes_
            ):
                raise ValueError(
                    f"classes={np.asarray(classes)!r} is not the same as on the "
                    f"first call to partial_fit, which was {self.classes_!r}."
                )
        elif multilabel:
            all_classes = np.arange(y.shape[1])
        else:
            all_classes = unique_labels(y)

        if multilabel:
            if continuing and self._target_type != "multilabel-indicator":
                raise ValueError(
                    "The model was trained on single-label targets, but y is a "
                    "multilabel indicator matrix."
                )
            if y.shape[1] != len(all_classes):
                raise ValueError(
                    f"y has {y.shape[1]} label columns, but the model has "
                    f"{len(all_classes)} labels."
                )
            label_index = None
            encoded = np.asarray(y, dtype=dtype)
        else:
            if continuing and self._target_type == "multilabel-indicator":
                raise ValueError(
                    "The model was trained on multilabel targets, but y is not a "
                    "multilabel indicator matrix."
                )
            if len(all_classes) < 2:
                found = (
                    f"only one class: {all_classes[0]!r}"
                    if len(all_classes)
                    else "no class at all (classes is empty)"
                )
                raise ValueError(
                    f"{type(self).__name__} needs samples of at least 2 classes, "
                    f"but the data contains {found}."
                )
            unknown = np.setdiff1d(unique_labels(y), all_classes)
            if unknown.size:
                if continuing and not incremental:
                    raise ValueError(
                        "warm_start can only be used where y has the same classes "
                        f"as in the previous call to fit. Previously got "
                        f"{self.classes_!r}, y has {unique_labels(y)!r}."
                    )
                raise ValueError(
                    f"y contains labels {unknown!r} that are not in "
                    f"classes={all_classes!r}."
                )
            label_index = np.searchsorted(all_classes, y)
            if len(all_classes) == 2:
                encoded = (label_index == 1).astype(dtype)[:, np.newaxis]
            else:
                encoded = np.zeros((len(y), len(all_classes)), dtype=dtype)
                encoded[np.arange(len(y)), label_index] = 1

        if not continuing:
            self.classes_ = all_classes
            self._target_type = "multilabel-indicator" if multilabel else "single"
            self.n_outputs_ = encoded.shape[1]
            multiclass = not multilabel and len(all_classes) > 2
            self.out_activation_ = (
                "softmax" if multiclass and self.loss == "log_loss" else "logistic"
            )
        return encoded, label_index

    def _effective_sample_weight(self, sample_weight, X, label_index, incremental):
        """Sample weights times class weights: a new array, never the caller's."""
        try:
            # float64 first: casting huge weights to float32 would overflow
            sample_weight = _check_sample_weight(
                sample_weight, X, dtype=np.float64, ensure_non_negative=True, copy=True
            )
        except ValueError as error:
            message = str(error).lower()
            if "sample" in message and "weight" in message:
                raise
            raise ValueError(f"Invalid sample_weight: {error}") from error
        if not np.any(sample_weight > 0):
            raise ValueError(
                "sample_weight must contain at least one positive value; all "
                "the sample weights are zero."
            )
        _check_weight_sum(sample_weight, "sample_weight", X.dtype)
        sample_weight = sample_weight.astype(X.dtype, copy=False)
        if self.class_weight is None:
            return sample_weight
        if label_index is None:
            raise ValueError("class_weight is not supported for multilabel targets.")
        n_classes = len(self.classes_)
        if self.class_weight == "balanced":
            counts = np.bincount(
                label_index, weights=sample_weight, minlength=n_classes
            )
            if incremental:
                # partial_fit: the running counts of every call so far
                if hasattr(self, "_class_weight_counts"):
                    counts = counts + self._class_weight_counts
                self._class_weight_counts = counts
            # n_samples / (n_classes * count), over the classes present: a class
            # whose samples all weigh zero would get an infinite weight
            seen = counts > 0
            weights = np.ones(n_classes)
            weights[seen] = counts.sum() / (seen.sum() * counts[seen])
        else:
            unknown = [k for k in self.class_weight if k not in self.classes_]
            if unknown:
                raise ValueError(
                    f"class_weight has labels {unknown!r} that are not in "
                    f"classes_={self.classes_!r}."
                )
            weights = compute_class_weight(
                self.class_weight, classes=self.classes_, y=self.classes_
            )
        if not np.all(np.isfinite(weights) & (weights >= 0)):
            raise ValueError(
                "class_weight must give every class a non-negative, finite "
                f"weight; got {self.class_weight!r}."
            )
        with np.errstate(over="ignore"):
            sample_weight *= weights[label_index].astype(X.dtype)
        if not np.any(sample_weight > 0):
            raise ValueError(
                "sample_weight times class_weight must contain at least one "
                f"positive value; all are zero with class_weight="
                f"{self.class_weight!r}."
            )
        _check_weight_sum(sample_weight, "sample_weight times class_weight", X.dtype)
        return sample_weight

    def _initialize(self, layer_sizes, rng, dtype):
        self.n_layers_ = len(layer_sizes)
        self.coefs_, self.intercepts_ = init_parameters(
            layer_sizes, self.weight_init, rng, dtype
        )
        # whether intercepts_ are trained and used (fixed at a fresh start)
        self._with_intercepts = bool(self.fit_intercept)
        self.n_iter_ = 0
        self.t_ = 0
        self.loss_ = None
        self.loss_curve_ = []
        self._no_improvement_count = 0
        if self.early_stopping:
            self.best_loss_ = None
            self.validation_scores_ = []
            self.best_validation_score_ = -np.inf
        else:
            self.best_loss_ = np.inf
            self.validation_scores_ = None
            self.best_validation_score_ = None
        self._validation_seed = int(rng.randint(np.iinfo(np.int32).max))
        self._optimizer_state = init_state(
            self.solver, self._parameters(), self.learning_rate_init
        )

    def _check_continuation(self, layer_sizes):
        self._make_arrays_writeable()
        current = [self.coefs_[0].shape[0]] + [c.shape[1] for c in self.coefs_]
        if current != layer_sizes:
            raise ValueError(
                f"Cannot continue training: the model has layer sizes {current}, "
                f"but the parameters and data ask for {layer_sizes}. Set "
                "warm_start=False to start afresh."
            )
        if bool(self.fit_intercept) != self._with_intercepts:
            raise ValueError(
                f"Cannot continue training with fit_intercept={self.fit_intercept}: "
                f"the model was trained with fit_intercept={self._with_intercepts}. "
                "Set warm_start=False to start afresh."
            )
        if self.out_activation_ == "softmax" and self.loss != "log_loss":
            raise ValueError(
                f"Cannot continue training with loss={self.loss!r}: the model has a "
                "softmax output, trained with loss='log_loss'. Set warm_start=False "
                "to start afresh."
            )
        state = self._optimizer_state
        if state["solver"] != self.solver:
            self._optimizer_state = init_state(
                self.solver, self._parameters(), self.learning_rate_init
            )
        elif state.get("learning_rate_init") != self.learning_rate_init:
            # a new learning_rate_init takes effect; the moments are kept
            state["learning_rate_init"] = float(self.learning_rate_init)
            state["learning_rate"] = float(self.learning_rate_init)
        if self.early_stopping and self.validation_scores_ is None:
            self.best_loss_ = None
            self.validation_scores_ = []
            self.best_validation_score_ = -np.inf
        elif not self.early_stopping and self.best_loss_ is None:
            self.best_loss_ = np.inf
            self.validation_scores_ = None
            self.best_validation_score_ = None

    def _make_arrays_writeable(self):
        """Copy read-only trained arrays (e.g. from ``joblib.load(mmap_mode="r")``).

        Training updates the arrays in place; a model memory-mapped read-only
        from a file is trained on private copies, and the file is not changed.
        """
        self.coefs_ = [_writeable(c) for c in self.coefs_]
        self.intercepts_ = [_writeable(b) for b in self.intercepts_]
        for key, value in self._optimizer_state.items():
            if isinstance(value, list):
                self._optimizer_state[key] = [_writeable(a) for a in value]

    def _parameters(self):
        """The trained parameter arrays, in the optimizer's order."""
        if self.fit_intercept:
            return self.coefs_ + self.intercepts_
        return list(self.coefs_)

    # ------------------------------------------------------------- training

    def _train(self, X, y, sample_weight, label_index, rng, incremental):
        """Run the epochs of one call to fit or partial_fit."""
        train_index = np.arange(X.shape[0])
        validation = None
        if self.early_stopping:
            train_index, validation = self._validation_split(
                X, y, sample_weight, label_index
            )
        n_train = len(train_index)
        batch_size = min(200 if self.batch_size == "auto" else self.batch_size, n_train)
        per_sample_blocks = self._per_sample_blocks(X, batch_size)
        batches = _BatchIterator(
            X, y, sample_weight, BLOCK_SIZE if per_sample_blocks else batch_size
        )
        layer_sizes = [X.shape[1]] + [c.shape[1] for c in self.coefs_]
        workspace = allocate_workspace(layer_sizes, batch_size, X.dtype)
        params = self._parameters()
        state = self._optimizer_state

        best_params = None
        if self.early_stopping and self.validation_scores_:
            best_params = [p.copy() for p in params]
        last_good, last_good_t = _snapshot(params, state), self.t_
        reference_loss = None
        start_time = time.monotonic()
        stop = None

        def stop_requested():
            if interrupt.raised:
                return "interrupted"
            if self.max_time is not None and (
                time.monotonic() - start_time >= self.max_time
            ):
                return "max_time"
            return None

        with (
            _InterruptFlag() as interrupt,
            np.errstate(**_TRAINING_ERRSTATE),
            _blas_threads_for(batch_size),
        ):
            for _ in range(1 if incremental else self.max_iter):
                if self.shuffle:
                    order = train_index[rng.permutation(n_train)]
                else:
                    order = None if validation is None else train_index
                epoch_loss, epoch_weight, stop, first_loss = self._train_epoch(
                    batches.epoch(order),
                    workspace,
                    params,
                    per_sample_blocks,
                    stop_requested,
                )
                if reference_loss is None and first_loss is not None:
                    # the model's loss where this call starts, or that of
                    # uniform predictions if higher: a well-trained model
                    # meeting a new class is no divergence
                    reference_loss = max(first_loss, self._chance_loss())

                if epoch_weight == 0:
                    if stop == "diverged":
                        # the first batch (or block) failed, maybe after steps
                        _restore(params, state, last_good)
                        self.t_ = last_good_t
                    break
                epoch_loss /= epoch_weight
                if (
                    stop == "diverged"
                    or not (epoch_loss <= _DIVERGENCE_FACTOR * reference_loss)
                    # the epoch's last step is not in its loss: check its result
                    or not _finite_norm(params)
                ):
                    _restore(params, state, last_good)
                    self.t_ = last_good_t
                    stop = "diverged"
                    break
                self._end_epoch(epoch_loss, validation)
                if self.early_stopping and (
                    self.validation_scores_[-1] == self.best_validation_score_
                ):
                    best_params = [p.copy() for p in params]
                last_good, last_good_t = _snapshot(params, state), self.t_
                if stop is not None:
                    break
                if not incremental and self._no_improvement_count > (
                    self.n_iter_no_change
                ):
                    if self._plateau_stops_training():
                        stop = "early_stopping" if self.early_stopping else "converged"
                        break
                    self._no_improvement_count = 0

        if stop is None and interrupt.raised:
            # Ctrl-C during the last batch or epoch end: report, don't swallow it
            stop = "interrupted"
        if stop is None:
            stop = "partial_fit" if incremental else "max_iter"
        self.stop_reason_ = stop
        if self.early_stopping and best_params is not None:
            for param, best in zip(params, best_params):
                param[...] = best
        self._warn_on_stop()

    def _train_epoch(
        self, batches, workspace, params, per_sample_blocks, stop_requested
    ):
        """Train on each batch of one epoch, in order.

        Returns the weighted mean objective of the trained batches and their
        total weight, the reason training must stop (None to go on; checked
        after every batch) and the first batch's objective (None if no batch
        was trained).
        """
        epoch_loss, epoch_weight, first_loss = 0.0, 0.0, None
        for X_batch, y_batch, weight_batch in batches:
            batch_weight = float(weight_batch.sum())
            if batch_weight > 0:
                if per_sample_blocks:
                    batch_loss = self._train_per_sample_block(
                        X_batch, y_batch, weight_batch, workspace
                    )
                else:
                    batch_loss = self._train_batch(
                        X_batch, y_batch, weight_batch, workspace, params
                    )
                if first_loss is None:
                    first_loss = batch_loss
                if not np.isfinite(batch_loss):
                    return epoch_loss, epoch_weight, "diverged", first_loss
                epoch_loss += batch_loss * batch_weight
                epoch_weight += batch_weight
            self.t_ += len(weight_batch)
            stop = stop_requested()
            if stop is not None:
                return epoch_loss, epoch_weight, stop, first_loss
        return epoch_loss, epoch_weight, None, first_loss

    def _validation_split(self, X, y, sample_weight, label_index):
        """Stratified hold-out for early stopping, the same on every call."""
        # stratify when every class can appear on both sides of the split
        n_samples = X.shape[0]
        n_val = int(np.ceil(self.validation_fraction * n_samples))
        stratify = None
        if label_index is not None:
            counts = np.bincount(label_index)
            n_classes = np.count_nonzero(counts)
            if (
                counts[counts > 0].min() >= 2
                and min(n_val, n_samples - n_val) >= n_classes
            ):
                stratify = label_index
        try:
            train_index, val_index = train_test_split(
                np.arange(n_samples),
                test_size=self.validation_fraction,
                random_state=self._validation_seed,
                stratify=stratify,
            )
        except ValueError as error:
            raise ValueError(
                f"early_stopping cannot hold out validation_fraction="
                f"{self.validation_fraction} of {n_samples} samples: {error}"
            ) from error
        for part, index in (("training", train_index), ("validation", val_index)):
            # accuracy_score fails on weights that are all zero, and a training
            # part without weight would train nothing
            if not np.any(sample_weight[index] > 0):
                raise ValueError(
                    f"early_stopping: the {part} part of the validation split "
                    "has no sample of positive weight. Give more samples a "
                    "positive sample_weight, change validation_fraction, or set "
                    "early_stopping=False."
                )
        validation = (
            X[val_index],
            self._decode(y[val_index]),
            sample_weight[val_index],
        )
        return np.sort(train_index), validation

    def _end_epoch(self, epoch_loss, validation):
        """Record an epoch: counters, learning-rate schedule, stopping state."""
        self.n_iter_ += 1
        self.loss_ = float(epoch_loss)
        self.loss_curve_.append(self.loss_)
        state = self._optimizer_state
        if self.solver == "sgd":
            try:
                rate = scheduled_learning_rate(
                    self.learning_rate, self.learning_rate_init, self.power_t, self.t_
                )
            except OverflowError:
                # (t_ + 1) ** power_t is beyond float range: the rate is zero
                rate = 0.0
            if rate is not None:
                state["learning_rate"] = rate
        if self.early_stopping:
            X_val, y_val, weight_val = validation
            score = float(
                accuracy_score(y_val, self._predict(X_val), sample_weight=weight_val)
            )
            self.validation_scores_.append(score)
            if score < self.best_validation_score_ + self.tol:
                self._no_improvement_count += 1
            else:
                self._no_improvement_count = 0
            self.best_validation_score_ = max(self.best_validation_score_, score)
        else:
            if self.loss_ > self.best_loss_ - self.tol:
                self._no_improvement_count += 1
            else:
                self._no_improvement_count = 0
            self.best_loss_ = min(self.best_loss_, self.loss_)
        if self.verbose:
            line = f"Iteration {self.n_iter_}, loss = {self.loss_:.8f}"
            if self.early_stopping:
                line += f", validation accuracy = {self.validation_scores_[-1]:.4f}"
            print(line)

    def _train_batch(self, X_batch, y_batch, weight_batch, workspace, params):
        """Forward, backward and one optimizer step on a batch; its objective.

        The step is skipped when the objective is not finite.
        """
        ws = workspace_rows(workspace, len(weight_batch))
        intercepts = self.intercepts_ if self.fit_intercept else None
        activations = forward(
            X_batch,
            self.coefs_,
            intercepts,
            self.out_activation_,
            activations=ws["activations"],
        )
        state = self._optimizer_state
        # per-sample plain SGD applies each outer-product gradient directly
        rank_one = (
            self.solver == "sgd" and self.momentum == 0 and len(weight_batch) == 1
        )
        batch_loss, grad_coefs, grad_intercepts = backward(
            y_batch,
            activations,
            self.coefs_,
            intercepts,
            self.loss,
            self.out_activation_,
            alpha=self.alpha,
            sample_weight=weight_batch,
            workspace=ws,
            weight_gradients=not rank_one,
        )
        if not np.isfinite(batch_loss):
            return batch_loss
        if rank_one:
            sgd_rank_one_step(
                self.coefs_,
                intercepts,
                activations,
                ws["deltas"],
                state["learning_rate"],
                self.alpha / float(weight_batch.sum()),
            )
        else:
            self._step(params, grad_coefs + (grad_intercepts or []), state)
        return batch_loss

    def _chance_loss(self):
        """The loss of predicting every output at chance (uniform probabilities)."""
        if self.loss == "squared_error":
            return 0.25
        if self.out_activation_ == "softmax":
            return float(np.log(self.n_outputs_))
        return self.n_outputs_ * float(np.log(2))

    def _per_sample_blocks(self, X, batch_size):
        """Whether per-sample SGD can run block by block (see ``_online``)."""
        return (
            batch_size == 1
            and self.solver == "sgd"
            and self.momentum == 0
            and self.alpha == 0
            and len(self.coefs_) > 1
            and not sp.issparse(X)
        )

    def _train_per_sample_block(self, X_block, y_block, weight_block, workspace):
        """Per-sample SGD over a block of rows; the weighted mean objective."""
        return sgd_per_sample_block(
            X_block,
            y_block,
            weight_block,
            self.coefs_,
            self.intercepts_ if self.fit_intercept else None,
            self.loss,
            self.out_activation_,
            self._optimizer_state["learning_rate"],
            workspace,
        )

    def _step(self, params, grads, state):
        if self.solver == "sgd":
            sgd_step(
                params,
                grads,
                state["velocities"],
                state["learning_rate"],
                self.momentum,
                self.nesterovs_momentum,
            )
        else:
            adam_step(params, grads, state, self.beta_1, self.beta_2, self.epsilon)

    def _plateau_stops_training(self):
        """Whether to stop on a plateau; the adaptive schedule lowers the rate."""
        state = self._optimizer_state
        if (
            self.solver == "sgd"
            and self.learning_rate == "adaptive"
            and state["learning_rate"] > 1e-6
        ):
            state["learning_rate"] /= 5.0
            if self.verbose:
                print(f"Setting learning rate to {state['learning_rate']:f}")
            return False
        return True

    def _warn_on_stop(self):
        reason = self.stop_reason_
        # != rather than np.isfinite: an int beyond int64 is a valid setting
        if reason == "max_iter" and self.n_iter_no_change != np.inf:
            warnings.warn(
                f"Stochastic optimizer: maximum iterations ({self.max_iter}) "
                "reached and the optimization hasn't converged yet.",
                ConvergenceWarning,
                stacklevel=2,
            )
        elif reason == "diverged":
            warnings.warn(
                "Training diverged: the loss became non-finite or exploded. The "
                "last finite weights were restored. Try a smaller "
                "learning_rate_init.",
                ConvergenceWarning,
                stacklevel=2,
            )
        elif reason == "interrupted":
            warnings.warn(
                "Training was interrupted (KeyboardInterrupt); the weights of the "
                "last completed batch are kept"
                + (", the best epoch's restored." if self.early_stopping else "."),
                UserWarning,
                stacklevel=2,
            )

    # -------------------------------------------------------------- predict

    def _forward_output(self, X):
        """Raw outputs of the network for validated X.

        Dense X goes through in blocks of rows, so that the hidden activations
        of a large X never all sit in memory at once.
        """
        intercepts = self.intercepts_ if self._with_intercepts else None
        # features so large that a product overflows give +-inf pre-activations,
        # which the sigmoid and softmax map to 0 and 1: no warning for those
        with np.errstate(over="ignore", invalid="ignore"):
            if sp.issparse(X) or X.shape[0] <= _PREDICT_BLOCK:
                output = forward(X, self.coefs_, intercepts, self.out_activation_)
                output = output[-1]
            else:
                dtype = np.result_type(X.dtype, self.coefs_[0].dtype)
                output = np.empty((X.shape[0], self.n_outputs_), dtype=dtype)
                for rows in gen_batches(X.shape[0], _PREDICT_BLOCK):
                    output[rows] = forward(
                        X[rows], self.coefs_, intercepts, self.out_activation_
                    )[-1]
        if np.isnan(output).any():
            # inf - inf inside a product: no meaningful prediction exists
            raise ValueError(
                f"X has values so large that the network's products overflow "
                f"in {output.dtype}; scale the features (e.g. with StandardScaler)."
            )
        return output

    def _decode(self, y_encoded):
        """Targets in the caller's form from encoded (or predicted 0/1) rows."""
        if self._target_type == "multilabel-indicator":
            return y_encoded.astype(int)
        if y_encoded.shape[1] == 1:
            return self.classes_[(y_encoded[:, 0] > 0.5).astype(int)]
        return self.classes_[np.argmax(y_encoded, axis=1)]

    def _predict(self, X):
        output = self._forward_output(X)
        if self._target_type == "multilabel-indicator":
            return (output > 0.5).astype(int)
        return self._decode(output)

    def _validate_predict_data(self, X):
        check_is_fitted(self)
        return validate_data(
            self,
            X,
            accept_sparse=["csr", "csc"],
            dtype=(np.float64, np.float32),
            reset=False,
        )

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
        >>> from sklearn.datasets import load_iris
        >>> from sklearn_sigmoid_mlp import SigmoidMLPClassifier
        >>> X, y = load_iris(return_X_y=True)
        >>> clf = SigmoidMLPClassifier(learning_rate_init=0.01, random_state=0)
        >>> clf = clf.fit(X, y)
        >>> clf.predict(X[:3])
        array([0, 0, 0])
        """
        return self._predict(self._validate_predict_data(X))

    def predict_proba(self, X):
        """Probability estimates.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input data.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes) or (n_samples, n_labels)
            Class probabilities in the order of ``classes_`` (rows sum to one),
            or, for multilabel models, each label's probability. Float32
            models give float32 probabilities.

        Examples
        --------
        >>> from sklearn.datasets import load_iris
        >>> from sklearn_sigmoid_mlp import SigmoidMLPClassifier
        >>> X, y = load_iris(return_X_y=True)
        >>> clf = SigmoidMLPClassifier(learning_rate_init=0.01, random_state=0)
        >>> clf = clf.fit(X, y)
        >>> clf.predict_proba(X[:2]).sum(axis=1).round(6)
        array([1., 1.])
        """
        output = self._forward_output(self._validate_predict_data(X))
        if self._target_type == "multilabel-indicator":
            return output
        if output.shape[1] == 1:
            return np.hstack([1 - output, output])
        if self.out_activation_ == "logistic":
            # squared error: independent sigmoid outputs, normalised to sum to one
            total = output.sum(axis=1, keepdims=True)
            empty = total[:, 0] == 0
            output[empty] = 1
            total[empty] = output.shape[1]
            output /= total
        return output

    def predict_log_proba(self, X):
        """Logarithm of the probability estimates.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input data.

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
            ``log(predict_proba(X))``; ``-inf`` where a probability is exactly
            zero.

        Examples
        --------
        >>> import numpy as np
        >>> from sklearn.datasets import load_iris
        >>> from sklearn_sigmoid_mlp import SigmoidMLPClassifier
        >>> X, y = load_iris(return_X_y=True)
        >>> clf = SigmoidMLPClassifier(learning_rate_init=0.01, random_state=0)
        >>> clf = clf.fit(X, y)
        >>> bool(np.all(clf.predict_log_proba(X[:2]) <= 0))
        True
        """
        proba = self.predict_proba(X)
        with np.errstate(divide="ignore"):
            return np.log(proba, out=proba)

    def __getstate__(self):
        # a copy: on Python >= 3.11 the base class returns the live __dict__
        state = dict(super().__getstate__())
        state["_sklearn_sigmoid_mlp_version"] = __version__
        return state

    def __setstate__(self, state):
        original = state.pop("_sklearn_sigmoid_mlp_version", "unknown")
        if original != __version__:
            warnings.warn(
                InconsistentVersionWarning(
                    estimator_name=type(self).__name__,
                    current_version=__version__,
                    original_version=original,
                ),
                stacklevel=2,
            )
        super().__setstate__(state)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        tags.classifier_tags.multi_label = True
        return tags


class _BatchIterator:
    """Mini-batches of rows of X, y and the sample weights.

    Without shuffling or a validation split, batches are slices of X (views, no
    copy); otherwise the rows of a dense X are gathered into one reused
    buffer, and those of a sparse X by CSR row indexing.
    """

    def __init__(self, X, y, sample_weight, batch_size):
        self.X, self.y, self.sample_weight = X, y, sample_weight
        self.batch_size = batch_size
        self.buffer = None

    def epoch(self, order=None):
        """Yield ``(X_batch, y_batch, weight_batch)``.

        ``order`` is the sequence of row indices to visit; None visits all the
        rows in their order, as slices.
        """
        n_rows = self.X.shape[0] if order is None else len(order)
        for start in range(0, n_rows, self.batch_size):
            if order is None:
                batch = slice(start, start + self.batch_size)
                X_batch = self.X[batch]
            else:
                batch = order[start : start + self.batch_size]
                X_batch = self._gather(batch)
            yield X_batch, self.y[batch], self.sample_weight[batch]

    def _gather(self, rows):
        if sp.issparse(self.X):
            return self.X[rows]
        if self.buffer is None:
            shape = (self.batch_size, self.X.shape[1])
            self.buffer = np.empty(shape, dtype=self.X.dtype)
        return np.take(self.X, rows, axis=0, out=self.buffer[: len(rows)])


def _writeable(array):
    return array if array.flags.writeable else array.copy()


def _blas_threads_for(batch_size):
    """One BLAS thread for small batches, whose products are too small to share.

    Threads only add synchronisation to matrix-vector products and rank-one
    updates, and on a busy machine they make them many times slower.
    """
    if batch_size <= _SMALL_BATCH:
        return threadpool_limits(limits=1, user_api="blas")
    return contextlib.nullcontext()


def _check_weight_sum(sample_weight, what, dtype):
    """Reject weights so large that weighted sums of losses would overflow."""
    # a per-sample loss is below 1e6 (log-loss clipped at eps, summed over the
    # outputs), so a total weight below max / 1e6 keeps every weighted sum finite
    limit = float(np.finfo(dtype).max) / 1e6
    largest = float(sample_weight.max())
    # sum(w / largest) <= n_samples never overflows, unlike sum(w); a Python
    # float product overflows to inf without a warning
    if not (
        largest <= limit and float((sample_weight / largest).sum()) * largest <= limit
    ):
        raise ValueError(
            f"{what} is too large: the weights must sum to at most {limit:.3g} "
            f"for {np.dtype(dtype)} data. Rescale the sample weights."
        )


def _finite_norm(params):
    """Whether the sum of the squares of the parameters is finite.

    It is not for NaN or inf weights, and for finite ones whose squares
    overflow: those give a non-finite L2 penalty and, on large inputs,
    non-finite outputs, so they count as diverged too.
    """
    with np.errstate(over="ignore", invalid="ignore"):
        return bool(np.isfinite(sum(np.dot(p.ravel(), p.ravel()) for p in params)))


def _snapshot(params, state):
    """Copies of the parameters and optimizer arrays, to roll back to."""
    arrays = {
        key: [a.copy() for a in value]
        for key, value in state.items()
        if isinstance(value, list)
    }
    scalars = {k: v for k, v in state.items() if not isinstance(v, list)}
    return [p.copy() for p in params], arrays, scalars


def _restore(params, state, snapshot):
    saved_params, arrays, scalars = snapshot
    for param, saved in zip(params, saved_params):
        param[...] = saved
    for key, saved_list in arrays.items():
        for current, saved in zip(state[key], saved_list):
            current[...] = saved
    state.update(scalars)
