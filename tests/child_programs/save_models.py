"""Fit a small network on half of digits and save it in four formats.

Run by ``test_persistence.py`` in a fresh interpreter, in a temporary working
directory: writes ``X_test.npy``, ``proba_saver.npy`` (the probabilities this
process predicts), ``model.joblib``, ``model_compressed.joblib``,
``model.pkl`` and ``model.skops`` there.
"""

import pickle
import warnings

import joblib
import numpy as np
import skops.io
from sklearn.datasets import load_digits

from sklearn_sigmoid_mlp import SigmoidMLPClassifier


def main():
    warnings.simplefilter("ignore")
    X, y = load_digits(return_X_y=True)
    X = X / 16.0
    clf = SigmoidMLPClassifier(
        hidden_layer_sizes=(16,), learning_rate_init=0.01, max_iter=30, random_state=0
    ).fit(X[::2], y[::2])
    np.save("X_test.npy", X[1::2])
    np.save("proba_saver.npy", clf.predict_proba(X[1::2]))
    joblib.dump(clf, "model.joblib")
    joblib.dump(clf, "model_compressed.joblib", compress=3)
    with open("model.pkl", "wb") as file:
        pickle.dump(clf, file)
    skops.io.dump(clf, "model.skops")


if __name__ == "__main__":
    main()
