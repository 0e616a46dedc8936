"""The fast path of predictions reaches exactly the outcomes of the full checks.

Predictions skip ``validate_data`` for plain NumPy rows (``_plain_rows``:
C- or F-ordered float32/float64 of the fitted width, a NumPy model fitted
without feature names). Every input below, good or bad, goes through the
prediction methods of both estimators with the fast path on and off:
``predict``, ``predict_proba`` and ``predict_log_proba`` of
``SigmoidMLPClassifier``, ``predict`` of ``SigmoidMLPRegressor`` (of one
output and of two). The results, the errors (type and message) and the
warnings must be the same.
"""

import pickle
import warnings

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from sklearn.exceptions import NotFittedError

import sklearn_sigmoid_mlp._predicting as base
from sklearn_sigmoid_mlp import SigmoidMLPClassifier, SigmoidMLPRegressor

N_FEATURES = 5
COLUMNS = [f"f{i}" for i in range(N_FEATURES)]
CLASSIFIER_METHODS = ["predict", "predict_proba", "predict_log_proba"]
#: the fitted models (see ``fitted``) and their prediction methods
MODELS = {
    "classifier": CLASSIFIER_METHODS,
    "classifier with feature names": CLASSIFIER_METHODS,
    "regressor": ["predict"],
    "regressor with feature names": ["predict"],
    "regressor of two outputs": ["predict"],
}
CASES = [(model, method) for model, methods in MODELS.items() for method in methods]
#: the inputs of ``inputs()`` that take the fast path (of a model fitted
#: without feature names)
PLAIN_ROWS = {
    "float64 C",
    "float64 F",
    "float32",
    "one row",
    "read-only",
    "NaN",
    "inf",
    "overflowing",
}
#: finite rows of huge values, and a first column of zeros (see below)
OVERFLOWING = np.tile([0.0, 1e308, -1e308, 1e308, -1e308], (3, 1))


def _data():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(40, N_FEATURES))
    y = np.arange(40) % 3
    return X, y


