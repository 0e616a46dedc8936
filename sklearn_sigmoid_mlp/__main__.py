"""The main job: train a SigmoidMLPClassifier and print its progress per epoch.

``python -m sklearn_sigmoid_mlp`` trains on scikit-learn's bundled digits (no
download). ``--data PATH.npz`` (arrays ``data`` and ``target``) or ``--openml
mnist_784`` train on MNIST; ``--notebook`` uses the original notebook's exact
settings (:data:`~sklearn_sigmoid_mlp.NOTEBOOK_PARAMS`). Like the notebook,
it prints one line per epoch with the training loss and the held-out accuracy,
then the final test accuracy.
"""

import argparse
import os
import sys
import time

import numpy as np

from ._classifier import NOTEBOOK_PARAMS, SigmoidMLPClassifier


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
    args = parser.parse_args(argv)
    if args.data is not None and not os.path.isfile(args.data):
        parser.error(f"argument --data: no such file: {args.data!r}")
    return args


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
    params["max_iter"] = args.max_iter or params.get("max_iter", 100)
    clf = SigmoidMLPClassifier(**params, random_state=args.random_state)
    print(
        f"Data: {name}, {X_train.shape[0]} training and {X_test.shape[0]} test "
        f"rows, {X.shape[1]} features"
    )
    print(f"Model: {clf!r}")
    epochs, accuracy = _train(clf, X_train, y_train, X_test, y_test, np.unique(y))
    if accuracy is None:
        print("Interrupted before the first epoch ended: no model to test.")
        return 130
    if clf.stop_reason_ == "interrupted":
        print(f"Interrupted: test accuracy after {_epochs(epochs)}: {accuracy:.2f}%")
        return 130
    print(f"Test accuracy after {_epochs(epochs)}: {accuracy:.2f}%")
    return 0


def _train(clf, X_train, y_train, X_test, y_test, classes):
    """Train epoch by epoch, printing each; stop at Ctrl-C.

    Returns the epochs run and the last held-out accuracy (percent; None if
    no epoch ended). One ``partial_fit`` call is one epoch, so the held-out
    accuracy can be printed after each, as the notebook does. A Ctrl-C ends
    the current epoch's training early (``stop_reason_ == "interrupted"``),
    or, between two epochs, interrupts the loop: either way the job stops.
    """
    start, epochs, accuracy = time.perf_counter(), 0, None
    try:
        while epochs < clf.max_iter:
            clf.partial_fit(X_train, y_train, classes=classes)
            epochs += 1
            accuracy = 100 * clf.score(X_test, y_test)
            print(
                f"Epoch {epochs:2d} | loss {clf.loss_:.6f} | "
                f"held-out accuracy {accuracy:.2f}% | "
                f"{time.perf_counter() - start:.1f} s"
            )
            if clf.stop_reason_ == "interrupted":
                break
    except KeyboardInterrupt:
        clf.stop_reason_ = "interrupted"
    return epochs, accuracy


def _epochs(n):
    return f"{n} epoch" if n == 1 else f"{n} epochs"


if __name__ == "__main__":
    sys.exit(main())
