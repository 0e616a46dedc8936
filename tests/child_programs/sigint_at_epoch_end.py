"""Send this process SIGINT exactly while an epoch is reported.

Run by ``test_reliability.py``::

    python sigint_at_epoch_end.py {fit,partial_fit} REPORT

``REPORT`` is the start of the verbose line (e.g. ``"Iteration 2,"``) during
whose printing the signal is sent: after that epoch's last batch. Prints
``RESULT <stop_reason_> <n_iter_> <whether an "interrupted" warning came>``.
"""

import os
import signal
import sys
import warnings

import numpy as np


class SignalOnReport:
    """A stdout that sends SIGINT to this process when ``report`` is written."""

    def __init__(self, stream, report):
        self.stream = stream
        self.report = report

    def write(self, text):
        if text.startswith(self.report):
            os.kill(os.getpid(), signal.SIGINT)
        return self.stream.write(text)

    def flush(self):
        self.stream.flush()


def main(method, report):
    signal.signal(signal.SIGINT, signal.default_int_handler)

    from sklearn_sigmoid_mlp import SigmoidMLPClassifier

    rng = np.random.RandomState(0)
    X = rng.randn(60, 3)
    y = (X[:, 0] > 0).astype(int)
    clf = SigmoidMLPClassifier(hidden_layer_sizes=(4,), max_iter=2, verbose=True)
    stdout, sys.stdout = sys.stdout, SignalOnReport(sys.stdout, report)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        if method == "fit":
            clf.fit(X, y)
        else:
            clf.partial_fit(X, y, classes=[0, 1])
    sys.stdout = stdout
    warned = any("interrupted" in str(w.message) for w in caught)
    print("RESULT", clf.stop_reason_, clf.n_iter_, warned)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