def _fitted(estimator, X, y):
    model = estimator(hidden_layer_sizes=(4,), max_iter=5, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return model.fit(X, y)


@pytest.fixture(scope="module")
def fitted():
    """Name -> fitted model, the names of ``MODELS``."""
    X, y = _data()
    named = pd.DataFrame(X, columns=COLUMNS)
    target = y.astype(np.float64)
    return {
        "classifier": _fitted(SigmoidMLPClassifier, X, y),
        "classifier with feature names": _fitted(SigmoidMLPClassifier, named, y),
        "regressor": _fitted(SigmoidMLPRegressor, X, target),
        "regressor with feature names": _fitted(SigmoidMLPRegressor, named, target),
        "regressor of two outputs": _fitted(
            SigmoidMLPRegressor, X, np.column_stack([target, X[:, 0]])
        ),
    }


def test_the_models_are_what_their_names_say(fitted):
    assert set(fitted) == set(MODELS)
    for name, model in fitted.items():
        assert hasattr(model, "feature_names_in_") == ("feature names" in name)
        assert isinstance(model, SigmoidMLPRegressor) == name.startswith("regressor")
    X, _ = _data()
    assert fitted["regressor"].predict(X).shape == (40,)
    assert fitted["regressor of two outputs"].predict(X).shape == (40, 2)


def inputs():
    """Name -> X: the plain rows of the fast path, and everything else."""
    rng = np.random.RandomState(1)
    X = rng.normal(size=(7, N_FEATURES))
    big_endian = X.astype(">f8")
    nan, inf = X.copy(), X.copy()
    nan[2, 1], inf[3, 0] = np.nan, np.inf
    read_only = X.copy()
    read_only.flags.writeable = False
    return {
        # plain rows: the fast path
        "float64 C": X,
        "float64 F": np.asfortranarray(X),
        "float32": X.astype(np.float32),
        "one row": X[:1].copy(),
        "read-only": read_only,
        "NaN": nan,
        "inf": inf,
        # finite, but huge
        "overflowing": OVERFLOWING,
        # everything else: the full checks
        "no rows": np.empty((0, N_FEATURES)),
        "too few columns": X[:, :-1].copy(),
        "too many columns": np.hstack([X, X]),
        "1-D": X[0].copy(),
        "3-D": X[None].copy(),
        "float16": X.astype(np.float16),
        "int": (X * 10).astype(np.int64),
        "bool": X > 0,
        "complex": X.astype(complex),
        "object numbers": X.astype(object),
        "strings": X.astype(str),
        "big-endian": big_endian,
        "strided": X[::2],
        "column view": np.hstack([X, X])[:, :N_FEATURES],
        "list": X.tolist(),
        "CSR": sp.csr_matrix(X),
        "CSR too few": sp.csr_matrix(X[:, :-1]),
        "DataFrame": pd.DataFrame(X, columns=COLUMNS),
        "DataFrame renamed": pd.DataFrame(X, columns=["g", *COLUMNS[1:]]),
        "None": None,
    }


def outcome(model, method, X, fast, monkeypatch):
    """What a call gives: its result or its error, and its warnings."""
    monkeypatch.setattr(base, "PLAIN_ROWS_FAST_PATH", fast)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result = ("result", getattr(model, method)(X))
        except Exception as error:
            result = ("error", type(error), str(error))
    messages = [(type(w.message), str(w.message)) for w in caught]
    return result, messages


def assert_same(fast, full, name):
    (kind, *fast_result), fast_warnings = fast
    (full_kind, *full_result), full_warnings = full
    assert kind == full_kind, (name, fast, full)
    if kind == "result":
        np.testing.assert_array_equal(fast_result[0], full_result[0], err_msg=name)
        assert fast_result[0].dtype == full_result[0].dtype, name
    else:
        assert fast_result == full_result, name
    assert fast_warnings == full_warnings, name


@pytest.mark.parametrize("name", list(inputs()))
@pytest.mark.parametrize(("model", "method"), CASES)
def test_fast_path_and_full_checks_agree(fitted, monkeypatch, model, method, name):
    X = inputs()[name]
    fast = outcome(fitted[model], method, X, True, monkeypatch)
    full = outcome(fitted[model], method, X, False, monkeypatch)
    assert_same(fast, full, name)


@pytest.mark.parametrize("model", list(MODELS))
def test_the_fast_path_is_taken_for_plain_rows_only(fitted, model):
    taken = {name for name, X in inputs().items() if fitted[model]._plain_rows(X)}
    # a model fitted on named columns always takes the full checks
    assert taken == (set() if "feature names" in model else PLAIN_ROWS)


@pytest.mark.parametrize(("model", "method"), CASES)
def test_the_methods_skip_validate_data_on_the_fast_path(
    fitted, monkeypatch, model, method
):
    """The methods themselves take the fast path: the inputs that reach
    ``validate_data`` are all of them with it off, all but the plain rows
    with it on."""
    validate_data = base.validate_data
    validated = []

    def spy(estimator, X, **kwargs):
        validated.append(X)
        return validate_data(estimator, X, **kwargs)

    monkeypatch.setattr(base, "validate_data", spy)
    reached = {True: set(), False: set()}
    for fast, names in reached.items():
        for name, X in inputs().items():
            validated.clear()
            outcome(fitted[model], method, X, fast, monkeypatch)
            if validated:
                names.add(name)
    assert reached[False] == set(inputs())
    expected = set() if "feature names" in model else PLAIN_ROWS
    assert set(inputs()) - reached[True] == expected


@pytest.mark.parametrize(
    ("model", "method"),
    [
        ("classifier", "predict"),
        ("classifier", "predict_proba"),
        ("regressor", "predict"),
        ("regressor of two outputs", "predict"),
    ],
)
def test_errors_of_bad_plain_rows_are_the_full_checks_ones(
    fitted, monkeypatch, model, method
):
    X = inputs()
    predict = getattr(fitted[model], method)
    with pytest.raises(ValueError, match="Input X contains NaN"):
        predict(X["NaN"])
    with pytest.raises(ValueError, match="Input X contains infinity"):
        predict(X["inf"])
    # an infinite weight times the zero of the first column: NaN inside
    overflowing = pickle.loads(pickle.dumps(fitted[model]))
    overflowing.coefs_[0][0, 0] = np.inf
    for fast in (True, False):
        monkeypatch.setattr(base, "PLAIN_ROWS_FAST_PATH", fast)
        with pytest.raises(ValueError, match="products overflow"):
            getattr(overflowing, method)(OVERFLOWING)


@pytest.mark.parametrize("estimator", [SigmoidMLPClassifier, SigmoidMLPRegressor])
def test_an_unfitted_model_is_not_fitted_on_either_path(monkeypatch, estimator):
    X = inputs()["float64 C"]
    for fast in (True, False):
        monkeypatch.setattr(base, "PLAIN_ROWS_FAST_PATH", fast)
        with pytest.raises(NotFittedError):
            estimator().predict(X)
