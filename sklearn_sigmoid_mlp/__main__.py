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
import time
import warnings
import zipfile
import zlib
from urllib.error import URLError

import numpy as np
import scipy.sparse as sp
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils.multiclass import type_of_target

from ._callbacks import CALLBACKS_AVAILABLE, EPOCH_TASK, VALIDATION_TASK
from ._classifier import NOTEBOOK_PARAMS, SigmoidMLPClassifier

SCHEDULES = ("constant", "invscaling", "adaptive", "cosine")
#: the schedules that only SGD follows (Adam ignores them)
SGD_SCHEDULES = ("invscaling", "adaptive")


class _BadData(Exception):
    """A data set the job cannot train on; its message is a usage error's."""


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
    """Features scaled to [0, 1] and labels, with a short description.

    Raises :class:`_BadData` for a data set the job cannot train on.
    """
    if args.data:
        X, y = _read_npz(args.data)
        name, option = args.data, "--data"
    elif args.openml:
        X, y = _fetch_openml(args.openml)
        name, option = f"OpenML {args.openml}", "--openml"
    else:
        from sklearn.datasets import load_digits

        X, y = load_digits(return_X_y=True)
        name, option = "scikit-learn's digits", None
    try:
        X = _features(X, np.float32 if args.float32 else np.float64)
        _check_target(X, y)
    except _BadData as error:
        raise _BadData(f"argument {option}: {error}" if option else error) from None
    return X, y, name


def _read_npz(path):
    """The arrays ``data`` and ``target`` of an ``.npz`` file."""
    needs = "an .npz file with arrays 'data' and 'target' (numpy.savez)"
    try:
        archive = np.load(path, allow_pickle=False)
    except OSError as error:
        raise _BadData(
            f"argument --data: cannot read {path!r}: {error.strerror or error}"
        ) from None
    except (ValueError, EOFError, zipfile.BadZipFile):
        # np.load takes any file that is no .npy or .npz for a pickle
        raise _BadData(f"argument --data: {path!r} is not {needs}") from None
    if isinstance(archive, np.ndarray):  # np.load's answer for an .npy file
        raise _BadData(
            f"argument --data: {path!r} holds a single array (an .npy file); the "
            f"job needs {needs}"
        )
    with archive:
        missing = [key for key in ("data", "target") if key not in archive.files]
        if missing:
            found = ", ".join(repr(key) for key in archive.files) or "none"
            raise _BadData(
                f"argument --data: {path!r} has no array {missing[0]!r} (its "
                f"arrays: {found}); the job needs arrays 'data' (n_samples, "
                "n_features) and 'target' (n_samples,)"
            )
        arrays = []
        for key in ("data", "target"):
            try:
                arrays.append(archive[key])
            except ValueError:
                raise _BadData(
                    f"argument --data: array {key!r} of {path!r} holds Python "
                    "objects, which the job does not load (allow_pickle=False)"
                ) from None
            except (OSError, EOFError, zipfile.BadZipFile, zlib.error) as error:
                raise _BadData(
                    f"argument --data: cannot read array {key!r} of {path!r}: {error}"
                ) from None
    return tuple(arrays)


def _fetch_openml(name):
    """The features and labels of an OpenML data set, as NumPy or sparse arrays."""
    from sklearn.datasets import fetch_openml

    try:
        with warnings.catch_warnings():
            # fetch_openml warns at every retry; the job reports the last failure
            warnings.filterwarnings("ignore", "A network error occurred")
            return fetch_openml(name, return_X_y=True, as_frame=False)
    except (URLError, OSError) as error:
        reason = getattr(error, "reason", None) or error
        raise _BadData(
            f"argument --openml: cannot download {name!r} from OpenML ({reason}); "
            "without a network connection, train on a local file with --data"
        ) from None
    except ValueError as error:
        # OpenML's answers: no such data set, no active version...
        raise _BadData(f"argument --openml: {name!r}: {error}") from None


def _features(X, dtype):
    """``X`` as a 2-D array of ``dtype``, scaled to [0, 1] as the notebook does."""
    if sp.issparse(X):
        if X.ndim != 2 or X.dtype.kind not in "biuf":
            raise _BadData(f"'data' must be numeric, got a {X.dtype} sparse matrix")
        X = sp.csr_matrix(X, dtype=dtype)
        values = X.data
    else:
        X = np.asarray(X)
        if X.dtype.kind not in "biuf":
            raise _BadData(f"'data' must hold numbers, got dtype {X.dtype}")
        if X.ndim != 2:
            raise _BadData(
                "'data' must be 2-D (n_samples, n_features), got shape "
                f"{X.shape}; for images, data.reshape(len(data), -1)"
            )
        X = X.astype(dtype)
        values = X
    if X.shape[0] == 0 or X.shape[1] == 0:
        raise _BadData(f"'data' is empty: shape {X.shape}")
    if not np.all(np.isfinite(values)):
        raise _BadData("'data' contains NaN or infinity (missing values?)")
    # the notebook's normalisation: pixels to [0, 1]
    scale = max(float(values.max()), 1.0) if values.size else 1.0
    if sp.issparse(X):
        X.data /= scale
    else:
        X /= scale
    return X


