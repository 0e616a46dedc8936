"""The estimator's side of array namespaces: which one, on which device, moves.

With ``sklearn.set_config(array_api_dispatch=True)`` the estimator computes in
the namespace and on the device of ``X`` (PyTorch, CuPy, array-api-strict, or
NumPy). This module finds them and moves arrays between namespaces; the
network math receives the namespace as its ``xp`` argument (:mod:`._xp`).

It is the only module of the package that uses scikit-learn's private array
API utilities (``sklearn.utils._array_api`` and the ``array_api_compat`` that
scikit-learn vendors): a change there breaks this file alone.

The NumPy namespace is always the ``numpy`` module itself, so that the math
takes its NumPy paths (``out=``, SciPy, BLAS). Labels, class weights and
sample weights are checked and computed with NumPy on the host (labels may
be strings); what the network trains on moves to the device of ``X``.
"""

import numpy as np
import scipy.sparse as sp
from sklearn import get_config
from sklearn.externals import array_api_compat
from sklearn.utils._array_api import (
    _convert_to_numpy,
    _estimator_with_converted_arrays,
    _is_numpy_namespace,
    _max_precision_float_dtype,
    get_namespace_and_device,
    move_to,
)

from ._xp import is_numpy

__all__ = [
    "asnumpy",
    "check_same_namespace",
    "float_dtypes",
    "from_numpy",
    "library_name",
    "model_namespace",
    "namespace_and_device",
    "numpy_dtype",
    "to_numpy",
]


def _numpy_or(xp):
    return np if _is_numpy_namespace(xp) else xp


def namespace_and_device(*arrays):
    """The namespace and device the estimator computes in for ``arrays``.

    NumPy (the ``numpy`` module, device None) when array API dispatch is off
    or the arrays are NumPy arrays, sparse matrices or array-likes.

    Parameters
    ----------
    *arrays : arrays, sparse matrices, array-likes or None
        The inputs; they must share a namespace and a device.

    Returns
    -------
    xp : namespace
        ``numpy``, or the array API compatible namespace of the arrays.
    device : device or None
        Their device; None for NumPy.

    Raises
    ------
    ValueError
        For a sparse array of another library (a sparse PyTorch tensor):
        sparse input is NumPy and SciPy's.
    """
    xp, _, device = get_namespace_and_device(*arrays)
    xp = _numpy_or(xp)
    if is_numpy(xp):
        return xp, None
    for array in arrays:
        if _is_sparse_tensor(array):
            raise ValueError(
                "Sparse input is supported as SciPy sparse matrices with NumPy "
                f"only; got a sparse {library_name(xp)} array. Make it dense on its "
                "device, or pass a SciPy sparse matrix."
            )
    return xp, device


def library_name(xp):
    """The name users know a namespace by: ``"torch"``, not its wrapper's."""
    return xp.__name__.rsplit(".", 1)[-1]


def _is_sparse_tensor(array):
    """Whether ``array`` is a sparse array of an array library (PyTorch's)."""
    layout = getattr(array, "layout", None)
    return layout is not None and "strided" not in str(layout)


def model_namespace(array):
    """The namespace of a fitted array, whatever the configuration says.

    A model keeps the namespace it was trained in: its arrays tell it even
    when array API dispatch is off.
    """
    if isinstance(array, np.ndarray):
        return np
    return _numpy_or(array_api_compat.array_namespace(array))


def float_dtypes(xp, device):
    """The floating dtypes the estimator accepts on ``device``, widest first.

    ``[float64, float32]``, or ``[float32]`` on devices without float64
    (such as Apple's MPS): float32 data stays float32, other data is
    converted to the first.
    """
    if is_numpy(xp):
        return [np.float64, np.float32]
    if _max_precision_float_dtype(xp, device) == xp.float64:
        return [xp.float64, xp.float32]
    return [xp.float32]


def numpy_dtype(dtype):
    """The NumPy dtype of a floating dtype of any namespace (by its name)."""
    if isinstance(dtype, np.dtype):
        return dtype
    return np.dtype(np.float32 if "float32" in str(dtype) else np.float64)


