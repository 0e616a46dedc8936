"""The main job, ``python -m sklearn_sigmoid_mlp``.

pytest's ``--doctest-modules`` skips files named ``__main__.py``, so the
examples of :func:`sklearn_sigmoid_mlp.__main__.main` run here.
"""

import doctest
import io
import re
import socket
import subprocess
import sys
import time

import numpy as np
import pytest
import scipy.sparse as sp
from helpers import child_program, quiet_fit, run_child, run_program
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

import sklearn_sigmoid_mlp.__main__ as main_module
from sklearn_sigmoid_mlp import SigmoidMLPClassifier
from sklearn_sigmoid_mlp.__main__ import EpochTable, main

EPOCH_LINE = re.compile(
    r"^Epoch +(\d+) \| loss (\d+\.\d+) \| held-out accuracy (\d+\.\d+)% \| "
)


def test_main_docstring_examples_run():
    """The doctest of ``main`` passes (it would otherwise never run)."""
    finder = doctest.DocTestFinder()
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    tests = finder.find(main_module.main, "main", globs={})
    assert tests and tests[0].examples
    for test in tests:
        runner.run(test)
    assert runner.failures == 0


def test_main_prints_one_line_per_epoch_and_the_test_accuracy(capsys):
    """Digits by default: loss and held-out accuracy per epoch, then the final."""
    assert main(["--max-iter", "3", "--hidden", "16"]) == 0
    lines = capsys.readouterr().out.splitlines()
    epochs = [EPOCH_LINE.match(line) for line in lines if line.startswith("Epoch")]
    assert [int(m.group(1)) for m in epochs] == [1, 2, 3]
    losses = [float(m.group(2)) for m in epochs]
    assert losses[-1] < losses[0]
    assert lines[0].startswith("Data: scikit-learn's digits, 1617 training and 180")
    final = re.match(r"Test accuracy after 3 epochs: (\d+\.\d+)%", lines[-1])
    assert final and float(final.group(1)) == float(epochs[-1].group(3))


def test_main_reads_an_npz_file_and_uses_the_notebook_settings(tmp_path, capsys):
    """``--data PATH.npz`` with arrays data/target; ``--notebook`` settings."""
    rng = np.random.RandomState(0)
    target = rng.randint(0, 3, size=120)
    data = (rng.rand(120, 20) * 50 + 60 * target[:, None] * (np.arange(20) < 5)).astype(
        np.uint8
    )
    path = tmp_path / "small.npz"
    np.savez(path, data=data, target=target)
    assert main(["--data", str(path), "--notebook", "--max-iter", "2"]) == 0
    out = capsys.readouterr().out
    assert f"Data: {path}, 108 training and 12 test rows, 20 features" in out
    assert "loss='squared_error'" in out and "weight_init='notebook'" in out
    assert out.count("\nEpoch ") == 2


def test_help_explains_the_options():
    """``python -m sklearn_sigmoid_mlp --help`` in a real process."""
    result = subprocess.run(
        [sys.executable, "-m", "sklearn_sigmoid_mlp", "--help"],
        capture_output=True,
        text=True,
        check=True,
    )
    for option in (
        "--data",
        "--openml",
        "--notebook",
        "--max-iter",
        "--float32",
        "--schedule",
        "--learning-rate-init",
        "--alpha",
        "--progress",
    ):
        assert option in result.stdout


def test_schedule_option_sets_the_learning_rate_schedule(capsys):
    assert main(["--max-iter", "2", "--hidden", "16", "--schedule", "cosine"]) == 0
    out = capsys.readouterr().out
    assert "learning_rate='cosine'" in out
    assert out.count("\nEpoch ") == 2


def test_progress_bar_replaces_the_table(capsys):
    """``--progress bar``: scikit-learn's ProgressBar over the epochs."""
    pytest.importorskip("sklearn.callback")
    rich = pytest.importorskip("rich")
    rich.reconfigure(width=200)
    try:
        assert main(["--max-iter", "3", "--hidden", "16", "--progress", "bar"]) == 0
    finally:
        rich.reconfigure()
    out = capsys.readouterr().out
    assert "SigmoidMLPClassifier - fit" in out and "100%" in out
    assert "\nEpoch " not in out
    assert out.splitlines()[-1].startswith("Test accuracy after 3 epochs: ")


