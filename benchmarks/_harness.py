"""The harness of the MNIST benchmark: data, contenders, timing, tables, JSON.

Each section lives in a module of its own (``bench_train.py``, ``bench_gemm.py``,
``bench_predict.py``, ``bench_notebook.py``, ``bench_memory.py``,
``bench_accuracy.py``, ``bench_time.py``), runnable alone; ``bench_mnist.py``
runs them all.
Everything is measured in one process (peak memory in child processes), the
contenders interleaved (A, B, A, B, ...) and the median of the repeats
reported, so that a ratio compares runs made under the same load.
"""

import argparse
import gc
import os
import statistics
import sys
import time
import warnings
from pathlib import Path

import numpy as np
from _environment import blas_limit, environment
from _report import print_environment, summary, write_json
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier

from sklearn_sigmoid_mlp import SigmoidMLPClassifier

SECTIONS = (
    "train",
    "gemm",
    "predict",
    "latency",
    "notebook",
    "memory",
    "accuracy",
    "time",
)


HIDDEN_LAYER_SIZES = (128, 64)


LAYER_SIZES = [784, *HIDDEN_LAYER_SIZES, 10]


N_EPOCH_ROWS = 63_000  # MNIST's training rows in the notebook's split


DTYPES = (np.float32, np.float64)


BATCH_SIZES = (200, 32)


SOLVERS = ("adam", "sgd")


NOTEBOOK_SEED = 0


MiB = 2**20


#: Defaults of a full run, and the ``--quick`` preset (under a minute).
FULL = {
    "rows": N_EPOCH_ROWS,
    "epochs": 3,
    "repeats": 3,
    "notebook_rows": 2000,
    "predict_calls": 5,
    "mem_epochs": 2,
    "acc_epochs": 30,
    "tta_epochs": 50,
    "tta_seeds": 3,
}


QUICK = {
    "rows": 3000,
    "epochs": 1,
    "repeats": 3,
    "notebook_rows": 300,
    "predict_calls": 2,
    "mem_epochs": 1,
    "acc_epochs": 2,
    "tta_epochs": 3,
    "tta_seeds": 1,
}


def log(message):
    """Progress line on stderr, so that stdout holds only the tables."""
    print(message, file=sys.stderr, flush=True)


class MNIST:
    """MNIST in the notebook's split, scaled to ``[0, 1]`` in a chosen dtype.

    Parameters
    ----------
    data : ndarray of shape (70000, 784), dtype uint8
        Pixel values, in the standard order (rows 60,000-69,999 are MNIST's
        standard test set).
    target : ndarray of shape (70000,)
        Digit labels.

    Attributes
    ----------
    y_train, y_test : ndarray of shape (63000,), (7000,)
        Labels of the notebook's split,
        ``train_test_split(X, y, test_size=0.1, random_state=7)``.
    """

    def __init__(self, data, target):
        self._data = data
        self.target = np.asarray(target, dtype=np.int64)
        self._train, self._test, self.y_train, self.y_test = train_test_split(
            data, self.target, test_size=0.1, random_state=7
        )
        self._cache = {}

    @staticmethod
    def scale(pixels, dtype):
        """``pixels / 255`` in ``dtype``, C-contiguous."""
        X = pixels.astype(dtype, order="C")
        X /= dtype(255)
        return X

    def _scaled(self, name, pixels, dtype):
        key = (name, np.dtype(dtype).name)
        if key not in self._cache:
            self._cache[key] = self.scale(pixels, dtype)
        return self._cache[key]

    def train(self, dtype, rows=None):
        """The first ``rows`` training rows of the notebook's split."""
        return self._scaled("train", self._train, dtype)[:rows]

    def test(self, dtype):
        """The 7,000 test rows of the notebook's split."""
        return self._scaled("test", self._test, dtype)

    def standard_test(self, dtype):
        """MNIST's standard 10,000-row test set (the dataset's last rows)."""
        return self._scaled("standard_test", self._data[-10_000:], dtype)


