"""The main job, ``python -m sklearn_sigmoid_mlp``.

pytest's ``--doctest-modules`` skips files named ``__main__.py``, so the
examples of :func:`sklearn_sigmoid_mlp.__main__.main` run here.
"""

import doctest
import re
import subprocess
import sys

import numpy as np
import pytest
from helpers import child_program, run_child

import sklearn_sigmoid_mlp.__main__ as main_module
from sklearn_sigmoid_mlp.__main__ import main

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


def test_ctrl_c_stops_the_main_job_with_status_130():
    """A real SIGINT: the job prints what it has and exits with 130."""
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
    assert lines[-1].startswith(f"Interrupted: test accuracy after {len(epochs)} ")
    assert "Traceback" not in stderr