def test_progress_auto_prints_the_table_when_not_on_a_terminal(capsys):
    assert not sys.stdout.isatty()  # pytest captures it
    assert main(["--max-iter", "2", "--hidden", "16", "--progress", "auto"]) == 0
    assert capsys.readouterr().out.count("\nEpoch ") == 2


def test_bad_option_is_an_error():
    with pytest.raises(SystemExit) as exit_info:
        main(["--no-such-option"])
    assert exit_info.value.code == 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--max-iter", "0"], "--max-iter: must be at least 1, got 0"),
        (["--max-iter", "-1"], "--max-iter: must be at least 1, got -1"),
        (["--max-iter", "ten"], "--max-iter: not an integer"),
        (["--hidden", ","], "--hidden: expected positive integers"),
        (["--hidden", ""], "--hidden: expected positive integers"),
        (["--hidden", "0"], "--hidden: must be at least 1, got 0"),
        (["--hidden", "16,,8"], "--hidden: expected positive integers"),
        (["--test-size", "0"], "--test-size: must be a fraction strictly between"),
        (["--test-size", "1.5"], "--test-size: must be a fraction strictly between"),
        (["--random-state", "-3"], "--random-state: must be in [0, 2**32)"),
        (["--data", "no-such-file.npz"], "--data: no such file: 'no-such-file.npz'"),
        (["--schedule", "linear"], "--schedule: invalid choice: 'linear'"),
        (["--progress", "spinner"], "--progress: invalid choice: 'spinner'"),
        (["--learning-rate-init", "0"], "--learning-rate-init: must be positive"),
        (["--learning-rate-init=-1e-3"], "--learning-rate-init: must be positive"),
        (["--learning-rate-init", "nan"], "--learning-rate-init: must be a finite"),
        (["--learning-rate-init", "fast"], "--learning-rate-init: not a number"),
        (["--alpha", "-1"], "--alpha: must be at least 0, got -1"),
        (["--alpha", "inf"], "--alpha: must be a finite number, got inf"),
        (
            ["--schedule", "adaptive"],
            "--schedule: 'adaptive' is a schedule of SGD only, and the job trains "
            "with Adam, which would ignore it",
        ),
        (["--schedule", "invscaling"], "--schedule: 'invscaling' is a schedule of"),
    ],
)
def test_bad_arguments_are_argparse_errors(args, message, capsys):
    """Bad values exit with status 2 and say what is wrong, no traceback."""
    with pytest.raises(SystemExit) as exit_info:
        main(args)
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err


def test_model_line_shows_the_settings_used_and_epochs_are_counted(capsys):
    """The Model line shows the epochs and layers used; "1 epoch", "2 epochs"."""
    assert main(["--max-iter", "1", "--hidden", "16,8"]) == 0
    out = capsys.readouterr().out
    assert "max_iter=1" in out and "hidden_layer_sizes=(16, 8)" in out
    assert "Test accuracy after 1 epoch: " in out
    assert main(["--max-iter", "2", "--hidden", "16"]) == 0
    out = capsys.readouterr().out
    assert "max_iter=2" in out and "Test accuracy after 2 epochs: " in out


CUT_SHORT_LINE = re.compile(
    r"^Epoch +(\d+) \(cut short after (\d+) of (\d+) rows\) \| loss \d+\.\d+ \| "
    r"held-out accuracy (\d+\.\d+)% \| "
)


def test_ctrl_c_stops_the_main_job_with_status_130():
    """A real SIGINT: the job prints what it has and exits with 130.

    The signal lands in whatever the job is doing: the last epoch's line and
    the closing line say whether that epoch was cut short, and agree.
    """
    lines = []

    def on_line(line, interrupt):
        lines.append(line)
        if line.startswith("Epoch") and sum(x.startswith("Epoch") for x in lines) == 3:
            interrupt()

    args = [child_program("main_job.py"), "--max-iter", "100000", "--hidden", "16"]
    returncode, stderr = run_child(args, on_line)
    assert returncode == 130, stderr
    epochs = [line for line in lines if line.startswith("Epoch")]
    assert 3 <= len(epochs) < 100000
    assert all(EPOCH_LINE.match(line) for line in epochs[:-1])
    cut_short = CUT_SHORT_LINE.match(epochs[-1])
    if cut_short:
        epoch, rows, rows_per_epoch, accuracy = cut_short.groups()
        assert int(epoch) == len(epochs) and 0 < int(rows) < int(rows_per_epoch)
        assert lines[-1] == (
            f"Interrupted in epoch {epoch} (cut short after {rows} of "
            f"{rows_per_epoch} rows): test accuracy {accuracy}%\n"
        )
    else:
        accuracy = EPOCH_LINE.match(epochs[-1]).group(3)
        assert lines[-1] == (
            f"Interrupted: test accuracy after {len(epochs)} epochs: {accuracy}%\n"
        )
    assert "Traceback" not in stderr