def _check_target(X, y):
    """``y`` holds one class label per row of ``X``, of two classes or more."""
    y = np.asarray(y)
    if y.ndim != 1:
        raise _BadData(f"'target' must be 1-D (n_samples,), got shape {y.shape}")
    if len(y) != X.shape[0]:
        raise _BadData(f"'data' has {X.shape[0]} rows but 'target' has {len(y)} labels")
    try:
        kind = type_of_target(y, input_name="target")
    except ValueError as error:
        raise _BadData(f"'target': {error}") from None
    if kind.startswith("continuous"):
        raise _BadData(
            "'target' holds continuous values; the job trains a classifier and "
            "needs class labels"
        )
    if kind not in ("binary", "multiclass"):
        raise _BadData(f"'target' holds no class labels (dtype {y.dtype})")
    classes = np.unique(y)
    if len(classes) < 2:
        raise _BadData(
            f"'target' has one class only ({classes.tolist()[0]!r}); a classifier "
            "needs at least two"
        )


def _split(X, y, args, option):
    """The notebook's split of the rows: training and held-out (test) rows."""
    from sklearn.model_selection import train_test_split

    try:
        X_train, X_test, y_train, y_test = train_test_split(
            X, y, test_size=args.test_size, random_state=args.random_state
        )
    except ValueError as error:
        raise _BadData(f"argument --test-size: {error}") from None
    unseen = np.setdiff1d(y_test, y_train)
    if len(unseen) or len(np.unique(y_train)) < 2:
        what = (
            f"classes {unseen.tolist()} have rows only among the held-out rows"
            if len(unseen)
            else "the training rows have one class only"
        )
        raise _BadData(
            f"argument {option or '--test-size'}: {what} (--test-size "
            f"{args.test_size}, --random-state {args.random_state}); more rows of "
            "each class are needed"
        )
    return X_train, X_test, y_train, y_test


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
        X, y, name = _load(args)
        X_train, X_test, y_train, y_test = _split(X, y, args, option)
    except _BadData as error:
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


class EpochTable:
    """A scikit-learn callback that prints one line per epoch, as the notebook.

    The epoch, the training loss, the accuracy on the validation rows (the
    held-out test rows of the main job) and the seconds since the fit began.
    The estimator has scored an epoch's weights on the validation rows when
    the epoch's validation task ends; its line is printed as the next epoch
    begins, or as the fit ends: the same moment to a reader, and then it is
    known whether training stopped inside the epoch (Ctrl-C), which the line
    then says, with the rows the epoch trained on.

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
        self.rows_before = getattr(estimator, "t_", 0)
        self.rows_per_epoch = None
        self.line = None

    def teardown(self, estimator, context):
        """Print the last epoch's line, cut short or not."""
        rows = None
        if self.rows_per_epoch:
            rows = _rows_of_a_cut_short_epoch(
                estimator, self.rows_per_epoch, self.rows_before
            )
        self._print(rows)

    def on_fit_task_begin(self, estimator, context, *, X=None):
        """At an epoch's beginning, print the line of the one before."""
        if context.task_name == EPOCH_TASK:
            self._print()
            if X is not None:
                self.rows_per_epoch = X.shape[0]

    def on_fit_task_end(self, estimator, context, *, fitted_estimator=None):
        """Keep the line of an epoch whose validation has ended."""
        if context.task_name == VALIDATION_TASK and fitted_estimator is not None:
            seconds = time.perf_counter() - self.start
            self.line = (
                fitted_estimator.n_iter_,
                fitted_estimator.loss_,
                fitted_estimator.validation_scores_[-1],
                seconds,
            )
        return False

    def _print(self, rows=None):
        if self.line is not None:
            epoch, loss, accuracy, seconds = self.line
            cut_short = None if rows is None else (rows, self.rows_per_epoch)
            print(
                _epoch_line(epoch, loss, accuracy, cut_short) + f" | {seconds:.1f} s",
                file=self.file or sys.stdout,
                flush=True,
            )
            self.line = None


def _epoch_line(epoch, loss, accuracy, cut_short=None):
    """The line of an epoch; ``cut_short`` is (rows trained on, rows of an epoch)."""
    label = f"Epoch {epoch:2d}"
    if cut_short is not None:
        label += f" ({_cut_short(*cut_short)})"
    return f"{label} | loss {loss:.6f} | held-out accuracy {100 * accuracy:.2f}%"


def _cut_short(rows, rows_per_epoch):
    return f"cut short after {rows} of {rows_per_epoch} rows"


def _rows_of_a_cut_short_epoch(estimator, rows_per_epoch, rows_before=0):
    """The rows that the last epoch of a fit trained on if it was cut short, or None.

    ``rows_before`` is the estimator's ``t_`` (rows trained on) before the fit.
    A fit that raised left the estimator as it was: then there is no last
    epoch of the fit to tell of.
    """
    epochs = getattr(estimator, "n_iter_", 0)
    if not epochs:
        return None
    rows = getattr(estimator, "t_", 0) - rows_before - (epochs - 1) * rows_per_epoch
    return rows if 0 < rows < rows_per_epoch else None


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
