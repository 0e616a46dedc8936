"""Models saved by earlier versions load, predict the same and train on.

``tests/data`` holds pickles of small models saved by released code
(0.1.0) and by the code of 0.2.0.dev0 before the second restructuring, with
what they predicted when saved (``*-expected.npz``) and what one more
``partial_fit`` gave with the code of 0.2.0.dev0 (``*-continued.npz``). The
programs that wrote them are beside them (``write_compat_models.py``,
``continue_compat_models.py``). A change of the fitted state, the optimizer state
or the training arithmetic shows up here.
"""

import pickle
import warnings
from pathlib import Path

import numpy as np
import pytest
from sklearn.datasets import load_breast_cancer, load_iris
from threadpoolctl import threadpool_limits

import sklearn_sigmoid_mlp
from sklearn_sigmoid_mlp import SigmoidMLPClassifier
from sklearn_sigmoid_mlp.exceptions import InconsistentVersionWarning

DATA = Path(__file__).parent / "data"
VERSIONS = ["0.1.0", "0.2.0.dev0"]


def _data():
    X, y = load_iris(return_X_y=True)
    Xb, yb = load_breast_cancer(return_X_y=True)
    Xb = (Xb - Xb.mean(0)) / Xb.std(0)
    return {"iris": (X, y), "cancer": (Xb[:200], yb[:200])}


def _load(version):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with open(DATA / f"models-{version}.pkl", "rb") as file:
            models = pickle.load(file)
    version_warnings = [
        w for w in caught if issubclass(w.category, InconsistentVersionWarning)
    ]
    if version == sklearn_sigmoid_mlp.__version__:
        assert not version_warnings
    else:
        assert version_warnings
    return models


def _rows(name, X):
    return X.astype(np.float32) if "32" in name else X


@pytest.mark.parametrize("version", VERSIONS)
def test_saved_models_predict_as_when_saved(version):
    models = _load(version)
    expected = np.load(DATA / f"models-{version}-expected.npz")
    data = _data()
    assert models
    for name, model in models.items():
        assert isinstance(model, SigmoidMLPClassifier)
        # parameters added since the model was saved take their defaults
        assert model.get_params()["max_fun"] == 15000
        if name.startswith("iris"):
            rows = _rows(name, data["iris"][0][::10])
        else:
            rows = _cancer_rows()
        np.testing.assert_array_equal(
            model.predict(rows), expected[f"{name}/predict"], err_msg=name
        )
        np.testing.assert_allclose(
            model.predict_proba(rows),
            expected[f"{name}/proba"],
            rtol=1e-12,
            atol=0,
            err_msg=name,
        )


def _cancer_rows():
    Xb, _ = load_breast_cancer(return_X_y=True)
    Xb = (Xb - Xb.mean(0)) / Xb.std(0)
    return Xb[::40]


@pytest.mark.parametrize("version", VERSIONS)
def test_saved_models_train_on_as_they_did(version):
    """One more ``partial_fit`` gives what the code that saved them gave."""
    models = _load(version)
    continued = np.load(DATA / f"models-{version}-continued.npz")
    data = _data()
    for name, model in models.items():
        X, y = data[name.split("_")[0]]
        X = _rows(name, X)
        if model.early_stopping:
            model.set_params(early_stopping=False)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with threadpool_limits(limits=1, user_api="blas"):
                model.partial_fit(X, y)
        # float32 to a few units in the last place: the order of a sum may
        # change (a lost optimizer state changes these models by 0.4-2.5%)
        float32 = model.coefs_[0].dtype == np.float32
        np.testing.assert_allclose(
            model.predict_proba(X[::7]),
            continued[f"{name}/continued"],
            rtol=1e-6 if float32 else 1e-9,
            atol=1e-12,
            err_msg=name,
        )
