"""The package with a scikit-learn that has no ``sklearn.callback`` (< 1.9).

Hides the module from the package (scikit-learn's own modules, which import
it, are loaded first), then fits, predicts and asks for callbacks. Prints
``fit: ok``, then the error ``set_callbacks`` raises as
``ImportError: <message>``.
"""

import sys
import types
import warnings

# scikit-learn's own modules import sklearn.callback: load them first
import sklearn.metrics
import sklearn.model_selection
import sklearn.pipeline  # noqa: F401
from sklearn.datasets import load_iris
from sklearn.exceptions import ConvergenceWarning

# then an empty module in its place: ``from sklearn.callback import
# CallbackSupportMixin`` raises ImportError, as on a scikit-learn < 1.9
sys.modules["sklearn.callback"] = types.ModuleType("sklearn.callback")

from sklearn_sigmoid_mlp import SigmoidMLPClassifier  # noqa: E402
from sklearn_sigmoid_mlp._callbacks import CALLBACKS_AVAILABLE  # noqa: E402


def main():
    assert not CALLBACKS_AVAILABLE
    X, y = load_iris(return_X_y=True)
    clf = SigmoidMLPClassifier(max_iter=3, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(X, y, X_val=X, y_val=y)
    clf.partial_fit(X, y)
    assert clf.predict(X).shape == y.shape
    assert len(clf.validation_scores_ or []) == 0  # partial_fit has no X_val
    print("fit: ok")
    try:
        clf.set_callbacks()
    except ImportError as error:
        print(f"ImportError: {error}")


if __name__ == "__main__":
    main()
