"""The package with a scikit-learn that has no ``sklearn.callback`` (< 1.9).

Hides the module from the package (scikit-learn's own modules, which import
it, are loaded first), then fits, predicts and asks for callbacks. Prints
``fit: ok``, then the error ``set_callbacks`` raises as
``ImportError: <message>``, then the main job's output. Everything happens
in :func:`main`, so that importing this file (pytest's doctest collection
does) changes nothing.
"""

import sys
import types
import warnings


def hide_sklearn_callback():
    """Put an empty module in the place of ``sklearn.callback``.

    ``from sklearn.callback import CallbackSupportMixin`` then raises
    ImportError, as on a scikit-learn < 1.9. scikit-learn's own modules that
    import it are loaded first, and the package must not be loaded yet.
    """
    import sklearn.datasets
    import sklearn.metrics
    import sklearn.model_selection
    import sklearn.pipeline  # noqa: F401

    assert "sklearn_sigmoid_mlp" not in sys.modules
    sys.modules["sklearn.callback"] = types.ModuleType("sklearn.callback")


def main():
    hide_sklearn_callback()
    from sklearn.datasets import load_iris
    from sklearn.exceptions import ConvergenceWarning

    from sklearn_sigmoid_mlp import SigmoidMLPClassifier
    from sklearn_sigmoid_mlp._callbacks import CALLBACKS_AVAILABLE

    assert not CALLBACKS_AVAILABLE
    X, y = load_iris(return_X_y=True)
    clf = SigmoidMLPClassifier(max_iter=3, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(X, y, X_val=X, y_val=y)
    assert len(clf.validation_scores_) == 3
    clf.partial_fit(X, y)
    assert clf.predict(X).shape == y.shape
    print("fit: ok")
    try:
        clf.set_callbacks()
    except ImportError as error:
        print(f"ImportError: {error}")
    # the main job prints its table after the fit
    from sklearn_sigmoid_mlp.__main__ import main as main_job

    assert main_job(["--max-iter", "2", "--hidden", "8"]) == 0


if __name__ == "__main__":
    main()
