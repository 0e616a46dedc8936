"""Validation data: the caller's ``X_val``, or rows held out of the training set.

``fit(X, y, X_val=..., y_val=...)`` scores the model on the caller's
validation set after every epoch: :func:`check_presence` says whether a call
has one, the estimator checks ``X_val`` as it checks ``X`` and its targets
check ``y_val``, and :func:`validation_set` gathers them on the device.
Without it, ``early_stopping=True`` holds out a fraction of the training rows
(:func:`hold_out`, :func:`held_out`), stratified by class, with the same
split on every call of a warm-started model. A split that cannot be made (a
class with a single member, fewer than two validation rows) is an error,
never a silent fallback. :func:`scorer` scores the current weights on the
validation rows with the functions it is given.

Nothing here reads or writes the estimator: the functions take arrays and
functions.
"""

import warnings
from dataclasses import dataclass, replace

import numpy as np
import scipy.sparse as sp
from sklearn.model_selection import train_test_split
from sklearn.utils.validation import _get_feature_names, check_array

from ._array_api import asnumpy, from_numpy, library_name, namespace_and_device
from ._warnings import user_stacklevel
from ._xp import astype


@dataclass
class ValidationSet:
    """The validation rows of a training call.

    ``X`` and ``y`` are the network's inputs and targets, ``labels`` the
    targets in the caller's form (on the host), ``sample_weight`` the weights
    of the scores (times the class weights), ``metadata`` what scikit-learn's
    callbacks see (the caller's sample weights, or None).
    """

    X: object
    y: object
    labels: np.ndarray
    sample_weight: object
    metadata: dict | None = None

    @property
    def seen(self):
        """``(X, labels, metadata)``: the data the callbacks' hooks get."""
        return self.X, self.labels, self.metadata


def check_presence(X_val, y_val, sample_weight_val):
    """Whether a call has validation data; an error for an incomplete set.

    Examples
    --------
    >>> from sklearn_sigmoid_mlp._validation import check_presence
    >>> check_presence(None, None, None)
    False
    >>> check_presence([[0.0]], None, None)
    Traceback (most recent call last):
    ...
    ValueError: X_val is provided, but y_val was not provided.
    """
    if X_val is None and y_val is None:
        if sample_weight_val is not None:
            raise ValueError(
                "sample_weight_val is provided, but X_val and y_val were not."
            )
        return False
    if y_val is None:
        raise ValueError("X_val is provided, but y_val was not provided.")
    if X_val is None:
        raise ValueError("y_val is provided, but X_val was not provided.")
    return True


def check_namespace(X_val, xp, device):
    """Raise unless ``X_val`` is in namespace ``xp`` on ``device`` (those of X)."""
    val_xp, val_device = namespace_and_device(X_val)
    if val_xp is not xp or val_device != device:
        raise ValueError(
            f"X_val must be in the namespace and on the device of X: X is "
            f"{library_name(xp)} on {device}, X_val {library_name(val_xp)} on "
            f"{val_device}."
        )


def check_X_val(
    X_val, *, n_features, feature_names, dtypes, dtype, xp, device, estimator_name
):
    """``X_val`` checked as ``X`` is, in X's dtype; sparse as CSR.

    Parameters
    ----------
    X_val : {array-like, sparse matrix} of shape (n_val, n_features)
        The caller's validation inputs.
    n_features : int
        The number of features of ``X``.
    feature_names : ndarray of str or None
        The feature names of ``X`` (``feature_names_in_``), None without.
    dtypes : list of dtype
        The floating dtypes accepted (see ``_array_api.float_dtypes``).
    dtype : dtype
        The dtype of ``X``, which ``X_val`` is given.
    xp, device : namespace and device
        Those of ``X``.
    estimator_name : str
        The estimator's name, for messages.
    """
    check_namespace(X_val, xp, device)
    given = X_val
    X_val = check_array(
        X_val,
        accept_sparse=["csr", "csc"],
        dtype=dtypes,
        input_name="X_val",
        estimator=estimator_name,
    )
    if X_val.shape[1] != n_features:
        raise ValueError(
            f"X_val has {X_val.shape[1]} features, but {estimator_name} was "
            f"fitted on X with {n_features} features."
        )
    check_feature_names(given, feature_names, estimator_name)
    if X_val.dtype != dtype:
        X_val = astype(X_val, dtype, xp)
    if sp.issparse(X_val) and X_val.format != "csr":
        X_val = X_val.tocsr()
    return X_val


