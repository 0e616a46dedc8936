"""Integration tests: saving and loading fitted models.

Real files in ``tmp_path``, real fresh interpreters (``sys.executable``), real
joblib, pickle and skops; nothing is mocked.
"""

import json
import pickle
import subprocess
import sys
import warnings

import joblib
import numpy as np
import pytest
from helpers import assert_same_model, child_program
from sklearn.datasets import load_iris
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

import sklearn_sigmoid_mlp
from sklearn_sigmoid_mlp import SigmoidMLPClassifier
from sklearn_sigmoid_mlp.exceptions import InconsistentVersionWarning

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

VERSION_KEY = "_sklearn_sigmoid_mlp_version"
OUR_CLASS = "sklearn_sigmoid_mlp._classifier.SigmoidMLPClassifier"


@pytest.fixture(scope="module")
def halves(digits):
    """The shared digits (``conftest.py``) split into two halves by parity.

    Returns
    -------
    X_train, X_test, y_train, y_test : ndarray
        899 training and 898 test samples, 64 features, 10 classes.
    """
    X, y = digits
    return X[::2], X[1::2], y[::2], y[1::2]


@pytest.fixture(scope="module")
def fitted(halves):
    """A small network fitted on the halves training half."""
    X_train, _, y_train, _ = halves
    clf = SigmoidMLPClassifier(
        hidden_layer_sizes=(16,), learning_rate_init=0.01, max_iter=30, random_state=0
    )
    return clf.fit(X_train, y_train)


@pytest.fixture
def iris_model():
    """A small network fitted on iris, fresh for each test (tests may change it)."""
    X, y = load_iris(return_X_y=True)
    return SigmoidMLPClassifier(
        hidden_layer_sizes=(4,), max_iter=5, random_state=0
    ).fit(X, y)


