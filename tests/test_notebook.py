"""Fidelity to the original notebook's network (shared/reference).

The notebook's ``NeuralNetwork`` is re-implemented in ``notebook_reference.py``
from the reference text (the benchmark times the same copy), with its own
math (``1 / (1 + exp(-x))``, the derivative ``exp(-x) / (exp(-x) + 1) ** 2``
of the pre-activation, outer-product updates,
per-sample SGD in order). Its weights are drawn as the notebook draws them after
``np.random.seed(seed)``, but from a local ``RandomState(seed)``, which gives the
same numbers without touching NumPy's global state.
"""

import numpy as np
import pytest
import scipy.sparse as sp
from notebook_reference import NotebookNetwork
from sklearn.datasets import load_digits

from sklearn_sigmoid_mlp import NOTEBOOK_PARAMS, SigmoidMLPClassifier
from sklearn_sigmoid_mlp._losses import Objective
from sklearn_sigmoid_mlp._network import init_parameters
from sklearn_sigmoid_mlp._optimizers import SGD, init_state
from sklearn_sigmoid_mlp._parameters import Parameters
from sklearn_sigmoid_mlp._schedules import Constant
from sklearn_sigmoid_mlp._training import Trainer, TrainingData

SIZES = [784, 128, 64, 10]
# NOTEBOOK_PARAMS trains for a fixed number of epochs: every fit ends at
# max_iter, with scikit-learn's ConvergenceWarning; small products run with
# one BLAS thread (conftest.py)
pytestmark = [
    pytest.mark.filterwarnings(
        "ignore:Stochastic Optimizer:sklearn.exceptions.ConvergenceWarning"
    ),
    pytest.mark.usefixtures("single_blas_thread"),
]

SEED = 3
N_TRAIN = 300
N_TEST = 100
MAX_RELATIVE_DIFFERENCE = 1e-10


def mnist_like_data():
    """Rows of 784 features in ``[0, 1]``: digits upsampled to 28 x 28.

    Returns
    -------
    X_train, X_test : ndarray of shape (N_TRAIN, 784), (N_TEST, 784)
        Pixel intensities.
    labels_train, labels_test : ndarray of int
        Digits 0-9; every class is in the training rows.
    Y_train, Y_test : ndarray of int
        The notebook's one-hot encoding of the labels.
    """
    digits = load_digits()
    pixel = (np.arange(28) * 8) // 28  # nearest-neighbour upsampling 8 -> 28
    images = digits.images[: N_TRAIN + N_TEST][:, pixel][:, :, pixel] / 16.0
    X = images.reshape(len(images), 784)
    labels = digits.target[: N_TRAIN + N_TEST]
    one_hot = np.zeros((len(labels), 10), dtype=int)
    one_hot[np.arange(len(labels)), labels] = 1
    assert len(np.unique(labels[:N_TRAIN])) == 10
    return (
        X[:N_TRAIN],
        X[N_TRAIN:],
        labels[:N_TRAIN],
        labels[N_TRAIN:],
        one_hot[:N_TRAIN],
        one_hot[N_TRAIN:],
    )


def max_relative_difference(actual, expected):
    """``max |actual - expected| / max |expected|``."""
    return float(np.max(np.abs(actual - expected)) / np.max(np.abs(expected)))


def test_notebook_initial_weights():
    """``weight_init="notebook"`` draws exactly the notebook's initial weights."""
    notebook = NotebookNetwork(SEED)
    coefs, intercepts = init_parameters(
        SIZES, "notebook", np.random.RandomState(SEED), np.float64
    )
    for coef, weights in zip(coefs, notebook.weights()):
        assert coef.shape == weights.T.shape
        np.testing.assert_array_equal(coef, weights.T)
    for intercept in intercepts:
        assert not intercept.any()


