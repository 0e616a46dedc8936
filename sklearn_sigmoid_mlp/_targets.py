"""Targets and the network's outputs: encoding, decoding, class and sample weights.

A classifier's network sees targets as an ``(n_samples, n_outputs)`` array
of 0/1:

- binary: one logistic output, 1 for ``classes[1]``;
- multiclass: one output per class (softmax with the log-loss, independent
  logistic outputs with the squared error);
- multilabel indicator: one logistic output per label column.

This module turns the caller's ``y`` into that array and the network's outputs
back into labels and probabilities, and folds class weights into sample
weights. :class:`ClassTargets` gathers this for one classifier (its classes,
whether they are labels or label columns, its output activation and class
weights); :func:`targets_of_call` makes or checks it at the start of a
training call. It uses scikit-learn's label utilities, so that targets are checked
and described as every scikit-learn classifier does.

A regressor's targets follow the same protocol (``encode``, ``weights``,
``validation``, ``score``, ``decode``, ``n_outputs``, ``out_activation``,
...) in :mod:`._regression_targets`, which shares this module's sample
weights.

Labels and weights are NumPy arrays, whatever the namespace of ``X``;
outputs are in the network's namespace, on its device, and so are the
predictions decoded from them, but for labels that namespace cannot hold
(strings, objects, unsigned integers), which come back as NumPy arrays.
"""

import warnings

import numpy as np
import scipy.sparse as sp
from sklearn.exceptions import DataConversionWarning
from sklearn.metrics import accuracy_score
from sklearn.utils.class_weight import compute_class_weight
from sklearn.utils.multiclass import (
    check_classification_targets,
    type_of_target,
    unique_labels,
)
from sklearn.utils.validation import (
    _check_sample_weight,
    check_array,
    check_consistent_length,
    column_or_1d,
)

from ._array_api import asnumpy, from_numpy, model_namespace
from ._warnings import user_stacklevel
from ._xp import astype, is_numpy, zeros

#: the estimator whose targets these are, as messages name it
ESTIMATOR_NAME = "SigmoidMLPClassifier"
SINGLE_LABEL = "single"
MULTILABEL = "multilabel-indicator"


def check_targets(y, estimator_name, input_name="y"):
    """Check that ``y`` holds classification targets; say which kind.

    Returns ``y`` (a 1-D array, or a dense 2-D indicator matrix) and whether
    it is a multilabel indicator matrix. Messages name ``input_name`` (``"y"``,
    or ``"y_val"`` for the validation targets).
    """
    if y.ndim == 2 and y.shape[1] == 1:
        # column_or_1d's warning, naming the argument it is about
        warnings.warn(
            f"A column-vector {input_name} was passed when a 1d array was "
            f"expected. Please change the shape of {input_name} to "
            "(n_samples, ), for example using ravel().",
            DataConversionWarning,
            stacklevel=user_stacklevel(),
        )
        y = column_or_1d(y)
    try:
        check_classification_targets(y)
        target_type = type_of_target(y)
    except TypeError as error:
        # numpy sorts the labels to find them: mixed types fail to compare
        raise ValueError(
            f"{input_name} has labels of mixed types that cannot be sorted "
            f"together, such as strings and numbers ({error})."
        ) from error
    except ValueError as error:
        if input_name == "y":
            raise  # scikit-learn's "Unknown label type: ...", as it words it
        raise ValueError(f"Invalid {input_name}: {error}") from error
    if target_type not in ("binary", "multiclass", MULTILABEL):
        raise ValueError(
            f"{estimator_name} supports binary, multiclass and "
            f"multilabel-indicator targets, got {target_type!r} for {input_name}."
        )
    if sp.issparse(y):
        y = y.toarray()
    return y, target_type == MULTILABEL


def classes_of_first_call(y, multilabel, classes):
    """The classes of a model's first training call.

    ``classes`` is ``partial_fit``'s argument (None for ``fit``, whose classes
    are those of ``y``).
    """
    if classes is not None:
        all_classes = unique_labels(classes)
        if multilabel and len(all_classes) != y.shape[1]:
            raise ValueError(
                f"For multilabel targets, classes must have one entry per "
                f"label column: got {len(all_classes)} classes for "
                f"{y.shape[1]} columns."
            )
        return all_classes
    return np.arange(y.shape[1]) if multilabel else unique_labels(y)


