"""Benchmark SigmoidMLPClassifier on MNIST: scikit-learn, the GEMM floor, the notebook.

Everything is measured in one process (except peak memory, measured in child
processes), with the contenders interleaved (A, B, A, B, ...) and the median of
the repeats reported, so that a ratio printed here compares runs made under the
same load. Sections (``--only``):

``train``
    Seconds per epoch of ``fit`` for ours and ``MLPClassifier`` with the same
    architecture (784-128-64-10, sigmoid), solver, batch size, learning rate,
    alpha and dtype; float32 and float64, batch sizes 200 and 32, Adam and
    SGD. Each configuration also times the GEMM floor (below) in the same
    repeats, so each training time is printed as a ratio to it.
``gemm``
    The machine's own matrix-product throughput for this network: the exact
    products of one epoch of forward and backward passes (``X @ W1``,
    ``A1 @ W2``, ``A2 @ W3``; ``A2.T @ D3``, ``D3 @ W3.T``, ``A1.T @ D2``,
    ``D2 @ W2.T``, ``X.T @ D1``; no input gradient) into preallocated
    buffers, per dtype and batch size, with the GFLOP/s of each product.
``predict``
    ``predict_proba`` on MNIST's 10,000 standard test rows, ours against
    scikit-learn, float32 and float64 models.
``notebook``
    ``SigmoidMLPClassifier(**NOTEBOOK_PARAMS)`` (batch size 1) against a
    faithful copy of the notebook's per-sample loop (``_notebook.py``) on a
    slice of rows, extrapolated to an epoch of 63,000 rows, and the largest
    relative weight difference after the same rows from the same initial
    weights.
``memory``
    Extra peak memory of ``fit`` beyond X itself on float32 MNIST, ours
    against scikit-learn, each measured in a fresh child process.
``accuracy``
    Test accuracy after each epoch of the default
    ``SigmoidMLPClassifier(random_state=0)`` beside
    ``MLPClassifier(hidden_layer_sizes=(128, 64), activation="logistic")``.

Run ``python benchmarks/bench_mnist.py --help`` for the options; see
``benchmarks/README.md`` for the targets and the latest results.
"""

import argparse
import gc
import json
import multiprocessing
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import warnings
from contextlib import nullcontext
from pathlib import Path

import numpy as np
import scipy
import sklearn
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier
from threadpoolctl import threadpool_info, threadpool_limits

import sklearn_sigmoid_mlp
from sklearn_sigmoid_mlp import NOTEBOOK_PARAMS, SigmoidMLPClassifier

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _notebook import NotebookNetwork

SECTIONS = ("train", "gemm", "predict", "notebook", "memory", "accuracy")
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
}
QUICK = {
    "rows": 3000,
    "epochs": 1,
    "repeats": 3,
    "notebook_rows": 300,
    "predict_calls": 2,
    "mem_epochs": 1,
    "acc_epochs": 2,
}

#: The targets of issue 3, by key (thresholds are in :func:`summary`).
TARGETS = {
    "adam_b200_float32": "adam, batch 200, float32: ours / sklearn <= 0.45",
    "adam_b200_float64": "adam, batch 200, float64: ours / sklearn <= 0.55",
    "adam_b200_floor": "adam, batch 200: ours / GEMM floor <= 1.3 (both dtypes)",
    "b32": "batch 32 (adam and sgd, both dtypes): ours / sklearn <= 0.6",
    "notebook_speedup": "NOTEBOOK_PARAMS: >= 5x faster per epoch than the notebook",
    "notebook_weights": "NOTEBOOK_PARAMS: weights within 1e-10 relative of the loop's",
    "predict": "predict_proba, 10,000 rows: ours / sklearn <= 0.6 (both dtypes)",
    "memory": "fit on float32 MNIST: <= 64 MiB beyond X",
    "accuracy": "default estimator: >= 98.0% test accuracy within 30 epochs",
}


def log(message):
    """Progress line on stderr, so that stdout holds only the tables."""
    print(message, file=sys.stderr, flush=True)


# --------------------------------------------------------------------- data


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


# -------------------------------------------------------------- contenders


def make_ours(solver, batch_size, learning_rate_init, alpha, epochs):
    """Our estimator, running exactly ``epochs`` epochs."""
    return SigmoidMLPClassifier(
        hidden_layer_sizes=HIDDEN_LAYER_SIZES,
        solver=solver,
        batch_size=batch_size,
        learning_rate_init=learning_rate_init,
        alpha=alpha,
        max_iter=epochs,
        shuffle=True,
        random_state=0,
        tol=0,
        n_iter_no_change=np.inf,
    )


def make_sklearn(solver, batch_size, learning_rate_init, alpha, epochs):
    """scikit-learn's logistic MLP with the same settings, ``epochs`` epochs."""
    return MLPClassifier(
        hidden_layer_sizes=HIDDEN_LAYER_SIZES,
        activation="logistic",
        solver=solver,
        batch_size=batch_size,
        learning_rate_init=learning_rate_init,
        alpha=alpha,
        max_iter=epochs,
        shuffle=True,
        random_state=0,
        tol=0,
        n_iter_no_change=np.inf,
    )


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


def summarize(samples):
    """Median, min and max of a list of seconds."""
    return {
        "median": statistics.median(samples),
        "min": min(samples),
        "max": max(samples),
        "samples": list(samples),
    }


# --------------------------------------------------------------- GEMM floor

