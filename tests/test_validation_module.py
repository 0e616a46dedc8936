"""Validation rows (``_validation``) on plain arrays, without an estimator."""

import numpy as np
import pytest

from sklearn_sigmoid_mlp._training import TrainingData
from sklearn_sigmoid_mlp._validation import (
    ValidationSet,
    check_presence,
    held_out,
    hold_out,
    scorer,
    training_rows,
)


def data(n=40, weighted=False):
    labels = np.arange(n) % 2
    weight = np.arange(1.0, n + 1.0)
    metadata = {"sample_weight": weight} if weighted else None
    return TrainingData(
        np.arange(2.0 * n).reshape(n, 2),
        np.eye(2)[labels],
        weight,
        labels=labels,
        label_index=labels,
        metadata=metadata,
    )


def test_check_presence():
    assert check_presence(None, None, None) is False
    assert check_presence([[0.0]], [0], None) is True
    for args, message in [
        (([[0.0]], None, None), "X_val is provided, but y_val"),
        ((None, [0], None), "y_val is provided, but X_val"),
        ((None, None, [1.0]), "sample_weight_val is provided"),
    ]:
        with pytest.raises(ValueError, match=message):
            check_presence(*args)


def test_held_out_rows_are_stratified_disjoint_and_reproducible():
    train, validation = held_out(data(weighted=True), 0.25, seed=3)
    assert len(train.train_index) == 30 and len(validation.labels) == 10
    assert np.bincount(validation.labels).tolist() == [5, 5]
    val_rows = validation.X[:, 0] / 2
    assert not set(val_rows) & set(train.train_index)
    np.testing.assert_array_equal(validation.metadata["sample_weight"], val_rows + 1)
    again, _ = held_out(data(weighted=True), 0.25, seed=3)
    np.testing.assert_array_equal(again.train_index, train.train_index)


def test_hold_out_refuses_a_split_that_cannot_be_made():
    with pytest.raises(ValueError, match="validation set is too small"):
        hold_out(np.ones(10), None, 0.1, 0)
    with pytest.raises(ValueError, match="cannot hold out"):
        hold_out(np.ones(10), np.r_[np.zeros(9), 1].astype(int), 0.2, 0)


def test_training_rows_gather_x_only_when_asked():
    train, _ = held_out(data(weighted=True), 0.25, seed=0)
    X, labels, metadata = training_rows(train)
    assert callable(X)
    np.testing.assert_array_equal(X(), train.X[train.train_index])
    assert X() is X()
    np.testing.assert_array_equal(labels, train.labels[train.train_index])
    assert len(metadata["sample_weight"]) == 30
    plain = data()
    assert training_rows(plain)[0] is plain.X


def test_scorer_uses_the_functions_it_is_given():
    validation = ValidationSet(
        X=np.ones((3, 2)),
        y=np.eye(2)[[0, 1, 1]],
        labels=np.array([0, 1, 1]),
        sample_weight=np.array([1.0, 1.0, 2.0]),
    )
    seen = {}

    def predict(X):
        seen["X"] = X
        return np.full((3, 2), 0.5)

    def score(labels, output, weight):
        seen["weight"] = weight
        return 0.75

    def loss(y, output, weight, *, xp):
        return float(xp.sum(weight))

    score_and_loss = scorer(validation, predict, score, loss, np)
    assert score_and_loss() == (0.75, 4.0)
    assert seen["X"] is validation.X
    np.testing.assert_array_equal(seen["weight"], [1, 1, 2])