def encode(y, classes, multilabel, dtype):
    """The network's 0/1 targets for ``y``, and each sample's class index.

    Parameters
    ----------
    y : ndarray of shape (n_samples,) or (n_samples, n_labels)
        Checked targets (see :func:`check_targets`).
    classes : ndarray of shape (n_classes,)
        The model's classes, sorted.
    multilabel : bool
        Whether ``y`` is a multilabel indicator matrix.
    dtype : numpy dtype
        Floating dtype of the network.

    Returns
    -------
    encoded : ndarray of shape (n_samples, n_outputs)
        0/1 targets of the network's outputs.
    label_index : ndarray of shape (n_samples,) or None
        Index in ``classes`` of each sample's label; None for multilabel
        targets.
    """
    if multilabel:
        if y.shape[1] != len(classes):
            raise ValueError(
                f"y has {y.shape[1]} label columns, but the model has "
                f"{len(classes)} labels."
            )
        return np.asarray(y, dtype=dtype), None
    if not len(classes):
        raise ValueError(
            "The classifier needs at least one class, but classes is empty."
        )
    unknown = np.setdiff1d(unique_labels(y), classes)
    if unknown.size:
        raise ValueError(
            f"y contains labels {format_labels(unknown)} that are not in "
            f"classes={format_labels(classes)}."
        )
    label_index = np.searchsorted(classes, y)
    if len(classes) == 1:
        # one output of zeros, as MLPClassifier's LabelBinarizer encodes one class
        return np.zeros((len(y), 1), dtype=dtype), label_index
    if len(classes) == 2:
        return (label_index == 1).astype(dtype)[:, np.newaxis], label_index
    encoded = np.zeros((len(y), len(classes)), dtype=dtype)
    encoded[np.arange(len(y)), label_index] = 1
    return encoded, label_index


def output_activation(multilabel, n_classes, loss):
    """``"softmax"`` for multiclass log-loss models, ``"logistic"`` otherwise."""
    multiclass = not multilabel and n_classes > 2
    return "softmax" if multiclass and loss == "log_loss" else "logistic"


def decode(output, classes, multilabel):
    """Predicted targets, in the caller's form, from the network's outputs.

    In the namespace and on the device of ``output``, but for labels that
    only NumPy holds (see the module's docstring).
    """
    xp = model_namespace(output)
    integers = int if is_numpy(xp) else xp.int64
    if multilabel:
        return astype(output > 0.5, integers, xp)
    if len(classes) == 1:
        # a model of one class predicts it, whatever its output
        device = None if is_numpy(xp) else output.device
        index = zeros(output.shape[0], integers, xp, device)
    elif output.shape[1] == 1:
        index = astype(output[:, 0] > 0.5, integers, xp)
    else:
        index = xp.argmax(output, axis=1)
    if is_numpy(xp):
        return classes[index]
    if classes.dtype.kind not in "bif":
        return classes[asnumpy(index)]
    return xp.take(from_numpy(classes, xp, output.device), index, axis=0)


def probabilities(output, multilabel, out_activation, n_classes):
    """``predict_proba`` from the network's outputs (``output`` is reused).

    Binary models give ``[1 - p, p]``; independent logistic outputs of a
    multiclass model (the squared error) are normalised to sum to one, a row of
    zeros becoming uniform; softmax and multilabel outputs are returned as
    they are. A model of one class gives one column of ones (its only class
    is certain), where ``MLPClassifier`` gives two columns.
    """
    xp = model_namespace(output)
    if multilabel:
        return output
    if n_classes == 1:
        output[...] = 1
        return output
    if output.shape[1] == 1:
        if is_numpy(xp):
            return np.hstack([1 - output, output])
        return xp.concat([1 - output, output], axis=1)
    if out_activation == "logistic":
        total = xp.sum(output, axis=1, keepdims=True)
        empty = total[:, 0] == 0
        output[empty] = 1
        total[empty] = output.shape[1]
        output /= total
    return output