PRODUCTS = (
    "X @ W1",
    "A1 @ W2",
    "A2 @ W3",
    "A2.T @ D3",
    "D3 @ W3.T",
    "A1.T @ D2",
    "D2 @ W2.T",
    "X.T @ D1",
)


class GemmEpoch:
    """The matrix products of one epoch of forward and backward passes.

    Every batch does the forward products ``X @ W1``, ``A1 @ W2``,
    ``A2 @ W3`` and the backward products ``A2.T @ D3``, ``D3 @ W3.T``,
    ``A1.T @ D2``, ``D2 @ W2.T``, ``X.T @ D1`` (no gradient with respect to
    the input), each with :func:`numpy.matmul` into a preallocated ``out=``
    buffer. Batches are consecutive row slices of X (views, as a training loop
    without shuffling sees them); the last one is shorter when the batch size
    does not divide the rows. The operands of every call are built before
    timing, so only the products are timed. With ``forward_only`` only the
    three forward products are done: the floor of a prediction.

    Parameters
    ----------
    X : ndarray of shape (n_samples, 784)
        Training rows, in the dtype to measure.
    batch_size : int
        Rows per batch.
    random_state : numpy.random.RandomState
        Source of the weights and deltas (their values do not matter, as long
        as they are finite and not denormal).
    forward_only : bool, default=False
        Whether to do only the forward products.
    """

    def __init__(self, X, batch_size, random_state, forward_only=False):
        dtype = X.dtype
        fan_ins, fan_outs = LAYER_SIZES[:-1], LAYER_SIZES[1:]

        def uniform(*shape):
            return random_state.uniform(-0.1, 0.1, shape).astype(dtype)

        coefs = [uniform(i, o) for i, o in zip(fan_ins, fan_outs)]
        activations = [np.empty((batch_size, o), dtype) for o in fan_outs]
        deltas = [uniform(batch_size, o) for o in fan_outs]
        errors = [np.empty((batch_size, i), dtype) for i in fan_ins[1:]]
        grads = [np.empty((i, o), dtype) for i, o in zip(fan_ins, fan_outs)]
        w1, w2, w3 = coefs
        a1, a2, a3 = activations
        d1, d2, d3 = deltas
        e1, e2 = errors
        g1, g2, g3 = grads

        self.calls = []  # (product index, a, b, out)
        self.flops = 0
        for start in range(0, X.shape[0], batch_size):
            x = X[start : start + batch_size]
            n = x.shape[0]
            batch = [
                (x, w1, a1[:n]),
                (a1[:n], w2, a2[:n]),
                (a2[:n], w3, a3[:n]),
                (a2[:n].T, d3[:n], g3),
                (d3[:n], w3.T, e2[:n]),
                (a1[:n].T, d2[:n], g2),
                (d2[:n], w2.T, e1[:n]),
                (x.T, d1[:n], g1),
            ]
            if forward_only:
                batch = batch[:3]
            for index, (a, b, out) in enumerate(batch):
                self.calls.append((index, a, b, out))
                self.flops += 2 * a.shape[0] * a.shape[1] * b.shape[1]

    def run(self, product=None):
        """Do the epoch's products (or only those of one product) and time them.

        Parameters
        ----------
        product : int, default=None
            Index into :data:`PRODUCTS`; None does all of them, in order.

        Returns
        -------
        seconds : float
            Wall-clock time of the products.
        """
        calls = [c[1:] for c in self.calls if product is None or c[0] == product]
        matmul = np.matmul
        gc.collect()
        start = time.perf_counter()
        for a, b, out in calls:
            matmul(a, b, out=out)
        return time.perf_counter() - start

    def product_flops(self, product):
        """Floating-point operations of one product over the epoch."""
        return sum(
            2 * a.shape[0] * a.shape[1] * b.shape[1]
            for index, a, b, _ in self.calls
            if index == product
        )


def section_gemm(mnist, args):
    """GEMM throughput and floor per epoch for each dtype and batch size.

    Parameters
    ----------
    mnist : MNIST
        The data.
    args : argparse.Namespace
        Options (``rows``, ``repeats``).

    Returns
    -------
    result : dict
        ``"configs"``: one entry per dtype and batch size, with the floor's
        seconds per epoch, GFLOP per epoch, GFLOP/s and the same per product.
    """
    configs = []
    rows = []
    product_rows = []
    for dtype in DTYPES:
        X = mnist.train(dtype, args.rows)
        for batch_size in BATCH_SIZES:
            log(f"gemm {np.dtype(dtype).name} batch {batch_size}")
            epoch = GemmEpoch(X, batch_size, np.random.RandomState(0))
            epoch.run()  # warm-up
            totals, per_product = [], {p: [] for p in range(len(PRODUCTS))}
            for _ in range(args.repeats):
                totals.append(epoch.run())
                for product in per_product:
                    per_product[product].append(epoch.run(product))
            total = summarize(totals)
            products = []
            for product, samples in per_product.items():
                flops = epoch.product_flops(product)
                seconds = statistics.median(samples)
                products.append(
                    {
                        "product": PRODUCTS[product],
                        "seconds": seconds,
                        "gflop": flops / 1e9,
                        "gflops_per_s": flops / seconds / 1e9,
                        "share": seconds
                        / sum(map(statistics.median, per_product.values())),
                    }
                )
            config = {
                "dtype": np.dtype(dtype).name,
                "batch_size": batch_size,
                "rows": X.shape[0],
                "floor_s": total,
                "gflop_per_epoch": epoch.flops / 1e9,
                "gflops_per_s": epoch.flops / total["median"] / 1e9,
                "products": products,
            }
            configs.append(config)
            rows.append(
                [
                    config["dtype"],
                    batch_size,
                    f"{total['median']:.4f}",
                    f"{total['min']:.4f}-{total['max']:.4f}",
                    f"{config['gflop_per_epoch']:.2f}",
                    f"{config['gflops_per_s']:.1f}",
                ]
            )
            for p in products:
                product_rows.append(
                    [
                        config["dtype"],
                        batch_size,
                        p["product"],
                        f"{p['seconds']:.4f}",
                        f"{100 * p['share']:.0f}%",
                        f"{p['gflops_per_s']:.1f}",
                    ]
                )
    n_rows = mnist.train(np.float32, args.rows).shape[0]
    print_table(
        f"GEMM floor: the products of one epoch ({n_rows} rows), median of "
        f"{args.repeats}",
        ["dtype", "batch", "floor s/epoch", "range", "GFLOP/epoch", "GFLOP/s"],
        rows,
    )
    print_table(
        "GEMM floor by product (each product timed alone over the epoch)",
        ["dtype", "batch", "product", "s/epoch", "share", "GFLOP/s"],
        product_rows,
    )
    return {"configs": configs}


