"""The main job's table of progress: one line per epoch, as the notebook prints.

:class:`EpochTable` is a small scikit-learn callback (``sklearn.callback``):
after every epoch it prints the training loss and the held-out accuracy, and
it says so when Ctrl-C cut an epoch short.
"""

import sys
import time

from ._callbacks import EPOCH_TASK, VALIDATION_TASK


class EpochTable:
    """A scikit-learn callback that prints one line per epoch, as the notebook.

    The epoch, the training loss, the accuracy on the validation rows (the
    held-out test rows of the main job) and the seconds since the fit began.
    The estimator has scored an epoch's weights on the validation rows when
    the epoch's validation task ends; its line is printed as the next epoch
    begins, or as the fit ends: the same moment to a reader, and then it is
    known whether training stopped inside the epoch (Ctrl-C), which the line
    then says, with the rows the epoch trained on.

    Parameters
    ----------
    file : file-like, default=None
        Where to print; None for the standard output at the time of printing.
    """

    def __init__(self, file=None):
        self.file = file

    def setup(self, estimator, context):
        """Start the clock at the beginning of a fit."""
        self.start = time.perf_counter()
        self.rows_before = getattr(estimator, "t_", 0)
        self.rows_per_epoch = None
        self.line = None

    def teardown(self, estimator, context):
        """Print the last epoch's line, cut short or not."""
        rows = None
        if self.rows_per_epoch:
            rows = _rows_of_a_cut_short_epoch(
                estimator, self.rows_per_epoch, self.rows_before
            )
        self._print(rows)

    def on_fit_task_begin(self, estimator, context, *, X=None):
        """At an epoch's beginning, print the line of the one before."""
        if context.task_name == EPOCH_TASK:
            self._print()
            if X is not None:
                self.rows_per_epoch = X.shape[0]

    def on_fit_task_end(self, estimator, context, *, fitted_estimator=None):
        """Keep the line of an epoch whose validation has ended."""
        if context.task_name == VALIDATION_TASK and fitted_estimator is not None:
            seconds = time.perf_counter() - self.start
            self.line = (
                fitted_estimator.n_iter_,
                fitted_estimator.loss_,
                fitted_estimator.validation_scores_[-1],
                seconds,
            )
        return False

    def _print(self, rows=None):
        if self.line is not None:
            epoch, loss, accuracy, seconds = self.line
            cut_short = None if rows is None else (rows, self.rows_per_epoch)
            print(
                _epoch_line(epoch, loss, accuracy, cut_short) + f" | {seconds:.1f} s",
                file=self.file or sys.stdout,
                flush=True,
            )
            self.line = None


def _epoch_line(epoch, loss, accuracy, cut_short=None):
    """The line of an epoch; ``cut_short`` is (rows trained on, rows of an epoch)."""
    label = f"Epoch {epoch:2d}"
    if cut_short is not None:
        label += f" ({_cut_short(*cut_short)})"
    return f"{label} | loss {loss:.6f} | held-out accuracy {100 * accuracy:.2f}%"


def _cut_short(rows, rows_per_epoch):
    return f"cut short after {rows} of {rows_per_epoch} rows"


def _rows_of_a_cut_short_epoch(estimator, rows_per_epoch, rows_before=0):
    """The rows that the last epoch of a fit trained on if it was cut short, or None.

    ``rows_before`` is the estimator's ``t_`` (rows trained on) before the fit.
    A fit that raised left the estimator as it was: then there is no last
    epoch of the fit to tell of.
    """
    epochs = getattr(estimator, "n_iter_", 0)
    if not epochs:
        return None
    rows = getattr(estimator, "t_", 0) - rows_before - (epochs - 1) * rows_per_epoch
    return rows if 0 < rows < rows_per_epoch else None
