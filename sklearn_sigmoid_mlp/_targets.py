"""Labels and the network's outputs: encoding, decoding, class and sample weights.

The network sees targets as an ``(n_samples, n_outputs)`` array of 0/1:

- binary: one logistic output, 1 for ``classes[1]``;
- multiclass: one output per class (softmax with the log-loss, independent
  logistic outputs with the squared error);
- multilabel indicator: one logistic output per label column.

This module turns the caller's ``y`` into that array and the network's outputs
back into labels and probabilities, and folds class weights into sample
weights. It uses scikit-learn's label utilities, so that targets are checked
and described as every scikit-learn classifier does.

Labels and weights are NumPy arrays, whatever the namespace of ``X``;
outputs are in the network's namespace, on its device, and so are the
predictions decoded from them, but for labels that namespace cannot hold
(strings, objects, unsigned integers), which come back as NumPy arrays.
"""

import numpy as np
import scipy.sparse as sp
from sklearn.utils.class_weight import compute_class_weight
from sklearn.utils.multiclass import (
    check_classification_targets,
    type_of_target,
    unique_labels,
)
from sklearn.utils.validation import _check_sample_weight, column_or_1d

from ._array_api import asnumpy, from_numpy, model_namespace
from ._xp import astype, is_numpy

SINGLE_LABEL = "single"
MULTILABEL = "multilabel-indicator"


def check_targets(y, estimator_name):
    """Check that ``y`` holds classification targets; say which kind.

    Returns ``y`` (a 1-D array, or a dense 2-D indicator matrix) and whether
    it is a multilabel indicator matrix.
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
    if target_type not in ("binary", "multiclass", MULTILABEL):
        raise ValueError(
            f"{estimator_name} supports binary, multiclass and "
            f"multilabel-indicator targets, got {target_type!r}."
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
    if len(classes) < 2:
        found = (
            f"only one class: {format_labels(classes[:1])}"
            if len(classes)
            else "no class at all (classes is empty)"
        )
        raise ValueError(
            f"The classifier needs samples of at least 2 classes, but the data "
            f"contains {found}."
        )
    unknown = np.setdiff1d(unique_labels(y), classes)
    if unknown.size:
        raise ValueError(
            f"y contains labels {format_labels(unknown)} that are not in "
            f"classes={format_labels(classes)}."
        )
    label_index = np.searchsorted(classes, y)
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
    if output.shape[1] == 1:
        index = astype(output[:, 0] > 0.5, integers, xp)
    else:
        index = xp.argmax(output, axis=1)
    if is_numpy(xp):
        return classes[index]
    if classes.dtype.kind not in "bif":
        return classes[asnumpy(index)]
    return xp.take(from_numpy(classes, xp, output.device), index, axis=0)


def probabilities(output, multilabel, out_activation):
    """``predict_proba`` from the network's outputs (``output`` is reused).

    Binary models give ``[1 - p, p]``; independent logistic outputs of a
    multiclass model (the squared error) are normalised to sum to one, a row of
    zeros becoming uniform; softmax and multilabel outputs are returned as
    they are.
    """
    xp = model_namespace(output)
    if multilabel:
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