# ----------------------------------------------------------------- training


def warm_up(mnist, dtype):
    """One short fit of each contender, so that first-call costs are not timed."""
    X = mnist.train(dtype, 1000)
    y = mnist.y_train[:1000]
    for make in CONTENDERS.values():
        timed_fit(make("adam", 200, 1e-3, 1e-4, 1), X, y)


def section_train(mnist, args):
    """Seconds per epoch of ours, scikit-learn's and the GEMM floor.

    For each dtype, batch size and solver, every repeat fits ours, then
    scikit-learn's MLP, then runs the GEMM floor of one epoch; the medians of
    the repeats are compared.

    Parameters
    ----------
    mnist : MNIST
        The data.
    args : argparse.Namespace
        Options (``rows``, ``epochs``, ``repeats``, ``learning_rate``,
        ``alpha``).

    Returns
    -------
    result : dict
        ``"configs"``: one entry per configuration with the per-epoch seconds
        of each contender and of the floor, and their ratios.
    """
    configs, rows = [], []
    for dtype in DTYPES:
        X = mnist.train(dtype, args.rows)
        y = mnist.y_train[: X.shape[0]]
        warm_up(mnist, dtype)
        for batch_size in BATCH_SIZES:
            floor = GemmEpoch(X, batch_size, np.random.RandomState(0))
            for solver in SOLVERS:
                name = f"{np.dtype(dtype).name} batch {batch_size} {solver}"
                samples = {"ours": [], "sklearn": [], "floor": []}
                losses = {}
                for repeat in range(args.repeats):
                    log(f"train {name}, repeat {repeat + 1}/{args.repeats}")
                    for contender, make in CONTENDERS.items():
                        estimator = make(
                            solver,
                            batch_size,
                            args.learning_rate,
                            args.alpha,
                            args.epochs,
                        )
                        seconds, estimator = timed_fit(estimator, X, y)
                        samples[contender].append(seconds)
                        losses[contender] = float(estimator.loss_)
                        if estimator.coefs_[0].dtype != dtype:
                            raise RuntimeError(
                                f"{contender} trained in {estimator.coefs_[0].dtype}, "
                                f"not {np.dtype(dtype).name}"
                            )
                    samples["floor"].append(floor.run())
                med = {k: statistics.median(v) for k, v in samples.items()}
                pair_ratios = [
                    o / s for o, s in zip(samples["ours"], samples["sklearn"])
                ]
                config = {
                    "dtype": np.dtype(dtype).name,
                    "batch_size": batch_size,
                    "solver": solver,
                    "rows": X.shape[0],
                    "epochs": args.epochs,
                    "seconds_per_epoch": {k: summarize(v) for k, v in samples.items()},
                    "ours_over_sklearn": med["ours"] / med["sklearn"],
                    "ours_over_sklearn_per_repeat": pair_ratios,
                    "ours_over_floor": med["ours"] / med["floor"],
                    "sklearn_over_floor": med["sklearn"] / med["floor"],
                    "ours_gflops_per_s": floor.flops / med["ours"] / 1e9,
                    "final_loss": losses,
                }
                configs.append(config)
                rows.append(
                    [
                        config["dtype"],
                        batch_size,
                        solver,
                        f"{med['ours']:.3f}",
                        f"{med['sklearn']:.3f}",
                        f"{med['floor']:.3f}",
                        f"{config['ours_over_sklearn']:.2f}",
                        f"{min(pair_ratios):.2f}-{max(pair_ratios):.2f}",
                        f"{config['ours_over_floor']:.2f}",
                        f"{config['sklearn_over_floor']:.2f}",
                        f"{config['ours_gflops_per_s']:.0f}",
                        f"{losses['ours']:.4f}/{losses['sklearn']:.4f}",
                    ]
                )
    n_rows = configs[0]["rows"]
    print_table(
        f"Training: seconds per epoch ({n_rows} rows, {args.epochs} epoch(s) per "
        f"fit), median of {args.repeats} interleaved repeats",
        [
            "dtype",
            "batch",
            "solver",
            "ours",
            "sklearn",
            "floor",
            "ours/sk",
            "range",
            "ours/floor",
            "sk/floor",
            "ours GFLOP/s",
            "loss ours/sk",
        ],
        rows,
    )
    return {"configs": configs}


