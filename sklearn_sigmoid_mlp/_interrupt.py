"""Ctrl-C during training: a stop after the current batch, never a lost model.

Plain Python, no scikit-learn. :class:`Interrupt` is a rule of the training
engine (:mod:`._training`) and the context manager that the estimator wraps
around a training call.

The rule for loops of fits (``docs/user_guide/stopping.rst``): after a Ctrl-C
has stopped a fit, every later Ctrl-C during a fit raises
:class:`KeyboardInterrupt` for as long as the top-level statement that ran
the stopped fit is running: the whole program when it is a script, the
statement typed at an interactive prompt (Python's, IPython's) or one
top-level statement of a Jupyter cell. Two presses thus stop a loop of fits
whatever the time between them and however many fits end in between, while
a fit started later from the prompt is stopped gracefully by its first
Ctrl-C again.
"""

import signal
import sys
import threading

from ._training import Rule


def _statement(frame):
    """The top-level statement that ``frame`` runs in, as a hashable token.

    The top-level statement is the outermost frame that runs in the namespace
    of ``__main__``: the module frame of a script (``python script.py``,
    ``python -m module``), or the frame of one statement typed at the prompt
    of Python, IPython or Jupyter, which run each top-level statement in the
    namespace of ``__main__`` (the ``for`` loop of a cell, with all its
    fits, is one). Without such a frame, it is the outermost frame.

    The token holds the frame's ``id`` and its code object, not the frame (a
    frame would keep its callers' variables alive after it ended). Holding
    the code object keeps the token apart from any later statement, whose
    frame may reuse the address: its code is another object. Tokens are
    compared with :func:`_same_statement`.

    Parameters
    ----------
    frame : frame or None
        A frame of the main thread; None for this function's caller.

    Returns
    -------
    token : tuple of (int, code) or None
        None where Python gives no frames.
    """
    if frame is None:
        frame = sys._getframe(1) if hasattr(sys, "_getframe") else None
    namespace = getattr(sys.modules.get("__main__"), "__dict__", None)
    top = outermost = None
    while frame is not None:
        if frame.f_globals is namespace:
            top = frame
        outermost = frame
        frame = frame.f_back
    top = top if top is not None else outermost
    return None if top is None else (id(top), top.f_code)


def _same_statement(first, second):
    """Whether two tokens of :func:`_statement` are the same statement.

    Code objects are compared by identity: two statements with the same text
    compile to code objects that are equal, not identical. Without frames
    (a None token) every statement is the same: two presses still stop.
    """
    if first is None or second is None:
        return True
    return first[0] == second[0] and first[1] is second[1]


class Interrupt(Rule):
    """Turn Ctrl-C (SIGINT) into a stop after the current batch.

    The first Ctrl-C during a ``with`` block sets a flag: training stops after
    the current batch and the model is finalized, usable. After that, a
    Ctrl-C raises :class:`KeyboardInterrupt` instead: a second one in the
    same block, and every one in a later block of the same top-level
    statement (see :func:`_statement`), such as the next fits of
    ``cross_val_score`` or ``GridSearchCV``, whatever the time between the
    presses and however many fits ended in between. A person can thus
    always stop a loop of fits by pressing Ctrl-C twice; a block run by a
    later top-level statement (the next cell of a notebook) is stopped
    gracefully again by its first Ctrl-C. A Ctrl-C between two blocks is
    Python's own :class:`KeyboardInterrupt`.

    The handler is installed only in the main thread and only where SIGINT
    has Python's default handler, so that a user's own handler is left alone:
    a fit in another thread, or under another handler, is never stopped by
    this rule.
    """

    #: the top-level statement in which a Ctrl-C last stopped a block
    #: (a token of :func:`_statement`), or None
    _stopped_statement = None

    def __init__(self):
        self.raised = False
        self._previous = None

    def _handler(self, signum, frame):
        statement = _statement(frame)
        if self.raised or (
            Interrupt._stopped_statement is not None
            and _same_statement(Interrupt._stopped_statement, statement)
        ):
            signal.signal(signal.SIGINT, self._previous)
            self._previous = None
            raise KeyboardInterrupt
        self.raised = True
        # the tokens of earlier statements are dropped: they are over
        Interrupt._stopped_statement = statement

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
            self._previous = None
        return False

    def after_batch(self, result):
        return "interrupted" if self.raised else None

    def after_epoch(self, result):
        return self.after_batch(result)