def sample_weights(sample_weight, n_samples, dtype):
    """Checked, non-negative sample weights of ``n_samples`` rows: a new array.

    A NumPy array in the NumPy float ``dtype`` of the network, whatever the
    namespace of the rows: weights are checked on the host.
    """
    # the check needs the rows' number only: a NumPy stand-in for X keeps it
    # on the host with array API dispatch on
    rows = np.empty((n_samples, 0), dtype)
    try:
        # float64 first: casting huge weights to float32 would overflow
        sample_weight = _check_sample_weight(
            sample_weight, rows, dtype=np.float64, ensure_non_negative=True, copy=True
        )
    except ValueError as error:
        message = str(error).lower()
        if "sample" in message and "weight" in message:
            raise
        raise ValueError(f"Invalid sample_weight: {error}") from error
    if not np.any(sample_weight > 0):
        raise ValueError(
            "sample_weight must contain at least one positive value; all the "
            "sample weights are zero."
        )
    _check_weight_sum(sample_weight, "sample_weight", dtype)
    return sample_weight.astype(dtype, copy=False)


def class_weights(class_weight, classes, label_index, sample_weight, counts=None):
    """The weight of each class, from ``class_weight``.

    Parameters
    ----------
    class_weight : dict or "balanced"
        The estimator's parameter.
    classes : ndarray of shape (n_classes,)
        The model's classes.
    label_index : ndarray of shape (n_samples,)
        Each sample's class index.
    sample_weight : ndarray of shape (n_samples,)
        The sample weights.
    counts : ndarray of shape (n_classes,), default=None
        Weighted class counts of earlier ``partial_fit`` calls, for
        ``"balanced"``; None for ``fit``.

    Returns
    -------
    weights : ndarray of shape (n_classes,)
        ``n_samples / (n_classes * count)`` over the classes present for
        ``"balanced"`` (counts are sums of sample weights), else the given
        weights (1 for classes not named).
    counts : ndarray of shape (n_classes,)
        The weighted counts, this call's included.
    """
    if label_index is None:
        raise ValueError("class_weight is not supported for multilabel targets.")
    n_classes = len(classes)
    new_counts = np.bincount(label_index, weights=sample_weight, minlength=n_classes)
    if counts is not None:
        new_counts = new_counts + counts
    if class_weight == "balanced":
        # a class whose samples all weigh zero would get an infinite weight
        seen = new_counts > 0
        weights = np.ones(n_classes)
        weights[seen] = new_counts.sum() / (seen.sum() * new_counts[seen])
    else:
        unknown = [k for k in class_weight if k not in classes]
        if unknown:
            raise ValueError(
                f"class_weight has labels {format_labels(unknown)} that are not in "
                f"classes_={format_labels(classes)}."
            )
        weights = compute_class_weight(class_weight, classes=classes, y=classes)
    if not np.all(np.isfinite(weights) & (weights >= 0)):
        raise ValueError(
            "class_weight must give every class a non-negative, finite "
            f"weight; got {class_weight!r}."
        )
    return weights, new_counts


def apply_class_weights(sample_weight, weights, label_index, class_weight):
    """Multiply the class weights into the sample weights, in place."""
    with np.errstate(over="ignore"):
        sample_weight *= weights[label_index].astype(sample_weight.dtype)
    if not np.any(sample_weight > 0):
        raise ValueError(
            "sample_weight times class_weight must contain at least one "
            f"positive value; all are zero with class_weight={class_weight!r}."
        )
    _check_weight_sum(
        sample_weight, "sample_weight times class_weight", sample_weight.dtype
    )
    return sample_weight


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


def format_labels(values):
    """Labels as the user wrote them: ``[0, 1]``, not ``array([np.int64(0)...``."""
    return "[" + ", ".join(repr(_plain(v)) for v in values) + "]"


def _plain(value):
    return value.item() if isinstance(value, np.generic) else value


