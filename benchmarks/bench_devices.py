"""The ``devices`` section: the same network on NumPy, PyTorch CPU and CUDA.

Seconds per epoch of ``fit`` on MNIST, float32, Adam, for two network widths
(784-128-64-10 and 784-1024-1024-10) and batch sizes 200 and 2048, of:

- ``numpy``: ours on NumPy arrays (array API dispatch off, as by default);
- ``ours torch-cpu`` / ``ours cuda``: ours on PyTorch tensors on that device,
  with ``sklearn.set_config(array_api_dispatch=True)``;
- ``torch cpu`` / ``torch cuda``: a plain PyTorch training loop of the same
  network and optimizer, the lower bound: ``nn.Linear`` layers with sigmoid
  hidden units, softmax and cross-entropy (``nn.CrossEntropyLoss``), Adam with
  the same rate, betas and epsilon, the L2 penalty ``alpha / 2 * sum ||W||^2``
  over the weights (not the biases) divided by the batch's rows, as ours, and
  a shuffled epoch of mini-batches. It reads the loss back once per epoch;
  ours reads each batch's loss (the divergence guard needs it), one
  host-device synchronisation per batch.

Each configuration's ratios are ours over the plain loop on the same device.
CUDA columns appear where ``torch.cuda.is_available()``; without torch only
the NumPy row is timed. The data is moved to the device before the timed
fits; each fit's labels are encoded on the host and moved, as the estimator
does.

``python benchmarks/bench_devices.py --data PATH.npz`` runs it alone
(``--quick``: 3,000 rows, one epoch); ``--rows``, ``--epochs`` and
``--repeats`` size it as the other sections.
"""

import os

# scikit-learn's array API dispatch needs SciPy's, which is read at SciPy's import
os.environ.setdefault("SCIPY_ARRAY_API", "1")

import gc
import time
import warnings
from functools import partial

import numpy as np
import sklearn
from _harness import log, run_sections, summarize
from _report import print_table
from sklearn.exceptions import ConvergenceWarning

from sklearn_sigmoid_mlp import SigmoidMLPClassifier

try:
    import torch
except ImportError:  # pragma: no cover - the NumPy row alone
    torch = None

BATCH_SIZES = (200, 2048)
HIDDEN = ((128, 64), (1024, 1024))
LEARNING_RATE, ALPHA = 1e-3, 1e-4


def devices():
    """The torch devices of this machine: ``["cpu"]``, plus ``"cuda"``."""
    if torch is None:
        return []
    return ["cpu", *(["cuda"] if torch.cuda.is_available() else [])]


def synchronize(device):
    if device == "cuda":
        torch.cuda.synchronize()


def ours(hidden, batch_size, epochs):
    return SigmoidMLPClassifier(
        hidden,
        batch_size=batch_size,
        learning_rate_init=LEARNING_RATE,
        alpha=ALPHA,
        max_iter=epochs,
        shuffle=True,
        random_state=0,
        tol=0,
        n_iter_no_change=np.inf,
    )


def time_ours(X, y, hidden, batch_size, epochs, device=None):
    """Seconds per epoch and final loss of ours; on ``device`` when given."""
    estimator = ours(hidden, batch_size, epochs)
    gc.collect()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        with sklearn.config_context(array_api_dispatch=device is not None):
            synchronize(device)
            start = time.perf_counter()
            estimator.fit(X, y)
            synchronize(device)
            elapsed = time.perf_counter() - start
    return elapsed / estimator.n_iter_, float(estimator.loss_)


def plain_torch_network(n_features, hidden, n_classes, device):
    """The same network in PyTorch: linear layers, sigmoid hidden units."""
    layers, fan_in = [], n_features
    for width in hidden:
        layers += [torch.nn.Linear(fan_in, width), torch.nn.Sigmoid()]
        fan_in = width
    layers.append(torch.nn.Linear(fan_in, n_classes))
    return torch.nn.Sequential(*layers).to(device)


