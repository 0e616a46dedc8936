"""The ``gemm`` section of the MNIST benchmark; runnable alone.

The machine's own matrix-product throughput for this network: the exact
products of one epoch of forward and backward passes (``X @ W1``,
``A1 @ W2``, ``A2 @ W3``; ``A2.T @ D3``, ``D3 @ W3.T``, ``A1.T @ D2``,
``D2 @ W2.T``, ``X.T @ D1``; no input gradient) into preallocated
buffers, per dtype and batch size, with the GFLOP/s of each product.

``python benchmarks/bench_gemm.py --data PATH.npz`` runs it alone.
"""

import gc
import statistics
import time

import numpy as np
from _harness import (
    BATCH_SIZES,
    DTYPES,
    LAYER_SIZES,
    log,
    run_sections,
    summarize,
)
from _report import print_table

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


def step_products(x, coefs, activations, deltas, errors, grads):
    """The eight products of one step, in the order of :data:`PRODUCTS`.

    Parameters
    ----------
    x : ndarray of shape (n, 784)
        The batch's rows.
    coefs : list of 3 ndarray
        The weights ``W1``, ``W2``, ``W3``.
    activations, deltas : list of 3 ndarray of shape (n, fan_out)
        Each layer's outputs ``A1``, ``A2``, ``A3`` and ``dJ / dz``, ``D1``,
        ``D2``, ``D3``.
    errors : list of 2 ndarray
        Where the errors sent back to the hidden layers go: ``(n, 128)``,
        then ``(n, 64)``.
    grads : list of 3 ndarray
        The weight gradients, shaped as ``coefs``.

    Returns
    -------
    calls : list of (a, b, out)
        Each product ``a @ b`` and the buffer it is written into.
    """
    w1, w2, w3 = coefs
    a1, a2, a3 = activations
    d1, d2, d3 = deltas
    e1, e2 = errors
    g1, g2, g3 = grads
    return [
        (x, w1, a1),
        (a1, w2, a2),
        (a2, w3, a3),
        (a2.T, d3, g3),
        (d3, w3.T, e2),
        (a1.T, d2, g2),
        (d2, w2.T, e1),
        (x.T, d1, g1),
    ]


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
        self.calls = []  # (product index, a, b, out)
        self.flops = 0
        for start in range(0, X.shape[0], batch_size):
            x = X[start : start + batch_size]
            n = x.shape[0]
            batch = step_products(
                x,
                coefs,
                [a[:n] for a in activations],
                [d[:n] for d in deltas],
                [e[:n] for e in errors],
                grads,
            )
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
    for dtype in DTYPES:
        X = mnist.train(dtype, args.rows)
        for batch_size in BATCH_SIZES:
            log(f"gemm {np.dtype(dtype).name} batch {batch_size}")
            configs.append(time_floor(X, batch_size, args.repeats))
    print_table(
        f"GEMM floor: the products of one epoch ({configs[0]['rows']} rows), "
        f"median of {args.repeats}",
        ["dtype", "batch", "floor s/epoch", "range", "GFLOP/epoch", "GFLOP/s"],
        [
            [
                c["dtype"],
                c["batch_size"],
                f"{c['floor_s']['median']:.4f}",
                f"{c['floor_s']['min']:.4f}-{c['floor_s']['max']:.4f}",
                f"{c['gflop_per_epoch']:.2f}",
                f"{c['gflops_per_s']:.1f}",
            ]
            for c in configs
        ],
    )
    print_table(
        "GEMM floor by product (each product timed alone over the epoch)",
        ["dtype", "batch", "product", "s/epoch", "share", "GFLOP/s"],
        [
            [
                c["dtype"],
                c["batch_size"],
                p["product"],
                f"{p['seconds']:.4f}",
                f"{100 * p['share']:.0f}%",
                f"{p['gflops_per_s']:.1f}",
            ]
            for c in configs
            for p in c["products"]
        ],
    )
    return {"configs": configs}


def time_floor(X, batch_size, repeats):
    """The floor of one epoch and of each product alone, median of ``repeats``."""
    epoch = GemmEpoch(X, batch_size, np.random.RandomState(0))
    epoch.run()  # warm-up
    totals, per_product = [], {p: [] for p in range(len(PRODUCTS))}
    for _ in range(repeats):
        totals.append(epoch.run())
        for product in per_product:
            per_product[product].append(epoch.run(product))
    total = summarize(totals)
    all_products = sum(map(statistics.median, per_product.values()))
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
                "share": seconds / all_products,
            }
        )
    return {
        "dtype": np.dtype(X.dtype).name,
        "batch_size": batch_size,
        "rows": X.shape[0],
        "floor_s": total,
        "gflop_per_epoch": epoch.flops / 1e9,
        "gflops_per_s": epoch.flops / total["median"] / 1e9,
        "products": products,
    }


if __name__ == "__main__":
    run_sections({"gemm": section_gemm})