@pytest.mark.parametrize(
    ("extra", "rows"), [([], 200), (["--notebook"], 64)], ids=["adam", "notebook"]
)
def test_an_epoch_cut_short_by_ctrl_c_says_so(extra, rows):
    """SIGINT as epoch 2 begins: it stops after one batch, and both lines say so.

    A batch is 200 rows, or with ``--notebook`` (per-sample SGD) a block of
    64 rows trained one by one.
    """
    completed = run_program(
        "main_job.py",
        *["--sigint-in-epoch", "2", "--max-iter", "5", "--hidden", "16", *extra],
    )
    assert completed.returncode == 130, completed.stderr
    lines = completed.stdout.splitlines()
    epochs = [line for line in lines if line.startswith("Epoch")]
    assert len(epochs) == 2
    assert EPOCH_LINE.match(epochs[0])
    cut_short = CUT_SHORT_LINE.match(epochs[1])
    assert cut_short, epochs[1]
    assert cut_short.groups()[:3] == ("2", str(rows), "1617")
    assert lines[-1] == (
        f"Interrupted in epoch 2 (cut short after {rows} of 1617 rows): "
        f"test accuracy {cut_short.group(4)}%"
    )
    assert "Traceback" not in completed.stderr


def _digits_split():
    X, y = load_digits(return_X_y=True)
    return train_test_split(X / 16, y, test_size=0.1, random_state=7)


def test_epoch_table_marks_an_epoch_that_the_time_budget_cut_short():
    """The table's callback, without signals: ``max_time`` stops in epoch 1."""
    X_train, X_test, y_train, y_test = _digits_split()
    out = io.StringIO()
    clf = SigmoidMLPClassifier(hidden_layer_sizes=(16,), max_time=1e-9, max_iter=3)
    clf.set_callbacks(EpochTable(file=out))
    clf.fit(X_train, y_train, X_val=X_test, y_val=y_test)
    assert clf.stop_reason_ == "max_time"
    (line,) = out.getvalue().splitlines()
    assert line.startswith("Epoch  1 (cut short after 200 of 1617 rows) | loss ")
    # whole epochs are not marked
    out = io.StringIO()
    clf.set_params(max_time=None).set_callbacks(EpochTable(file=out))
    quiet_fit(clf, X_train, y_train, X_val=X_test, y_val=y_test)
    assert [
        EPOCH_LINE.match(line).group(1) for line in out.getvalue().splitlines()
    ] == [
        "1",
        "2",
        "3",
    ]


def test_table_printed_after_the_fit_marks_a_cut_short_epoch(monkeypatch, capsys):
    """Without scikit-learn's callbacks (< 1.9) the table is printed after fit."""
    monkeypatch.setattr(main_module, "CALLBACKS_AVAILABLE", False)
    X_train, X_test, y_train, y_test = _digits_split()
    clf = SigmoidMLPClassifier(hidden_layer_sizes=(16,), max_time=1e-9)
    assert main_module._train(clf, X_train, y_train, X_test, y_test, "table")
    (line,) = capsys.readouterr().out.splitlines()
    assert line.startswith("Epoch  1 (cut short after 200 of 1617 rows) | loss ")


# ------------------------------------------------- data the job cannot train on


def _write_npz(path, **arrays):
    np.savez(path, **arrays)
    return path


def _two_classes(n=40):
    rng = np.random.RandomState(0)
    return rng.rand(n, 5), np.arange(n) % 2


def _class_only_held_out(tmp_path):
    """A class whose one row the split (seed 7, 10 %) holds out."""
    data, target = _two_classes(40)
    _, held_out = train_test_split(np.arange(40), test_size=0.1, random_state=7)
    target[held_out[0]] = 2
    return _write_npz(tmp_path / "rare.npz", data=data, target=target)