# ---------------------------------------------------------------- predict


def section_predict(mnist, args):
    """``predict_proba`` on MNIST's 10,000 standard test rows.

    Both models are first trained for one epoch on 2,000 rows in the dtype
    measured (trained weights, not that their values matter for the time).
    Each repeat also times the three forward products on the same rows into
    preallocated buffers (:class:`GemmEpoch` with ``forward_only``): the GEMM
    floor of a prediction.

    Parameters
    ----------
    mnist : MNIST
        The data.
    args : argparse.Namespace
        Options (``repeats``, ``predict_calls``).

    Returns
    -------
    result : dict
        ``"configs"``: per dtype, the seconds per call of each contender and
        their ratio.
    """
    configs, rows = [], []
    for dtype in DTYPES:
        X_fit = mnist.train(dtype, 2000)
        y_fit = mnist.y_train[:2000]
        X = mnist.standard_test(dtype)
        models = {}
        for contender, make in CONTENDERS.items():
            _, models[contender] = timed_fit(
                make("adam", 200, 1e-3, 1e-4, 1), X_fit, y_fit
            )
            models[contender].predict_proba(X)  # warm-up
        floor = GemmEpoch(X, X.shape[0], np.random.RandomState(0), forward_only=True)
        floor.run()  # warm-up
        samples = {"ours": [], "sklearn": [], "floor": []}
        for repeat in range(args.repeats):
            log(f"predict {np.dtype(dtype).name}, repeat {repeat + 1}/{args.repeats}")
            for contender, model in models.items():
                gc.collect()
                start = time.perf_counter()
                for _ in range(args.predict_calls):
                    proba = model.predict_proba(X)
                samples[contender].append(
                    (time.perf_counter() - start) / args.predict_calls
                )
                if proba.dtype != dtype:
                    raise RuntimeError(
                        f"{contender} predict_proba returned {proba.dtype}, "
                        f"not {np.dtype(dtype).name}"
                    )
            samples["floor"].append(floor.run())
        med = {k: statistics.median(v) for k, v in samples.items()}
        pair_ratios = [o / s for o, s in zip(samples["ours"], samples["sklearn"])]
        config = {
            "dtype": np.dtype(dtype).name,
            "rows": X.shape[0],
            "seconds_per_call": {k: summarize(v) for k, v in samples.items()},
            "ours_over_sklearn": med["ours"] / med["sklearn"],
            "ours_over_sklearn_per_repeat": pair_ratios,
            "ours_over_floor": med["ours"] / med["floor"],
            "sklearn_over_floor": med["sklearn"] / med["floor"],
            "floor_over_sklearn": med["floor"] / med["sklearn"],
        }
        configs.append(config)
        rows.append(
            [
                config["dtype"],
                X.shape[0],
                f"{1e3 * med['ours']:.1f}",
                f"{1e3 * med['sklearn']:.1f}",
                f"{1e3 * med['floor']:.1f}",
                f"{config['ours_over_sklearn']:.2f}",
                f"{min(pair_ratios):.2f}-{max(pair_ratios):.2f}",
                f"{config['ours_over_floor']:.2f}",
                f"{config['floor_over_sklearn']:.2f}",
            ]
        )
    print_table(
        f"predict_proba: ms per call, median of {args.repeats} interleaved repeats "
        f"of {args.predict_calls} call(s); floor: the forward products alone",
        [
            "dtype",
            "rows",
            "ours",
            "sklearn",
            "floor",
            "ours/sk",
            "range",
            "ours/floor",
            "floor/sk",
        ],
        rows,
    )
    return {"configs": configs}


# --------------------------------------------------------------- notebook


def relative_differences(coefs, reference):
    """Largest relative differences between two lists of weight matrices.

    Returns
    -------
    elementwise : float
        ``max |a - b| / |b|`` over all weights (``b != 0``): the quantity that
        ``assert_allclose(a, b, rtol=...)`` bounds.
    normwise : float
        ``max |a - b| / max |b|`` over the layers.
    """
    elementwise, normwise = 0.0, 0.0
    for a, b in zip(coefs, reference):
        diff = np.abs(a - b)
        nonzero = b != 0
        elementwise = max(
            elementwise, float(np.max(diff[nonzero] / np.abs(b[nonzero])))
        )
        normwise = max(normwise, float(diff.max() / np.abs(b).max()))
    return elementwise, normwise