def asnumpy(array):
    """``array`` as a NumPy array on the host; other inputs as they are.

    NumPy arrays, sparse matrices, lists and None are returned unchanged.
    """
    if isinstance(array, np.ndarray) or not array_api_compat.is_array_api_obj(array):
        return array
    return _convert_to_numpy(array, array_api_compat.array_namespace(array))


def from_numpy(array, xp, device):
    """A NumPy array (or None) moved to namespace ``xp`` on ``device``."""
    if array is None or is_numpy(xp):
        return array
    return move_to(array, xp=xp, device=device)


def check_same_namespace(X, estimator, method):
    """Raise if ``X`` is not in the namespace and on the device of the model.

    The message follows scikit-learn's ``check_same_namespace``: it names the
    method and says that inputs ``must use the same namespace`` as in fit.

    Parameters
    ----------
    X : array, sparse matrix or array-like
        The input of ``method``, before validation.
    estimator : SigmoidMLPClassifier
        The fitted model; its first weight matrix gives its namespace.
    method : str
        The calling method, e.g. ``"predict"``.
    """
    weights = estimator.coefs_[0]
    fitted_xp = model_namespace(weights)
    if not get_config()["array_api_dispatch"]:
        if is_numpy(fitted_xp):
            return
        X_name, problem = "NumPy", "array API dispatch is off"
    else:
        X_xp, X_device = namespace_and_device(X)
        if is_numpy(fitted_xp) and is_numpy(X_xp):
            return
        fitted_device = None if is_numpy(fitted_xp) else weights.device
        if X_xp is fitted_xp and X_device == fitted_device:
            return
        X_name = "sparse" if sp.issparse(X) else library_name(X_xp)
        problem = (
            f"X is on device {X_device}, the model on {fitted_device}"
            if X_xp is fitted_xp
            else "the namespaces differ"
        )
    raise ValueError(
        f"Inputs passed to {type(estimator).__name__}.{method}() must use the "
        "same namespace and the same device as those passed to fit(): the model "
        f"was fitted in {library_name(fitted_xp)}, X is {X_name} ({problem}). "
        "Sparse input needs a NumPy model. Move X to the model, or bring the "
        "model back to NumPy with sklearn_sigmoid_mlp.to_numpy(model)."
    )


def to_numpy(estimator):
    """A copy of a fitted estimator whose arrays are NumPy arrays on the host.

    Train on a GPU (or in any array namespace), then bring the model back to
    NumPy to pickle it, save it with skops, export it to ONNX or serve it
    without the array library: the copy predicts with NumPy inputs, with
    array API dispatch on or off, and trains on (``partial_fit``,
    ``warm_start``) with NumPy.

    Parameters
    ----------
    estimator : estimator
        A fitted estimator, or a pipeline or meta-estimator holding fitted
        estimators.

    Returns
    -------
    estimator : estimator
        A clone with every array attribute (in lists, tuples and dicts too)
        copied to a NumPy array; the original is left as it is.

    Notes
    -----
    This is scikit-learn's own converter, the one behind
    ``sklearn.utils._array_api.move_estimator_to`` (private in scikit-learn
    1.9), with a converter that copies, so that the two models never share
    memory.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.datasets import load_iris
    >>> from sklearn_sigmoid_mlp import SigmoidMLPClassifier, to_numpy
    >>> X, y = load_iris(return_X_y=True)
    >>> clf = SigmoidMLPClassifier(learning_rate_init=0.01, random_state=0).fit(X, y)
    >>> copy = to_numpy(clf)  # a no-op but for the copy: clf is NumPy already
    >>> type(copy.coefs_[0]), np.shares_memory(copy.coefs_[0], clf.coefs_[0])
    (<class 'numpy.ndarray'>, False)
    """
    return _estimator_with_converted_arrays(
        estimator, lambda array: np.array(asnumpy(array))
    )
