"""Warnings raised by sklearn_sigmoid_mlp."""

__all__ = ["InconsistentVersionWarning"]


class InconsistentVersionWarning(UserWarning):
    """A model is loaded under another version of sklearn_sigmoid_mlp.

    Follows the pattern of :class:`sklearn.exceptions.InconsistentVersionWarning`:
    the saved model may be invalid or behave differently under this version.
    Retrain it, or load it with the version it was saved with.

    Parameters
    ----------
    estimator_name : str
        Name of the loaded estimator class.
    current_version : str
        Version of sklearn_sigmoid_mlp doing the loading.
    original_version : str
        Version that saved the model.

    Examples
    --------
    >>> from sklearn_sigmoid_mlp.exceptions import InconsistentVersionWarning
    >>> w = InconsistentVersionWarning(
    ...     estimator_name="SigmoidMLPClassifier",
    ...     current_version="0.2.0",
    ...     original_version="0.1.0",
    ... )
    >>> w.original_version
    '0.1.0'
    """

    def __init__(self, *, estimator_name, current_version, original_version):
        self.estimator_name = estimator_name
        self.current_version = current_version
        self.original_version = original_version

    def __str__(self):
        return (
            f"Trying to unpickle estimator {self.estimator_name} from "
            f"sklearn_sigmoid_mlp version {self.original_version} when using "
            f"version {self.current_version}. This might lead to breaking code "
            "or invalid results. Use at your own risk."
        )
