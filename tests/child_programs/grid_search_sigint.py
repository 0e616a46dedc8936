"""A ``GridSearchCV`` over digits, to be stopped with Ctrl-C.

Run by ``test_interrupt.py``::

    python grid_search_sigint.py FIT_SECONDS

The search of the issue "two Ctrl-C presses do not always stop a loop of
fits": four values of ``alpha``, three folds, ``n_jobs=1``, then the refit,
13 fits of ``SigmoidMLPClassifier(verbose=True)`` on digits. Each fit lasts
``FIT_SECONDS`` (``max_time``, with no other stopping rule), so that the
search lasts as long on a fast machine as on a slow one and the parent can
send SIGINT while a fit runs, whatever the gap between its presses. Each fit
prints "Iteration" lines, one a line (the parent reads them as they come),
after a first line ``PACKAGE`` and the path of the package imported.

If the search ends, the program prints ``RESULT`` and a JSON report: the
number of "Training was interrupted" warnings and whether every mean test
score is finite.
"""

import json
import signal
import sys
import warnings

import numpy as np


def main(fit_seconds):
    """Run the search; print ``RESULT`` and a report if it ends."""
    # as in an interactive terminal, even if this process was started with
    # SIGINT ignored (a background job)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    sys.stdout.reconfigure(line_buffering=True)
    from sklearn.datasets import load_digits
    from sklearn.model_selection import GridSearchCV

    import sklearn_sigmoid_mlp
    from sklearn_sigmoid_mlp import SigmoidMLPClassifier

    print("PACKAGE", sklearn_sigmoid_mlp.__file__)
    X, y = load_digits(return_X_y=True)
    clf = SigmoidMLPClassifier(
        max_iter=10**6,
        n_iter_no_change=np.inf,
        max_time=fit_seconds,
        verbose=True,
        random_state=0,
    )
    search = GridSearchCV(
        clf, {"alpha": [1e-4, 1e-3, 1e-2, 1e-1]}, cv=3, n_jobs=1, error_score="raise"
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        search.fit(X / 16, y)
    interrupted = [w for w in caught if "interrupted" in str(w.message)]
    scores = search.cv_results_["mean_test_score"]
    report = {
        "interrupted_warnings": len(interrupted),
        "finite_scores": bool(np.isfinite(scores).all()),
    }
    print("RESULT " + json.dumps(report), flush=True)


if __name__ == "__main__":
    main(float(sys.argv[1]))
