"""Ctrl-C during training: a stop after the current batch, never a lost model.

Plain Python, no scikit-learn. :class:`Interrupt` is a rule of the training
engine (:mod:`._training`) and the context manager that the estimator wraps
around a training call.
"""

import signal
import threading

from ._training import Rule


class Interrupt(Rule):
    """Turn Ctrl-C (SIGINT) into a stop after the current batch.

    The first Ctrl-C during a ``with`` block sets a flag: training stops after
    the current batch and the model is finalized, usable. A second Ctrl-C in
    the same block, or the first one in the block that follows a block that
    stopped this way (the next fit of a loop of fits, such as
    ``cross_val_score``), raises :class:`KeyboardInterrupt`: a person can
    always stop the whole program by pressing Ctrl-C twice.

    The handler is installed only in the main thread and only where SIGINT
    has Python's default handler, so that a user's own handler is left alone.
    """

    #: whether the last block of this process ended by a Ctrl-C
    _stopped_last = False

    def __init__(self):
        self.raised = False
        self._previous = None

    def _handler(self, signum, frame):
        if self.raised or Interrupt._stopped_last:
            signal.signal(signal.SIGINT, self._previous)
            self._previous = None
            raise KeyboardInterrupt
        self.raised = True

    def __enter__(self):
        if (
            threading.current_thread() is threading.main_thread()
            and signal.getsignal(signal.SIGINT) is signal.default_int_handler
        ):
            self._previous = signal.signal(signal.SIGINT, self._handler)
        return self

    def __exit__(self, exc_type, exc_value, traceback):
        if self._previous is not None:
            # a SIGINT that arrived in the block but whose Python handler has not
            # run yet is handled when the handler is set: set ours once more
            # first, so that it is counted here rather than raised by the next
            signal.signal(signal.SIGINT, self._handler)
            signal.signal(signal.SIGINT, self._previous)
        if exc_type is None:
            Interrupt._stopped_last = self.raised
        return False

    def after_batch(self, result):
        return "interrupted" if self.raised else None

    def after_epoch(self, result):
        return self.after_batch(result)
