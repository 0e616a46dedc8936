"""Behaviour of SigmoidMLPClassifier: targets, inputs, weights, training."""

import pickle
import re
import warnings
from functools import lru_cache

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from helpers import assert_same_parameters
from sklearn.datasets import (
    load_digits,
    make_classification,
    make_multilabel_classification,
)
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import recall_score
from sklearn.model_selection import cross_val_score
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import MinMaxScaler, StandardScaler
from sklearn.utils._param_validation import InvalidParameterError
from sklearn.utils.class_weight import compute_class_weight

from sklearn_sigmoid_mlp import NOTEBOOK_PARAMS, SigmoidMLPClassifier

# Most tests train for a few epochs on purpose; reaching max_iter is expected.
pytestmark = [
    pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning"),
    pytest.mark.usefixtures("single_blas_thread"),
]

# small and fast: tiny data sets are one batch, so a larger step than the
# default 0.001 lets 200 full-batch Adam steps learn them
SMALL = {"hidden_layer_sizes": (8,), "learning_rate_init": 0.01, "random_state": 0}


def classification_data(n_samples=120, n_classes=3, n_features=6, seed=0):
    """Standardized, fairly separable classification data.

    Returns
    -------
    X : ndarray of shape (n_samples, n_features)
    y : ndarray of shape (n_samples,)
        Integer labels ``0 .. n_classes - 1``.
    """
    X, y = make_classification(
        n_samples=n_samples,
        n_features=n_features,
        n_informative=4,
        n_redundant=0,
        n_classes=n_classes,
        n_clusters_per_class=1,
        class_sep=2.0,
        random_state=seed,
    )
    return StandardScaler().fit_transform(X), y


def multilabel_data(n_samples=100):
    """Standardized multilabel data with 3 labels, as an indicator matrix."""
    X, Y = make_multilabel_classification(
        n_samples=n_samples, n_features=6, n_classes=3, random_state=0
    )
    return StandardScaler().fit_transform(X), Y


# ------------------------------------------------------------------ targets


@pytest.mark.parametrize("loss", ["log_loss", "squared_error"])
def test_binary_target(loss):
    """One logistic output; probabilities of both classes; learns the data."""
    X, y = classification_data(n_classes=2)
    clf = SigmoidMLPClassifier(loss=loss, **SMALL).fit(X, y)
    assert clf.n_outputs_ == 1
    assert clf.out_activation_ == "logistic"
    np.testing.assert_array_equal(clf.classes_, [0, 1])
    proba = clf.predict_proba(X)
    assert proba.shape == (len(X), 2)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    np.testing.assert_array_equal(clf.predict(X), clf.classes_[proba.argmax(axis=1)])
    assert clf.score(X, y) > 0.9


@pytest.mark.parametrize(
    ("loss", "out_activation"), [("log_loss", "softmax"), ("squared_error", "logistic")]
)
def test_multiclass_target(loss, out_activation):
    """One output per class: softmax for log-loss, sigmoids for squared error."""
    X, y = classification_data(n_classes=4)
    clf = SigmoidMLPClassifier(loss=loss, **SMALL).fit(X, y)
    assert clf.n_outputs_ == 4
    assert clf.out_activation_ == out_activation
    proba = clf.predict_proba(X)
    assert proba.shape == (len(X), 4)
    assert np.all((proba >= 0) & (proba <= 1))
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-12)
    np.testing.assert_array_equal(clf.predict(X), proba.argmax(axis=1))
    assert clf.score(X, y) > 0.85


@pytest.mark.parametrize("loss", ["log_loss", "squared_error"])
def test_multilabel_target(loss):
    """One logistic output per label; predictions are a 0/1 indicator matrix."""
    X, Y = multilabel_data()
    clf = SigmoidMLPClassifier(loss=loss, **{**SMALL, "hidden_layer_sizes": (16,)})
    clf.fit(X, Y)
    assert clf.n_outputs_ == 3
    assert clf.out_activation_ == "logistic"
    np.testing.assert_array_equal(clf.classes_, [0, 1, 2])
    proba = clf.predict_proba(X)
    assert proba.shape == Y.shape
    predicted = clf.predict(X)
    assert predicted.shape == Y.shape
    assert set(np.unique(predicted)) <= {0, 1}
    np.testing.assert_array_equal(predicted, (proba > 0.5).astype(int))
    assert (predicted == Y).mean() > 0.8


@pytest.mark.parametrize(
    "labels",
    [
        np.array(["cat", "dog", "emu"]),
        np.array(["cat", "dog", "emu"], dtype=object),
        np.array([-5, 3, 10]),
        np.array([1.0, 2.0, 3.0]),
    ],
    ids=["str", "object", "int", "float"],
)
def test_label_types(labels):
    """Any label type: classes_ and predictions use the labels themselves."""
    X, y = classification_data(n_classes=3)
    reference = SigmoidMLPClassifier(max_iter=20, **SMALL).fit(X, y)
    clf = SigmoidMLPClassifier(max_iter=20, **SMALL).fit(X, labels[y])
    np.testing.assert_array_equal(clf.classes_, labels)
    predicted = clf.predict(X)
    if labels.dtype != object:  # object strings come back as str, as in sklearn
        assert clf.classes_.dtype == labels.dtype
        assert predicted.dtype == labels.dtype
    np.testing.assert_array_equal(predicted, labels[reference.predict(X)])
    assert_same_parameters(clf, reference)


def test_bool_labels():
    """Boolean labels give boolean predictions and the 0/1 model."""
    X, y = classification_data(n_classes=2)
    reference = SigmoidMLPClassifier(max_iter=20, **SMALL).fit(X, y)
    clf = SigmoidMLPClassifier(max_iter=20, **SMALL).fit(X, y == 1)
    np.testing.assert_array_equal(clf.classes_, [False, True])
    assert clf.predict(X).dtype == bool
    np.testing.assert_array_equal(clf.predict(X), reference.predict(X) == 1)
    assert_same_parameters(clf, reference)