def section_notebook(mnist, args):
    """``NOTEBOOK_PARAMS`` against the notebook's per-sample loop.

    Parameters
    ----------
    mnist : MNIST
        The data.
    args : argparse.Namespace
        Options (``notebook_rows``, ``repeats``).

    Returns
    -------
    result : dict
        Seconds for the slice and per 63,000-row epoch of each contender, the
        speed-up and the largest relative weight differences.
    """
    X = mnist.train(np.float64, args.notebook_rows)
    y = mnist.y_train[: X.shape[0]]
    one_hot = np.zeros((len(y), 10), dtype=int)
    one_hot[np.arange(len(y)), y] = 1
    params = {**NOTEBOOK_PARAMS, "max_iter": 1}

    def run_ours():
        return SigmoidMLPClassifier(**params, random_state=NOTEBOOK_SEED).fit(X, y)

    def run_notebook():
        network = NotebookNetwork(np.random.RandomState(NOTEBOOK_SEED))
        network.train_epoch(X, one_hot)
        return network

    contenders = {"ours": run_ours, "notebook": run_notebook}
    samples = {name: [] for name in contenders}
    results = {}
    for repeat in range(args.repeats):
        log(f"notebook, repeat {repeat + 1}/{args.repeats}")
        for name, run in contenders.items():
            gc.collect()
            start = time.perf_counter()
            results[name] = run()
            samples[name].append(time.perf_counter() - start)
    elementwise, normwise = relative_differences(
        results["ours"].coefs_, results["notebook"].coefs()
    )
    scale = N_EPOCH_ROWS / X.shape[0]
    med = {k: statistics.median(v) for k, v in samples.items()}
    result = {
        "rows": X.shape[0],
        "seconds_for_rows": {k: summarize(v) for k, v in samples.items()},
        "seconds_per_epoch_63000": {k: v * scale for k, v in med.items()},
        "speedup": med["notebook"] / med["ours"],
        "speedup_per_repeat": [
            n / o for n, o in zip(samples["notebook"], samples["ours"])
        ],
        "max_relative_weight_difference": elementwise,
        "max_weight_difference_over_max_weight": normwise,
    }
    print_table(
        f"Notebook path: one pass over {X.shape[0]} rows, batch size 1, median of "
        f"{args.repeats} interleaved repeats",
        ["contender", f"s / {X.shape[0]} rows", "s / 63,000-row epoch"],
        [[name, f"{med[name]:.3f}", f"{med[name] * scale:.1f}"] for name in contenders],
    )
    print(
        f"speed-up (notebook / ours): {result['speedup']:.2f}x "
        f"(per repeat {min(result['speedup_per_repeat']):.2f}-"
        f"{max(result['speedup_per_repeat']):.2f}); weights after the same rows: "
        f"max |ours - notebook| / |notebook| = {elementwise:.2e}, "
        f"max |diff| / max |weight| = {normwise:.2e}"
    )
    return result


# ----------------------------------------------------------------- memory


def _rss_sampler(process, stop, peak, interval=0.001):
    """Record the largest RSS of ``process`` until ``stop`` is set."""
    while not stop.is_set():
        peak[0] = max(peak[0], process.memory_info().rss)
        stop.wait(interval)


def _reset_peak_rss():
    """Reset this process's kernel peak RSS (``VmHWM``) to its current RSS.

    Linux >= 4.0 resets it on writing ``5`` to ``/proc/self/clear_refs``.
    (``ru_maxrss`` cannot be reset, and a spawned child inherits the peak of
    the parent it was forked from, so it is of no use here.)

    Returns
    -------
    reset : bool
        Whether the counter could be reset.
    """
    try:
        with open("/proc/self/clear_refs", "w") as clear_refs:
            clear_refs.write("5")
    except OSError:
        return False
    return True