def run_child(name, cwd, *args):
    """Run a child program in a fresh interpreter; fail the test if it fails.

    Parameters
    ----------
    name : str
        File name of the program in ``tests/child_programs``.
    cwd : path-like
        Working directory of the child process.
    *args : str
        The child's ``sys.argv[1:]``.

    Returns
    -------
    stdout : str
        What the child printed.
    """
    result = subprocess.run(
        [sys.executable, child_program(name), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.mark.parametrize(
    "save, load",
    [
        (lambda m, p: joblib.dump(m, p), joblib.load),
        (lambda m, p: joblib.dump(m, p, compress=3), joblib.load),
        (
            lambda m, p: p.write_bytes(
                pickle.dumps(m, protocol=pickle.HIGHEST_PROTOCOL)
            ),
            lambda p: pickle.loads(p.read_bytes()),
        ),
    ],
    ids=["joblib", "joblib-compress3", "pickle"],
)
def test_roundtrip_through_a_file(fitted, halves, tmp_path, save, load):
    _, X_test, _, y_test = halves
    path = tmp_path / "model.bin"
    save(fitted, path)
    assert path.stat().st_size > 0
    with warnings.catch_warnings():
        warnings.simplefilter("error", InconsistentVersionWarning)
        loaded = load(path)
    assert_same_model(loaded, fitted, X_test)
    assert loaded.score(X_test, y_test) == fitted.score(X_test, y_test)


def test_compressed_file_is_smaller(fitted, tmp_path):
    plain = tmp_path / "plain.joblib"
    compressed = tmp_path / "compressed.joblib"
    joblib.dump(fitted, plain)
    joblib.dump(fitted, compressed, compress=3)
    assert compressed.stat().st_size < plain.stat().st_size


def test_saved_in_one_process_loaded_in_a_fresh_one(fitted, halves, tmp_path):
    _, X_test, _, _ = halves
    run_child("save_models.py", tmp_path)  # fits and saves in four formats
    joblib.dump(fitted, tmp_path / "here.joblib")  # and one saved by this process
    out = json.loads(run_child("load_models.py", tmp_path, OUR_CLASS))
    assert out["imported_by_loading"]
    expected = np.load(tmp_path / "proba_saver.npy")
    assert expected.shape == (898, 10)
    for name in ["joblib", "joblib_compressed", "pickle", "skops"]:
        proba = np.load(tmp_path / f"proba_{name}.npy")
        assert np.array_equal(proba, expected), name  # bit-identical
    # the same data and seed in the test process: the same model
    assert np.array_equal(np.load(tmp_path / "X_test.npy"), X_test)
    assert np.array_equal(expected, fitted.predict_proba(X_test))
    here = np.load(tmp_path / "proba_saved_by_the_test_process.npy")
    assert np.array_equal(here, fitted.predict_proba(X_test))


def test_memory_mapped_load_predicts_without_writing(fitted, halves, tmp_path):
    _, X_test, _, y_test = halves
    path = tmp_path / "model.joblib"
    joblib.dump(fitted, path)
    before = path.read_bytes()
    loaded = joblib.load(path, mmap_mode="r")
    for array in loaded.coefs_ + loaded.intercepts_:
        assert isinstance(array, np.memmap)
        assert not array.flags.writeable
    # predict only reads the parameters: writing to them would raise here
    assert np.array_equal(loaded.predict_proba(X_test), fitted.predict_proba(X_test))
    assert np.array_equal(loaded.predict(X_test), fitted.predict(X_test))
    assert loaded.score(X_test, y_test) == fitted.score(X_test, y_test)
    loaded.predict_log_proba(X_test)
    for a, b in zip(loaded.coefs_, fitted.coefs_):
        np.testing.assert_array_equal(a, b)
    del loaded
    assert path.read_bytes() == before


@pytest.mark.parametrize("mmap_mode", [None, "c", "r"])
def test_reloaded_model_trains_further_exactly_like_the_original(
    fitted, halves, tmp_path, mmap_mode
):
    X_train, X_test, y_train, y_test = halves
    path = tmp_path / "model.joblib"
    joblib.dump(fitted, path)
    before = path.read_bytes()
    # mmap_mode="c": copy-on-write; "r": read-only arrays, trained on private
    # copies; either way the training never reaches the file
    loaded = joblib.load(path, mmap_mode=mmap_mode)
    original = pickle.loads(pickle.dumps(fitted))  # leave the fixture alone
    score_before = loaded.score(X_test, y_test)
    for start in range(0, len(X_train), 300):
        chunk = slice(start, start + 300)
        loaded.partial_fit(X_train[chunk], y_train[chunk])
        original.partial_fit(X_train[chunk], y_train[chunk])
    assert len(loaded.loss_curve_) == len(fitted.loss_curve_) + 3
    assert loaded.t_ == fitted.t_ + len(X_train)
    # optimizer state and random state came back with the model: same steps
    assert_same_model(loaded, original, X_test)
    assert loaded.score(X_test, y_test) >= score_before - 0.02
    del loaded
    assert path.read_bytes() == before


def test_version_is_saved_with_the_model(fitted, tmp_path):
    state = fitted.__getstate__()
    assert state[VERSION_KEY] == sklearn_sigmoid_mlp.__version__
    joblib.dump(fitted, tmp_path / "model.joblib")
    assert (
        sklearn_sigmoid_mlp.__version__.encode()
        in (tmp_path / "model.joblib").read_bytes()
    )


def test_pickling_leaves_the_model_unchanged(iris_model):
    before = set(vars(iris_model))
    pickle.dumps(iris_model)
    assert set(vars(iris_model)) == before
    assert VERSION_KEY not in vars(iris_model)


class _OtherVersionPickler(pickle.Pickler):
    """A pickler that records another package version in our models' state."""

    version = "0.0.1"

    def reducer_override(self, obj):
        if type(obj) is not SigmoidMLPClassifier:
            return NotImplemented
        reduced = list(obj.__reduce_ex__(pickle.HIGHEST_PROTOCOL))
        reduced[2] = {**reduced[2], VERSION_KEY: self.version}
        return tuple(reduced)


def test_loading_another_version_warns(fitted, halves, tmp_path):
    _, X_test, _, _ = halves
    path = tmp_path / "old.pkl"
    with path.open("wb") as f:
        _OtherVersionPickler(f, protocol=pickle.HIGHEST_PROTOCOL).dump(fitted)
    with pytest.warns(InconsistentVersionWarning, match="0.0.1") as record:
        loaded = pickle.loads(path.read_bytes())
    (warning,) = [w.message for w in record if w.category is InconsistentVersionWarning]
    assert warning.original_version == "0.0.1"
    assert warning.current_version == sklearn_sigmoid_mlp.__version__
    assert warning.estimator_name == "SigmoidMLPClassifier"
    assert issubclass(InconsistentVersionWarning, UserWarning)
    # the model still loads, without the key, and predicts
    assert VERSION_KEY not in loaded.__dict__
    assert np.array_equal(loaded.predict_proba(X_test), fitted.predict_proba(X_test))


def test_state_without_a_version_warns(fitted):
    state = dict(fitted.__getstate__())
    del state[VERSION_KEY]
    blank = SigmoidMLPClassifier.__new__(SigmoidMLPClassifier)
    with pytest.warns(InconsistentVersionWarning, match="unknown"):
        blank.__setstate__(state)


def _fit_adam(X, y):
    return SigmoidMLPClassifier(
        hidden_layer_sizes=(8,), max_iter=5, random_state=0
    ).fit(X, y)


def _fit_sgd(X, y):
    return SigmoidMLPClassifier(
        hidden_layer_sizes=(8,),
        solver="sgd",
        learning_rate="adaptive",
        max_iter=5,
        random_state=0,
    ).fit(X, y)


def _partial_fit(X, y):
    clf = SigmoidMLPClassifier(
        hidden_layer_sizes=(8,), class_weight="balanced", random_state=0
    )
    for start in range(0, len(X), 50):
        clf.partial_fit(
            X[start : start + 50], y[start : start + 50], classes=np.unique(y)
        )
    return clf


def _early_stopping(X, y):
    return SigmoidMLPClassifier(
        hidden_layer_sizes=(8,), early_stopping=True, max_iter=5, random_state=0
    ).fit(X, y)


def _string_labels(X, y):
    labels = np.array(["setosa", "versicolor", "virginica"], dtype=object)
    return SigmoidMLPClassifier(
        hidden_layer_sizes=(8,), max_iter=5, random_state=0
    ).fit(X, labels[y])


def _float32_multilabel(X, y):
    Y = np.column_stack([y == 0, y == 2]).astype(int)
    return SigmoidMLPClassifier(
        hidden_layer_sizes=(8,), max_iter=5, random_state=0
    ).fit(X.astype(np.float32), Y)


@pytest.mark.parametrize(
    "make_model",
    [
        _fit_adam,
        _fit_sgd,
        _partial_fit,
        _early_stopping,
        _string_labels,
        _float32_multilabel,
    ],
    ids=[
        "adam",
        "sgd",
        "partial_fit",
        "early_stopping",
        "string_labels",
        "float32_multilabel",
    ],
)
def test_skops_trusts_only_our_class(make_model, tmp_path):
    skops_io = pytest.importorskip("skops.io")
    X, y = load_iris(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    model = make_model(X, y)
    path = tmp_path / "model.skops"
    skops_io.dump(model, path)
    untrusted = skops_io.get_untrusted_types(file=path)
    assert untrusted == [OUR_CLASS], f"types to report to the lead: {untrusted}"
    with pytest.raises(skops_io.exceptions.UntrustedTypesFoundException):
        skops_io.load(path)
    with warnings.catch_warnings():
        warnings.simplefilter("error", InconsistentVersionWarning)
        loaded = skops_io.load(path, trusted=[OUR_CLASS])
    X_pred = X.astype(model.coefs_[0].dtype)
    assert np.array_equal(loaded.predict_proba(X_pred), model.predict_proba(X_pred))
    assert np.array_equal(loaded.predict(X_pred), model.predict(X_pred))
    assert loaded.get_params() == model.get_params()


def test_skops_loaded_model_trains_further(fitted, halves, tmp_path):
    skops_io = pytest.importorskip("skops.io")
    X_train, X_test, y_train, _ = halves
    path = tmp_path / "model.skops"
    skops_io.dump(fitted, path)
    loaded = skops_io.load(path, trusted=[OUR_CLASS])
    original = pickle.loads(pickle.dumps(fitted))
    loaded.partial_fit(X_train, y_train)
    original.partial_fit(X_train, y_train)
    assert_same_model(loaded, original, X_test)


def test_skops_pipeline_needs_only_our_class(halves, tmp_path):
    skops_io = pytest.importorskip("skops.io")
    X_train, X_test, y_train, _ = halves
    pipe = make_pipeline(
        StandardScaler(),
        SigmoidMLPClassifier(hidden_layer_sizes=(8,), max_iter=5, random_state=0),
    ).fit(X_train, y_train)
    path = tmp_path / "pipe.skops"
    skops_io.dump(pipe, path)
    assert skops_io.get_untrusted_types(file=path) == [OUR_CLASS]
    loaded = skops_io.load(path, trusted=[OUR_CLASS])
    assert np.array_equal(loaded.predict_proba(X_test), pipe.predict_proba(X_test))
