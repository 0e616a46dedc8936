"""Mini-batches of the training rows, and the BLAS threads they run with.

Plain NumPy/SciPy, no scikit-learn.
"""

import contextlib

import numpy as np
import scipy.sparse as sp
from threadpoolctl import threadpool_limits

#: Batches of at most this many rows train with one BLAS thread.
SMALL_BATCH = 16


class BatchIterator:
    """Mini-batches of rows of X, y and the sample weights.

    Without shuffling or a validation split, batches are slices of X (views, no
    copy); otherwise the rows of a dense X are gathered into one reused
    buffer, and those of a sparse X by CSR row indexing.
    """

    def __init__(self, X, y, sample_weight, batch_size):
        self.X, self.y, self.sample_weight = X, y, sample_weight
        self.batch_size = batch_size
        self.buffer = None

    def epoch(self, order=None):
        """Yield ``(X_batch, y_batch, weight_batch)``.

        ``order`` is the sequence of row indices to visit; None visits all the
        rows in their order, as slices.
        """
        n_rows = self.X.shape[0] if order is None else len(order)
        for start in range(0, n_rows, self.batch_size):
            if order is None:
                batch = slice(start, start + self.batch_size)
                X_batch = self.X[batch]
            else:
                batch = order[start : start + self.batch_size]
                X_batch = self._gather(batch)
            yield X_batch, self.y[batch], self.sample_weight[batch]

    def _gather(self, rows):
        if sp.issparse(self.X):
            return self.X[rows]
        if self.buffer is None:
            shape = (self.batch_size, self.X.shape[1])
            self.buffer = np.empty(shape, dtype=self.X.dtype)
        # the indices are valid rows: "clip" skips the bounds checks of "raise"
        return np.take(self.X, rows, axis=0, out=self.buffer[: len(rows)], mode="clip")


def blas_threads_for(batch_size):
    """One BLAS thread for small batches, whose products are too small to share.

    Threads only add synchronisation to matrix-vector products and rank-one
    updates, and on a busy machine they make them many times slower.
    """
    if batch_size <= SMALL_BATCH:
        return threadpool_limits(limits=1, user_api="blas")
    return contextlib.nullcontext()