def _peak_rss():
    """This process's kernel peak RSS (``VmHWM``) in bytes, or None."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


def measure_fit_memory(x_path, y_path, contender, epochs, blas_threads):
    """Extra peak memory of one ``fit``, run in a fresh child process.

    The child loads X (float32, from an ``.npy`` file straight into one array)
    and does a tiny warm-up fit (lazy imports, BLAS buffers). Then it records
    its RSS, resets the kernel's peak-RSS counter and fits ``epochs`` epochs
    while a thread also samples the RSS every millisecond. The extra memory is
    the peak minus the RSS before the fit: X, the interpreter and the imported
    modules are not counted.

    Parameters
    ----------
    x_path, y_path : str
        ``.npy`` files of the training rows and labels.
    contender : {"ours", "sklearn"}
        Which estimator to fit (batch size 200, Adam).
    epochs : int
        Epochs of the measured fit.
    blas_threads : int or None
        BLAS thread limit, as in the parent.

    Returns
    -------
    result : dict
        Bytes: ``x_bytes``, ``rss_before``, ``extra_kernel_peak`` (``VmHWM``
        after the fit minus ``rss_before``; None where ``VmHWM`` cannot be
        reset) and ``extra_sampled`` (the sampled peak minus ``rss_before``,
        which may miss short spikes).
    """
    import psutil

    limits = threadpool_limits(blas_threads, "blas") if blas_threads else nullcontext()
    with limits:
        X = np.load(x_path)
        y = np.load(y_path)
        make = CONTENDERS[contender]
        timed_fit(make("adam", 200, 1e-3, 1e-4, 1), X[:500], y[:500])
        estimator = make("adam", 200, 1e-3, 1e-4, epochs)
        gc.collect()
        process = psutil.Process()
        rss_before = process.memory_info().rss
        kernel_peak = _reset_peak_rss()
        peak = [rss_before]
        stop = threading.Event()
        sampler = threading.Thread(target=_rss_sampler, args=(process, stop, peak))
        sampler.start()
        try:
            timed_fit(estimator, X, y)
        finally:
            stop.set()
            sampler.join()
        peak[0] = max(peak[0], process.memory_info().rss)
        hwm = _peak_rss() if kernel_peak else None
    return {
        "x_bytes": int(X.nbytes),
        "rss_before": int(rss_before),
        "extra_kernel_peak": None if hwm is None else int(hwm - rss_before),
        "extra_sampled": int(peak[0] - rss_before),
    }


def section_memory(mnist, args):
    """Extra peak memory of ``fit`` on float32 MNIST, ours against scikit-learn.

    Parameters
    ----------
    mnist : MNIST
        The data.
    args : argparse.Namespace
        Options (``rows``, ``mem_epochs``, ``repeats``, ``blas_threads``).

    Returns
    -------
    result : dict
        Per contender, the child processes' measurements and the medians in
        MiB.
    """
    X = mnist.train(np.float32, args.rows)
    y = mnist.y_train[: X.shape[0]]
    context = multiprocessing.get_context("spawn")
    samples = {name: [] for name in CONTENDERS}
    with tempfile.TemporaryDirectory() as tmp:
        x_path, y_path = str(Path(tmp, "X.npy")), str(Path(tmp, "y.npy"))
        np.save(x_path, X)
        np.save(y_path, y)
        for repeat in range(args.repeats):
            log(f"memory, repeat {repeat + 1}/{args.repeats}")
            for contender in CONTENDERS:
                with context.Pool(1, maxtasksperchild=1) as pool:
                    samples[contender].append(
                        pool.apply(
                            measure_fit_memory,
                            (
                                x_path,
                                y_path,
                                contender,
                                args.mem_epochs,
                                args.blas_threads,
                            ),
                        )
                    )
    result = {"rows": X.shape[0], "x_mib": X.nbytes / MiB, "epochs": args.mem_epochs}
    rows = []
    for contender, runs in samples.items():
        sampled = statistics.median(r["extra_sampled"] for r in runs) / MiB
        kernel = [r["extra_kernel_peak"] for r in runs]
        kernel = None if None in kernel else statistics.median(kernel) / MiB
        extra = sampled if kernel is None else max(sampled, kernel)
        result[contender] = {
            "runs": runs,
            "extra_kernel_peak_mib": kernel,
            "extra_sampled_mib": sampled,
            "extra_mib": extra,
        }
        rows.append(
            [
                contender,
                f"{X.nbytes / MiB:.1f}",
                "n/a" if kernel is None else f"{kernel:.1f}",
                f"{sampled:.1f}",
                f"{extra:.1f}",
            ]
        )
    print_table(
        f"Memory: extra peak RSS of fit beyond X ({X.shape[0]} x 784 float32, "
        f"{args.mem_epochs} epoch(s), batch 200, adam), MiB, each in a fresh "
        f"child process, median of {args.repeats}",
        ["contender", "X", "kernel peak (VmHWM)", "sampled peak (1 ms)", "extra"],
        rows,
    )
    return result


# --------------------------------------------------------------- accuracy


def section_accuracy(mnist, args):
    """Test accuracy per epoch of the default estimators on float32 MNIST.

    Ours is ``SigmoidMLPClassifier(random_state=0)`` trained by
    ``partial_fit``, one epoch per call (its random state carries over
    between calls, so the epochs are those of ``fit``). scikit-learn's
    ``MLPClassifier(hidden_layer_sizes=(128, 64), activation="logistic")``
    gets ``random_state=np.random.RandomState(0)``: its ``partial_fit``
    re-creates its random state from ``random_state`` on every call, so an
    int would replay the same shuffle each epoch; a ``RandomState`` instance
    carries over and gives the epochs of ``fit(random_state=0)``.

    Parameters
    ----------
    mnist : MNIST
        The data.
    args : argparse.Namespace
        Options (``rows``, ``acc_epochs``).

    Returns
    -------
    result : dict
        Per contender, the accuracy after each epoch, the best and final
        accuracy; for ours, the first epoch at 98% or more.
    """
    X = mnist.train(np.float32, args.rows)
    y = mnist.y_train[: X.shape[0]]
    X_test, y_test = mnist.test(np.float32), mnist.y_test
    classes = np.unique(mnist.target)
    models = {
        "ours": SigmoidMLPClassifier(random_state=0),
        "sklearn": MLPClassifier(
            hidden_layer_sizes=HIDDEN_LAYER_SIZES,
            activation="logistic",
            random_state=np.random.RandomState(0),
        ),
    }
    curves = {name: [] for name in models}
    seconds = {name: [] for name in models}
    for epoch in range(1, args.acc_epochs + 1):
        for name, model in models.items():
            start = time.perf_counter()
            model.partial_fit(X, y, classes=classes)
            seconds[name].append(time.perf_counter() - start)
            curves[name].append(float(model.score(X_test, y_test)))
        log(
            f"accuracy epoch {epoch}/{args.acc_epochs}: ours "
            f"{curves['ours'][-1]:.4f}, sklearn {curves['sklearn'][-1]:.4f}"
        )
    result = {
        "rows": X.shape[0],
        "test_rows": X_test.shape[0],
        "epochs": args.acc_epochs,
    }
    for name, curve in curves.items():
        best = int(np.argmax(curve))
        reached = [i + 1 for i, acc in enumerate(curve) if acc >= 0.98]
        result[name] = {
            "accuracy_per_epoch": curve,
            "seconds_per_epoch": seconds[name],
            "best": curve[best],
            "best_epoch": best + 1,
            "final": curve[-1],
            "first_epoch_at_98": reached[0] if reached else None,
        }
    print_table(
        f"Accuracy on the notebook's test split ({X_test.shape[0]} rows) after "
        f"each epoch, float32, trained on {X.shape[0]} rows",
        ["epoch", "ours", "sklearn"],
        [
            [i + 1, f"{100 * a:.2f}", f"{100 * b:.2f}"]
            for i, (a, b) in enumerate(zip(curves["ours"], curves["sklearn"]))
        ],
    )
    for name in models:
        r = result[name]
        print(
            f"{name}: best {100 * r['best']:.2f}% (epoch {r['best_epoch']}), final "
            f"{100 * r['final']:.2f}%, first epoch >= 98%: {r['first_epoch_at_98']}"
        )
    return result


# ---------------------------------------------------------------- summary


def check(results, key, measured, threshold, passed_if):
    """One target's verdict: ``measured <= threshold`` or ``>=``."""
    if measured is None:
        passed = False
    else:
        passed = measured <= threshold if passed_if == "<=" else measured >= threshold
    results.append(
        {
            "target": TARGETS[key],
            "key": key,
            "measured": measured,
            "threshold": threshold,
            "passed": bool(passed),
        }
    )


