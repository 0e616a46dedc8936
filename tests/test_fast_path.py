"""The fast path of predictions reaches exactly the outcomes of the full checks.

Predictions skip ``validate_data`` for plain NumPy rows (``_plain_rows``:
C- or F-ordered float32/float64 of the fitted width, a NumPy model fitted
without feature names). Every input below, good or bad, goes through
``predict``, ``predict_proba`` and ``predict_log_proba`` with the fast path
on and off: the results, the errors (type and message) and the warnings
must be the same.
"""

import pickle
import warnings

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from sklearn.exceptions import NotFittedError

import sklearn_sigmoid_mlp._predicting as base
from sklearn_sigmoid_mlp import SigmoidMLPClassifier

N_FEATURES = 5
METHODS = ["predict", "predict_proba", "predict_log_proba"]
#: finite rows of huge values, and a first column of zeros (see below)
OVERFLOWING = np.tile([0.0, 1e308, -1e308, 1e308, -1e308], (3, 1))


def _data():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(40, N_FEATURES))
    y = np.arange(40) % 3
    return X, y


@pytest.fixture(scope="module")
def fitted():
    X, y = _data()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        plain = SigmoidMLPClassifier(
            hidden_layer_sizes=(4,), max_iter=5, random_state=0
        )
        plain.fit(X, y)
        named = SigmoidMLPClassifier(
            hidden_layer_sizes=(4,), max_iter=5, random_state=0
        )
        columns = [f"f{i}" for i in range(N_FEATURES)]
        named.fit(pd.DataFrame(X, columns=columns), y)
    return plain, named


def inputs():
    """Name -> X: the plain rows of the fast path, and everything else."""
    rng = np.random.RandomState(1)
    X = rng.normal(size=(7, N_FEATURES))
    big_endian = X.astype(">f8")
    nan, inf = X.copy(), X.copy()
    nan[2, 1], inf[3, 0] = np.nan, np.inf
    read_only = X.copy()
    read_only.flags.writeable = False
    columns = [f"f{i}" for i in range(N_FEATURES)]
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
        "DataFrame": pd.DataFrame(X, columns=columns),
        "DataFrame renamed": pd.DataFrame(X, columns=["g", *columns[1:]]),
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


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("name", list(inputs()))
@pytest.mark.parametrize("model_kind", ["plain", "with feature names"])
def test_fast_path_and_full_checks_agree(fitted, monkeypatch, method, name, model_kind):
    model = fitted[0] if model_kind == "plain" else fitted[1]
    X = inputs()[name]
    fast = outcome(model, method, X, True, monkeypatch)
    full = outcome(model, method, X, False, monkeypatch)
    assert_same(fast, full, name)


def test_the_fast_path_is_taken_for_plain_rows_only(fitted):
    plain, named = fitted
    taken = {name for name, X in inputs().items() if plain._plain_rows(X)}
    assert taken == {
        "float64 C",
        "float64 F",
        "float32",
        "one row",
        "read-only",
        "NaN",
        "inf",
        "overflowing",
    }
    # a model fitted on named columns always takes the full checks
    assert not any(named._plain_rows(X) for X in inputs().values())


def test_errors_of_bad_plain_rows_are_the_full_checks_ones(fitted):
    plain, _ = fitted
    X = inputs()
    with pytest.raises(ValueError, match="Input X contains NaN"):
        plain.predict(X["NaN"])
    with pytest.raises(ValueError, match="Input X contains infinity"):
        plain.predict_proba(X["inf"])
    # an infinite weight times the zero of the first column: NaN inside
    overflowing = pickle.loads(pickle.dumps(plain))
    overflowing.coefs_[0][0, 0] = np.inf
    for fast in (True, False):
        base.PLAIN_ROWS_FAST_PATH = fast
        try:
            with pytest.raises(ValueError, match="products overflow"):
                overflowing.predict_proba(OVERFLOWING)
        finally:
            base.PLAIN_ROWS_FAST_PATH = True


def test_an_unfitted_model_is_not_fitted_on_either_path(monkeypatch):
    X = inputs()["float64 C"]
    for fast in (True, False):
        monkeypatch.setattr(base, "PLAIN_ROWS_FAST_PATH", fast)
        with pytest.raises(NotFittedError):
            SigmoidMLPClassifier().predict(X)