class ClassTargets:
    """The targets of one classifier: labels to outputs and back, and weights.

    Parameters
    ----------
    classes : ndarray of shape (n_classes,)
        The classes, sorted (the label indices for multilabel targets).
    multilabel : bool
        Whether the targets are a multilabel indicator matrix.
    loss : {"log_loss", "squared_error"}
        The loss; with the classes it fixes the output activation.
    class_weight : dict, "balanced" or None, default=None
        The estimator's parameter.
    out_activation : {"softmax", "logistic"}, default=None
        The output activation of a fitted model; None: the one that goes
        with ``loss`` and the classes (:func:`output_activation`).

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_sigmoid_mlp._targets import ClassTargets
    >>> targets = ClassTargets(np.array(["a", "b", "c"]), False, "log_loss")
    >>> targets.n_outputs, targets.out_activation
    (3, 'softmax')
    >>> encoded, index = targets.encode(np.array(["b", "a"]), np.float64)
    >>> encoded, index
    (array([[0., 1., 0.],
           [1., 0., 0.]]), array([1, 0]))
    >>> targets.decode(encoded)
    array(['b', 'a'], dtype='<U1')
    """

    #: the name of :meth:`score`, as ``verbose`` prints it
    score_name = "accuracy"

    def __init__(
        self, classes, multilabel, loss, class_weight=None, out_activation=None
    ):
        self.classes, self.multilabel = classes, multilabel
        self.class_weight = class_weight
        if out_activation is None:
            out_activation = output_activation(multilabel, len(classes), loss)
        self.out_activation = out_activation

    @property
    def target_type(self):
        """``"multilabel-indicator"`` or ``"single"`` (one label per sample)."""
        return MULTILABEL if self.multilabel else SINGLE_LABEL

    @property
    def n_outputs(self):
        """Output units: one for one or two classes, else one per class or label."""
        if not self.multilabel and len(self.classes) == 2:
            return 1
        return len(self.classes)

    def encode(self, y, dtype):
        """The 0/1 targets of ``y`` and each sample's class index (:func:`encode`)."""
        return encode(y, self.classes, self.multilabel, dtype)

    def decode(self, output):
        """Predicted labels from the network's outputs (:func:`decode`)."""
        return decode(output, self.classes, self.multilabel)

    def probabilities(self, output):
        """``predict_proba`` from the outputs (:func:`probabilities`)."""
        return probabilities(
            output, self.multilabel, self.out_activation, len(self.classes)
        )

    def initialize_outputs(self, params, data):
        """Nothing: a classifier's output layer starts as it was drawn.

        (A regressor's starts at the mean target:
        :meth:`RegressionTargets.initialize_outputs`.)
        """

    def weights(self, sample_weight, n_samples, dtype, label_index, counts=None):
        """Checked sample weights times the class weights: a new array.

        Parameters
        ----------
        sample_weight : array-like of shape (n_samples,) or None
            The caller's weights.
        n_samples : int
            The number of rows.
        dtype : numpy dtype
            The network's dtype.
        label_index : ndarray of shape (n_samples,) or None
            Each sample's class index.
        counts : ndarray of shape (n_classes,), default=None
            Weighted class counts of earlier ``partial_fit`` calls.

        Returns
        -------
        sample_weight : ndarray of shape (n_samples,)
            The effective weights.
        class_weights : ndarray of shape (n_classes,) or None
            The weight of each class; None without ``class_weight``.
        counts : ndarray of shape (n_classes,) or None
            The weighted class counts, this call's included.
        """
        sample_weight = sample_weights(sample_weight, n_samples, dtype)
        if self.class_weight is None:
            return sample_weight, None, None
        weights, counts = class_weights(
            self.class_weight, self.classes, label_index, sample_weight, counts
        )
        sample_weight = apply_class_weights(
            sample_weight, weights, label_index, self.class_weight
        )
        return sample_weight, weights, counts

    def validation(self, y_val, sample_weight_val, n_rows, dtype, class_weights):
        """``y_val`` and ``sample_weight_val`` checked as ``y`` and its weights.

        Returns the labels as given, their 0/1 encoding and the effective
        weights (times ``class_weights``, the training call's).
        """
        y_val = check_array(
            y_val,
            accept_sparse="csr",
            ensure_2d=False,
            dtype=None,
            input_name="y_val",
            estimator=ESTIMATOR_NAME,
        )
        check_consistent_length(np.empty((n_rows, 0)), y_val)
        labels, multilabel = check_targets(y_val, ESTIMATOR_NAME, "y_val")
        if multilabel != self.multilabel:
            raise ValueError(
                f"y_val is {'' if multilabel else 'not '}a multilabel indicator "
                f"matrix, but y is{'' if self.multilabel else ' not'}."
            )
        if not multilabel:
            unknown = np.setdiff1d(np.unique(labels), self.classes)
            if unknown.size:
                raise ValueError(
                    f"y_val has labels {format_labels(unknown)} that are not "
                    f"among the classes of y, {format_labels(self.classes)}."
                )
        try:
            y, label_index = self.encode(labels, dtype)
        except ValueError as error:
            raise ValueError(f"Invalid y_val: {error}") from error
        try:
            weight = sample_weights(sample_weight_val, n_rows, dtype)
            if class_weights is not None:
                weight = apply_class_weights(
                    weight, class_weights, label_index, self.class_weight
                )
        except ValueError as error:
            raise ValueError(f"Invalid sample_weight_val: {error}") from error
        return labels, y, weight

    def score(self, labels, output, sample_weight):
        """The accuracy of the outputs on ``labels`` (counted on the host)."""
        predicted = asnumpy(self.decode(output))
        return accuracy_score(labels, predicted, sample_weight=sample_weight)