def summary(sections, args):
    """Check every target of issue 3 that the sections run can answer.

    Parameters
    ----------
    sections : dict
        Results of the sections run, by name.
    args : argparse.Namespace
        Options, for notes on reduced sizes.

    Returns
    -------
    checks : list of dict
        ``target``, ``measured``, ``threshold``, ``passed`` per check.
    """
    checks = []
    if "train" in sections:
        by_key = {
            (c["dtype"], c["batch_size"], c["solver"]): c
            for c in sections["train"]["configs"]
        }
        for dtype, limit in (("float32", 0.45), ("float64", 0.55)):
            ratio = by_key[(dtype, 200, "adam")]["ours_over_sklearn"]
            check(checks, f"adam_b200_{dtype}", ratio, limit, "<=")
        floor = max(
            by_key[(d, 200, "adam")]["ours_over_floor"] for d in ("float32", "float64")
        )
        check(checks, "adam_b200_floor", floor, 1.3, "<=")
        worst = max(
            c["ours_over_sklearn"] for c in by_key.values() if c["batch_size"] == 32
        )
        check(checks, "b32", worst, 0.6, "<=")
    if "notebook" in sections:
        nb = sections["notebook"]
        check(checks, "notebook_speedup", nb["speedup"], 5.0, ">=")
        check(
            checks,
            "notebook_weights",
            nb["max_relative_weight_difference"],
            1e-10,
            "<=",
        )
    if "predict" in sections:
        worst = max(c["ours_over_sklearn"] for c in sections["predict"]["configs"])
        check(checks, "predict", worst, 0.6, "<=")
    if "memory" in sections:
        check(checks, "memory", sections["memory"]["ours"]["extra_mib"], 64.0, "<=")
    if "accuracy" in sections:
        curve = sections["accuracy"]["ours"]["accuracy_per_epoch"][:30]
        check(checks, "accuracy", max(curve), 0.98, ">=")

    print_table(
        "Summary: the targets of issue 3",
        ["target", "measured", "verdict"],
        [
            [
                c["target"],
                "n/a" if c["measured"] is None else f"{c['measured']:.3g}",
                "PASS" if c["passed"] else "FAIL",
            ]
            for c in checks
        ],
    )
    reduced = args.rows < N_EPOCH_ROWS or args.acc_epochs < 30
    if reduced and {"memory", "accuracy"} & set(sections):
        print(
            f"note: reduced sizes (rows={args.rows}, acc-epochs={args.acc_epochs}); "
            "the verdicts of the memory and accuracy targets assume the full "
            "63,000 rows and 30 epochs."
        )
    return checks


# ------------------------------------------------------------- environment


def cpu_model():
    """The CPU's model name, from /proc/cpuinfo where there is one."""
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def git_revision():
    """The repository's commit and whether the package has uncommitted changes."""
    root = Path(__file__).resolve().parent.parent
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            cwd=root,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "sklearn_sigmoid_mlp"],
            cwd=root,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return {"commit": None, "package_uncommitted_changes": None}
    return {"commit": commit, "package_uncommitted_changes": bool(dirty)}


def environment():
    """Versions, BLAS, CPU and the environment variables that steer OpenBLAS.

    Returns
    -------
    env : dict
        Everything needed to tell two runs' machines apart.
    """
    keys = (
        "user_api",
        "internal_api",
        "version",
        "num_threads",
        "architecture",
        "threading_layer",
        "prefix",
        "filepath",
    )
    return {
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "sklearn": sklearn.__version__,
        "sklearn_sigmoid_mlp": sklearn_sigmoid_mlp.__version__,
        "git": git_revision(),
        "cpu_model": cpu_model(),
        "cpu_count": os.cpu_count(),
        "load_average_at_start": list(os.getloadavg()),
        "threadpools": [
            {
                **{k: pool.get(k) for k in keys},
                "architecture": pool.get("architecture") or pool.get("corename"),
            }
            for pool in threadpool_info()
        ],
        "env": {
            name: os.environ.get(name)
            for name in (
                "OPENBLAS_CORETYPE",
                "OPENBLAS_L2_SIZE",
                "OPENBLAS_NUM_THREADS",
                "OMP_NUM_THREADS",
                "MKL_NUM_THREADS",
            )
        },
    }


