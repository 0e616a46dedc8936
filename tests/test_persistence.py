"""Integration tests: saving and loading fitted models.

Real files in ``tmp_path``, real fresh interpreters (``sys.executable``), real
joblib, pickle and skops; nothing is mocked. The classifier's tests come
first, then the regressor's.
"""

import io
import json
import pickle
import subprocess
import sys
import warnings

import joblib
import numpy as np
import pytest
from helpers import assert_same_model, child_program
from sklearn.compose import TransformedTargetRegressor
from sklearn.datasets import load_iris, make_friedman1
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

import sklearn_sigmoid_mlp
from sklearn_sigmoid_mlp import SigmoidMLPClassifier, SigmoidMLPRegressor, to_numpy
from sklearn_sigmoid_mlp.exceptions import InconsistentVersionWarning

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

VERSION_KEY = "_sklearn_sigmoid_mlp_version"
OUR_CLASS = "sklearn_sigmoid_mlp._classifier.SigmoidMLPClassifier"
OUR_REGRESSOR = "sklearn_sigmoid_mlp._regressor.SigmoidMLPRegressor"


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
        if type(obj) not in (SigmoidMLPClassifier, SigmoidMLPRegressor):
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


# ------------------------------------------------------------- the regressor


def friedman():
    """Friedman #1 as ``save_regressors.py`` makes it: X (standardised), y."""
    X, y = make_friedman1(n_samples=400, noise=0.5, random_state=0)
    return StandardScaler().fit_transform(X), y


def assert_same_regressor(first, second, X):
    """Two regressors are the same model, bit for bit, predictions on X too."""
    assert type(first) is type(second)
    assert first.get_params() == second.get_params()
    for a, b in zip(
        first.coefs_ + first.intercepts_, second.coefs_ + second.intercepts_
    ):
        assert a.dtype == b.dtype
        np.testing.assert_array_equal(a, b)
    assert (first.n_outputs_, first.out_activation_) == (
        second.n_outputs_,
        second.out_activation_,
    )
    assert (first.n_iter_, first.t_) == (second.n_iter_, second.t_)
    assert first.loss_curve_ == second.loss_curve_
    np.testing.assert_array_equal(first.predict(X), second.predict(X))


@pytest.fixture(scope="module")
def regressor():
    """A Poisson regressor of two outputs, fitted on 300 rows of Friedman #1."""
    X, y = friedman()
    Y = np.column_stack([y, np.sqrt(y)])
    return SigmoidMLPRegressor(
        hidden_layer_sizes=(16,), loss="poisson", max_iter=10, random_state=0
    ).fit(X[:300], Y[:300])


def test_regressors_saved_in_one_process_loaded_in_a_fresh_one(tmp_path):
    """joblib and skops, in a fresh interpreter: the saver's predictions.

    Four regressors (squared error; Poisson in float32 with SGD and its
    adaptive schedule; a TransformedTargetRegressor around a pipeline of two
    outputs; the NumPy copy, ``to_numpy``, of a model fitted on
    array-api-strict arrays), each saved by one process with joblib and
    skops and loaded by another, which never imports array-api-strict and
    trusts only the regressor's class. A model that trains on does the same
    from either file: its optimizer and random state were saved in both.
    """
    run_child("save_regressors.py", tmp_path)
    out = json.loads(run_child("load_regressors.py", tmp_path, OUR_REGRESSOR))
    assert out["imported_by_loading"]
    assert not out["array_api_strict_imported"]
    names = json.loads((tmp_path / "names.json").read_text())
    assert len(names) == 4
    assert out["untrusted"] == {name: [OUR_REGRESSOR] for name in names}
    for name in names:
        expected = np.load(tmp_path / f"predict_{name}_saver.npy")
        for fmt in ("joblib", "skops"):
            predicted = np.load(tmp_path / f"predict_{name}_{fmt}.npy")
            assert predicted.dtype == expected.dtype, (name, fmt)
            assert np.array_equal(predicted, expected), (name, fmt)  # bit-identical
        trained_on = tmp_path / f"trained_on_{name}_joblib.npy"
        if trained_on.exists():
            assert np.array_equal(
                np.load(trained_on),
                np.load(tmp_path / f"trained_on_{name}_skops.npy"),
            ), name
    assert np.load(tmp_path / "predict_poisson_float32_sgd_saver.npy").dtype == (
        np.float32
    )
    assert np.load(tmp_path / "predict_transformed_pipeline_saver.npy").shape == (
        100,
        2,
    )
    # the same data and seed in the test process: the same model
    X, y = friedman()
    np.testing.assert_array_equal(np.load(tmp_path / "X_test.npy"), X[300:])
    here = SigmoidMLPRegressor(
        hidden_layer_sizes=(16,), learning_rate_init=0.01, max_iter=30, random_state=0
    ).fit(X[:300], y[:300])
    np.testing.assert_array_equal(
        here.predict(X[300:]), np.load(tmp_path / "predict_squared_error_saver.npy")
    )