def test_mixed_label_types_raise():
    """Mixing strings and numbers in y is an error, as in scikit-learn."""
    X, _ = classification_data(n_samples=4)
    with pytest.raises((ValueError, TypeError)):
        SigmoidMLPClassifier(**SMALL).fit(X, np.array(["a", 1, "b", 2], dtype=object))


# ------------------------------------------------------------------- inputs


@pytest.mark.parametrize("loss", ["log_loss", "squared_error"])
def test_float32_is_kept(loss):
    """Float32 data trains float32 weights and gives float32 probabilities."""
    X, y = classification_data()
    clf = SigmoidMLPClassifier(loss=loss, max_iter=50, **SMALL)
    clf.fit(X.astype(np.float32), y)
    assert all(c.dtype == np.float32 for c in clf.coefs_)
    assert all(b.dtype == np.float32 for b in clf.intercepts_)
    proba32 = clf.predict_proba(X.astype(np.float32))
    assert proba32.dtype == np.float32
    assert clf.predict_log_proba(X.astype(np.float32)).dtype == np.float32

    clf64 = SigmoidMLPClassifier(loss=loss, max_iter=50, **SMALL).fit(X, y)
    assert all(c.dtype == np.float64 for c in clf64.coefs_)
    proba64 = clf64.predict_proba(X)
    assert proba64.dtype == np.float64
    np.testing.assert_allclose(proba32, proba64, atol=1e-4)
    np.testing.assert_array_equal(clf.predict(X), clf64.predict(X))
    assert_same_parameters(clf, clf64, rtol=1e-3, atol=1e-4, check_dtype=False)


def test_integer_X_becomes_float64():
    """Integer X trains in float64, exactly as the same values as floats."""
    X, y = classification_data()
    X_int = np.round(X * 3).astype(np.int64)
    clf = SigmoidMLPClassifier(max_iter=20, **SMALL).fit(X_int, y)
    assert all(c.dtype == np.float64 for c in clf.coefs_)
    reference = SigmoidMLPClassifier(max_iter=20, **SMALL)
    reference.fit(X_int.astype(np.float64), y)
    assert_same_parameters(clf, reference)
    assert clf.predict_proba(X_int).dtype == np.float64


def forbid_densifying(monkeypatch):
    """Make every sparse-to-dense conversion of SciPy's CSR/CSC classes fail."""

    def densify(self, *args, **kwargs):
        raise AssertionError("a sparse matrix was densified")

    for cls in (sp.csr_matrix, sp.csc_matrix, sp.csr_array, sp.csc_array):
        monkeypatch.setattr(cls, "toarray", densify)
        monkeypatch.setattr(cls, "todense", densify)


