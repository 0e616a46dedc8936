"""Validation data: the caller's ``X_val``, or rows held out of the training set.

``fit(X, y, X_val=..., y_val=...)`` scores the model on the caller's
validation set after every epoch (:func:`check_validation_set` checks it as
``X`` and ``y`` are checked). Without it, ``early_stopping=True`` holds out
a fraction of the training rows (:func:`hold_out`), stratified by class,
with the same split on every call of a warm-started model. A split that
cannot be made (a class with a single member, fewer than two validation
rows) is an error, never a silent fallback.
"""

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from sklearn.model_selection import train_test_split
from sklearn.utils.validation import check_array, check_consistent_length, validate_data

from . import _targets
from ._array_api import model_namespace, numpy_dtype
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


def check_validation_set(
    estimator, X_val, y_val, sample_weight_val, dtypes, X_dtype, weights
):
    """Check a validation set against a model being fitted.

    Parameters
    ----------
    estimator : estimator instance
        The model, with ``n_features_in_``, ``classes_`` and its target type
        set by this call's checks of ``X`` and ``y``.
    X_val : {array-like, sparse matrix} of shape (n_val, n_features)
        Validation inputs: the same features as ``X``, finite.
    y_val : array-like of shape (n_val,) or (n_val, n_labels)
        Validation targets: labels among ``classes_`` (or an indicator matrix
        with as many columns, for a multilabel model).
    sample_weight_val : array-like of shape (n_val,) or None
        Non-negative weights of the validation rows; None means all ones.
    dtypes : list of dtypes
        The floating dtypes ``X`` may have in its namespace, widest first
        (see ``_array_api.float_dtypes``).
    X_dtype : dtype
        The dtype of ``X`` (the network's), which ``X_val`` is given.
    weights : ndarray of shape (n_classes,) or None
        The weight of each class (``class_weight``), multiplied into the
        sample weights as for the training rows.

    Returns
    -------
    validation : ValidationSet
    """
    name = type(estimator).__name__
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
            f"X_val has {X_val.shape[1]} features, but {name} was fitted on X "
            f"with {estimator.n_features_in_} features."
        )
    # feature names, checked against those of X (a warning, as for predict)
    validate_data(estimator, given, skip_check_array=True, reset=False)
    if X_val.dtype != X_dtype:
        X_val = (
            X_val.astype(X_dtype)
            if sp.issparse(X_val)
            else astype(X_val, X_dtype, model_namespace(X_val))
        )
    dtype = numpy_dtype(X_dtype)
    if sp.issparse(X_val) and X_val.format != "csr":
        X_val = X_val.tocsr()
    y_val = check_array(
        y_val,
        accept_sparse="csr",
        ensure_2d=False,
        dtype=None,
        input_name="y_val",
        estimator=estimator,
    )
    check_consistent_length(X_val, y_val)
    labels, multilabel = _targets.check_targets(y_val, name)
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
    # the weights need the rows' number and dtype: a NumPy stand-in for X_val
    rows = np.empty((X_val.shape[0], 0), dtype)
    try:
        sample_weight = _targets.sample_weights(sample_weight_val, rows)
        if weights is not None:
            sample_weight = _targets.apply_class_weights(
                sample_weight, weights, label_index, estimator.class_weight
            )
    except ValueError as error:
        raise ValueError(f"Invalid sample_weight_val: {error}") from error
    metadata = None
    if sample_weight_val is not None:
        metadata = {"sample_weight": np.asarray(sample_weight_val)}
    return ValidationSet(X_val, y, labels, sample_weight, metadata)


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