def _corrupt_npz(tmp_path):
    """A compressed .npz whose first array's bytes were overwritten."""
    path = tmp_path / "corrupt.npz"
    data, target = _two_classes(50)
    np.savez_compressed(path, data=data, target=target)
    content = bytearray(path.read_bytes())
    content[200:260] = bytes(60)
    path.write_bytes(bytes(content))
    return path


BAD_DATA = {
    "text-file": (
        lambda tmp: _text(tmp / "data.txt", "1 2 3\n4 5 6\n"),
        "data.txt' is not an .npz file with arrays 'data' and 'target' (numpy.savez)",
    ),
    "empty-file": (
        lambda tmp: _text(tmp / "empty.npz", ""),
        "empty.npz' is not an .npz file with arrays 'data' and 'target'",
    ),
    "broken-zip": (
        lambda tmp: _text(tmp / "broken.npz", "PK\x03\x04 not really a zip"),
        "broken.npz' is not an .npz file",
    ),
    "corrupt-array": (
        _corrupt_npz,
        "--data: cannot read array 'data' of ",
    ),
    "npy-file": (
        lambda tmp: _npy(tmp / "data.npy"),
        "data.npy' holds a single array (an .npy file); the job needs an .npz file",
    ),
    "no-data-key": (
        lambda tmp: _write_npz(tmp / "xy.npz", X=np.ones((4, 2)), y=np.arange(4)),
        "xy.npz' has no array 'data' (its arrays: 'X', 'y'); the job needs arrays "
        "'data' (n_samples, n_features) and 'target' (n_samples,)",
    ),
    "no-target-key": (
        lambda tmp: _write_npz(tmp / "d.npz", data=np.ones((4, 2))),
        "d.npz' has no array 'target' (its arrays: 'data')",
    ),
    "lengths-differ": (
        lambda tmp: _write_npz(
            tmp / "d.npz", data=np.ones((100, 3)), target=np.arange(90) % 2
        ),
        "--data: 'data' has 100 rows but 'target' has 90 labels",
    ),
    "one-class": (
        lambda tmp: _write_npz(tmp / "d.npz", data=np.ones((20, 3)), target=[3] * 20),
        "--data: 'target' has one class only (3); a classifier needs at least two",
    ),
    "object-array": (
        lambda tmp: _write_npz(
            tmp / "d.npz",
            data=np.array([[1, None]] * 4, dtype=object),
            target=np.arange(4) % 2,
        ),
        "array 'data' of ",
    ),
    "strings": (
        lambda tmp: _write_npz(
            tmp / "d.npz", data=np.array([["a", "b"]] * 4), target=np.arange(4) % 2
        ),
        "--data: 'data' must hold numbers, got dtype <U1",
    ),
    "images": (
        lambda tmp: _write_npz(
            tmp / "d.npz", data=np.ones((4, 2, 2)), target=np.arange(4) % 2
        ),
        "--data: 'data' must be 2-D (n_samples, n_features), got shape (4, 2, 2)",
    ),
    "nan": (
        lambda tmp: _write_npz(
            tmp / "d.npz", data=np.array([[np.nan, 1.0]] * 4), target=np.arange(4) % 2
        ),
        "--data: 'data' contains NaN or infinity",
    ),
    "continuous-target": (
        lambda tmp: _write_npz(
            tmp / "d.npz", data=np.ones((4, 2)), target=[0.5, 1.5, 2.25, 3.125]
        ),
        "--data: 'target' holds continuous values; the job trains a classifier",
    ),
    "2-d-target": (
        lambda tmp: _write_npz(tmp / "d.npz", data=np.ones((4, 2)), target=np.eye(4)),
        "--data: 'target' must be 1-D (n_samples,), got shape (4, 4)",
    ),
    "class-only-held-out": (
        _class_only_held_out,
        "--data: classes [2] have rows only among the held-out rows (--test-size "
        "0.1, --random-state 7); more rows of each class are needed",
    ),
}


def _text(path, text):
    path.write_text(text, encoding="latin-1")
    return path


def _npy(path):
    np.save(path, np.ones((4, 2)))
    return path


def _assert_usage_error(exit_info, err, message):
    """Status 2 and argparse's usage, then one line that holds ``message``."""
    assert exit_info.value.code == 2
    assert "Traceback" not in err
    *usage, last = err.strip().splitlines()
    assert usage and usage[0].startswith("usage: python -m sklearn_sigmoid_mlp")
    assert all(line.startswith(" ") for line in usage[1:]), err
    assert last.startswith("python -m sklearn_sigmoid_mlp: error: argument ")
    assert message in last