def load_mnist(path):
    """Load MNIST from an ``.npz`` file, else from OpenML.

    Parameters
    ----------
    path : str or None
        File with arrays ``data`` (uint8, (70000, 784)) and ``target``; None
        fetches ``mnist_784`` with :func:`sklearn.datasets.fetch_openml`.

    Returns
    -------
    mnist : MNIST
        The data in the notebook's split.
    """
    if path is not None:
        with np.load(path) as archive:
            return MNIST(archive["data"], archive["target"])
    from sklearn.datasets import fetch_openml

    log("fetching mnist_784 from OpenML ...")
    bunch = fetch_openml("mnist_784", as_frame=False, parser="auto")
    return MNIST(np.asarray(bunch.data, dtype=np.uint8), bunch.target.astype(int))


def shared_settings(solver, batch_size, learning_rate_init, alpha, epochs):
    """The settings both contenders get: exactly ``epochs`` shuffled epochs."""
    return {
        "hidden_layer_sizes": HIDDEN_LAYER_SIZES,
        "solver": solver,
        "batch_size": batch_size,
        "learning_rate_init": learning_rate_init,
        "alpha": alpha,
        "max_iter": epochs,
        "shuffle": True,
        "random_state": 0,
        "tol": 0,
        "n_iter_no_change": np.inf,
    }


def make_ours(*settings):
    """Our estimator with :func:`shared_settings`."""
    return SigmoidMLPClassifier(**shared_settings(*settings))


def make_sklearn(*settings):
    """scikit-learn's logistic MLP with :func:`shared_settings`."""
    return MLPClassifier(activation="logistic", **shared_settings(*settings))


CONTENDERS = {"ours": make_ours, "sklearn": make_sklearn}


def timed_fit(estimator, X, y):
    """Fit and return ``(seconds per epoch, estimator)``."""
    gc.collect()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        start = time.perf_counter()
        estimator.fit(X, y)
        elapsed = time.perf_counter() - start
    return elapsed / estimator.n_iter_, estimator


def ratios(samples):
    """The ratios of the medians of ours, scikit-learn's and the floor's timings."""
    med = {k: statistics.median(v) for k, v in samples.items()}
    return {
        "ours_over_sklearn": med["ours"] / med["sklearn"],
        "ours_over_sklearn_per_repeat": [
            o / s for o, s in zip(samples["ours"], samples["sklearn"])
        ],
        "ours_over_floor": med["ours"] / med["floor"],
        "sklearn_over_floor": med["sklearn"] / med["floor"],
        "floor_over_sklearn": med["floor"] / med["sklearn"],
    }


def summarize(samples):
    """Median, min and max of a list of seconds."""
    return {
        "median": statistics.median(samples),
        "min": min(samples),
        "max": max(samples),
        "samples": list(samples),
    }


def _add_size_options(parser):
    """``--rows``, ``--epochs``, ...: unset, they take the preset's values."""
    sizes = parser.add_argument_group(
        "sizes", "Defaults: those of a full run, or of --quick where given."
    )
    size_help = {
        "rows": "training rows used by train, gemm, memory, accuracy and time",
        "epochs": "epochs of each timed fit in the train section",
        "repeats": "interleaved repeats of each measurement (medians reported)",
        "notebook_rows": "rows of the notebook-path comparison (batch size 1)",
        "predict_calls": "predict_proba calls per repeat",
        "mem_epochs": "epochs of the fit whose memory is measured",
        "acc_epochs": "epochs of the accuracy curve",
        "tta_epochs": "most epochs per contender in the time section (the "
        "cosine recipe: at most its max_iter, 30)",
        "tta_seeds": "random seeds (0, 1, ...) of the time section",
    }
    for name, text in size_help.items():
        sizes.add_argument(
            "--" + name.replace("_", "-"),
            type=int,
            metavar="N",
            help=f"{text} (full: {FULL[name]}, --quick: {QUICK[name]})",
        )


def _add_setting_options(parser):
    """``--learning-rate``, ``--alpha``, ``--target-accuracy``, threads, JSON."""
    parser.add_argument(
        "--learning-rate",
        type=float,
        default=1e-3,
        metavar="LR",
        help="learning_rate_init of both contenders in the train section "
        "(default: 0.001)",
    )
    parser.add_argument(
        "--alpha",
        type=float,
        default=1e-4,
        help="L2 penalty of both contenders in the train section (default: 1e-4)",
    )
    parser.add_argument(
        "--target-accuracy",
        type=float,
        default=0.975,
        metavar="ACC",
        help="test accuracy that the time section trains to (default: 0.975)",
    )
    parser.add_argument(
        "--blas-threads",
        type=int,
        metavar="N",
        help="limit the BLAS threads with threadpoolctl (default: as the "
        "environment sets them)",
    )
    parser.add_argument(
        "--json",
        metavar="PATH",
        help="write every figure, the options and the environment to this file",
    )