def check_feature_names(X_val, feature_names, estimator_name):
    """Compare the feature names of ``X_val`` with those of ``X``.

    As ``predict`` compares those of its ``X`` (scikit-learn's
    ``validate_data(reset=False)``), in messages that name ``X_val``: a
    warning when only one of them has feature names, a :class:`ValueError`
    when the names differ, or come in another order.

    Parameters
    ----------
    X_val : {array-like, sparse matrix, dataframe}
        The caller's validation inputs, as given.
    feature_names : ndarray of str or None
        The feature names of ``X``, None without.
    estimator_name : str
        The estimator's name, for messages.

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> from sklearn_sigmoid_mlp._validation import check_feature_names
    >>> X_val = pd.DataFrame({"a": [0.0], "c": [1.0]})
    >>> check_feature_names(X_val, np.array(["a", "b"]), "SigmoidMLPClassifier")
    Traceback (most recent call last):
    ...
    ValueError: The feature names of X_val should match those of X, passed to fit.
    Feature names of X_val not in X:
    - c
    Feature names of X missing from X_val:
    - b
    """
    try:
        names = _get_feature_names(X_val)
    except TypeError as error:
        raise TypeError(f"X_val: {error}") from error
    if names is None and feature_names is None:
        return
    if feature_names is None:
        warnings.warn(
            f"X_val has feature names, but {estimator_name} was fitted on an X "
            "without feature names",
            UserWarning,
            stacklevel=user_stacklevel(),
        )
        return
    if names is None:
        warnings.warn(
            f"X_val does not have valid feature names, but {estimator_name} was "
            "fitted on an X with feature names",
            UserWarning,
            stacklevel=user_stacklevel(),
        )
        return
    if len(names) == len(feature_names) and np.all(names == feature_names):
        return
    message = "The feature names of X_val should match those of X, passed to fit.\n"
    unexpected = sorted(set(names) - set(feature_names))
    missing = sorted(set(feature_names) - set(names))
    if unexpected:
        message += "Feature names of X_val not in X:\n" + _listed(unexpected)
    if missing:
        message += "Feature names of X missing from X_val:\n" + _listed(missing)
    if not unexpected and not missing:
        message += "Feature names of X_val must be in the order of those of X.\n"
    raise ValueError(message)


def _listed(names, at_most=5):
    """One ``- name`` line per name, the first ``at_most`` of them."""
    lines = [f"- {name}\n" for name in names[:at_most]]
    if len(names) > at_most:
        lines.append("- ...\n")
    return "".join(lines)


def validation_set(X_val, labels, y, sample_weight, sample_weight_val, xp, device):
    """The checked validation rows, with what the network needs on the device.

    ``X_val`` is checked and in the namespace ``xp``; ``labels``, ``y`` (the
    encoded targets) and ``sample_weight`` (the effective weights) are NumPy
    arrays, moved to ``device``; ``sample_weight_val`` is the caller's, for
    the callbacks.
    """
    metadata = None
    if sample_weight_val is not None:
        metadata = {"sample_weight": np.asarray(asnumpy(sample_weight_val))}
    y, sample_weight = (from_numpy(a, xp, device) for a in (y, sample_weight))
    return ValidationSet(X_val, y, labels, sample_weight, metadata)


def held_out(data, validation_fraction, seed):
    """The training rows, and the rows early stopping holds out of them.

    Parameters
    ----------
    data : TrainingData
        What the call trains on (see ``_training``), with ``label_index``
        to stratify by (None: no stratification).
    validation_fraction : float
        The fraction of the rows to hold out.
    seed : int
        The split's random seed, fixed at the model's first fit.

    Returns
    -------
    data : TrainingData
        ``data`` with ``train_index`` set to the training rows.
    validation : ValidationSet
        The held-out rows.
    """
    train_index, val_index = hold_out(
        asnumpy(data.sample_weight), data.label_index, validation_fraction, seed
    )
    caller_weight = None if data.metadata is None else data.metadata["sample_weight"]
    validation = ValidationSet(
        X=data.X[val_index],
        y=data.y[val_index],
        labels=data.labels[val_index],
        sample_weight=data.sample_weight[val_index],
        metadata=_rows_of_metadata(caller_weight, val_index),
    )
    return replace(data, train_index=train_index), validation


def scorer(validation, predict, score, loss, xp):
    """A function that scores the current weights on the validation rows.

    Parameters
    ----------
    validation : ValidationSet
        The rows.
    predict : callable
        ``predict(X) -> output``: the network's output for rows ``X``.
    score : callable
        ``score(labels, output, sample_weight) -> float``, higher is better
        (the accuracy of a classifier), with NumPy weights.
    loss : callable
        ``loss(y, output, sample_weight, xp=xp) -> float``, the data term of
        the objective.
    xp : namespace
        The namespace of the network.

    Returns
    -------
    scorer : callable
        ``scorer() -> (score, loss)``, from one forward pass.
    """
    # the score is counted on the host, where the labels are
    host_weight = asnumpy(validation.sample_weight)

    def score_and_loss():
        output = predict(validation.X)
        value = loss(validation.y, output, validation.sample_weight, xp=xp)
        return score(validation.labels, output, host_weight), value

    return score_and_loss


def training_rows(data):
    """The training data as the callbacks see it: the rows trained on.

    With rows held out for early stopping, the training rows of X are
    gathered once, and only if a callback asks for X.
    """
    if data.train_index is None:
        return data.X, data.labels, data.metadata
    index = data.train_index
    caller_weight = None if data.metadata is None else data.metadata["sample_weight"]
    rows = []

    def X_train():
        if not rows:
            rows.append(data.X[index])
        return rows[0]

    return X_train, data.labels[index], _rows_of_metadata(caller_weight, index)


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
