"""Validation data: the caller's ``X_val``, or rows held out of the training set.

``fit(X, y, X_val=..., y_val=...)`` scores the model on the caller's
validation set after every epoch (:func:`validation_set` checks it as ``X``
and ``y`` are checked; :func:`validation_score` scores it). Without it,
``early_stopping=True`` holds out a fraction of the training rows
(:func:`hold_out`, :func:`held_out`), stratified by class, with the same
split on every call of a warm-started model. A split that
cannot be made (a class with a single member, fewer than two validation
rows) is an error, never a silent fallback.
"""

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from sklearn.metrics import accuracy_score
from sklearn.model_selection import train_test_split
from sklearn.utils.validation import check_array, check_consistent_length, validate_data

from . import _targets
from ._array_api import (
    asnumpy,
    float_dtypes,
    from_numpy,
    library_name,
    model_namespace,
    namespace_and_device,
    numpy_dtype,
)
from ._losses import loss_function
from ._xp import astype


@dataclass
class ValidationSet:
    """The validation rows of a training call.

    ``X`` and ``y`` are the network's inputs and 0/1 targets, ``labels`` the
    targets in the caller's form, ``sample_weight`` the weights of the
    scores (times the class weights), ``metadata`` what scikit-learn's
    callbacks see (the caller's sample weights, or None).
    """

    X: object
    y: np.ndarray
    labels: np.ndarray
    sample_weight: np.ndarray
    metadata: dict | None = None

    @property
    def seen(self):
        """``(X, labels, metadata)``: the data the callbacks' hooks get."""
        return self.X, self.labels, self.metadata


def validation_set(
    estimator, X_val, y_val, sample_weight_val, X_dtype, xp, device, weights
):
    """Check fit's ``X_val``, ``y_val`` and ``sample_weight_val``.

    They are checked as ``X``, ``y`` and ``sample_weight`` are: the same
    features, labels among the model's classes, finite values, ``X_val`` in
    the namespace and on the device of ``X``; labels and weights on the host.

    Parameters
    ----------
    estimator : estimator instance
        The model, with ``n_features_in_``, ``classes_`` and its target type
        set by this call's checks of ``X`` and ``y``.
    X_val : {array-like, sparse matrix} of shape (n_val, n_features) or None
        Validation inputs: the same features as ``X``, finite.
    y_val : array-like of shape (n_val,) or (n_val, n_labels) or None
        Validation targets: labels among ``classes_`` (or an indicator matrix
        with as many columns, for a multilabel model).
    sample_weight_val : array-like of shape (n_val,) or None
        Non-negative weights of the validation rows; None means all ones.
    X_dtype : dtype
        The dtype of ``X`` (the network's), which ``X_val`` is given.
    xp, device : namespace and device
        Those of ``X`` (see ``_array_api``).
    weights : ndarray of shape (n_classes,) or None
        The weight of each class (``class_weight``), multiplied into the
        sample weights as for the training rows.

    Returns
    -------
    validation : ValidationSet or None
        With the network's inputs, targets and weights on the device; None
        when no validation data is given.
    """
    if X_val is None and y_val is None:
        if sample_weight_val is not None:
            raise ValueError(
                "sample_weight_val is provided, but X_val and y_val were not."
            )
        return None
    if y_val is None:
        raise ValueError("X_val is provided, but y_val was not provided.")
    if X_val is None:
        raise ValueError("y_val is provided, but X_val was not provided.")
    val_xp, val_device = namespace_and_device(X_val)
    if val_xp is not xp or val_device != device:
        raise ValueError(
            f"X_val must be in the namespace and on the device of X: X is "
            f"{library_name(xp)} on {device}, X_val {library_name(val_xp)} on "
            f"{val_device}."
        )
    X_val = _check_X_val(estimator, X_val, xp, float_dtypes(xp, device), X_dtype)
    dtype = numpy_dtype(X_dtype)
    y_val, sample_weight_val = asnumpy(y_val), asnumpy(sample_weight_val)
    labels, y, label_index = _check_y_val(estimator, X_val, y_val, dtype)
    try:
        sample_weight = _targets.sample_weights(
            sample_weight_val, X_val.shape[0], dtype
        )
        if weights is not None:
            sample_weight = _targets.apply_class_weights(
                sample_weight, weights, label_index, estimator.class_weight
            )
    except ValueError as error:
        raise ValueError(f"Invalid sample_weight_val: {error}") from error
    metadata = None
    if sample_weight_val is not None:
        metadata = {"sample_weight": np.asarray(sample_weight_val)}
    y, sample_weight = (from_numpy(a, xp, device) for a in (y, sample_weight))
    return ValidationSet(X_val, y, labels, sample_weight, metadata)


def _check_X_val(estimator, X_val, xp, dtypes, X_dtype):
    """``X_val`` checked like ``X``, in X's dtype; sparse as CSR."""
    given = X_val
    X_val = check_array(
        X_val,
        accept_sparse=["csr", "csc"],
        dtype=dtypes,
        input_name="X_val",
        estimator=estimator,
    )
    if X_val.shape[1] != estimator.n_features_in_:
        raise ValueError(
            f"X_val has {X_val.shape[1]} features, but "
            f"{type(estimator).__name__} was fitted on X with "
            f"{estimator.n_features_in_} features."
        )
    # feature names, checked against those of X (a warning, as for predict)
    validate_data(estimator, given, skip_check_array=True, reset=False)
    if X_val.dtype != X_dtype:
        X_val = astype(X_val, X_dtype, xp)
    if sp.issparse(X_val) and X_val.format != "csr":
        X_val = X_val.tocsr()
    return X_val


