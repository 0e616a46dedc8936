"""Ctrl-C: real SIGINTs sent to child processes, in fits and in loops of fits.

- A Ctrl-C in the middle of ``fit`` or ``partial_fit`` stops training after
  the current batch; the model is the one of the last completed batch (or
  the best epoch's), warns, predicts and trains further.
- A Ctrl-C as the last batch is reported is reported, not swallowed.
- Two Ctrl-C stop a loop of fits (``cross_val_score``).
"""

import json
import subprocess
import sys
import warnings

import numpy as np
import pytest
from helpers import child_globals, child_program, run_child
from sklearn.exceptions import ConvergenceWarning

from sklearn_sigmoid_mlp import SigmoidMLPClassifier

# seconds a child process may take before the test gives up on it
CHILD_TIMEOUT = 120


def _interrupt_child(tmp_path, mode, params, after_epochs):
    """Run sigint_training.py; SIGINT it once ``after_epochs`` epochs are reported.

    Returns the child's result and its saved weights.
    """
    weights_file = tmp_path / "weights.npz"
    state = {"epochs": 0, "armed": True, "after": after_epochs, "result": None}

    def on_line(line, interrupt):
        if line.startswith("Iteration"):
            state["epochs"] += 1
            if state["armed"] and state["epochs"] >= state["after"]:
                interrupt()
                state["armed"] = False
        elif line.startswith("OUTSIDE"):
            # the signal came between two calls: signal again after an epoch
            state["armed"], state["after"] = True, state["epochs"] + 1
        elif line.startswith("RESULT "):
            state["result"] = json.loads(line[len("RESULT ") :])

    script = child_program("sigint_training.py")
    returncode, stderr = run_child(
        [script, mode, str(weights_file), json.dumps(params)], on_line, CHILD_TIMEOUT
    )
    result = state["result"]
    assert result is not None, f"child failed (rc={returncode}):\n{stderr}"
    with np.load(weights_file) as saved:
        arrays = [saved[f"arr_{i}"] for i in range(len(saved.files))]
    return result, arrays


def _check_interrupted(result):
    assert result["stop_reason"] == "interrupted"
    assert result["finite"] and result["after_finite"]
    assert result["after_stop_reason"] == "partial_fit"
    assert result["predicted"]
    interrupted = [m for c, m in result["warnings"] if "interrupted" in m]
    assert interrupted and all(
        c == "UserWarning" for c, m in result["warnings"] if "interrupted" in m
    )


def _child_model(params):
    return SigmoidMLPClassifier(**params)


def _child_data():
    """The child's training set, from the child program itself."""
    return child_globals("sigint_training.py")["data"]()


def test_sigint_during_fit_keeps_the_last_completed_batch(tmp_path):
    params = {
        "hidden_layer_sizes": (32,),
        "batch_size": 20,
        "max_iter": 10**6,
        "n_iter_no_change": 10**6,
        "shuffle": False,
        "random_state": 0,
    }
    result, arrays = _interrupt_child(tmp_path, "fit", params, after_epochs=3)

    _check_interrupted(result)
    n_epochs = result["n_iter"]
    # the SIGINT came after the third epoch's report: training stops at the end
    # of that epoch's checks or after a batch of a later one
    assert n_epochs >= 3
    # the same model: complete epochs, then the interrupted epoch's batches
    X, y = _child_data()
    rows_done = result["t"] - (n_epochs - 1) * len(X)
    assert 0 < rows_done <= len(X) and rows_done % 20 in (0, len(X) % 20)
    reference = _child_model({**params, "max_iter": n_epochs - 1})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        reference.fit(X, y)
    reference.partial_fit(X[:rows_done], y[:rows_done])
    for saved, array in zip(arrays, reference.coefs_ + reference.intercepts_):
        assert np.array_equal(saved, array)
    assert reference.loss_curve_ == result["loss_curve"]


