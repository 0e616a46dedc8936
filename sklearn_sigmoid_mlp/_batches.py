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

    Without shuffling or a validation split, batches are slices (views, no
    copy); otherwise the rows of dense NumPy arrays are gathered into
    buffers reused from batch to batch, those of a sparse X by CSR row
    indexing, and those of another namespace ``xp`` by its ``take``.
    """

    def __init__(self, X, y, sample_weight, batch_size, *, xp):
        self.X, self.y, self.sample_weight = X, y, sample_weight
        self.batch_size, self.xp = batch_size, xp
        self.buffers = {}

    def epoch(self, order=None):
        """Yield ``(X_batch, y_batch, weight_batch)``.

        ``order`` is the sequence of row indices to visit; None visits all the
        rows in their order, as slices. ``weight_batch`` is None when the
        iterator has no weights (every row weighs one). A batch's arrays may
        be overwritten by the next batch's.
        """
        n_rows = self.X.shape[0] if order is None else len(order)
        if order is not None and not is_numpy(self.xp):
            order = self.xp.asarray(order, device=self.X.device)
        for start in range(0, n_rows, self.batch_size):
            # (the standard has no slices that end beyond the axis)
            stop = min(start + self.batch_size, n_rows)
            rows = slice(start, stop) if order is None else order[start:stop]
            yield (
                self._take("X", rows),
                self._take("y", rows),
                self._take("sample_weight", rows),
            )

    def _take(self, name, rows):
        """The rows of one of the arrays (None stays None)."""
        array = getattr(self, name)
        if array is None:
            return None
        if isinstance(rows, slice):
            # (the standard indexes every axis: ... stands for the others)
            return array[rows, ...]
        if not is_numpy(self.xp):
            return self.xp.take(array, rows, axis=0)
        if sp.issparse(array):
            return array[rows]
        buffer = self.buffers.get(name)
        if buffer is None:
            shape = (self.batch_size, *array.shape[1:])
            buffer = self.buffers[name] = np.empty(shape, dtype=array.dtype)
        # the indices are valid rows: "clip" skips the bounds checks of "raise"
        return np.take(array, rows, axis=0, out=buffer[: len(rows)], mode="clip")


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
