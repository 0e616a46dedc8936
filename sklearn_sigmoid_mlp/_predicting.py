"""Predictions: the input checks (with a fast path), the network's outputs.

:class:`PredictionMixin` gives the estimators the two steps every prediction
method takes: :meth:`~PredictionMixin._validate_predict_data` checks ``X`` as
scikit-learn checks it, except for plain NumPy rows, which the full checks
would return unchanged (:meth:`~PredictionMixin._plain_rows`: a fast path
with the same outcomes, tested input by input), and
:meth:`~PredictionMixin._output` runs :func:`~._network.predict_output`.
"""

import math

import numpy as np
from sklearn.utils import assert_all_finite
from sklearn.utils.validation import check_is_fitted, validate_data

from ._array_api import (
    check_same_namespace,
    float_dtypes,
    model_namespace,
    namespace_and_device,
)
from ._network import predict_output
from ._parameters import Parameters
from ._xp import sum_all

#: Whether predictions take the fast path for plain NumPy rows (see
#: ``PredictionMixin._plain_rows``); tests turn it off to compare the outcomes.
PLAIN_ROWS_FAST_PATH = True
_PLAIN_DTYPES = (np.dtype(np.float64), np.dtype(np.float32))


class PredictionMixin:
    """Input checks and outputs of a fitted :class:`~._base.BaseSigmoidMLP`."""

    def _plain_rows(self, X):
        """Whether ``X`` is rows that the full checks would return unchanged.

        A non-empty C- or F-ordered float32 or float64 ndarray of native byte
        order with the fitted number of columns, for a fitted NumPy model that
        saw no feature names: ``validate_data`` would accept it as it is and
        warn about nothing, so predictions skip it (finiteness is checked on
        the first layer's product either way). Anything else takes the full
        checks, with their errors and warnings.
        """
        state = self.__dict__
        coefs = state.get("coefs_")
        return (
            type(X) is np.ndarray
            and X.ndim == 2
            and X.dtype in _PLAIN_DTYPES
            and X.shape[0] > 0
            and X.shape[1] == state.get("n_features_in_")
            and "feature_names_in_" not in state
            and (X.flags.c_contiguous or X.flags.f_contiguous)
            and coefs is not None
            and type(coefs[0]) is np.ndarray
        )

    def _output(self, X):
        """The network's outputs for validated X (finiteness checked on the
        first layer's product, which is smaller than X)."""
        xp = model_namespace(self.coefs_[0])
        params = Parameters.of(
            self.coefs_, self.intercepts_, self._with_intercepts, xp=xp
        )

        def check_input(rows, product):
            if not math.isfinite(float(sum_all(product, xp))):
                assert_all_finite(
                    rows, input_name="X", estimator_name=type(self).__name__
                )

        return predict_output(params, X, self.out_activation_, check_input)

    def _validate_predict_data(self, X, method="predict"):
        if PLAIN_ROWS_FAST_PATH and self._plain_rows(X):
            return X
        check_is_fitted(self)
        check_same_namespace(X, self, method)
        xp, device = namespace_and_device(X)
        # finiteness is checked on the first layer's product (_output)
        return validate_data(
            self,
            X,
            accept_sparse=["csr", "csc"],
            dtype=float_dtypes(xp, device),
            ensure_all_finite=False,
            reset=False,
        )
