"""The main job: train a SigmoidMLPClassifier and show its progress per epoch.

``python -m sklearn_sigmoid_mlp`` trains on scikit-learn's bundled digits (no
download). ``--data PATH.npz`` (arrays ``data`` and ``target``) or ``--openml
mnist_784`` train on MNIST; ``--notebook`` uses the original notebook's exact
settings (:data:`~sklearn_sigmoid_mlp.NOTEBOOK_PARAMS`); ``--schedule``
chooses the learning-rate schedule.

The job is one ``fit`` with the held-out rows as its validation set
(``X_val``, monitored only), and shows its progress through scikit-learn's
callbacks: like the notebook, one line per epoch with the training loss and
the held-out accuracy (a small callback of its own, :class:`EpochTable`), or
scikit-learn's :class:`~sklearn.callback.ProgressBar` when the output is an
interactive terminal and ``rich`` is installed. Then it prints the final test
accuracy.
"""

import argparse
import importlib.util
import os
import sys
import time
import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning

from ._callbacks import CALLBACKS_AVAILABLE, VALIDATION_TASK
from ._classifier import NOTEBOOK_PARAMS, SigmoidMLPClassifier

SCHEDULES = ("constant", "invscaling", "adaptive", "cosine")


def _positive_int(text):
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an integer: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def _layer_sizes(text):
    """``"128,64"`` -> ``(128, 64)``: one or more positive integers."""
    parts = text.split(",")
    if not text.strip() or any(not part.strip() for part in parts):
        raise argparse.ArgumentTypeError(
            f"expected positive integers separated by commas, e.g. 128,64; got {text!r}"
        )
    return tuple(_positive_int(part) for part in parts)


def _fraction(text):
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not 0 < value < 1:
        raise argparse.ArgumentTypeError(
            f"must be a fraction strictly between 0 and 1, got {value}"
        )
    return value


def _seed(text):
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an integer: {text!r}") from None
    if not 0 <= value < 2**32:
        raise argparse.ArgumentTypeError(f"must be in [0, 2**32), got {value}")
    return value


def _parse_args(argv):
    parser = argparse.ArgumentParser(
        prog="python -m sklearn_sigmoid_mlp",
        description=(
            "Train a sigmoid multilayer perceptron with hand-written NumPy "
            "backpropagation and print the loss and held-out accuracy after "
            "every epoch, as the original MNIST notebook does. Without a data "
            "option it trains on scikit-learn's bundled 8x8 digits."
        ),
    )
    _add_data_options(parser)
    _add_training_options(parser)
    args = parser.parse_args(argv)
    if args.data is not None and not os.path.isfile(args.data):
        parser.error(f"argument --data: no such file: {args.data!r}")
    if args.progress == "bar" and not _can_draw_bar():
        parser.error(
            "argument --progress: 'bar' needs scikit-learn >= 1.9 and rich "
            "(pip install 'sklearn-sigmoid-mlp[progress]')"
        )
    if args.progress == "auto":
        args.progress = "bar" if sys.stdout.isatty() and _can_draw_bar() else "table"
    return args


def _add_data_options(parser):
    """Where the data comes from (digits by default)."""
    source = parser.add_mutually_exclusive_group()
    source.add_argument(
        "--data",
        metavar="PATH.npz",
        help="train on an .npz file with arrays 'data' (n_samples, n_features) "
        "and 'target' (n_samples,), e.g. MNIST",
    )
    source.add_argument(
        "--openml",
        metavar="NAME",
        help="train on an OpenML data set fetched by name, e.g. mnist_784",
    )


def _add_training_options(parser):
    """The model and its training, the split, and how progress is shown."""
    parser.add_argument(
        "--notebook",
        action="store_true",
        help="use the notebook's exact settings (NOTEBOOK_PARAMS: squared error, "
        "per-sample SGD at lr 0.001, no biases, 50 epochs, no shuffling)",
    )
    parser.add_argument(
        "--max-iter",
        type=_positive_int,
        default=None,
        help="number of epochs (default: 100, or 50 with --notebook)",
    )
    parser.add_argument(
        "--hidden",
        type=_layer_sizes,
        default=None,
        metavar="N1,N2,...",
        help="hidden layer sizes (default: 128,64)",
    )
    parser.add_argument(
        "--test-size",
        type=_fraction,
        default=0.1,
        help="held-out fraction (default: 0.1, the notebook's)",
    )
    parser.add_argument(
        "--random-state",
        type=_seed,
        default=7,
        help="seed of the split and of the network (default: 7, the notebook's)",
    )
    parser.add_argument(
        "--float32",
        action="store_true",
        help="train in float32 instead of float64",
    )
    parser.add_argument(
        "--schedule",
        choices=SCHEDULES,
        default=None,
        help="learning-rate schedule (the estimator's learning_rate; default: "
        "constant). cosine decays the rate to 0 over the --max-iter epochs, "
        "for Adam and SGD; invscaling and adaptive are SGD's (with --notebook)",
    )
    parser.add_argument(
        "--progress",
        choices=("auto", "bar", "table"),
        default="auto",
        help="how progress is shown: 'table' prints a line per epoch, 'bar' "
        "draws scikit-learn's ProgressBar (needs scikit-learn >= 1.9 and rich: "
        "pip install 'sklearn-sigmoid-mlp[progress]'); 'auto' (default) draws "
        "the bar on an interactive terminal when it can, else the table",
    )


def _can_draw_bar():
    return CALLBACKS_AVAILABLE and importlib.util.find_spec("rich") is not None


