"""Print the SHA-256 digest of a seeded fit's weights and intercepts.

Run by ``test_reliability.py`` in fresh interpreters with different
``PYTHONHASHSEED`` values; the test also calls ``weights_digest`` in its own
process. All must print the same digest.
"""

import hashlib
import warnings

from sklearn.datasets import make_classification

from sklearn_sigmoid_mlp import SigmoidMLPClassifier


def weights_digest():
    """The hex digest of the weights of a fixed, seeded, early-stopped fit."""
    X, y = make_classification(
        n_samples=300, n_features=10, n_classes=3, n_informative=5, random_state=0
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        clf = SigmoidMLPClassifier(
            hidden_layer_sizes=(16, 8), max_iter=15, early_stopping=True, random_state=7
        ).fit(X, y)
    digest = hashlib.sha256()
    for array in clf.coefs_ + clf.intercepts_:
        digest.update(array.tobytes())
    return digest.hexdigest()


if __name__ == "__main__":
    print(weights_digest())