@pytest.mark.parametrize(("case"), BAD_DATA)
def test_data_the_job_cannot_train_on_is_a_usage_error(case, tmp_path, capsys):
    """A bad ``--data`` file: one line that says what is wrong, status 2."""
    write, message = BAD_DATA[case]
    path = write(tmp_path)
    with pytest.raises(SystemExit) as exit_info:
        main(["--data", str(path), "--max-iter", "1"])
    captured = capsys.readouterr()
    _assert_usage_error(exit_info, captured.err, message)
    assert captured.out == ""


def test_openml_without_network_is_a_usage_error(monkeypatch, tmp_path, capsys):
    """``--openml`` offline: no cached copy, every connection fails."""

    def no_network(*args, **kwargs):
        raise socket.gaierror(-3, "Temporary failure in name resolution")

    monkeypatch.setenv("SCIKIT_LEARN_DATA", str(tmp_path))  # an empty cache
    monkeypatch.setattr(socket, "getaddrinfo", no_network)
    monkeypatch.setattr(time, "sleep", lambda seconds: None)  # fetch_openml's retries
    with pytest.raises(SystemExit) as exit_info:
        main(["--openml", "mnist_784", "--max-iter", "1"])
    _assert_usage_error(
        exit_info,
        capsys.readouterr().err,
        "--openml: cannot download 'mnist_784' from OpenML ([Errno -3] Temporary "
        "failure in name resolution); without a network connection, train on a "
        "local file with --data",
    )


def test_openml_answers_are_usage_errors(monkeypatch, capsys):
    """What OpenML says about a name (fetch_openml's ValueError), in one line."""

    def fetch_openml(name, **kwargs):
        raise ValueError(f"No active dataset {name} found.")

    monkeypatch.setattr("sklearn.datasets.fetch_openml", fetch_openml)
    with pytest.raises(SystemExit) as exit_info:
        main(["--openml", "mnist_7840"])
    _assert_usage_error(
        exit_info,
        capsys.readouterr().err,
        "--openml: 'mnist_7840': No active dataset mnist_7840 found.",
    )


def test_openml_sparse_data_trains(monkeypatch, capsys):
    """A data set that OpenML serves sparse is scaled and trained on as is."""
    X, y = load_digits(return_X_y=True)

    def fetch_openml(name, **kwargs):
        assert kwargs == {"return_X_y": True, "as_frame": False}
        return sp.csr_matrix(X), y.astype(str)

    monkeypatch.setattr("sklearn.datasets.fetch_openml", fetch_openml)
    assert main(["--openml", "digits", "--max-iter", "2", "--hidden", "16"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Data: OpenML digits, 1617 training and 180 test rows")
    assert out.count("\nEpoch ") == 2


# ------------------------------------------------------- the rate and the penalty


def _final_accuracy(out):
    return float(re.search(r"Test accuracy after \d+ epochs: (\d+\.\d+)%", out)[1])


def test_learning_rate_and_alpha_options_set_the_estimator(capsys):
    """``--learning-rate-init`` and ``--alpha`` reach the model that trains."""
    common = ["--max-iter", "10", "--hidden", "32", "--schedule", "cosine"]
    assert main(common) == 0
    default = capsys.readouterr().out
    assert "learning_rate_init" not in default and "alpha" not in default
    assert main([*common, "--learning-rate-init", "0.01", "--alpha", "1e-3"]) == 0
    tuned = capsys.readouterr().out
    assert "alpha=0.001" in tuned and "learning_rate_init=0.01" in tuned
    # ten epochs at the default rate of 0.001 are far from trained on digits
    assert _final_accuracy(tuned) > _final_accuracy(default) + 10


def test_sgd_schedules_are_accepted_with_the_notebook_settings(capsys):
    """invscaling and adaptive are SGD's: with --notebook (SGD) they are used."""
    args = ["--notebook", "--max-iter", "1", "--hidden", "16"]
    assert main([*args, "--schedule", "adaptive", "--learning-rate-init", "0.01"]) == 0
    out = capsys.readouterr().out
    assert "learning_rate='adaptive'" in out and "learning_rate_init=0.01" in out