def _check_y_val(estimator, X_val, y_val, dtype):
    """The checked labels of ``y_val``, their 0/1 encoding and class indices."""
    y_val = check_array(
        y_val,
        accept_sparse="csr",
        ensure_2d=False,
        dtype=None,
        input_name="y_val",
        estimator=estimator,
    )
    check_consistent_length(X_val, y_val)
    labels, multilabel = _targets.check_targets(y_val, type(estimator).__name__)
    trained_multilabel = estimator._target_type == _targets.MULTILABEL
    if multilabel != trained_multilabel:
        raise ValueError(
            f"y_val is {'' if multilabel else 'not '}a multilabel indicator "
            f"matrix, but y is{'' if trained_multilabel else ' not'}."
        )
    classes = estimator.classes_
    if not multilabel:
        unknown = np.setdiff1d(np.unique(labels), classes)
        if unknown.size:
            raise ValueError(
                f"y_val has labels {_targets.format_labels(unknown)} that are not "
                f"among the classes of y, {_targets.format_labels(classes)}."
            )
    try:
        y, label_index = _targets.encode(labels, classes, multilabel, dtype)
    except ValueError as error:
        raise ValueError(f"Invalid y_val: {error}") from error
    return labels, y, label_index


def held_out(estimator, data):
    """The training rows, and the rows early stopping holds out of them.

    ``data`` is what the estimator trains on (see ``BaseSigmoidMLP._train``);
    the split is :func:`hold_out`'s, with the seed fixed at the first fit.
    Returns the training rows' indices and a :class:`ValidationSet`.
    """
    X, y, labels, sample_weight, label_index, metadata = data
    train_index, val_index = hold_out(
        sample_weight,
        label_index,
        estimator.validation_fraction,
        estimator._validation_seed,
    )
    caller_weight = None if metadata is None else metadata["sample_weight"]
    validation = ValidationSet(
        X=X[val_index],
        y=y[val_index],
        labels=labels[val_index],
        sample_weight=sample_weight[val_index],
        metadata=_rows_of_metadata(caller_weight, val_index),
    )
    return train_index, validation


def start_validation_record(estimator, validation):
    """Set up ``validation_scores_`` and ``validation_loss_curve_`` for a call.

    Lists when the call has validation data, continued from a warm-started
    call that had some too; None otherwise.
    """
    if validation is None:
        estimator.validation_scores_ = estimator.validation_loss_curve_ = None
        return
    if estimator.validation_scores_ is None:
        estimator.validation_scores_ = []
    if getattr(estimator, "validation_loss_curve_", None) is None:
        # a model pickled before validation losses were recorded
        estimator.validation_loss_curve_ = [np.nan] * len(estimator.validation_scores_)


def validation_score(estimator, validation):
    """A function that scores the current weights on the validation rows.

    It returns the accuracy and records the loss (the data term of the
    objective, without the L2 penalty) in ``validation_loss_curve_``; one
    forward pass gives both.
    """
    loss = loss_function(estimator.loss, estimator.out_activation_)
    multilabel = estimator._target_type == _targets.MULTILABEL
    losses = estimator.validation_loss_curve_
    xp = model_namespace(estimator.coefs_[0])
    # the accuracy is counted on the host, where the labels are
    weight = asnumpy(validation.sample_weight)

    def score():
        output = estimator._forward_output(validation.X)
        losses.append(loss(validation.y, output, validation.sample_weight, xp=xp))
        predicted = asnumpy(_targets.decode(output, estimator.classes_, multilabel))
        return accuracy_score(validation.labels, predicted, sample_weight=weight)

    return score


def training_rows(X, labels, metadata, train_index):
    """The training data as the callbacks see it: the rows trained on.

    With rows held out for early stopping, the training rows of X are
    gathered once, and only if a callback asks for X.
    """
    if train_index is None:
        return X, labels, metadata
    caller_weight = None if metadata is None else metadata["sample_weight"]
    rows = []

    def X_train():
        if not rows:
            rows.append(X[train_index])
        return rows[0]

    return X_train, labels[train_index], _rows_of_metadata(caller_weight, train_index)


def _rows_of_metadata(sample_weight, index):
    """The callbacks' metadata of some rows: the caller's sample weights."""
    if sample_weight is None:
        return None
    return {"sample_weight": np.asarray(sample_weight)[index]}


def hold_out(sample_weight, label_index, validation_fraction, seed):
    """Split the rows into training and validation rows.

    Parameters
    ----------
    sample_weight : ndarray of shape (n_samples,)
        The sample weights; each part must have a sample of positive weight.
    label_index : ndarray of shape (n_samples,) or None
        Each sample's class index, to stratify by; None for multilabel
        targets, which are split without stratification. Every class needs
        at least two members.
    validation_fraction : float
        The fraction of the rows to hold out.
    seed : int
        The split's random seed, fixed at the model's first fit.

    Returns
    -------
    train_index : ndarray
        The training rows, sorted.
    val_index : ndarray
        The validation rows.
    """
    n_samples = len(sample_weight)
    # as in MLPClassifier, a split that cannot be made is an error: a class
    # with a single member cannot be stratified, and a score on fewer than two
    # rows means nothing
    try:
        train_index, val_index = train_test_split(
            np.arange(n_samples),
            test_size=validation_fraction,
            random_state=seed,
            stratify=label_index,
        )
    except ValueError as error:
        raise ValueError(
            f"early_stopping cannot hold out validation_fraction="
            f"{validation_fraction} of {n_samples} samples: {error}"
        ) from error
    if len(val_index) < 2:
        raise ValueError(
            f"The validation set is too small: validation_fraction="
            f"{validation_fraction} of {n_samples} samples holds out "
            f"{len(val_index)}. Increase 'validation_fraction' or the size of "
            "your dataset, or set early_stopping=False."
        )
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
    return np.sort(train_index), val_index