@pytest.mark.parametrize("mmap_mode", [None, "c", "r"])
def test_reloaded_regressor_trains_further_exactly_like_the_original(
    regressor, tmp_path, mmap_mode
):
    X, y = friedman()
    Y = np.column_stack([y, np.sqrt(y)])
    path = tmp_path / "regressor.joblib"
    joblib.dump(regressor, path)
    before = path.read_bytes()
    loaded = joblib.load(path, mmap_mode=mmap_mode)
    assert_same_regressor(loaded, regressor, X[300:])
    original = pickle.loads(pickle.dumps(regressor))
    for start in range(0, 300, 100):
        rows = slice(start, start + 100)
        loaded.partial_fit(X[rows], Y[rows])
        original.partial_fit(X[rows], Y[rows])
    assert len(loaded.loss_curve_) == len(regressor.loss_curve_) + 3
    assert_same_regressor(loaded, original, X[300:])
    del loaded
    assert path.read_bytes() == before


def _regressor_adam(X, y):
    return SigmoidMLPRegressor(hidden_layer_sizes=(8,), max_iter=5, random_state=0).fit(
        X, y
    )


def _regressor_lbfgs_poisson(X, y):
    return SigmoidMLPRegressor(
        hidden_layer_sizes=(8,),
        solver="lbfgs",
        loss="poisson",
        max_iter=5,
        random_state=0,
    ).fit(X, y)


def _regressor_partial_fit_multi_output(X, y):
    reg = SigmoidMLPRegressor(hidden_layer_sizes=(8,), random_state=0)
    Y = np.column_stack([y, -y])
    for start in range(0, len(X), 100):
        reg.partial_fit(X[start : start + 100], Y[start : start + 100])
    return reg


def _regressor_early_stopping_float32(X, y):
    return SigmoidMLPRegressor(
        hidden_layer_sizes=(8,), early_stopping=True, max_iter=5, random_state=0
    ).fit(X.astype(np.float32), y)


def _regressor_transformed_target(X, y):
    return TransformedTargetRegressor(
        make_pipeline(StandardScaler(), _regressor_adam(X, y)),
        transformer=StandardScaler(),
    ).fit(X, y)


def _regressor_to_numpy(X, y):
    return to_numpy(_regressor_adam(X, y))


@pytest.mark.parametrize(
    "make_model",
    [
        _regressor_adam,
        _regressor_lbfgs_poisson,
        _regressor_partial_fit_multi_output,
        _regressor_early_stopping_float32,
        _regressor_transformed_target,
        _regressor_to_numpy,
    ],
    ids=[
        "adam",
        "lbfgs_poisson",
        "partial_fit_multi_output",
        "early_stopping_float32",
        "transformed_target",
        "to_numpy",
    ],
)
def test_skops_trusts_only_the_regressor_class(make_model, tmp_path):
    skops_io = pytest.importorskip("skops.io")
    X, y = friedman()
    model = make_model(X, y)
    path = tmp_path / "regressor.skops"
    skops_io.dump(model, path)
    untrusted = skops_io.get_untrusted_types(file=path)
    assert untrusted == [OUR_REGRESSOR], f"types to report to the lead: {untrusted}"
    with pytest.raises(skops_io.exceptions.UntrustedTypesFoundException):
        skops_io.load(path)
    with warnings.catch_warnings():
        warnings.simplefilter("error", InconsistentVersionWarning)
        loaded = skops_io.load(path, trusted=[OUR_REGRESSOR])
    estimator = model if isinstance(model, SigmoidMLPRegressor) else None
    X_pred = X.astype(estimator.coefs_[0].dtype) if estimator is not None else X
    assert np.array_equal(loaded.predict(X_pred), model.predict(X_pred))
    assert loaded.get_params().keys() == model.get_params().keys()


def test_a_regressor_of_another_version_warns(regressor):
    buffer = io.BytesIO()
    _OtherVersionPickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(regressor)
    with pytest.warns(InconsistentVersionWarning, match="0.0.1") as record:
        loaded = pickle.loads(buffer.getvalue())
    (warning,) = [w.message for w in record if w.category is InconsistentVersionWarning]
    assert warning.estimator_name == "SigmoidMLPRegressor"
    assert regressor.__getstate__()[VERSION_KEY] == sklearn_sigmoid_mlp.__version__
    X, _ = friedman()
    np.testing.assert_array_equal(loaded.predict(X), regressor.predict(X))
