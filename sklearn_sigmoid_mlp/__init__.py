"""A scikit-learn multilayer perceptron with sigmoid layers and readable backprop."""

from ._classifier import NOTEBOOK_PARAMS, SigmoidMLPClassifier
from ._version import __version__

__all__ = ["NOTEBOOK_PARAMS", "SigmoidMLPClassifier", "__version__"]