@pytest.mark.parametrize("target", ["labels", "one_hot"])
@pytest.mark.parametrize("input_format", ["dense", "csr"])
def test_one_epoch_equals_the_notebook(target, input_format):
    """One epoch with NOTEBOOK_PARAMS gives the notebook's weights, transposed.

    The notebook's one-hot targets and the integer labels both give the same
    ten sigmoid outputs; CSR input goes through the sparse update.
    """
    X_train, X_test, labels, _, Y_train, Y_test = mnist_like_data()
    notebook = NotebookNetwork(SEED)
    notebook.train(X_train, Y_train, X_test, Y_test, epochs=1)
    expected = notebook.weights()

    X = sp.csr_matrix(X_train) if input_format == "csr" else X_train
    y = labels if target == "labels" else Y_train
    # NOTEBOOK_PARAMS has max_iter=50: ``**NOTEBOOK_PARAMS, max_iter=1`` would
    # be a TypeError, so the override goes into a merged dict
    params = {**NOTEBOOK_PARAMS, "max_iter": 1}
    clf = SigmoidMLPClassifier(**params, random_state=SEED).fit(X, y)

    assert clf.n_iter_ == 1
    assert clf.t_ == N_TRAIN
    assert len(clf.coefs_) == 3
    differences = []
    for coef, weights in zip(clf.coefs_, expected):
        difference = max_relative_difference(coef, weights.T)
        differences.append(difference)
        assert difference < MAX_RELATIVE_DIFFERENCE
        np.testing.assert_allclose(
            coef, weights.T, rtol=MAX_RELATIVE_DIFFERENCE, atol=1e-14
        )
    print(
        f"\n[{target}, {input_format}] max relative difference per layer: "
        + ", ".join(f"{difference:.3e}" for difference in differences)
        + f"; maximum {max(differences):.3e}"
    )
    # training moved the weights well beyond the tolerance
    initial = NotebookNetwork(SEED).weights()
    for coef, weights in zip(clf.coefs_, initial):
        assert max_relative_difference(coef, weights.T) > 1e3 * MAX_RELATIVE_DIFFERENCE


@pytest.mark.parametrize("path", ["mini_batch", "rank_one", "per_sample_blocks"])
def test_every_step_path_equals_the_notebook(path):
    """Each step path of the engine, named directly, trains the notebook's epoch.

    The estimator takes the per-sample blocks; the engine's other paths (the
    rank-one updates and the full-gradient step) are the same arithmetic.
    """
    X_train, X_test, _, _, Y_train, Y_test = mnist_like_data()
    notebook = NotebookNetwork(SEED)
    notebook.train(X_train, Y_train, X_test, Y_test, epochs=1)
    coefs, intercepts = init_parameters(
        SIZES, "notebook", np.random.RandomState(SEED), np.float64
    )
    params = Parameters.packed(coefs, intercepts, False, xp=np)
    state = init_state("sgd", params.n_trained, np.float64, 0.001, xp=np)
    sgd = SGD(state, Constant(), 0.0, False, xp=np)
    data = TrainingData(X_train, Y_train.astype(float), np.ones(N_TRAIN))
    trainer = Trainer(
        params, Objective("squared_error", "logistic"), sgd, 1, step_path=path
    )
    result = trainer.run(
        data, 1, [], samples_seen=0, rng=np.random.RandomState(0), shuffle=False
    )
    assert result.n_epochs == 1
    for coef, weights in zip(params.coefs, notebook.weights()):
        assert max_relative_difference(coef, weights.T) < MAX_RELATIVE_DIFFERENCE


@pytest.mark.parametrize("learning_rate", [0.001, 0.3])
def test_two_epochs_accuracy_equals_the_notebook(learning_rate):
    """Per-epoch test accuracy and predictions of two epochs match the notebook.

    At the notebook's rate of 0.001 two epochs over 300 rows barely move the
    predictions; at 0.3 they change from epoch to epoch, so the comparison
    has something to compare.
    """
    X_train, X_test, labels, labels_test, Y_train, Y_test = mnist_like_data()
    notebook = NotebookNetwork(SEED, learning_rate=learning_rate)
    params = {
        **NOTEBOOK_PARAMS,
        "learning_rate_init": learning_rate,
        "max_iter": 1,
        "warm_start": True,
    }
    clf = SigmoidMLPClassifier(**params, random_state=SEED)
    notebook_accuracies, accuracies = [], []
    for _ in range(2):
        notebook_accuracies += notebook.train(
            X_train, Y_train, X_test, Y_test, epochs=1
        )
        clf.fit(X_train, labels)
        accuracies.append(clf.score(X_test, labels_test))
        np.testing.assert_array_equal(clf.predict(X_test), notebook.predict(X_test))
    notebook_accuracies = [float(accuracy) for accuracy in notebook_accuracies]
    print(
        f"\nlearning rate {learning_rate}: per-epoch accuracy notebook "
        f"{notebook_accuracies}, ours {accuracies}"
    )
    assert len(clf.loss_curve_) == 2
    assert accuracies == pytest.approx(notebook_accuracies, abs=1e-12)
    if learning_rate > 0.1:
        assert accuracies[1] != accuracies[0]
        assert len(np.unique(clf.predict(X_test))) >= 5
    for coef, weights in zip(clf.coefs_, notebook.weights()):
        assert max_relative_difference(coef, weights.T) < MAX_RELATIVE_DIFFERENCE

    # two epochs in one call are the same two epochs
    params = {**params, "max_iter": 2, "warm_start": False}
    two_epochs = SigmoidMLPClassifier(**params, random_state=SEED).fit(X_train, labels)
    for coef, continued in zip(two_epochs.coefs_, clf.coefs_):
        np.testing.assert_allclose(coef, continued, rtol=1e-12, atol=1e-15)
