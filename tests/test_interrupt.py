"""Ctrl-C: real SIGINTs sent to child processes, in fits and in loops of fits.

- A Ctrl-C in the middle of ``fit`` or ``partial_fit`` stops training after
  the current batch; the model is the one of the last completed batch (or
  the best epoch's), warns, predicts and trains further.
- A Ctrl-C as the last batch is reported is reported, not swallowed.
- Two Ctrl-C stop a loop of fits (``cross_val_score``; the ``GridSearchCV``
  of the issue with 0.3, 1, 3 and 10 s between the presses), while one stops
  just the fit it lands in and the loop goes on.
- The rule behind it (``docs/user_guide/stopping.rst``): after a Ctrl-C has
  stopped a fit, every Ctrl-C during a fit of the same top-level statement
  raises KeyboardInterrupt (a script is one statement), while a statement
  typed later at an interactive prompt (a real ``python -i``) is stopped
  gracefully again.

Every child program is checked to import the code these tests import (the
same files, or an installed copy of the same source).
"""

import json
import os
import subprocess
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pytest
from helpers import child_globals, child_program, run_child
from sklearn.exceptions import ConvergenceWarning

import sklearn_sigmoid_mlp
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


# --------------------------------------------- Ctrl-C in loops of fits: the rule

# seconds each fit of grid_search_sigint.py lasts (``max_time``): the search's
# 13 fits last 26 s, so that it still runs 10 s after a first press
FIT_SECONDS = 2.0
# a press is sent only this soon after a fit's first epoch was reported, so
# that it lands inside the fit with a margin of about a second
PRESS_WITHIN = 1.0
# seconds the program may take to end after the second press (it should take
# a fraction of a second: the press raises KeyboardInterrupt in the fit)
END_WITHIN = 10.0


def _package_line(line):
    """The child imports the code that the tests import, not another one.

    The same files, or (where the package is installed, as in CI, and the
    tests import the checkout) the same source of every module.
    """
    child = Path(line.split(maxsplit=1)[1].strip()).parent
    ours = Path(sklearn_sigmoid_mlp.__file__).parent
    for module in sorted(ours.glob("*.py")):
        assert (child / module.name).read_bytes() == module.read_bytes(), module.name


def _grid_search_child(fit_seconds, press_within, want_press):
    """Run grid_search_sigint.py; press Ctrl-C inside fits, as ``want_press`` says.

    ``want_press(presses, fits, now)`` is asked after every epoch reported in
    the first ``press_within`` seconds of a fit (so that a press lands inside
    the fit, well before its end): whether to send a SIGINT now, given the
    times of the presses so far and the start times of the fits so far (when
    their first epoch was reported), all of ``time.monotonic``.

    Returns the exit status, the standard error, the times of the presses and
    of the fits' starts, the ``RESULT`` report (None without one) and the time
    the child took to end after the last press.
    """
    seen = {"presses": [], "fits": [], "result": None, "package": False}

    def on_line(line, interrupt):
        now = time.monotonic()
        if line.startswith("PACKAGE"):
            _package_line(line)
            seen["package"] = True
        elif line.startswith("RESULT "):
            seen["result"] = json.loads(line[len("RESULT ") :])
        elif line.startswith("Iteration"):
            if line.startswith("Iteration 1,"):
                seen["fits"].append(now)
            fits, presses = seen["fits"], seen["presses"]
            if now - fits[-1] < press_within and want_press(presses, fits, now):
                interrupt()
                presses.append(time.monotonic())

    returncode, stderr = run_child(
        [child_program("grid_search_sigint.py"), str(fit_seconds)],
        on_line,
        CHILD_TIMEOUT,
    )
    ended = time.monotonic() - seen["presses"][-1] if seen["presses"] else None
    assert seen["package"], stderr[-2000:]
    return returncode, stderr, seen["presses"], seen["fits"], seen["result"], ended