def _checked(parser, args, sections):
    """The parsed options with the preset's sizes filled in, or a usage error."""
    preset = QUICK if args.quick else FULL
    for name, value in preset.items():
        if getattr(args, name) is None:
            setattr(args, name, value)
    args.sections = [s.strip() for s in args.only.split(",") if s.strip()]
    unknown = sorted(set(args.sections) - set(sections))
    if unknown:
        parser.error(f"unknown section(s) {unknown}; choose from {list(sections)}")
    for name in FULL:
        if getattr(args, name) < 1:
            parser.error(f"--{name.replace('_', '-')} must be at least 1")
    if not 0 < args.target_accuracy <= 1:
        parser.error("--target-accuracy must be in (0, 1]")
    return args


def parse_args(argv=None, sections=SECTIONS):
    """The command line; unset sizes take the ``--quick`` or full defaults."""
    parser = argparse.ArgumentParser(
        description=(
            "Benchmark SigmoidMLPClassifier on MNIST against scikit-learn's "
            "MLPClassifier, the machine's GEMM floor and the original notebook. "
            "Prints one table per section and a summary of the "
            "targets; --json writes the same figures."
        ),
        epilog=(
            "Reference run, from the repository root: env -u OPENBLAS_CORETYPE "
            "-u OPENBLAS_L2_SIZE python benchmarks/bench_mnist.py --data "
            "../shared/data/mnist_784.npz --json bench.json"
        ),
    )
    parser.add_argument(
        "--data",
        metavar="PATH.npz",
        help="MNIST as an .npz with arrays 'data' (uint8, 70000 x 784) and "
        "'target' (default: fetch_openml('mnist_784'))",
    )
    parser.add_argument(
        "--only",
        metavar="SECTION[,SECTION]",
        default=",".join(sections),
        help="comma-separated sections to run, of: "
        + ", ".join(sections)
        + " (default: all)",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="small preset that finishes in under a minute: a smoke run, whose "
        "figures are noisy and whose memory, accuracy and time verdicts mean "
        "nothing",
    )
    _add_size_options(parser)
    _add_setting_options(parser)
    return _checked(parser, parser.parse_args(argv), sections)


def run_sections(runners, argv=None):
    """Run the selected sections, print their tables and the summary.

    Parameters
    ----------
    runners : dict
        Section name to ``function(mnist, args) -> dict``, in running order.
    argv : list of str, default=None
        The command line (``sys.argv[1:]`` when None).
    """
    args = parse_args(argv, list(runners))
    limits = blas_limit(args.blas_threads)
    sections, wall = {}, {}
    with limits:
        env = environment()
        env["blas_threads_limit"] = args.blas_threads
        print(f"# {Path(sys.argv[0]).name}: " + " ".join(sys.argv[1:]))
        print_environment(env)
        mnist = load_mnist(args.data)
        args.rows = min(args.rows, len(mnist.y_train))
        for name, run in runners.items():
            if name in args.sections:
                start = time.perf_counter()
                sections[name] = run(mnist, args)
                wall[name] = time.perf_counter() - start
    env["load_average_at_end"] = list(os.getloadavg())
    checks = summary(sections, args, N_EPOCH_ROWS)
    print("section wall time: " + ", ".join(f"{k} {v:.0f} s" for k, v in wall.items()))
    if args.json:
        report = {
            "command": sys.argv,
            "options": dict(vars(args)),
            "environment": env,
            "sections": sections,
            "section_wall_seconds": wall,
            "summary": checks,
        }
        write_json(args.json, report)


def notebook_network():
    """The notebook's network, from the tests' reference copy (one copy only)."""
    tests = str(Path(__file__).resolve().parent.parent / "tests")
    if tests not in sys.path:
        sys.path.insert(0, tests)
    from notebook_reference import NotebookNetwork

    return NotebookNetwork
