"""The validation data of early stopping: the rows held out of the training set.

With ``early_stopping=True`` a fraction of the training rows is held out,
stratified by class, with the same split on every call of a warm-started
model; the estimator scores its weights on those rows after every epoch. A
split that cannot be made (a class with a single member, fewer than two
validation rows) is an error, never a silent fallback.
"""

import numpy as np
from sklearn.model_selection import train_test_split


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