def print_environment(env):
    """Print the environment and a note on OPENBLAS_CORETYPE."""
    print(
        f"Python {env['python']}, numpy {env['numpy']}, scipy {env['scipy']}, "
        f"scikit-learn {env['sklearn']}, sklearn_sigmoid_mlp "
        f"{env['sklearn_sigmoid_mlp']} (commit {env['git']['commit']}, package "
        f"changes uncommitted: {env['git']['package_uncommitted_changes']})"
    )
    print(
        f"CPU: {env['cpu_model']}, {env['cpu_count']} CPUs, load average at start "
        + ", ".join(f"{x:.2f}" for x in env["load_average_at_start"])
    )
    for pool in env["threadpools"]:
        print(
            f"threadpool: {pool['internal_api']} {pool['version']}, "
            f"{pool['num_threads']} threads, architecture {pool['architecture']} "
            f"({Path(str(pool['filepath'])).name})"
        )
    load = env["load_average_at_start"][0]
    if load > 0.5 * (env["cpu_count"] or 1):
        print(
            f"WARNING: the machine is busy (load {load:.1f} on {env['cpu_count']} "
            "CPUs): the timings of this run are noisy; measure on a quiet machine."
        )
    set_vars = {k: v for k, v in env["env"].items() if v is not None}
    print(f"environment: {set_vars or 'no OpenBLAS/OpenMP variables set'}")
    if env["env"]["OPENBLAS_CORETYPE"] is not None:
        print(
            f"NOTE: OPENBLAS_CORETYPE={env['env']['OPENBLAS_CORETYPE']} is set: "
            "OpenBLAS uses that core's kernels instead of the ones it detects for "
            "this CPU. The reference run is made with `env -u OPENBLAS_CORETYPE "
            "-u OPENBLAS_L2_SIZE /work/venv/bin/python benchmarks/bench_mnist.py "
            "...`."
        )


# ------------------------------------------------------------------- output


def print_table(title, headers, rows):
    """Print a fixed-width table with a title line."""
    cells = [[str(c) for c in row] for row in [headers, *rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    print(f"\n## {title}")
    for n, row in enumerate(cells):
        print("  ".join(c.rjust(w) for c, w in zip(row, widths)).rstrip())
        if n == 0:
            print("  ".join("-" * w for w in widths))
    sys.stdout.flush()


def _jsonable(value):
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def parse_args(argv=None):
    """The command line; unset sizes take the ``--quick`` or full defaults."""
    parser = argparse.ArgumentParser(
        description=(
            "Benchmark SigmoidMLPClassifier on MNIST against scikit-learn's "
            "MLPClassifier, the machine's GEMM floor and the original notebook "
            "(issue 3). Prints one table per section and a summary of the "
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
        default=",".join(SECTIONS),
        help="comma-separated sections to run, of: "
        + ", ".join(SECTIONS)
        + " (default: all)",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="small preset that finishes in under a minute: a smoke run, whose "
        "figures are noisy and whose memory and accuracy verdicts mean nothing",
    )
    sizes = parser.add_argument_group(
        "sizes", "Defaults: those of a full run, or of --quick where given."
    )
    size_help = {
        "rows": "training rows used by train, gemm, memory and accuracy",
        "epochs": "epochs of each timed fit in the train section",
        "repeats": "interleaved repeats of each measurement (medians reported)",
        "notebook_rows": "rows of the notebook-path comparison (batch size 1)",
        "predict_calls": "predict_proba calls per repeat",
        "mem_epochs": "epochs of the fit whose memory is measured",
        "acc_epochs": "epochs of the accuracy curve",
    }
    for name, text in size_help.items():
        sizes.add_argument(
            "--" + name.replace("_", "-"),
            type=int,
            metavar="N",
            help=f"{text} (full: {FULL[name]}, --quick: {QUICK[name]})",
        )
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
    args = parser.parse_args(argv)

    preset = QUICK if args.quick else FULL
    for name, value in preset.items():
        if getattr(args, name) is None:
            setattr(args, name, value)
    args.sections = [s.strip() for s in args.only.split(",") if s.strip()]
    unknown = sorted(set(args.sections) - set(SECTIONS))
    if unknown:
        parser.error(f"unknown section(s) {unknown}; choose from {list(SECTIONS)}")
    for name in FULL:
        if getattr(args, name) < 1:
            parser.error(f"--{name.replace('_', '-')} must be at least 1")
    return args


def main(argv=None):
    """Run the selected sections, print their tables and the summary."""
    args = parse_args(argv)
    limits = (
        threadpool_limits(args.blas_threads, "blas")
        if args.blas_threads
        else nullcontext()
    )
    runners = {
        "train": section_train,
        "gemm": section_gemm,
        "predict": section_predict,
        "notebook": section_notebook,
        "memory": section_memory,
        "accuracy": section_accuracy,
    }
    sections, wall = {}, {}
    with limits:
        env = environment()
        env["blas_threads_limit"] = args.blas_threads
        print("# bench_mnist: " + " ".join(sys.argv))
        print_environment(env)
        mnist = load_mnist(args.data)
        args.rows = min(args.rows, len(mnist.y_train))
        for name in SECTIONS:
            if name in args.sections:
                start = time.perf_counter()
                sections[name] = runners[name](mnist, args)
                wall[name] = time.perf_counter() - start
    env["load_average_at_end"] = list(os.getloadavg())
    checks = summary(sections, args)
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
        Path(args.json).write_text(json.dumps(report, indent=2, default=_jsonable))
        print(f"wrote {args.json}")


if __name__ == "__main__":
    main()
