"""The main job: train a SigmoidMLPClassifier and show its progress per epoch.

``python -m sklearn_sigmoid_mlp`` trains on scikit-learn's bundled digits (no
download). ``--data PATH.npz`` (arrays ``data`` and ``target``) or ``--openml
mnist_784`` train on MNIST; ``--notebook`` uses the original notebook's exact
settings (:data:`~sklearn_sigmoid_mlp.NOTEBOOK_PARAMS`); ``--schedule``,
``--learning-rate-init`` and ``--alpha`` set the learning-rate schedule, the
initial rate and the L2 penalty. A data set the job cannot train on (a file
that is no ``.npz`` archive of ``data`` and ``target``, a single class, an
OpenML data set that cannot be fetched) is a usage error, as a bad option is:
one line that says what is wrong, and exit status 2.

The job is one ``fit`` with the held-out rows as its validation set
(``X_val``, monitored only), and shows its progress through scikit-learn's
callbacks: like the notebook, one line per epoch with the training loss and
the held-out accuracy (a small callback of its own, :class:`EpochTable`), or
scikit-learn's :class:`~sklearn.callback.ProgressBar` when the output is an
interactive terminal and ``rich`` is installed. Then it prints the final test
accuracy. An epoch that Ctrl-C cut short is shown as such, with the rows it
trained on.
"""

import argparse
import importlib.util
import math
import os
import sys
import warnings

from sklearn.exceptions import ConvergenceWarning

from ._callbacks import CALLBACKS_AVAILABLE
from ._classifier import NOTEBOOK_PARAMS, SigmoidMLPClassifier
from ._main_data import BadData, load, split
from ._main_progress import (
    EpochTable,
    _cut_short,
    _epoch_line,
    _rows_of_a_cut_short_epoch,
)

SCHEDULES = ("constant", "invscaling", "adaptive", "cosine")
#: the schedules that only SGD follows (Adam ignores them)
SGD_SCHEDULES = ("invscaling", "adaptive")


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


def _positive_float(text):
    value = _finite_float(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be positive, got {text}")
    return value


def _non_negative_float(text):
    value = _finite_float(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be at least 0, got {text}")
    return value


def _finite_float(text):
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"must be a finite number, got {text}")
    return value


def _seed(text):
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an integer: {text!r}") from None
    if not 0 <= value < 2**32:
        raise argparse.ArgumentTypeError(f"must be in [0, 2**32), got {value}")
    return value


def _parser():
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
    _add_run_options(parser)
    return parser


def _parse_args(parser, argv):
    args = parser.parse_args(argv)
    if args.data is not None and not os.path.isfile(args.data):
        parser.error(f"argument --data: no such file: {args.data!r}")
    if args.schedule in SGD_SCHEDULES and not args.notebook:
        parser.error(
            f"argument --schedule: {args.schedule!r} is a schedule of SGD only, and "
            "the job trains with Adam, which would ignore it; use 'constant' or "
            "'cosine', or add --notebook (whose solver is SGD)"
        )
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
    """The model and its training: settings, epochs, layers, the rate."""
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
        "--schedule",
        choices=SCHEDULES,
        default=None,
        help="learning-rate schedule (the estimator's learning_rate; default: "
        "constant). cosine decays the rate to 0 over the --max-iter epochs, "
        "for Adam and SGD; invscaling and adaptive are SGD's (with --notebook). "
        "The user guide's cosine recipe for MNIST: --schedule cosine "
        "--learning-rate-init 3e-3 --alpha 1e-3",
    )
    parser.add_argument(
        "--learning-rate-init",
        type=_positive_float,
        default=None,
        metavar="RATE",
        help="the initial learning rate (the estimator's learning_rate_init; "
        "default: 0.001, also with --notebook)",
    )
    parser.add_argument(
        "--alpha",
        type=_non_negative_float,
        default=None,
        help="the L2 penalty (the estimator's alpha; default: 0.0001, or 0 "
        "with --notebook)",
    )


def _add_run_options(parser):
    """The split, the seed, the dtype and how progress is shown."""
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

    Raises
    ------
    SystemExit
        With status 2 and a one-line message, for a bad argument or a data
        set the job cannot train on.

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
    parser = _parser()
    args = _parse_args(parser, sys.argv[1:] if argv is None else argv)
    option = "--data" if args.data else "--openml" if args.openml else None
    try:
        X, y, name = load(args)
        X_train, X_test, y_train, y_test = split(X, y, args, option)
    except BadData as error:
        parser.error(str(error))
    clf = SigmoidMLPClassifier(**_params(args), random_state=args.random_state)
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
        rows = _rows_of_a_cut_short_epoch(clf, X_train.shape[0])
        if rows is None:
            print(f"Interrupted: test accuracy after {epochs}: {accuracy:.2f}%")
        else:
            print(
                f"Interrupted in epoch {clf.n_iter_} "
                f"({_cut_short(rows, X_train.shape[0])}): "
                f"test accuracy {accuracy:.2f}%"
            )
        return 130
    if clf.stop_reason_ != "max_iter":
        print(f"Stopped early: {clf.stop_reason_}.")
    print(f"Test accuracy after {epochs}: {accuracy:.2f}%")
    return 0


def _params(args):
    """The estimator's parameters that the options set."""
    params = dict(NOTEBOOK_PARAMS) if args.notebook else {}
    if args.hidden is not None:
        params["hidden_layer_sizes"] = args.hidden
    if args.schedule is not None:
        params["learning_rate"] = args.schedule
    if args.learning_rate_init is not None:
        params["learning_rate_init"] = args.learning_rate_init
    if args.alpha is not None:
        params["alpha"] = args.alpha
    params["max_iter"] = args.max_iter or params.get("max_iter", 100)
    return params


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
        rows_per_epoch = X_train.shape[0]
        cut_short = _rows_of_a_cut_short_epoch(clf, rows_per_epoch)
        for epoch, (loss, accuracy) in enumerate(
            zip(clf.loss_curve_, clf.validation_scores_), start=1
        ):
            last = epoch == clf.n_iter_ and cut_short is not None
            rows = (cut_short, rows_per_epoch) if last else None
            print(_epoch_line(epoch, loss, accuracy, rows))
    return clf.n_iter_ > 0


def _epochs(n):
    return f"{n} epoch" if n == 1 else f"{n} epochs"


if __name__ == "__main__":
    sys.exit(main())
