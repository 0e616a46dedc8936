"""Labels and outputs of the classifier (``_targets``), on their own."""

import numpy as np
import pytest

from sklearn_sigmoid_mlp._targets import ClassTargets, targets_of_call


def test_binary_multiclass_and_multilabel_layouts():
    binary = ClassTargets(np.array([3, 7]), False, "log_loss")
    assert (binary.n_outputs, binary.out_activation) == (1, "logistic")
    encoded, index = binary.encode(np.array([7, 3, 7]), np.float32)
    assert encoded.dtype == np.float32
    np.testing.assert_array_equal(encoded[:, 0], [1, 0, 1])
    np.testing.assert_array_equal(index, [1, 0, 1])
    np.testing.assert_array_equal(binary.decode(np.array([[0.9], [0.2]])), [7, 3])
    np.testing.assert_allclose(
        binary.probabilities(np.array([[0.9]])), [[0.1, 0.9]], rtol=1e-12
    )
    squared = ClassTargets(np.arange(3), False, "squared_error")
    assert (squared.n_outputs, squared.out_activation) == (3, "logistic")
    np.testing.assert_allclose(
        squared.probabilities(np.array([[0.2, 0.2, 0.6], [0.0, 0.0, 0.0]])),
        [[0.2, 0.2, 0.6], [1 / 3, 1 / 3, 1 / 3]],
    )
    multilabel = ClassTargets(np.arange(2), True, "log_loss")
    assert multilabel.target_type == "multilabel-indicator"
    encoded, index = multilabel.encode(np.array([[1, 0], [1, 1]]), np.float64)
    assert index is None and encoded.shape == (2, 2)


def test_weights_fold_in_class_weights_and_count_for_partial_fit():
    targets = ClassTargets(np.array([0, 1]), False, "log_loss", "balanced")
    labels = np.array([0, 0, 0, 1])
    _, index = targets.encode(labels, np.float64)
    weights, class_weights, counts = targets.weights(None, 4, np.float64, index)
    np.testing.assert_allclose(class_weights, [4 / 6, 2.0])
    np.testing.assert_allclose(weights, [4 / 6, 4 / 6, 4 / 6, 2.0])
    np.testing.assert_array_equal(counts, [3, 1])
    _, _, counts = targets.weights(None, 4, np.float64, index, counts)
    np.testing.assert_array_equal(counts, [6, 2])
    plain = ClassTargets(np.array([0, 1]), False, "log_loss")
    weights, class_weights, counts = plain.weights([1, 2, 3, 4], 4, np.float32, index)
    assert class_weights is None and counts is None and weights.dtype == np.float32


def test_validation_targets_are_checked_like_y():
    targets = ClassTargets(np.array(["a", "b", "c"]), False, "log_loss")
    _, y, weight = targets.validation(np.array(["b", "c"]), None, 2, np.float64, None)
    np.testing.assert_array_equal(y, [[0, 1, 0], [0, 0, 1]])
    np.testing.assert_array_equal(weight, [1, 1])
    with pytest.raises(ValueError, match=r"y_val has labels \['z'\]"):
        targets.validation(np.array(["a", "z"]), None, 2, np.float64, None)
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        targets.validation(np.array(["a", "b"]), None, 3, np.float64, None)
    with pytest.raises(ValueError, match="Invalid sample_weight_val"):
        targets.validation(np.array(["a", "b"]), [1.0, -1.0], 2, np.float64, None)
    assert targets.score(np.array(["a", "b"]), np.eye(3)[[0, 2]], None) == 0.5


def test_targets_of_call_first_and_continuing_calls():
    _, targets = targets_of_call(
        np.array([1, 2, 2]), None, "log_loss", None, None, False
    )
    np.testing.assert_array_equal(targets.classes, [1, 2])
    with pytest.raises(ValueError, match="classes must be passed"):
        targets_of_call(np.array([1, 2]), None, "log_loss", None, None, True)
    with pytest.raises(ValueError, match="warm_start can only be used"):
        targets_of_call(np.array([1, 1]), None, "log_loss", None, targets, False)
    # partial_fit may see a subset of the classes
    _, same = targets_of_call(np.array([1, 1]), None, "log_loss", None, targets, True)
    assert same is targets
    softmax = ClassTargets(np.arange(3), False, "log_loss")
    with pytest.raises(ValueError, match="softmax output"):
        targets_of_call(np.arange(3), None, "squared_error", None, softmax, False)
    with pytest.raises(ValueError, match="multilabel"):
        targets_of_call(np.eye(3), None, "log_loss", None, softmax, True)