@pytest.mark.parametrize("gap", [0.3, 1, 3, 10])
def test_two_ctrl_c_stop_a_grid_search_whatever_the_gap(gap):
    """The issue's GridSearchCV stops at the second Ctrl-C, however late it comes.

    The first press lands in the first fit and stops only that fit: the
    search goes on. The second comes ``gap`` seconds later or a little more
    (it waits for the start of a fit), in a later fit, after fits that ended
    normally when the gap is 3 s or more. It raises KeyboardInterrupt in that
    fit (the traceback passes through the rule's handler, not between two
    fits), and the program ends with it, soon, without a result.
    """

    def want_press(presses, fits, now):
        if not presses:
            return True
        # the second press, in a fit that began after the first press
        return len(presses) == 1 and now - presses[0] >= gap and fits[-1] > presses[0]

    returncode, stderr, presses, fits, result, ended = _grid_search_child(
        FIT_SECONDS, PRESS_WITHIN, want_press
    )
    assert len(presses) == 2, f"the search ended before the second press:\n{stderr}"
    actual_gap = presses[1] - presses[0]
    # the fits begun between the presses, the last of which took the second
    fits_between = sum(presses[0] < start < presses[1] for start in fits)
    context = f"gap {actual_gap:.1f} s, {fits_between} fits begun between the presses"
    assert result is None, f"GridSearchCV carried on after two Ctrl-C ({context})"
    assert returncode != 0, context
    assert stderr.rstrip().endswith("KeyboardInterrupt"), stderr[-2000:]
    # raised by the rule in a fit, not by Python between two fits
    assert "_interrupt.py" in stderr, stderr[-2000:]
    assert ended < END_WITHIN, f"the child ended {ended:.1f} s after the second press"
    if gap >= 3:
        # a fit ran to its end between the presses: the case of the issue
        assert fits_between >= 2, context


def test_one_ctrl_c_stops_one_fit_of_a_grid_search():
    """A single Ctrl-C stops the fit it lands in; the search runs to its end."""

    def want_press(presses, fits, now):
        # one press, in the second fit (or a later one if this process was
        # too slow to press early in the second)
        return not presses and len(fits) >= 2

    # fits of 0.8 s, a press in the first 0.4 s of one
    returncode, stderr, presses, fits, result, _ = _grid_search_child(
        0.8, 0.4, want_press
    )
    assert len(presses) == 1
    assert returncode == 0, stderr[-2000:]
    # the 12 fits of the search and the refit all ran, one of them stopped
    assert len(fits) == 13
    assert result == {"interrupted_warnings": 1, "finite_scores": True}


def _statements_child(*args, stdin=None):
    """Run sigint_statements.py with interpreter options ``args``.

    Returns the completed process and the lines that say how each fit ended.
    """
    # no start-up file of this machine's user in the interactive session
    env = {key: value for key, value in os.environ.items() if key != "PYTHONSTARTUP"}
    completed = subprocess.run(
        [sys.executable, *args, child_program("sigint_statements.py")],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=CHILD_TIMEOUT,
        check=False,
    )
    lines = completed.stdout.splitlines()
    assert lines and lines[0].startswith("PACKAGE"), completed.stderr
    _package_line(lines[0])
    # how each fit ended, without the fits' "Iteration" lines
    return completed, [line for line in lines[1:] if not line.startswith("Iter")]


def test_after_a_ctrl_c_stopped_a_fit_every_ctrl_c_of_the_statement_raises():
    """A script is one statement: after a stopped fit, every Ctrl-C in a fit raises.

    Also after a fit that ended normally in between, and after a
    KeyboardInterrupt that the program caught.
    """
    completed, lines = _statements_child()
    assert completed.returncode == 0, completed.stderr
    assert lines == [
        "STOPPED interrupted",
        "PLAIN max_iter",
        "RAISED",
        "RAISED",
        "END",
    ], completed.stderr


# statements typed at Python's prompt; the third is one statement of three fits
SESSION = """\
fit_pressed()
fit_pressed()
fit_pressed(); fit_plain(); fit_pressed()
fit_pressed()
print("END", flush=True)
"""


def test_a_ctrl_c_in_a_later_statement_at_the_prompt_stops_just_its_fit():
    """At an interactive prompt, the rule holds within one statement only.

    A real ``python -i`` session reads the statements of ``SESSION``. A
    Ctrl-C in a statement typed after the one whose fit a Ctrl-C stopped
    (here: at once; for a person: minutes later) stops just its own fit, also
    after a statement that ended with KeyboardInterrupt. Within the third
    statement, a loop of fits, the second Ctrl-C raises, after a fit that
    ended normally in between.
    """
    completed, lines = _statements_child("-i", "-q", stdin=SESSION)
    assert lines == [
        "STOPPED interrupted",
        "STOPPED interrupted",
        "STOPPED interrupted",
        "PLAIN max_iter",
        "RAISED",
        "STOPPED interrupted",
        "END",
    ], completed.stderr
    assert completed.stderr.splitlines().count("KeyboardInterrupt") == 1, (
        completed.stderr
    )
