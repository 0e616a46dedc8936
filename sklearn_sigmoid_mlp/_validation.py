"""The validation data of early stopping: the rows held out of the training set.

With ``early_stopping=True`` a fraction of the training rows is held out,
stratified by class, with the same split on every call of a warm-started
model; the estimator scores its weights on those rows after every epoch.
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
        targets, which are split without stratification.
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
    # stratify when every class can appear on both sides of the split
    n_samples = len(sample_weight)
    n_val = int(np.ceil(validation_fraction * n_samples))
    stratify = None
    if label_index is not None:
        counts = np.bincount(label_index)
        n_classes = np.count_nonzero(counts)
        if counts[counts > 0].min() >= 2 and min(n_val, n_samples - n_val) >= n_classes:
            stratify = label_index
    try:
        train_index, val_index = train_test_split(
            np.arange(n_samples),
            test_size=validation_fraction,
            random_state=seed,
            stratify=stratify,
        )
    except ValueError as error:
        raise ValueError(
            f"early_stopping cannot hold out validation_fraction="
            f"{validation_fraction} of {n_samples} samples: {error}"
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
    return np.sort(train_index), val_index
