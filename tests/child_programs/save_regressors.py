"""Fit regressors of every kind and save each with joblib and with skops.

Run by ``test_persistence.py`` in a fresh interpreter, in a temporary working
directory. Sets ``SCIPY_ARRAY_API=1`` before SciPy is imported, so that one
of the models is fitted on array-api-strict arrays (array API dispatch) and
saved as its NumPy copy (``to_numpy``). Writes there, per model ``NAME``:
``NAME.joblib``, ``NAME.skops`` and ``predict_NAME_saver.npy`` (what this
process predicts on ``X_test.npy``); and ``names.json``, the names.
"""

import os

os.environ["SCIPY_ARRAY_API"] = "1"  # before SciPy is imported

import json
import warnings

import array_api_strict
import joblib
import numpy as np
import skops.io
from sklearn import config_context
from sklearn.compose import TransformedTargetRegressor
from sklearn.datasets import make_friedman1
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklearn_sigmoid_mlp import SigmoidMLPRegressor, to_numpy


def data():
    """Friedman #1 (standardised), its target, two outputs and counts."""
    X, y = make_friedman1(n_samples=400, noise=0.5, random_state=0)
    X = StandardScaler().fit_transform(X)
    Y = np.column_stack([y, np.sqrt(y)])
    counts = np.random.default_rng(0).poisson(np.exp(y / 10)).astype(np.float64)
    return X, y, Y, counts


def squared_error_model(X, y):
    """The model that ``test_persistence.py`` fits too, on the same rows."""
    return SigmoidMLPRegressor(
        hidden_layer_sizes=(16,), learning_rate_init=0.01, max_iter=30, random_state=0
    ).fit(X, y)


def models(X, y, Y, counts):
    """The saved models, by name."""
    train = slice(0, 300)
    poisson = SigmoidMLPRegressor(
        hidden_layer_sizes=(16, 8),
        loss="poisson",
        solver="sgd",
        learning_rate="adaptive",
        max_iter=10,
        random_state=0,
    ).fit(X[train].astype(np.float32), counts[train])
    pipeline = TransformedTargetRegressor(
        make_pipeline(
            StandardScaler(),
            SigmoidMLPRegressor(hidden_layer_sizes=(8,), max_iter=10, random_state=0),
        ),
        transformer=StandardScaler(),
    ).fit(X[train], Y[train])
    with config_context(array_api_dispatch=True):
        strict = SigmoidMLPRegressor(
            hidden_layer_sizes=(8,), max_iter=10, random_state=0
        ).fit(array_api_strict.asarray(X[train]), array_api_strict.asarray(Y[train]))
    return {
        "squared_error": squared_error_model(X[train], y[train]),
        "poisson_float32_sgd": poisson,
        "transformed_pipeline": pipeline,
        "to_numpy_of_array_api_strict": to_numpy(strict),
    }


def main():
    warnings.simplefilter("ignore")
    X, y, Y, counts = data()
    X_test = X[300:]
    np.save("X_test.npy", X_test)
    fitted = models(X, y, Y, counts)
    for name, model in fitted.items():
        rows = X_test.astype(np.float32) if "float32" in name else X_test
        np.save(f"predict_{name}_saver.npy", model.predict(rows))
        joblib.dump(model, f"{name}.joblib")
        skops.io.dump(model, f"{name}.skops")
    with open("names.json", "w") as file:
        json.dump(list(fitted), file)


if __name__ == "__main__":
    main()