def _load(args):
    """Features scaled to [0, 1] and labels, with a short description."""
    if args.data:
        with np.load(args.data) as archive:
            X, y = archive["data"], archive["target"]
        name = args.data
    elif args.openml:
        from sklearn.datasets import fetch_openml

        X, y = fetch_openml(args.openml, return_X_y=True, as_frame=False)
        name = f"OpenML {args.openml}"
    else:
        from sklearn.datasets import load_digits

        X, y = load_digits(return_X_y=True)
        name = "scikit-learn's digits"
    X = np.asarray(X, dtype=np.float32 if args.float32 else np.float64)
    # the notebook's normalisation: pixels to [0, 1]
    X /= max(float(X.max()), 1.0)
    return X, y, name


def main(argv=None):
    """Run the main job.

    Parameters
    ----------
    argv : list of str, default=None
        Command-line arguments; ``sys.argv[1:]`` when None.

    Returns
    -------
    status : int
        The exit status: 0 on success, 130 (as for a shell's Ctrl-C) when
        Ctrl-C stopped the training.

    Examples
    --------
    >>> from sklearn_sigmoid_mlp.__main__ import main
    >>> main(["--max-iter", "2", "--hidden", "16"])  # doctest: +ELLIPSIS
    Data: scikit-learn's digits, 1617 training and 180 test rows, 64 features
    ...
    Epoch  2 | loss ... | held-out accuracy ...s
    Test accuracy after 2 epochs: ...%
    0
    """
    from sklearn.model_selection import train_test_split

    args = _parse_args(sys.argv[1:] if argv is None else argv)
    X, y, name = _load(args)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=args.test_size, random_state=args.random_state
    )
    params = dict(NOTEBOOK_PARAMS) if args.notebook else {}
    if args.hidden is not None:
        params["hidden_layer_sizes"] = args.hidden
    if args.schedule is not None:
        params["learning_rate"] = args.schedule
    params["max_iter"] = args.max_iter or params.get("max_iter", 100)
    clf = SigmoidMLPClassifier(**params, random_state=args.random_state)
    print(
        f"Data: {name}, {X_train.shape[0]} training and {X_test.shape[0]} test "
        f"rows, {X.shape[1]} features"
    )
    print(f"Model: {clf!r}")
    if not _train(clf, X_train, y_train, X_test, y_test, args.progress):
        print("Interrupted before the first epoch ended: no model to test.")
        return 130
    accuracy = 100 * clf.validation_scores_[-1]
    epochs = _epochs(clf.n_iter_)
    if clf.stop_reason_ == "interrupted":
        print(f"Interrupted: test accuracy after {epochs}: {accuracy:.2f}%")
        return 130
    if clf.stop_reason_ != "max_iter":
        print(f"Stopped early: {clf.stop_reason_}.")
    print(f"Test accuracy after {epochs}: {accuracy:.2f}%")
    return 0


class EpochTable:
    """A scikit-learn callback that prints one line per epoch, as the notebook.

    The epoch, the training loss, the accuracy on the validation rows (the
    held-out test rows of the main job) and the seconds since the fit began.
    It prints when an epoch's validation task ends: the estimator has scored
    the epoch's weights on the validation rows by then.

    Parameters
    ----------
    file : file-like, default=None
        Where to print; None for the standard output at the time of printing.
    """

    def __init__(self, file=None):
        self.file = file

    def setup(self, estimator, context):
        """Start the clock at the beginning of a fit."""
        self.start = time.perf_counter()

    def teardown(self, estimator, context):
        """Nothing to clean up."""

    def on_fit_task_begin(self, estimator, context):
        """Nothing to do before a task."""

    def on_fit_task_end(self, estimator, context, *, fitted_estimator=None):
        """Print the line of an epoch whose validation has ended."""
        if context.task_name == VALIDATION_TASK and fitted_estimator is not None:
            seconds = time.perf_counter() - self.start
            print(
                _epoch_line(
                    fitted_estimator.n_iter_,
                    fitted_estimator.loss_,
                    fitted_estimator.validation_scores_[-1],
                )
                + f" | {seconds:.1f} s",
                file=self.file or sys.stdout,
                flush=True,
            )
        return False


def _epoch_line(epoch, loss, accuracy):
    return (
        f"Epoch {epoch:2d} | loss {loss:.6f} | held-out accuracy {100 * accuracy:.2f}%"
    )


def _train(clf, X_train, y_train, X_test, y_test, progress):
    """Fit with the test rows as validation data; whether an epoch ended.

    Progress is shown by scikit-learn's callbacks (the table or the bar).
    Without them (scikit-learn < 1.9), the table is printed after the fit.
    A Ctrl-C ends training after the current batch (``stop_reason_ ==
    "interrupted"``); a second one stops the job.
    """
    if CALLBACKS_AVAILABLE:
        from sklearn.callback import ProgressBar

        clf.set_callbacks(ProgressBar() if progress == "bar" else EpochTable())
    try:
        with warnings.catch_warnings():
            # the job reports how training ended itself
            warnings.simplefilter("ignore", ConvergenceWarning)
            warnings.filterwarnings("ignore", "Training was interrupted")
            clf.fit(X_train, y_train, X_val=X_test, y_val=y_test)
    except KeyboardInterrupt:
        return False
    if not CALLBACKS_AVAILABLE:
        for epoch, (loss, accuracy) in enumerate(
            zip(clf.loss_curve_, clf.validation_scores_), start=1
        ):
            print(_epoch_line(epoch, loss, accuracy))
    return clf.n_iter_ > 0


def _epochs(n):
    return f"{n} epoch" if n == 1 else f"{n} epochs"


if __name__ == "__main__":
    sys.exit(main())
