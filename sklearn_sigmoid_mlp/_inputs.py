"""What a training call trains on: ``X``, the targets, weights, validation rows.

:class:`TrainingInputsMixin` checks a call's inputs as scikit-learn checks
them and gathers them: the namespace and device of ``X`` (found once, here),
``X`` in the network's dtype, the targets of the call (asked of the estimator:
``_targets_of_call``), the effective sample weights, the
:class:`~._training.TrainingData` the engine takes, and the validation rows
of ``X_val`` (:mod:`._validation`).
"""

import scipy.sparse as sp
from sklearn.utils.validation import validate_data

from . import _validation
from ._array_api import (
    asnumpy,
    check_same_namespace,
    float_dtypes,
    from_numpy,
    library_name,
    namespace_and_device,
    numpy_dtype,
)
from ._training import TrainingData
from ._xp import astype, is_numpy


class TrainingInputsMixin:
    """The checked inputs of a training call of a :class:`~._base.BaseSigmoidMLP`."""

    def _check_namespace(self, X, continuing, incremental, has_validation):
        """The namespace and device of the call: X's, the model's when continuing."""
        if continuing:
            check_same_namespace(X, self, "partial_fit" if incremental else "fit")
        xp, device = namespace_and_device(X)
        holds_out = self.early_stopping and self.solver != "lbfgs"
        if not is_numpy(xp) and holds_out and not has_validation:
            raise ValueError(
                "early_stopping=True holds rows of X out with NumPy input only, "
                f"not with {library_name(xp)} arrays. Pass your own validation "
                "set (X_val and y_val, in the namespace of X), set "
                "early_stopping=False, or train on NumPy arrays."
            )
        return xp, device

    def _check_X_y(self, X, y, continuing, xp, device):
        """X validated in the network's dtype (CSR if sparse); y on the host."""
        X, y = validate_data(
            self,
            X,
            asnumpy(y),  # targets are checked on the host, in NumPy
            accept_sparse=["csr", "csc"],
            dtype=float_dtypes(xp, device),
            multi_output=True,
            reset=not continuing,
        )
        if continuing and X.dtype != self.coefs_[0].dtype:
            # the network keeps the dtype it was first trained in
            X = astype(X, self.coefs_[0].dtype, xp)
        if sp.issparse(X) and X.format != "csr":
            # batches are row slices: CSR makes them cheap (no densifying)
            X = X.tocsr()
        return X, y

    def _training_data(
        self, X, y, sample_weight, classes, incremental, continuing, xp, device
    ):
        """The call's :class:`TrainingData`, its targets and class weights."""
        sample_weight, classes = asnumpy(sample_weight), asnumpy(classes)
        dtype = numpy_dtype(X.dtype)
        fitted = self._fitted_targets() if continuing else None
        labels, targets = self._targets_of_call(y, classes, incremental, fitted)
        encoded, label_index = targets.encode(labels, dtype)
        counts = getattr(self, "_class_weight_counts", None) if incremental else None
        weights, class_weights, counts = targets.weights(
            sample_weight, X.shape[0], dtype, label_index, counts
        )
        if not continuing:
            self._adopt_targets(targets)
        if incremental and counts is not None:
            # partial_fit's "balanced" weights use the counts of every call so far
            self._class_weight_counts = counts
        data = TrainingData(
            X,
            from_numpy(encoded, xp, device),
            from_numpy(weights, xp, device),
            labels=labels,
            label_index=label_index,
            metadata=None
            if sample_weight is None
            else {"sample_weight": sample_weight},
        )
        return data, targets, class_weights

    def _validation_set(self, X_val, y_val, sample_weight_val, dtype, xp, device, *t):
        """``X_val`` checked as ``X`` is, ``y_val`` by the call's targets."""
        targets, class_weights = t
        X_val = _validation.check_X_val(
            X_val,
            n_features=self.n_features_in_,
            feature_names=getattr(self, "feature_names_in_", None),
            dtypes=float_dtypes(xp, device),
            dtype=dtype,
            xp=xp,
            device=device,
            estimator_name=type(self).__name__,
        )
        labels, y, weight = targets.validation(
            asnumpy(y_val),
            asnumpy(sample_weight_val),
            X_val.shape[0],
            numpy_dtype(dtype),
            class_weights,
        )
        return _validation.validation_set(
            X_val, labels, y, weight, sample_weight_val, xp, device
        )
