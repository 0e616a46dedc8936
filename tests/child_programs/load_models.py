"""Load saved models in a fresh interpreter and save their probabilities.

Run by ``test_persistence.py`` in the working directory where
``save_models.py`` (and the test) saved the models. The one argument is the
estimator's class path that skops may trust. Writes ``proba_<name>.npy`` per
model and prints ``{"imported_by_loading": ...}`` as JSON: this program never
imports the package itself, so only loading the files can have imported it.
"""

import json
import pickle
import sys

import joblib
import numpy as np
import skops.io


def main(trusted_class):
    X_test = np.load("X_test.npy")
    with open("model.pkl", "rb") as file:
        pickled = pickle.load(file)
    models = {
        "joblib": joblib.load("model.joblib"),
        "joblib_compressed": joblib.load("model_compressed.joblib"),
        "pickle": pickled,
        "skops": skops.io.load("model.skops", trusted=[trusted_class]),
        "saved_by_the_test_process": joblib.load("here.joblib"),
    }
    for name, model in models.items():
        np.save(f"proba_{name}.npy", model.predict_proba(X_test))
    print(json.dumps({"imported_by_loading": "sklearn_sigmoid_mlp" in sys.modules}))


if __name__ == "__main__":
    main(sys.argv[1])
