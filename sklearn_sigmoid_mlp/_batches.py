"""Mini-batches of the training rows, and the BLAS threads they run with.

Plain NumPy/SciPy, no scikit-learn. The rows may be arrays of another
namespace of the array API standard (see :mod:`._xp`): their batches are then
taken with the standard's ``take``, on the rows' device.
"""

import numpy as np
import scipy.sparse as sp

from ._blas import all_blas_single_thread, scipy_blas_single_thread
from ._xp import is_numpy

#: Batches of at most this many rows train with one BLAS thread.
SMALL_BATCH = 16


class BatchIterator:
    """Mini-batches of rows of X, y and the sample weights.

    Without shuffling or a validation split, batches are slices of X (views, no
    copy); otherwise the rows of a dense NumPy X are gathered into one reused
    buffer, those of a sparse X by CSR row indexing, and those of another
    namespace ``xp`` by its ``take``.
    """

    def __init__(self, X, y, sample_weight, batch_size, *, xp):
        self.X, self.y, self.sample_weight = X, y, sample_weight
        self.batch_size, self.xp = batch_size, xp
        self.buffer = None

    def epoch(self, order=None):
        """Yield ``(X_batch, y_batch, weight_batch)``.

        ``weight_batch`` is None when the iterator has no weights (every row
        weighs one).

        ``order`` is the sequence of row indices to visit; None visits all the
        rows in their order, as slices.
        """
        n_rows = self.X.shape[0] if order is None else len(order)
        if order is not None and not is_numpy(self.xp):
            order = self.xp.asarray(order, device=self.X.device)
        for start in range(0, n_rows, self.batch_size):
            # (the standard has no slices that end beyond the axis)
            stop = min(start + self.batch_size, n_rows)
            if order is None:
                batch = slice(start, stop)
                # (the standard indexes every axis: ... stands for the columns)
                yield self.X[batch, ...], self.y[batch, ...], self._weights(batch)
            else:
                batch = order[start:stop]
                yield (
                    self._gather(batch),
                    self._rows(self.y, batch),
                    self._weights(batch),
                )

    def _weights(self, rows):
        if self.sample_weight is None:
            return None
        if isinstance(rows, slice):
            return self.sample_weight[rows]
        return self._rows(self.sample_weight, rows)

    def _rows(self, array, rows):
        if is_numpy(self.xp):
            return array[rows]
        return self.xp.take(array, rows, axis=0)

    def _gather(self, rows):
        if not is_numpy(self.xp):
            return self.xp.take(self.X, rows, axis=0)
        if sp.issparse(self.X):
            return self.X[rows]
        if self.buffer is None:
            shape = (self.batch_size, self.X.shape[1])
            self.buffer = np.empty(shape, dtype=self.X.dtype)
        # the indices are valid rows: "clip" skips the bounds checks of "raise"
        return np.take(self.X, rows, axis=0, out=self.buffer[: len(rows)], mode="clip")


def blas_threads_for(batch_size):
    """The BLAS thread limits of training on batches of ``batch_size`` rows.

    Small batches run every BLAS on one thread: threads only add
    synchronisation to their matrix-vector products and rank-one updates,
    and on a busy machine they make them many times slower. Larger batches
    keep NumPy's threads for the products and run SciPy's own BLAS (the
    optimizers' vector updates) on one (see :mod:`._blas`).
    """
    if batch_size <= SMALL_BATCH:
        return all_blas_single_thread()
    return scipy_blas_single_thread()