def targets_of_call(y, classes, loss, class_weight, fitted, incremental):
    """The targets of a training call: checked ``y`` and its :class:`ClassTargets`.

    Parameters
    ----------
    y : ndarray of shape (n_samples,) or (n_samples, n_labels)
        The caller's targets, validated.
    classes : array-like or None
        ``partial_fit``'s ``classes`` (None for ``fit``).
    loss : str
        The estimator's loss.
    class_weight : dict, "balanced" or None
        The estimator's parameter.
    fitted : ClassTargets or None
        The targets of the model being continued; None for a fresh start.
    incremental : bool
        Whether the call is ``partial_fit``.

    Returns
    -------
    y : ndarray
        ``y`` as a 1-D array or a dense indicator matrix.
    targets : ClassTargets
        A new one for a fresh start; the fitted one, with this call's
        ``class_weight``, when continuing.
    """
    y, multilabel = check_targets(y, ESTIMATOR_NAME)
    if fitted is None:
        if incremental and classes is None:
            raise ValueError("classes must be passed on the first call to partial_fit.")
        all_classes = classes_of_first_call(y, multilabel, classes)
        return y, ClassTargets(all_classes, multilabel, loss, class_weight)
    if fitted.out_activation == "softmax" and loss != "log_loss":
        raise ValueError(
            f"Cannot continue training with loss={loss!r}: the model has a "
            "softmax output, trained with loss='log_loss'. Set warm_start=False "
            "to start afresh."
        )
    if multilabel != fitted.multilabel:
        trained = "multilabel" if not multilabel else "single-label"
        raise ValueError(
            f"The model was trained on {trained} targets, but y is "
            f"{'' if multilabel else 'not '}a multilabel indicator matrix."
        )
    if classes is not None and not np.array_equal(np.unique(classes), fitted.classes):
        raise ValueError(
            f"classes={format_labels(np.unique(classes))} is not the "
            "same as on the first call to partial_fit, which was "
            f"{format_labels(fitted.classes)}."
        )
    if not incremental and not multilabel:
        present = np.unique(y)
        if not np.array_equal(present, fitted.classes):
            raise ValueError(
                "warm_start can only be used where `y` has the same classes "
                "as in the previous call to fit. Previously got "
                f"{format_labels(fitted.classes)}, `y` has "
                f"{format_labels(present)}."
            )
    fitted.class_weight = class_weight
    return y, fitted
