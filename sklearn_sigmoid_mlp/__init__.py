"""A scikit-learn multilayer perceptron with sigmoid layers and readable backprop."""

from ._array_api import to_numpy
from ._classifier import NOTEBOOK_PARAMS, SigmoidMLPClassifier
from ._plotting import TrainingCurveDisplay
from ._regressor import SigmoidMLPRegressor
from ._version import __version__

__all__ = [
    "NOTEBOOK_PARAMS",
    "SigmoidMLPClassifier",
    "SigmoidMLPRegressor",
    "TrainingCurveDisplay",
    "__version__",
    "to_numpy",
]
