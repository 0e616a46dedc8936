"""Where a training batch's time goes: each part of one step, per batch.

The ``train`` section of ``bench_mnist.py`` compares whole epochs; this
script takes one epoch apart. On MNIST's shape (784-128-64-10, sigmoid hidden
layers, softmax output, ``alpha=1e-4``), for each dtype, batch size and
solver, it times over the same shuffled batches of one epoch, each part in
its own pass (the median of ``--repeats`` interleaved repeats):

- **gather**: the batches' rows and targets gathered in the epoch's order
  (``BatchIterator``, into reused buffers), and nothing else; every other
  pass gathers its batches the same way, and the parts are differences of
  passes, so that each meets its data in the cache as training does;
- **products**: the eight matrix products of a step, alone, on the
  gathered batches (``bench_gemm.step_products``: the GEMM floor of
  ``bench_gemm.py``, on these batches);
- **forward + backward**: :func:`~sklearn_sigmoid_mlp._network.forward` and
  :func:`~sklearn_sigmoid_mlp._network.backward`, which hold the products;
  less the products, what the activations, the loss, the sums and the L2
  term cost;
- **step**: the engine's step (forward, backward and the optimizer's update);
  less forward + backward, the optimizer's step;
- **epoch**: the engine's whole epoch (``Trainer.run``, one epoch, no
  rules); less the step, the engine's own work per batch (the divergence
  guard, the loop, and its fixed costs per call spread over the batches).

Every part is printed in microseconds per batch and as a multiple of the
products. The figures bound what a faster NumPy step can reach: the products
and the optimizer's passes over the parameters are each at their floor, and
the rest is the fixed cost of NumPy's calls on small arrays.

Run from the repository root, with OPENBLAS_CORETYPE unset in that command
only (see the benchmark README)::

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python benchmarks/bench_batch.py \\
        --data ../shared/data/mnist_784.npz --blas-threads 1
"""

import argparse
import statistics
import time

import numpy as np
from _environment import blas_limit
from _harness import load_mnist
from _report import add_run_options, print_table, start_run, write_json
from bench_gemm import step_products

from sklearn_sigmoid_mlp._batches import BatchIterator, blas_threads_for
from sklearn_sigmoid_mlp._losses import Objective
from sklearn_sigmoid_mlp._network import (
    allocate_workspace,
    backward,
    forward,
    init_parameters,
    workspace_rows,
)
from sklearn_sigmoid_mlp._optimizers import init_state, make_optimizer
from sklearn_sigmoid_mlp._parameters import Parameters
from sklearn_sigmoid_mlp._steps import make_step
from sklearn_sigmoid_mlp._training import Trainer, TrainingData

LAYER_SIZES = [784, 128, 64, 10]
SETTINGS = {
    "learning_rate": "constant",
    "power_t": 0.5,
    "momentum": 0.9,
    "nesterovs_momentum": True,
    "beta_1": 0.9,
    "beta_2": 0.999,
    "epsilon": 1e-8,
    "verbose": False,
}
PARTS = ["gather", "products", "forward + backward", "step", "epoch"]


