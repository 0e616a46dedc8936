"""Save small models fitted by the package on sys.path, with their outputs."""

import pickle
import sys

import numpy as np
from sklearn.datasets import load_breast_cancer, load_iris

import sklearn_sigmoid_mlp
from sklearn_sigmoid_mlp import SigmoidMLPClassifier


def main():
    out = sys.argv[1]
    X, y = load_iris(return_X_y=True)
    Xb, yb = load_breast_cancer(return_X_y=True)
    Xb = (Xb - Xb.mean(0)) / Xb.std(0)
    models = {
        "iris_adam": SigmoidMLPClassifier(
            hidden_layer_sizes=(5,),
            max_iter=20,
            random_state=0,
            learning_rate_init=0.01,
        ).fit(X, y),
        "iris_sgd32": SigmoidMLPClassifier(
            hidden_layer_sizes=(4, 3),
            solver="sgd",
            max_iter=15,
            random_state=1,
            learning_rate_init=0.05,
        ).fit(X.astype(np.float32), y),
        "cancer_notebook": SigmoidMLPClassifier(
            hidden_layer_sizes=(6,),
            loss="squared_error",
            solver="sgd",
            momentum=0.0,
            batch_size=1,
            fit_intercept=False,
            weight_init="notebook",
            max_iter=2,
            random_state=2,
        ).fit(Xb[:200], yb[:200]),
    }
    if sklearn_sigmoid_mlp.__version__ != "0.1.0":
        models["iris_cosine"] = SigmoidMLPClassifier(
            hidden_layer_sizes=(5,),
            learning_rate="cosine",
            max_iter=8,
            random_state=3,
            learning_rate_init=0.02,
        ).fit(X, y)
        models["cancer_early"] = SigmoidMLPClassifier(
            hidden_layer_sizes=(5,), early_stopping=True, max_iter=12, random_state=4
        ).fit(Xb, yb)
    rows = {"iris": X[::10], "cancer": Xb[::40]}
    expected = {}
    for name, model in models.items():
        Xr = rows[name.split("_")[0]]
        if "32" in name:
            Xr = Xr.astype(np.float32)
        expected[name + "/proba"] = model.predict_proba(Xr)
        expected[name + "/predict"] = model.predict(Xr)
    with open(out + ".pkl", "wb") as f:
        pickle.dump(models, f)
    np.savez(out + "-expected.npz", **expected)
    print(sklearn_sigmoid_mlp.__version__, sklearn_sigmoid_mlp.__file__)


if __name__ == "__main__":
    main()