def time_plain_torch(X, y, hidden, batch_size, epochs, device):
    """Seconds per epoch and final loss of the plain PyTorch loop."""
    torch.manual_seed(0)
    network = plain_torch_network(X.shape[1], hidden, 10, device)
    weights = [p for name, p in network.named_parameters() if name.endswith("weight")]
    adam = torch.optim.Adam(network.parameters(), lr=LEARNING_RATE, eps=1e-8)
    cross_entropy = torch.nn.CrossEntropyLoss()
    n_rows = X.shape[0]
    gc.collect()
    synchronize(device)
    start = time.perf_counter()
    for _ in range(epochs):
        order = torch.randperm(n_rows, device=device)
        total = torch.zeros((), device=device)
        for first in range(0, n_rows, batch_size):
            rows = order[first : first + batch_size]
            penalty = sum((w * w).sum() for w in weights)
            loss = cross_entropy(network(X[rows]), y[rows])
            loss = loss + 0.5 * ALPHA * penalty / rows.shape[0]
            adam.zero_grad(set_to_none=True)
            loss.backward()
            adam.step()
            total += loss.detach() * rows.shape[0]
        final = float(total) / n_rows  # one synchronisation per epoch
    synchronize(device)
    return (time.perf_counter() - start) / epochs, final


def time_config(mnist, args, hidden, batch_size):
    """Interleaved repeats of every contender for one width and batch size."""
    X = mnist.train(np.float32, args.rows)
    y = mnist.y_train[: X.shape[0]]
    sizes = (hidden, batch_size, args.epochs)
    contenders = {"numpy": partial(time_ours, X, y, *sizes)}
    for device in devices():
        X_dev = torch.asarray(X, device=device)
        y_dev = torch.asarray(y, device=device)
        contenders[f"ours {device}"] = partial(time_ours, X_dev, y, *sizes, device)
        contenders[f"torch {device}"] = partial(
            time_plain_torch, X_dev, y_dev, *sizes, device
        )
    for run in contenders.values():  # warm-up: first-call costs, CUDA context
        run()
    samples = {name: [] for name in contenders}
    losses = {}
    name = f"hidden {hidden} batch {batch_size}"
    for repeat in range(args.repeats):
        log(f"devices {name}, repeat {repeat + 1}/{args.repeats}")
        for contender, run in contenders.items():
            seconds, losses[contender] = run()
            samples[contender].append(seconds)
    return {
        "hidden_layer_sizes": list(hidden),
        "batch_size": batch_size,
        "rows": X.shape[0],
        "epochs": args.epochs,
        "seconds_per_epoch": {k: summarize(v) for k, v in samples.items()},
        "final_loss": losses,
    }


def ratio(config, numerator, denominator):
    seconds = config["seconds_per_epoch"]
    if numerator not in seconds or denominator not in seconds:
        return None
    return seconds[numerator]["median"] / seconds[denominator]["median"]


def table_row(config, names):
    seconds = config["seconds_per_epoch"]
    cells = [
        "-".join(str(h) for h in config["hidden_layer_sizes"]),
        config["batch_size"],
        *(f"{seconds[n]['median']:.3f}" if n in seconds else "-" for n in names),
    ]
    for numerator, denominator in RATIOS:
        value = ratio(config, numerator, denominator)
        cells.append("-" if value is None else f"{value:.2f}")
    return cells


RATIOS = (
    ("numpy", "torch cpu"),
    ("ours cpu", "torch cpu"),
    ("ours cuda", "torch cuda"),
)


def section_devices(mnist, args):
    """Seconds per epoch of every contender, per width and batch size.

    Returns
    -------
    result : dict
        ``"configs"``: per configuration the per-epoch seconds of each
        contender, their final losses, and ``"ratios"``.
    """
    configs = []
    for hidden in HIDDEN:
        for batch_size in BATCH_SIZES:
            config = time_config(mnist, args, hidden, batch_size)
            config["ratios"] = {f"{n} / {d}": ratio(config, n, d) for n, d in RATIOS}
            configs.append(config)
    names = ["numpy", *(f"{who} {d}" for d in devices() for who in ("ours", "torch"))]
    headers = ["hidden", "batch", *names, *(f"{n}/{d}" for n, d in RATIOS)]
    title = (
        f"Devices: seconds per epoch, float32 Adam ({configs[0]['rows']} rows, "
        f"{args.epochs} epoch(s) per fit), median of {args.repeats} repeats; "
        f"torch {torch.__version__ if torch else 'not installed'}, "
        f"{torch.get_num_threads() if torch else '-'} torch threads"
    )
    print_table(title, headers, [table_row(c, names) for c in configs])
    losses = [
        [
            "-".join(str(h) for h in c["hidden_layer_sizes"]),
            c["batch_size"],
            *(f"{c['final_loss'].get(n, float('nan')):.4f}" for n in names),
        ]
        for c in configs
    ]
    print_table("Devices: final training loss", ["hidden", "batch", *names], losses)
    return {"configs": configs}


if __name__ == "__main__":
    run_sections({"devices": section_devices})
