"""The main job's data: the data set to train on, checked, and its split.

``python -m sklearn_sigmoid_mlp`` trains on scikit-learn's digits, on an
``.npz`` file (``--data``) or on an OpenML data set (``--openml``). A data set
the job cannot train on raises :class:`BadData`, whose message the job
prints as a usage error (one line, exit status 2).
"""

import warnings
import zipfile
import zlib
from urllib.error import URLError

import numpy as np
import scipy.sparse as sp
from sklearn.utils.multiclass import type_of_target


class BadData(Exception):
    """A data set the job cannot train on; its message is a usage error's."""


def load(args):
    """Features scaled to [0, 1] and labels, with a short description.

    Raises :class:`BadData` for a data set the job cannot train on.
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
    except BadData as error:
        raise BadData(f"argument {option}: {error}" if option else error) from None
    return X, y, name


def _read_npz(path):
    """The arrays ``data`` and ``target`` of an ``.npz`` file."""
    needs = "an .npz file with arrays 'data' and 'target' (numpy.savez)"
    try:
        archive = np.load(path, allow_pickle=False)
    except OSError as error:
        raise BadData(
            f"argument --data: cannot read {path!r}: {error.strerror or error}"
        ) from None
    except (ValueError, EOFError, zipfile.BadZipFile):
        # np.load takes any file that is no .npy or .npz for a pickle
        raise BadData(f"argument --data: {path!r} is not {needs}") from None
    if isinstance(archive, np.ndarray):  # np.load's answer for an .npy file
        raise BadData(
            f"argument --data: {path!r} holds a single array (an .npy file); the "
            f"job needs {needs}"
        )
    with archive:
        missing = [key for key in ("data", "target") if key not in archive.files]
        if missing:
            found = ", ".join(repr(key) for key in archive.files) or "none"
            raise BadData(
                f"argument --data: {path!r} has no array {missing[0]!r} (its "
                f"arrays: {found}); the job needs arrays 'data' (n_samples, "
                "n_features) and 'target' (n_samples,)"
            )
        arrays = []
        for key in ("data", "target"):
            try:
                arrays.append(archive[key])
            except ValueError:
                raise BadData(
                    f"argument --data: array {key!r} of {path!r} holds Python "
                    "objects, which the job does not load (allow_pickle=False)"
                ) from None
            except (OSError, EOFError, zipfile.BadZipFile, zlib.error) as error:
                raise BadData(
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
        raise BadData(
            f"argument --openml: cannot download {name!r} from OpenML ({reason}); "
            "without a network connection, train on a local file with --data"
        ) from None
    except ValueError as error:
        # OpenML's answers: no such data set, no active version...
        raise BadData(f"argument --openml: {name!r}: {error}") from None


def _features(X, dtype):
    """``X`` as a 2-D array of ``dtype``, scaled to [0, 1] as the notebook does."""
    if sp.issparse(X):
        if X.ndim != 2 or X.dtype.kind not in "biuf":
            raise BadData(f"'data' must be numeric, got a {X.dtype} sparse matrix")
        X = sp.csr_matrix(X, dtype=dtype)
        values = X.data
    else:
        X = np.asarray(X)
        if X.dtype.kind not in "biuf":
            raise BadData(f"'data' must hold numbers, got dtype {X.dtype}")
        if X.ndim != 2:
            raise BadData(
                "'data' must be 2-D (n_samples, n_features), got shape "
                f"{X.shape}; for images, data.reshape(len(data), -1)"
            )
        X = X.astype(dtype)
        values = X
    if X.shape[0] == 0 or X.shape[1] == 0:
        raise BadData(f"'data' is empty: shape {X.shape}")
    if not np.all(np.isfinite(values)):
        raise BadData("'data' contains NaN or infinity (missing values?)")
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
        raise BadData(f"'target' must be 1-D (n_samples,), got shape {y.shape}")
    if len(y) != X.shape[0]:
        raise BadData(f"'data' has {X.shape[0]} rows but 'target' has {len(y)} labels")
    try:
        kind = type_of_target(y, input_name="target")
    except ValueError as error:
        raise BadData(f"'target': {error}") from None
    if kind.startswith("continuous"):
        raise BadData(
            "'target' holds continuous values; the job trains a classifier and "
            "needs class labels"
        )
    if kind not in ("binary", "multiclass"):
        raise BadData(f"'target' holds no class labels (dtype {y.dtype})")
    classes = np.unique(y)
    if len(classes) < 2:
        raise BadData(
            f"'target' has one class only ({classes.tolist()[0]!r}); a classifier "
            "needs at least two"
        )


def split(X, y, args, option):
    """The notebook's split of the rows: training and held-out (test) rows."""
    from sklearn.model_selection import train_test_split

    try:
        X_train, X_test, y_train, y_test = train_test_split(
            X, y, test_size=args.test_size, random_state=args.random_state
        )
    except ValueError as error:
        raise BadData(f"argument --test-size: {error}") from None
    unseen = np.setdiff1d(y_test, y_train)
    if len(unseen) or len(np.unique(y_train)) < 2:
        what = (
            f"classes {unseen.tolist()} have rows only among the held-out rows"
            if len(unseen)
            else "the training rows have one class only"
        )
        raise BadData(
            f"argument {option or '--test-size'}: {what} (--test-size "
            f"{args.test_size}, --random-state {args.random_state}); more rows of "
            "each class are needed"
        )
    return X_train, X_test, y_train, y_test
