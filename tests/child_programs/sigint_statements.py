"""Fits that Ctrl-C themselves, in one statement or in statements typed at a prompt.

Run by ``test_interrupt.py`` in two ways::

    python sigint_statements.py          # a script: one top-level statement
    python -i -q sigint_statements.py    # then statements read from stdin

:func:`fit_pressed` fits a small network and sends this process a real
SIGINT while the fit reports its second epoch, as a person pressing Ctrl-C
would; it prints
``STOPPED`` and ``stop_reason_``, or ``RAISED`` and re-raises if the press
raised :class:`KeyboardInterrupt`. :func:`fit_plain` fits without a press and
prints ``PLAIN`` and ``stop_reason_``.

The program first prints ``PACKAGE`` and the path of the package it
imports. As a script, it then runs ``fit_pressed``, ``fit_plain`` and
``fit_pressed`` twice more, all in its one top-level statement, catching
``KeyboardInterrupt``. With ``-i``, the interpreter reads statements from its
standard input afterwards, as a person types them at the prompt. Each
statement is then a top-level statement of its own.
"""

import contextlib
import os
import signal
import sys

import numpy as np


class PressOnReport:
    """A stdout wrapper that sends this process SIGINT when ``report`` is written."""

    def __init__(self, stream, report):
        self.stream = stream
        self.report = report

    def write(self, text):
        if text.startswith(self.report):
            os.kill(os.getpid(), signal.SIGINT)
        return self.stream.write(text)

    def flush(self):
        self.stream.flush()


def _model():
    from sklearn_sigmoid_mlp import SigmoidMLPClassifier

    return SigmoidMLPClassifier(
        hidden_layer_sizes=(4,), max_iter=5, n_iter_no_change=np.inf, verbose=True
    )


def _data():
    rng = np.random.RandomState(0)
    X = rng.randn(200, 3)
    return X, (X[:, 0] > 0).astype(int)


def fit_pressed():
    """Fit with a Ctrl-C during the fit; print how the fit ended."""
    import warnings

    clf = _model()
    stdout, sys.stdout = sys.stdout, PressOnReport(sys.stdout, "Iteration 2,")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            clf.fit(*_data())
    except KeyboardInterrupt:
        sys.stdout = stdout
        print("RAISED", flush=True)
        raise
    sys.stdout = stdout
    print("STOPPED", clf.stop_reason_, flush=True)


def fit_plain():
    """Fit without a Ctrl-C; print how the fit ended."""
    import warnings

    clf = _model()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        clf.fit(*_data())
    print("PLAIN", clf.stop_reason_, flush=True)


def script():
    """Ctrl-C in three fits of one statement, with a fit between the first two."""
    fit_pressed()
    fit_plain()
    for _ in range(2):
        with contextlib.suppress(KeyboardInterrupt):
            fit_pressed()
    print("END", flush=True)


if __name__ == "__main__":
    # as in an interactive terminal, even if this process was started with
    # SIGINT ignored (a background job)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    import sklearn_sigmoid_mlp

    print("PACKAGE", sklearn_sigmoid_mlp.__file__, flush=True)
    if not sys.flags.interactive:
        script()