@pytest.mark.parametrize("container", [sp.csr_matrix, sp.csc_matrix, sp.csr_array])
@pytest.mark.parametrize(
    "params",
    [
        {"max_iter": 15},
        {"max_iter": 5, "batch_size": 16},
        {"max_iter": 2, "batch_size": 1, "solver": "sgd", "momentum": 0.0, "alpha": 0},
        {"max_iter": 2, "batch_size": 1, "solver": "sgd", "momentum": 0.0},
    ],
    ids=["full-batch", "mini-batch", "per-sample", "per-sample-l2"],
)
def test_sparse_same_as_dense(container, params, monkeypatch):
    """CSR/CSC input gives the dense model, is not densified, nor modified."""
    X, y = classification_data()
    X[np.abs(X) < 0.8] = 0.0
    X_sparse = container(X)
    copy = X_sparse.copy()
    dense = SigmoidMLPClassifier(**params, **SMALL).fit(X, y)
    forbid_densifying(monkeypatch)
    clf = SigmoidMLPClassifier(**params, **SMALL).fit(X_sparse, y)
    proba = clf.predict_proba(X_sparse)
    predicted = clf.predict(X_sparse)
    monkeypatch.undo()
    assert_same_parameters(clf, dense, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(proba, dense.predict_proba(X), rtol=1e-10)
    np.testing.assert_array_equal(predicted, dense.predict(X))
    assert type(X_sparse) is type(copy)
    assert X_sparse.format == copy.format
    for attribute in ("data", "indices", "indptr"):
        np.testing.assert_array_equal(
            getattr(X_sparse, attribute), getattr(copy, attribute)
        )


def test_dense_input_not_modified():
    """Fitting and predicting leave the caller's X and y unchanged."""
    X, y = classification_data()
    X_before, y_before = X.copy(), y.copy()
    clf = SigmoidMLPClassifier(max_iter=5, **SMALL).fit(X, y)
    clf.predict_proba(X)
    np.testing.assert_array_equal(X, X_before)
    np.testing.assert_array_equal(y, y_before)


def test_dataframe_sets_feature_names():
    """A DataFrame sets feature_names_in_; its model equals the array's."""
    X, y = classification_data()
    columns = [f"feature_{i}" for i in range(X.shape[1])]
    frame = pd.DataFrame(X, columns=columns)
    clf = SigmoidMLPClassifier(max_iter=10, **SMALL).fit(frame, pd.Series(y))
    np.testing.assert_array_equal(clf.feature_names_in_, columns)
    assert clf.n_features_in_ == X.shape[1]
    reference = SigmoidMLPClassifier(max_iter=10, **SMALL).fit(X, y)
    assert not hasattr(reference, "feature_names_in_")
    assert_same_parameters(clf, reference)
    np.testing.assert_array_equal(clf.predict(frame), reference.predict(X))
    with pytest.raises(ValueError, match="feature names"):
        clf.predict(frame[columns[::-1]])


def test_lists_are_accepted():
    """Nested lists give the model of the same arrays."""
    X, y = classification_data()
    clf = SigmoidMLPClassifier(max_iter=10, **SMALL).fit(X.tolist(), y.tolist())
    reference = SigmoidMLPClassifier(max_iter=10, **SMALL).fit(X, y)
    assert_same_parameters(clf, reference)
    np.testing.assert_array_equal(clf.predict(X.tolist()), reference.predict(X))


@pytest.mark.parametrize(
    ("make_input", "message"),
    [
        (lambda X: np.where(np.arange(X.size).reshape(X.shape) == 7, np.nan, X), "NaN"),
        (lambda X: np.where(np.arange(X.size).reshape(X.shape) == 7, np.inf, X), "inf"),
        (lambda X: X[:0], "0 sample"),
    ],
    ids=["nan", "inf", "empty"],
)
def test_bad_X_raises(make_input, message):
    """NaN, inf and empty input raise a ValueError that names the problem."""
    X, y = classification_data()
    bad = make_input(X)
    with pytest.raises(ValueError, match=message):
        SigmoidMLPClassifier(**SMALL).fit(bad, y[: len(bad)])


def test_wrong_number_of_features_raises():
    """Predict and a later partial_fit check the number of features."""
    X, y = classification_data()
    clf = SigmoidMLPClassifier(max_iter=5, **SMALL).fit(X, y)
    with pytest.raises(ValueError, match="features"):
        clf.predict(X[:, :-1])
    online = SigmoidMLPClassifier(**SMALL).partial_fit(X, y, classes=[0, 1, 2])
    with pytest.raises(ValueError, match="features"):
        online.partial_fit(X[:, :-1], y)


@pytest.mark.parametrize("solver", ["adam", "sgd", "lbfgs"])
@pytest.mark.parametrize("label", [7, "only"])
def test_one_class_is_fitted_and_predicted_as_mlpclassifier_does(solver, label):
    """y of one class: fit and predict it, with MLPClassifier's one output."""
    X, _ = classification_data(n_samples=40)
    y = np.full(len(X), label, dtype=object if isinstance(label, str) else int)
    params = {"hidden_layer_sizes": (8,), "solver": solver, "max_iter": 5}
    ours = SigmoidMLPClassifier(**params, random_state=0).fit(X, y)
    theirs = MLPClassifier(**params, activation="logistic", random_state=0).fit(X, y)
    for attribute in ("classes_", "n_outputs_", "out_activation_"):
        np.testing.assert_array_equal(
            getattr(ours, attribute), getattr(theirs, attribute)
        )
    np.testing.assert_array_equal(ours.predict(X), theirs.predict(X))
    np.testing.assert_array_equal(ours.predict(X), y)
    assert ours.score(X, y) == 1.0
    # the documented difference: one column, the only class's, certain;
    # MLPClassifier gives [1 - p, p] for a class it has not got
    np.testing.assert_array_equal(ours.predict_proba(X), np.ones((len(X), 1)))
    np.testing.assert_array_equal(ours.predict_log_proba(X), np.zeros((len(X), 1)))
    assert theirs.predict_proba(X).shape == (len(X), 2)


def test_one_class_trains_its_output_towards_zero_as_mlpclassifier():
    """One class is trained as the negative class of a binary model.

    MLPClassifier's LabelBinarizer encodes one class as a column of zeros: the
    same network as that of classes [a, b] on rows of class a only.
    """
    X, _ = classification_data(n_samples=40)
    y = np.full(len(X), "a")
    one = SigmoidMLPClassifier(**SMALL).partial_fit(X, y, classes=["a"])
    two = SigmoidMLPClassifier(**SMALL).partial_fit(X, y, classes=["a", "b"])
    for _ in range(3):
        one.partial_fit(X, y)
        two.partial_fit(X, y)
    assert one.n_outputs_ == two.n_outputs_ == 1
    assert_same_parameters(one, two)
    assert one.loss_curve_ == two.loss_curve_
    assert one.loss_curve_[-1] < one.loss_curve_[0]
    np.testing.assert_array_equal(one.predict_proba(X)[:, 0], 1)


def test_one_class_in_partial_fit_and_warm_start_keeps_its_rules():
    """classes of one element: labels outside it are refused, as are new
    classes in a warm-started fit; an empty classes is an error."""
    X, _ = classification_data(n_samples=40)
    y = np.zeros(len(X), dtype=int)
    clf = SigmoidMLPClassifier(**SMALL).partial_fit(X, y, classes=[0])
    with pytest.raises(ValueError, match=r"labels \[1\] that are not in classes=\[0\]"):
        clf.partial_fit(X, np.ones(len(X), dtype=int))
    assert clf.predict(X[:1]).tolist() == [0]
    with pytest.raises(ValueError, match="classes is empty"):
        SigmoidMLPClassifier(**SMALL).partial_fit(X, y, classes=[])
    warm = SigmoidMLPClassifier(**SMALL, max_iter=2, warm_start=True).fit(X, y)
    with pytest.raises(ValueError, match=r"Previously got \[0\], `y` has \[0, 1\]"):
        warm.fit(X, np.arange(len(X)) % 2)


# ----------------------------------------------------------- sample weights


@pytest.mark.parametrize("loss", ["log_loss", "squared_error"])
@pytest.mark.parametrize("solver", ["adam", "sgd"])
def test_integer_weights_equal_repeated_rows(loss, solver):
    """Full batch: integer weights give the model of repeated rows (0 = removed)."""
    X, y = classification_data(n_samples=60)
    weights = np.random.RandomState(0).randint(0, 4, size=len(X))
    weights[:3] = [1, 2, 3]  # every class keeps rows
    params = {"loss": loss, "solver": solver, "max_iter": 30, "alpha": 0.01}
    weighted = SigmoidMLPClassifier(**params, **SMALL)
    weighted.fit(X, y, sample_weight=weights)
    repeated = SigmoidMLPClassifier(**params, **SMALL)
    repeated.fit(np.repeat(X, weights, axis=0), np.repeat(y, weights))
    assert weights.sum() <= 200  # both are one batch
    assert_same_parameters(weighted, repeated, rtol=1e-8, atol=1e-10)
    np.testing.assert_allclose(weighted.loss_curve_, repeated.loss_curve_, rtol=1e-9)


def test_zero_weights_raise():
    """All-zero sample weights raise a ValueError."""
    X, y = classification_data()
    with pytest.raises(ValueError, match="zero"):
        SigmoidMLPClassifier(**SMALL).fit(X, y, sample_weight=np.zeros(len(X)))


def test_negative_weights_raise():
    """Negative sample weights raise a ValueError."""
    X, y = classification_data()
    weights = np.ones(len(X))
    weights[3] = -1
    with pytest.raises(ValueError, match=r"(?i)negative"):
        SigmoidMLPClassifier(**SMALL).fit(X, y, sample_weight=weights)


@pytest.mark.parametrize("class_weight", [None, "balanced", {0: 1.0, 1: 2.0, 2: 0.5}])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_caller_weights_unchanged(class_weight, dtype):
    """The caller's sample_weight array is never changed."""
    X, y = classification_data()
    weights = np.linspace(0.5, 2.0, len(X)).astype(dtype)
    before = weights.copy()
    clf = SigmoidMLPClassifier(class_weight=class_weight, max_iter=3, **SMALL)
    clf.fit(X.astype(dtype), y, sample_weight=weights)
    np.testing.assert_array_equal(weights, before)
    clf.partial_fit(X.astype(dtype), y, sample_weight=weights)
    np.testing.assert_array_equal(weights, before)


@pytest.mark.parametrize(
    "params",
    [
        {"solver": "adam"},
        {"solver": "sgd", "momentum": 0.9},
        {"solver": "sgd", "momentum": 0.0, "learning_rate": "constant"},
    ],
)
def test_zero_weight_batches_are_skipped(params):
    """A batch of zero weights leaves the model of the data without its rows."""
    X, y = classification_data(n_samples=40)
    weights = np.ones(len(X))
    weights[[4, 5, 16, 17]] = 0.0  # exactly the third and ninth batches of 2
    keep = weights > 0
    common = {**params, "batch_size": 2, "shuffle": False, "max_iter": 3}
    weighted = SigmoidMLPClassifier(**common, **SMALL)
    weighted.fit(X, y, sample_weight=weights)
    removed = SigmoidMLPClassifier(**common, **SMALL).fit(X[keep], y[keep])
    assert_same_parameters(weighted, removed, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(weighted.loss_curve_, removed.loss_curve_, rtol=1e-12)


# ------------------------------------------------------------- class weights


def imbalanced_data():
    """Two overlapping classes, 90 % / 10 %."""
    X, y = make_classification(
        n_samples=200,
        n_features=4,
        n_informative=2,
        n_redundant=0,
        weights=[0.9, 0.1],
        class_sep=0.6,
        flip_y=0,
        random_state=1,
    )
    return StandardScaler().fit_transform(X), y


def test_class_weight_dict_equals_sample_weight():
    """A class_weight dict multiplies into the sample weights."""
    X, y = classification_data()
    class_weight = {0: 1.0, 1: 3.0, 2: 0.5}
    weights = np.linspace(0.5, 1.5, len(X))
    clf = SigmoidMLPClassifier(class_weight=class_weight, max_iter=20, **SMALL)
    clf.fit(X, y, sample_weight=weights)
    expected = weights * np.array([class_weight[label] for label in y])
    reference = SigmoidMLPClassifier(max_iter=20, **SMALL)
    reference.fit(X, y, sample_weight=expected)
    assert_same_parameters(clf, reference, rtol=1e-12, atol=1e-14)


def test_class_weight_balanced_equals_sample_weight():
    """ "balanced" uses the weighted counts of the whole training set."""
    X, y = imbalanced_data()
    weights = np.linspace(0.5, 1.5, len(X))
    clf = SigmoidMLPClassifier(class_weight="balanced", max_iter=20, **SMALL)
    clf.fit(X, y, sample_weight=weights)
    per_class = compute_class_weight(
        "balanced", classes=np.array([0, 1]), y=y, sample_weight=weights
    )
    reference = SigmoidMLPClassifier(max_iter=20, **SMALL)
    reference.fit(X, y, sample_weight=weights * per_class[y])
    assert_same_parameters(clf, reference, rtol=1e-12, atol=1e-14)


def test_class_weight_balanced_raises_minority_recall():
    """Balancing the classes raises the recall of the minority class."""
    X, y = imbalanced_data()
    plain = SigmoidMLPClassifier(**SMALL).fit(X, y)
    balanced = SigmoidMLPClassifier(class_weight="balanced", **SMALL).fit(X, y)
    recall_plain = recall_score(y, plain.predict(X))
    recall_balanced = recall_score(y, balanced.predict(X))
    assert recall_balanced > recall_plain + 0.1


def test_partial_fit_balanced_uses_running_counts():
    """In partial_fit, "balanced" weights come from all the samples seen so far."""
    X, y = imbalanced_data()
    chunks = [slice(0, 80), slice(80, 200)]
    clf = SigmoidMLPClassifier(class_weight="balanced", **SMALL)
    reference = SigmoidMLPClassifier(**SMALL)
    for chunk in chunks:
        clf.partial_fit(X[chunk], y[chunk], classes=[0, 1])
        seen = y[: chunk.stop]
        counts = np.bincount(seen, minlength=2)
        per_class = len(seen) / (2 * counts)
        reference.partial_fit(
            X[chunk], y[chunk], classes=[0, 1], sample_weight=per_class[y[chunk]]
        )
        assert_same_parameters(clf, reference, rtol=1e-12, atol=1e-14)


def test_class_weight_multilabel_raises():
    """class_weight is not supported for multilabel targets."""
    X, Y = multilabel_data()
    with pytest.raises(ValueError, match="multilabel"):
        SigmoidMLPClassifier(class_weight="balanced", **SMALL).fit(X, Y)


# -------------------------------------------------------------- partial_fit


def test_partial_fit_requires_classes_on_first_call():
    """The first partial_fit needs classes; later calls do not."""
    X, y = classification_data()
    clf = SigmoidMLPClassifier(**SMALL)
    with pytest.raises(ValueError, match="classes"):
        clf.partial_fit(X, y)
    assert not hasattr(clf, "coefs_")
    clf.partial_fit(X, y, classes=[0, 1, 2])
    clf.partial_fit(X, y)
    assert len(clf.loss_curve_) == 2


def test_partial_fit_rejects_labels_outside_classes():
    """Labels that are not in classes raise a ValueError naming them."""
    X, y = classification_data()
    with pytest.raises(ValueError, match="not in"):
        SigmoidMLPClassifier(**SMALL).partial_fit(X, y, classes=[0, 1])
    clf = SigmoidMLPClassifier(**SMALL).partial_fit(
        X[y < 2], y[y < 2], classes=[0, 1, 2]
    )
    with pytest.raises(ValueError, match="not in"):
        clf.partial_fit(X, np.where(y == 2, 7, y))


def test_partial_fit_rejects_early_stopping():
    """partial_fit with early_stopping=True raises a ValueError."""
    X, y = classification_data()
    with pytest.raises(ValueError, match="early_stopping"):
        SigmoidMLPClassifier(early_stopping=True, **SMALL).partial_fit(
            X, y, classes=[0, 1, 2]
        )


def test_partial_fit_counts_epochs_and_is_deterministic():
    """n_iter_ is 1 after each call, loss_curve_ and t_ grow; deterministic."""
    X, y = classification_data()
    models = []
    for _ in range(2):
        clf = SigmoidMLPClassifier(batch_size=16, **SMALL)
        for call in range(1, 5):
            clf.partial_fit(X, y, classes=[0, 1, 2])
            assert clf.n_iter_ == 1
            assert clf.t_ == call * len(X)
            assert len(clf.loss_curve_) == call
        models.append(clf)
    assert_same_parameters(*models)


@pytest.mark.parametrize("shuffle", [False, True])
def test_ten_partial_fits_equal_fit(shuffle):
    """Ten partial_fit calls equal fit(max_iter=10) with tol=0."""
    X, y = classification_data()
    params = {"max_iter": 10, "tol": 0.0, "shuffle": shuffle, "batch_size": 32}
    fitted = SigmoidMLPClassifier(**params, **SMALL).fit(X, y)
    online = SigmoidMLPClassifier(**params, **SMALL)
    for _ in range(10):
        online.partial_fit(X, y, classes=[0, 1, 2])
    assert fitted.n_iter_ == len(online.loss_curve_) == 10
    assert_same_parameters(fitted, online)
    np.testing.assert_array_equal(fitted.loss_curve_, online.loss_curve_)


def test_partial_fit_learns_a_class_that_arrives_late():
    """A chunk whose first batch is easy and whose rest is a new class trains.

    Class 2 is declared in ``classes`` but first seen in the second chunk,
    after a batch of the well-learned class 0: its loss is high, as it should
    be, and training on it must go ahead.
    """
    X, y = classification_data(n_samples=300)
    clf = SigmoidMLPClassifier(batch_size=20, shuffle=False, **SMALL)
    seen = y < 2
    for _ in range(30):
        clf.partial_fit(X[seen], y[seen], classes=[0, 1, 2])
    chunk = np.r_[np.flatnonzero(y == 0)[:20], np.flatnonzero(y == 2)]
    proba_before = clf.predict_proba(X[y == 2])[:, 2].mean()
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        clf.partial_fit(X[chunk], y[chunk])
    assert clf.stop_reason_ == "partial_fit"
    assert len(clf.loss_curve_) == 31
    assert clf.predict_proba(X[y == 2])[:, 2].mean() > 2 * proba_before


# ------------------------------------------------------- stopping and warm start


def test_early_stopping_restores_best_weights():
    """Early stopping stops, records scores and keeps the best epoch's weights."""
    X, y = classification_data(n_samples=200, seed=3)
    params = {
        "early_stopping": True,
        "n_iter_no_change": 3,
        "validation_fraction": 0.2,
        "learning_rate_init": 0.01,
        "max_iter": 200,
        "hidden_layer_sizes": (16,),
        "random_state": 0,
    }
    clf = SigmoidMLPClassifier(**params).fit(X, y)
    assert clf.stop_reason_ == "early_stopping"
    assert clf.n_iter_ < 200
    assert len(clf.validation_scores_) == clf.n_iter_
    assert clf.best_validation_score_ == max(clf.validation_scores_)
    assert clf.best_loss_ is None
    scores = np.array(clf.validation_scores_)
    # the weights kept are those of the last epoch that reached the best score
    best_epoch = int(np.flatnonzero(scores == scores.max())[-1]) + 1
    assert best_epoch < clf.n_iter_
    # the same run stopped by max_iter at the best epoch ends on those weights
    at_best = SigmoidMLPClassifier(**{**params, "max_iter": best_epoch}).fit(X, y)
    np.testing.assert_array_equal(at_best.validation_scores_, scores[:best_epoch])
    assert_same_parameters(clf, at_best)
    # so does a run stopped by max_iter after the best epoch: it restores them
    later = SigmoidMLPClassifier(**{**params, "max_iter": clf.n_iter_ - 1}).fit(X, y)
    assert later.stop_reason_ == "max_iter"
    assert_same_parameters(clf, later)


def test_warm_start_continues():
    """warm_start continues weights, optimizer and random state; history adds.

    As in MLPClassifier, n_iter_ counts the epochs of the last call only.
    """
    X, y = classification_data()
    params = {"tol": 0.0, "batch_size": 32, **SMALL}
    clf = SigmoidMLPClassifier(max_iter=4, warm_start=True, **params)
    clf.fit(X, y)
    clf.fit(X, y)
    assert clf.n_iter_ == 4
    assert clf.t_ == 8 * len(X)
    assert len(clf.loss_curve_) == 8
    once = SigmoidMLPClassifier(max_iter=8, **params).fit(X, y)
    assert_same_parameters(clf, once)
    np.testing.assert_array_equal(clf.loss_curve_, once.loss_curve_)
    clf.set_params(warm_start=False).fit(X, y)
    assert clf.n_iter_ == 4


def test_convergence_warning_at_max_iter():
    """Reaching max_iter without converging warns and says so."""
    X, y = classification_data()
    clf = SigmoidMLPClassifier(max_iter=3, **SMALL)
    with pytest.warns(ConvergenceWarning, match="Maximum iterations"):
        clf.fit(X, y)
    assert clf.stop_reason_ == "max_iter"
    assert clf.n_iter_ == 3


def test_converged_when_tol_is_reached():
    """No improvement of tol for n_iter_no_change epochs stops with "converged"."""
    X, y = classification_data()
    clf = SigmoidMLPClassifier(tol=10.0, n_iter_no_change=4, max_iter=100, **SMALL)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        clf.fit(X, y)
    assert clf.stop_reason_ == "converged"
    # as in MLPClassifier: the first epoch improves on inf, then the count of
    # epochs without improvement must exceed n_iter_no_change
    assert clf.n_iter_ == 4 + 2
    assert clf.best_loss_ == min(clf.loss_curve_)


def test_verbose_prints_one_line_per_epoch(capsys):
    """verbose prints one line per epoch: epoch and loss (and validation accuracy)."""
    X, y = classification_data()
    clf = SigmoidMLPClassifier(max_iter=4, verbose=True, **SMALL).fit(X, y)
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 4
    for epoch, (line, loss) in enumerate(zip(lines, clf.loss_curve_), start=1):
        numbers = [float(number) for number in re.findall(r"\d+\.?\d*", line)]
        assert numbers[0] == epoch
        assert numbers[1] == pytest.approx(loss, abs=1e-6)
    clf = SigmoidMLPClassifier(
        max_iter=3, verbose=True, early_stopping=True, **SMALL
    ).fit(X, y)
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 3
    for line, score in zip(lines, clf.validation_scores_):
        assert "validation" in line
        numbers = [float(number) for number in re.findall(r"\d+\.?\d*", line)]
        assert numbers[-1] == pytest.approx(score, abs=1e-4)
    SigmoidMLPClassifier(max_iter=3, **SMALL).fit(X, y)
    assert capsys.readouterr().out == ""


# --------------------------------------------------------- fitted attributes


def is_plain_data(value):
    """Whether ``value`` is built only of arrays, numbers, strings and containers."""
    if value is None or isinstance(value, (bool, int, float, str, np.generic)):
        return True
    if type(value) is np.ndarray:
        return value.dtype != object or all(is_plain_data(v) for v in value.ravel())
    if isinstance(value, (list, tuple)):
        return all(is_plain_data(v) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and is_plain_data(v) for k, v in value.items())
    return False


@pytest.mark.parametrize("early_stopping", [False, True])
@pytest.mark.parametrize("solver", ["adam", "sgd"])
def test_fitted_attributes(early_stopping, solver):
    """Every documented fitted attribute exists with the documented type."""
    X, y = classification_data()
    clf = SigmoidMLPClassifier(
        early_stopping=early_stopping,
        solver=solver,
        max_iter=5,
        hidden_layer_sizes=(8, 6),
        random_state=0,
    ).fit(X, y)
    assert isinstance(clf.classes_, np.ndarray)
    assert isinstance(clf.coefs_, list)
    assert isinstance(clf.intercepts_, list)
    assert [c.shape for c in clf.coefs_] == [(6, 8), (8, 6), (6, 3)]
    assert [b.shape for b in clf.intercepts_] == [(8,), (6,), (3,)]
    assert clf.n_features_in_ == 6
    assert not hasattr(clf, "feature_names_in_")
    for name in ("n_iter_", "t_", "n_layers_", "n_outputs_"):
        assert isinstance(getattr(clf, name), int), name
    assert clf.n_layers_ == 4
    assert clf.n_outputs_ == 3
    # one pass over the training samples per epoch; early stopping holds out
    # validation_fraction=0.1 of them, rounded up
    n_train = len(X) - int(np.ceil(0.1 * len(X))) if early_stopping else len(X)
    assert clf.t_ == clf.n_iter_ * n_train
    assert isinstance(clf.loss_, float)
    assert isinstance(clf.loss_curve_, list)
    assert all(isinstance(loss, float) for loss in clf.loss_curve_)
    assert clf.loss_ == clf.loss_curve_[-1]
    assert clf.out_activation_ == "softmax"
    assert clf.stop_reason_ in {"converged", "max_iter", "early_stopping"}
    if early_stopping:
        assert clf.best_loss_ is None
        assert isinstance(clf.validation_scores_, list)
        assert all(isinstance(score, float) for score in clf.validation_scores_)
        assert isinstance(clf.best_validation_score_, float)
    else:
        assert isinstance(clf.best_loss_, float)
        assert clf.validation_scores_ is None
        assert clf.best_validation_score_ is None
    # what is saved, optimizer and training state included, is plain data
    # (secure loaders such as skops); the owner of the flat parameter vector
    # is the one transient attribute, rebuilt by the next training call
    state = clf.__getstate__()
    assert "_parameters" not in state
    for name, value in state.items():
        assert is_plain_data(value), name
    assert [name for name in vars(clf) if name not in state] == ["_parameters"]


def test_unfitted_estimator_raises():
    """Predicting before fit raises NotFittedError."""
    from sklearn.exceptions import NotFittedError

    X, _ = classification_data()
    with pytest.raises(NotFittedError):
        SigmoidMLPClassifier().predict(X)


@pytest.mark.parametrize("n_classes", [2, 3])
@pytest.mark.parametrize("loss", ["log_loss", "squared_error"])
def test_predict_log_proba_is_log_of_predict_proba(n_classes, loss):
    """predict_log_proba equals log(predict_proba)."""
    X, y = classification_data(n_classes=n_classes)
    clf = SigmoidMLPClassifier(loss=loss, max_iter=20, **SMALL).fit(X, y)
    proba = clf.predict_proba(X)
    np.testing.assert_allclose(clf.predict_log_proba(X), np.log(proba), rtol=1e-12)


def test_squared_error_multiclass_proba_normalised():
    """Squared-error outputs are normalised to sum to one, in the outputs' order."""
    X, y = classification_data(n_classes=4)
    clf = SigmoidMLPClassifier(loss="squared_error", max_iter=20, **SMALL).fit(X, y)
    proba = clf.predict_proba(X)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-12)
    hidden = 1 / (1 + np.exp(-(X @ clf.coefs_[0] + clf.intercepts_[0])))
    outputs = 1 / (1 + np.exp(-(hidden @ clf.coefs_[1] + clf.intercepts_[1])))
    np.testing.assert_allclose(
        proba, outputs / outputs.sum(axis=1, keepdims=True), rtol=1e-10
    )


def test_no_hidden_layer():
    """hidden_layer_sizes=() is a single layer (logistic/softmax regression)."""
    X, y = classification_data()
    clf = SigmoidMLPClassifier(**{**SMALL, "hidden_layer_sizes": ()}).fit(X, y)
    assert clf.n_layers_ == 2
    assert [c.shape for c in clf.coefs_] == [(6, 3)]
    assert clf.score(X, y) > 0.85
    logits = X @ clf.coefs_[0] + clf.intercepts_[0]
    expected = np.exp(logits - logits.max(axis=1, keepdims=True))
    expected /= expected.sum(axis=1, keepdims=True)
    np.testing.assert_allclose(clf.predict_proba(X), expected, rtol=1e-10)


def test_no_intercepts():
    """fit_intercept=False keeps the intercepts at zero."""
    X, y = classification_data()
    clf = SigmoidMLPClassifier(fit_intercept=False, max_iter=10, **SMALL).fit(X, y)
    for bias in clf.intercepts_:
        assert not bias.any()


# ------------------------------------------------------------- parameters


def test_notebook_params_train_every_epoch_without_intercepts():
    """NOTEBOOK_PARAMS train all their epochs, one pass each, and no intercepts.

    Whatever else they set must not stop the notebook's epochs early; that they
    give the notebook's weights is in ``test_notebook.py``.
    """
    X, y = load_digits(return_X_y=True)
    X, y = X[:30] / 16.0, y[:30]
    clf = SigmoidMLPClassifier(**NOTEBOOK_PARAMS).fit(X, y)
    assert clf.stop_reason_ == "max_iter"
    assert clf.n_iter_ == NOTEBOOK_PARAMS["max_iter"] == len(clf.loss_curve_)
    assert clf.t_ == clf.n_iter_ * len(X)
    assert [c.shape for c in clf.coefs_] == [(64, 128), (128, 64), (64, 10)]
    for bias in clf.intercepts_:
        assert not bias.any()
    assert clf.loss_curve_[-1] < clf.loss_curve_[0]


def test_default_parameters_follow_mlpclassifier():
    """Shared parameters have MLPClassifier's names and defaults."""
    ours = SigmoidMLPClassifier().get_params()
    theirs = MLPClassifier().get_params()
    shared = [
        "solver",
        "alpha",
        "batch_size",
        "learning_rate",
        "learning_rate_init",
        "power_t",
        "max_iter",
        "shuffle",
        "random_state",
        "tol",
        "verbose",
        "warm_start",
        "momentum",
        "nesterovs_momentum",
        "early_stopping",
        "validation_fraction",
        "beta_1",
        "beta_2",
        "epsilon",
        "n_iter_no_change",
        "max_fun",
    ]
    for name in shared:
        assert ours[name] == theirs[name], name
    assert ours["hidden_layer_sizes"] == (128, 64)
    assert ours["loss"] == "log_loss"
    assert ours["fit_intercept"] is True
    assert ours["weight_init"] == "glorot_uniform"
    assert ours["class_weight"] is None
    assert "activation" not in ours


@pytest.mark.parametrize(
    "params",
    [
        {"solver": "newton"},
        {"max_fun": 0},
        {"loss": "hinge"},
        {"alpha": -1.0},
        {"batch_size": 0},
        {"batch_size": "all"},
        {"learning_rate": "optimal"},
        {"learning_rate_init": 0.0},
        {"max_iter": 0},
        {"momentum": 1.5},
        {"validation_fraction": 1.0},
        {"beta_1": 1.0},
        {"epsilon": 0.0},
        {"n_iter_no_change": 0},
        {"weight_init": "he"},
        {"class_weight": "auto"},
        {"fit_intercept": "yes"},
        {"hidden_layer_sizes": "wide"},
    ],
)
def test_invalid_parameter_raises(params):
    """Invalid parameters raise scikit-learn's InvalidParameterError at fit."""
    X, y = classification_data(n_samples=20)
    with pytest.raises(InvalidParameterError):
        SigmoidMLPClassifier(**params).fit(X, y)


@pytest.mark.parametrize("hidden_layer_sizes", [(8, 0), (8, -2), (4.5,)])
def test_bad_hidden_layer_sizes_raise(hidden_layer_sizes):
    """Non-positive or non-integer layer sizes raise a ValueError naming them."""
    X, y = classification_data(n_samples=20)
    with pytest.raises(ValueError, match="hidden_layer_sizes"):
        SigmoidMLPClassifier(hidden_layer_sizes=hidden_layer_sizes).fit(X, y)


# ------------------------------------------------------------------ quality


@lru_cache
def digits_cv_accuracy(model):
    """Mean 5-fold accuracy on load_digits, computed once per model name.

    Parameters
    ----------
    model : {"ours", "mlp_minmax"}
        ``make_pipeline(MinMaxScaler(), SigmoidMLPClassifier(random_state=0))``;
        the same with ``MLPClassifier(hidden_layer_sizes=(128, 64),
        activation="logistic", random_state=0)``.

    Returns
    -------
    scores : ndarray of shape (5,)
        The accuracy of each fold.
    """
    X, y = load_digits(return_X_y=True)
    mlp = MLPClassifier(
        hidden_layer_sizes=(128, 64), activation="logistic", random_state=0
    )
    estimator = {
        "ours": make_pipeline(MinMaxScaler(), SigmoidMLPClassifier(random_state=0)),
        "mlp_minmax": make_pipeline(MinMaxScaler(), mlp),
    }[model]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return cross_val_score(estimator, X, y, cv=5)


def test_digits_cross_val_score_same_preprocessing():
    """With the same MinMaxScaler, at least MLPClassifier's accuracy minus 0.01."""
    ours, theirs = digits_cv_accuracy("ours"), digits_cv_accuracy("mlp_minmax")
    print(
        f"\ncross_val_score on MinMax-scaled digits: SigmoidMLPClassifier "
        f"{ours.mean():.4f}, MLPClassifier {theirs.mean():.4f}"
    )
    assert ours.mean() >= theirs.mean() - 0.01
    assert ours.mean() > 0.9


def test_warm_start_uses_a_new_learning_rate_init():
    """A changed learning_rate_init takes effect in a warm-started fit.

    One full batch per epoch: from the same weights and Adam moments, one more
    epoch takes the same step, scaled by the new rate.
    """
    X, y = classification_data()
    params = {**SMALL, "max_iter": 3, "tol": 0.0, "warm_start": True}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        start = SigmoidMLPClassifier(**params).fit(X, y)
        assert start.t_ == start.n_iter_ * len(X)  # the default batch is all of X
        same = pickle.loads(pickle.dumps(start)).set_params(max_iter=1).fit(X, y)
        faster = pickle.loads(pickle.dumps(start))
        faster.set_params(max_iter=1, learning_rate_init=0.5).fit(X, y)
    ratio = 0.5 / SMALL["learning_rate_init"]
    for before, step_same, step_faster in zip(
        start.coefs_ + start.intercepts_,
        same.coefs_ + same.intercepts_,
        faster.coefs_ + faster.intercepts_,
    ):
        np.testing.assert_allclose(
            step_faster - before, ratio * (step_same - before), rtol=1e-7, atol=1e-12
        )
    assert not np.allclose(same.coefs_[0], faster.coefs_[0])


def test_warm_start_refuses_a_changed_structure():
    """fit_intercept, or squared error on a softmax output, cannot continue."""
    X, y = classification_data()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf = SigmoidMLPClassifier(max_iter=2, warm_start=True, **SMALL).fit(X, y)
    before = [c.copy() for c in clf.coefs_]
    with pytest.raises(ValueError, match="fit_intercept=False"):
        clf.set_params(fit_intercept=False).fit(X, y)
    with pytest.raises(ValueError, match="softmax output"):
        clf.set_params(fit_intercept=True, loss="squared_error").fit(X, y)
    for coefs, saved in zip(clf.coefs_, before):
        np.testing.assert_array_equal(coefs, saved)
    # predictions follow the trained structure, not a later change of the flag
    proba = clf.set_params(loss="log_loss").predict_proba(X)
    np.testing.assert_array_equal(
        clf.set_params(fit_intercept=False).predict_proba(X), proba
    )


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_prediction_in_row_blocks_equals_one_pass(dtype):
    """Large X is predicted block by block, with the same numbers."""
    from sklearn_sigmoid_mlp._network import PREDICT_BLOCK, forward
    from sklearn_sigmoid_mlp._parameters import Parameters

    X, y = classification_data()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf = SigmoidMLPClassifier(max_iter=3, **SMALL).fit(X.astype(dtype), y)
    rng = np.random.RandomState(0)
    X_large = rng.randn(2 * PREDICT_BLOCK + 7, X.shape[1]).astype(dtype)
    params = Parameters.of(clf.coefs_, clf.intercepts_, True, xp=np)
    one_pass = forward(params, X_large, "softmax")[-1]
    proba = clf.predict_proba(X_large)
    assert proba.dtype == dtype
    np.testing.assert_allclose(
        proba, one_pass, rtol=1e-6 if dtype == np.float32 else 1e-12
    )
    np.testing.assert_array_equal(clf.predict(X_large), clf.classes_[proba.argmax(1)])
