"""``cross_val_score`` over long fits, to be stopped with Ctrl-C.

Run by ``test_reliability.py``::

    python cross_val_sigint.py

Five folds of ``SigmoidMLPClassifier(verbose=True)`` with a budget of a
million epochs and no stopping rule: only Ctrl-C ends a fit. Each fit prints
"Iteration" lines; the parent sends SIGINT during the first fit (which then
stops, usable) and again during the second, which must end the program with
``KeyboardInterrupt``. If ``cross_val_score`` ever returns, the program
prints ``RESULT`` and the scores.
"""

import signal

import numpy as np


def main():
    """Run the folds; print ``RESULT`` and the scores if they all end."""
    signal.signal(signal.SIGINT, signal.default_int_handler)
    from sklearn.datasets import load_digits
    from sklearn.model_selection import cross_val_score

    from sklearn_sigmoid_mlp import SigmoidMLPClassifier

    X, y = load_digits(return_X_y=True)
    clf = SigmoidMLPClassifier(
        hidden_layer_sizes=(16,),
        max_iter=10**6,
        n_iter_no_change=np.inf,
        verbose=True,
        random_state=0,
    )
    scores = cross_val_score(clf, X / 16, y, cv=5)
    print("RESULT", scores.tolist(), flush=True)


if __name__ == "__main__":
    main()
