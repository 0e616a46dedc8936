"""The estimator's attributes: what is saved, and what a failed call puts back.

Pickling saves the package version with a model and warns on a mismatch
(:class:`VersionedPickleMixin`; a model saved before a parameter existed
gets its default); :func:`rollback_on_error` restores the
attributes a training call found when it raises.

The saved state is the estimator's attributes, plain data, less the owner of
the flat parameter vector (``_parameters``, a transient view of the same
arrays that the next training call rebuilds), plus the version of the package
that saved it. Loading a model saved by another version warns with
:class:`~sklearn_sigmoid_mlp.exceptions.InconsistentVersionWarning`.
"""

import inspect
import warnings
from contextlib import contextmanager

from ._version import __version__
from .exceptions import InconsistentVersionWarning

#: the key of the saving package's version in a saved state
VERSION_KEY = "_sklearn_sigmoid_mlp_version"

#: attributes that are never saved
TRANSIENT_ATTRIBUTES = ("_parameters",)


class VersionedPickleMixin:
    """Save the package version with the state; warn when it differs on load."""

    def __getstate__(self):
        # a copy: on Python >= 3.11 the base class returns the live __dict__
        state = dict(super().__getstate__())
        for name in TRANSIENT_ATTRIBUTES:
            state.pop(name, None)
        state[VERSION_KEY] = __version__
        return state

    def __setstate__(self, state):
        original = state.pop(VERSION_KEY, "unknown")
        # a model saved before a parameter existed gets the parameter's default
        signature = inspect.signature(type(self).__init__).parameters
        for name in self._get_param_names():
            if (
                name not in state
                and signature[name].default is not signature[name].empty
            ):
                state[name] = signature[name].default
        if original != __version__:
            warnings.warn(
                InconsistentVersionWarning(
                    estimator_name=type(self).__name__,
                    current_version=__version__,
                    original_version=original,
                ),
                stacklevel=2,
            )
        super().__setstate__(state)


# what scikit-learn's callback machinery keeps on the estimator during a call:
# its fit context tears the callbacks down after the call from these
_CALLBACK_ATTRIBUTES = ("_callback_fit_ctx", "_skl_callbacks_to_teardown")


@contextmanager
def rollback_on_error(estimator, keep=()):
    """Put the estimator's attributes back as they were if the block raises.

    Validation and set-up only rebind attributes, so restoring the attribute
    dict undoes them. Errors of the types in ``keep`` leave the attributes
    as the block left them (training that went on in place); so do the
    callback attributes of scikit-learn's fit context, which outlive the call.
    """
    saved = dict(estimator.__dict__)
    try:
        yield
    except BaseException as error:
        if not isinstance(error, keep):
            callbacks = {
                key: value
                for key, value in estimator.__dict__.items()
                if key in _CALLBACK_ATTRIBUTES
            }
            estimator.__dict__.clear()
            estimator.__dict__.update(saved, **callbacks)
        raise
