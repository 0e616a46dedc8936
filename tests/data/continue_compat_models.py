"""Load the saved models, partial_fit once, record the outputs."""

import pickle
import sys
import warnings

import numpy as np
from sklearn.datasets import load_breast_cancer, load_iris


def main():
    warnings.simplefilter("ignore")
    src = sys.argv[1]
    X, y = load_iris(return_X_y=True)
    Xb, yb = load_breast_cancer(return_X_y=True)
    Xb = (Xb - Xb.mean(0)) / Xb.std(0)
    data = {"iris": (X, y), "cancer": (Xb[:200], yb[:200])}
    with open(src + ".pkl", "rb") as f:
        models = pickle.load(f)
    out = {}
    for name, model in models.items():
        Xt, yt = data[name.split("_")[0]]
        if "32" in name:
            Xt = Xt.astype(np.float32)
        if model.early_stopping:
            model.set_params(early_stopping=False)
        model.partial_fit(Xt, yt)
        out[name + "/continued"] = model.predict_proba(Xt[::7])
    np.savez(src + "-continued.npz", **out)
    print(sorted(out))


if __name__ == "__main__":
    main()