# with one batch per call, every SIGINT in training lands in the last batch
@pytest.mark.parametrize("batch_size", [10, 4000])
def test_sigint_during_partial_fit_keeps_the_last_completed_batch(tmp_path, batch_size):
    params = {"hidden_layer_sizes": (32,), "batch_size": batch_size}
    params.update(shuffle=False, random_state=0)
    result, arrays = _interrupt_child(tmp_path, "partial_fit", params, after_epochs=2)

    _check_interrupted(result)
    X, y = _child_data()
    calls = len(result["loss_curve"])
    rows_done = result["t"] - (calls - 1) * len(X)
    assert 0 < rows_done <= len(X)
    reference = _child_model(params)
    for _ in range(calls - 1):
        reference.partial_fit(X, y, classes=[0, 1, 2])
    reference.partial_fit(X[:rows_done], y[:rows_done], classes=[0, 1, 2])
    for saved, array in zip(arrays, reference.coefs_ + reference.intercepts_):
        assert np.array_equal(saved, array)
    assert reference.loss_curve_ == result["loss_curve"]


def test_sigint_during_fit_with_early_stopping_restores_the_best_epoch(tmp_path):
    # at this rate the validation accuracy peaks at epoch 8, then overfits
    params = {
        "hidden_layer_sizes": (32,),
        "solver": "sgd",
        "learning_rate_init": 1.0,
        "early_stopping": True,
        "max_iter": 10**6,
        "n_iter_no_change": 10**6,
        "random_state": 0,
    }
    result, arrays = _interrupt_child(tmp_path, "fit", params, after_epochs=20)

    _check_interrupted(result)
    scores = result["validation_scores"]
    # the SIGINT came after the 20th epoch's report: training stops at the end
    # of that epoch's checks or after a batch of the next
    assert len(scores) == result["n_iter"] >= 20
    best_epoch = len(scores) - int(np.argmax(scores[::-1]))
    assert best_epoch < 20
    # a fit stopped at the best epoch has the weights the interrupted one restored
    X, y = _child_data()
    reference = _child_model({**params, "max_iter": best_epoch})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        reference.fit(X, y)
    assert reference.validation_scores_ == scores[:best_epoch]
    for saved, array in zip(arrays, reference.coefs_ + reference.intercepts_):
        assert np.array_equal(saved, array)


@pytest.mark.parametrize(
    ("method", "report"), [("partial_fit", "Iteration 1,"), ("fit", "Iteration 2,")]
)
def test_sigint_after_the_last_batch_is_reported_not_swallowed(method, report):
    completed = subprocess.run(
        [sys.executable, child_program("sigint_at_epoch_end.py"), method, report],
        capture_output=True,
        text=True,
        timeout=CHILD_TIMEOUT,
        check=True,
    )
    last_line = completed.stdout.strip().splitlines()[-1]
    n_epochs = report.split()[1].rstrip(",")
    assert last_line == f"RESULT interrupted {n_epochs} True", completed.stderr


def test_two_ctrl_c_stop_a_loop_of_fits():
    """cross_val_score: Ctrl-C stops one fit; the next Ctrl-C stops the program.

    The first SIGINT ends the first fold's fit, usable; the second, in the next
    fold's fit, raises KeyboardInterrupt instead of letting cross_val_score
    carry on over the remaining folds.
    """
    seen = {"fits": 0, "signals": 0, "result": None}

    def on_line(line, interrupt):
        if line.startswith("Iteration 1,"):
            seen["fits"] += 1
        elif line.startswith("Iteration 3,") and seen["signals"] < seen["fits"] <= 2:
            # the third epoch of the first fit, then of the second
            interrupt()
            seen["signals"] += 1
        elif line.startswith("RESULT"):
            seen["result"] = line

    returncode, stderr = run_child(
        [child_program("cross_val_sigint.py")], on_line, CHILD_TIMEOUT
    )
    fits, signals, result = seen["fits"], seen["signals"], seen["result"]
    assert result is None, "cross_val_score carried on after two Ctrl-C"
    assert (fits, signals) == (2, 2)
    assert returncode != 0
    assert stderr.rstrip().endswith("KeyboardInterrupt"), stderr[-2000:]