class Setup:
    """The network, objective, optimizer and batches of one configuration."""

    def __init__(self, X, y, solver, batch_size, seed=0):
        dtype = X.dtype
        rng = np.random.RandomState(seed)
        self.params = Parameters.packed(
            *init_parameters(LAYER_SIZES, "glorot_uniform", rng, dtype), True, xp=np
        )
        self.objective = Objective("log_loss", "softmax", 1e-4)
        state = init_state(solver, self.params.n_trained, dtype, 1e-3, xp=np)
        self.optimizer = make_optimizer(state, SETTINGS, xp=np)
        self.data = TrainingData(X, np.eye(10, dtype=dtype)[y], None)
        self.batch_size = batch_size
        self.order = rng.permutation(X.shape[0])
        self.n_batches = -(-X.shape[0] // batch_size)
        self.workspace = allocate_workspace(self.params, batch_size)

    def batches(self):
        """The epoch's batches, gathered into reused buffers as in training."""
        iterator = BatchIterator(self.data.X, self.data.y, None, self.batch_size, xp=np)
        for X_b, y_b, _ in iterator.epoch(self.order):
            yield X_b, y_b

    def products(self):
        """The eight products of each batch, into the workspace's buffers."""
        for X_b, _ in self.batches():
            ws = workspace_rows(self.workspace, X_b.shape[0])
            for a, b, out in step_products(
                X_b,
                self.params.coefs,
                ws["activations"],
                ws["deltas"],
                ws["derivatives"],
                ws["grad_coefs"],
            ):
                np.matmul(a, b, out=out)

    def forward_backward(self):
        """Forward and backward passes of each batch (no update)."""
        for X_b, y_b in self.batches():
            ws = workspace_rows(self.workspace, X_b.shape[0])
            activations = forward(
                self.params, X_b, self.objective.out_activation, ws["activations"]
            )
            backward(self.params, self.objective, y_b, activations, workspace=ws)

    def step(self):
        """The engine's step on each batch: passes and the optimizer's update."""
        step = make_step(
            "mini_batch", self.params, self.objective, self.optimizer, self.batch_size
        )
        for X_b, y_b in self.batches():
            step(X_b, y_b, None)

    def gather(self):
        """The batches of the epoch's order, gathered, and nothing else."""
        for _ in self.batches():
            pass

    def epoch(self):
        """One epoch of the engine, shuffled, with the divergence guard."""
        trainer = Trainer(
            self.params, self.objective, self.optimizer, self.batch_size, "mini_batch"
        )
        trainer.run(
            self.data,
            1,
            [],
            samples_seen=0,
            rng=np.random.RandomState(0),
            shuffle=True,
        )


def measure(X, y, solver, batch_size, repeats):
    """Median seconds per batch of each part, over interleaved repeats."""
    setup = Setup(X, y, solver, batch_size)
    runs = {
        "gather": setup.gather,
        "products": setup.products,
        "forward + backward": setup.forward_backward,
        "step": setup.step,
        "epoch": setup.epoch,
    }
    samples = {part: [] for part in PARTS}
    # under training's thread limits, as the engine's epoch runs (without
    # them SciPy's axpy beside NumPy's threads would be NumPy's instead)
    with blas_threads_for(batch_size):
        for _ in range(repeats + 1):  # the first round warms up, untimed
            for part, run in runs.items():
                start = time.perf_counter()
                run()
                samples[part].append(time.perf_counter() - start)
    n_batches = setup.n_batches
    return {part: statistics.median(s[1:]) / n_batches for part, s in samples.items()}


def breakdown(seconds):
    """The parts, each timed pass less the pass it extends.

    Every pass gathers the batches as training does (into reused buffers, so
    that each part meets the batch in the cache as training does); the
    gather is then taken off the products, the products off the passes, and
    so on.
    """
    return {
        "gather": seconds["gather"],
        "products": seconds["products"] - seconds["gather"],
        "activations, loss, sums, L2": seconds["forward + backward"]
        - seconds["products"],
        "optimizer step": seconds["step"] - seconds["forward + backward"],
        "engine (rules, guard, loop)": seconds["epoch"] - seconds["step"],
        "whole epoch": seconds["epoch"],
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", metavar="PATH.npz", help="MNIST as an .npz file")
    parser.add_argument(
        "--rows", type=int, default=10_000, help="training rows (default 10,000)"
    )
    parser.add_argument(
        "--batch-sizes", type=int, nargs="+", default=[32, 200], help="batch sizes"
    )
    parser.add_argument(
        "--dtypes", nargs="+", default=["float32", "float64"], help="dtypes"
    )
    parser.add_argument("--solvers", nargs="+", default=["adam", "sgd"], help="solvers")
    parser.add_argument("--repeats", type=int, default=5, help="timed repeats")
    add_run_options(parser)
    args = parser.parse_args(argv)
    env = start_run("bench_batch.py", args)
    mnist = load_mnist(args.data)
    results = []
    with blas_limit(args.blas_threads):
        for dtype in args.dtypes:
            X = mnist.train(getattr(np, dtype), args.rows)
            y = mnist.y_train[: X.shape[0]]
            for batch_size in args.batch_sizes:
                for solver in args.solvers:
                    seconds = measure(X, y, solver, batch_size, args.repeats)
                    parts = breakdown(seconds)
                    results.append(
                        {
                            "dtype": dtype,
                            "batch_size": batch_size,
                            "solver": solver,
                            "seconds_per_batch": seconds,
                            "parts": parts,
                        }
                    )
                    print_table(
                        f"{dtype}, batch {batch_size}, {solver}: per batch, "
                        f"median of {args.repeats} ({args.blas_threads or 'all'} "
                        "BLAS thread(s))",
                        ["part", "us per batch", "x products"],
                        [
                            [
                                part,
                                f"{1e6 * value:.1f}",
                                f"{value / parts['products']:.2f}",
                            ]
                            for part, value in parts.items()
                        ],
                    )
    if args.json:
        write_json(args.json, {"options": vars(args), "env": env, "results": results})


if __name__ == "__main__":
    main()
