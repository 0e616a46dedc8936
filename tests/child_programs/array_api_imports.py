"""Train and predict with array API dispatch off; exit 1 if that imported torch.

Run by ``test_array_api.py``: with dispatch off (scikit-learn's default) the
package is NumPy's alone and must never import PyTorch, CuPy or
array-api-strict, not even to look at an input.
"""

import sys
import warnings

LIBRARIES = ("torch", "cupy", "array_api_strict")


def main():
    import numpy as np
    import scipy.sparse as sp
    from sklearn.datasets import make_classification

    from sklearn_sigmoid_mlp import SigmoidMLPClassifier, to_numpy

    X, y = make_classification(n_samples=200, n_features=8, random_state=0)
    warnings.simplefilter("ignore")
    for params, X_fit in [
        ({}, X),
        ({"solver": "sgd", "momentum": 0, "batch_size": 1}, X.astype(np.float32)),
        ({"early_stopping": True}, X),
        ({}, sp.csr_matrix(X)),
    ]:
        clf = SigmoidMLPClassifier((8,), max_iter=3, random_state=0, **params)
        clf.fit(X_fit, y)
        clf.predict_proba(X_fit)
        clf.predict_log_proba(X_fit)
        clf.score(X_fit, y)
        if not params.get("early_stopping"):
            clf.partial_fit(X_fit, y)
        to_numpy(clf).predict(X_fit)
    imported = [name for name in LIBRARIES if name in sys.modules]
    print("imported:", imported)
    return int(bool(imported))


if __name__ == "__main__":
    sys.exit(main())
