"""Integration test: out-of-core training with partial_fit over an np.memmap.

A float32 data file several times larger than one chunk is written to disk
chunk by chunk; a child process trains on it chunk by chunk with
``partial_fit``, measuring its own memory while it trains, and reports what it
measured. The child is a fresh interpreter so that the measurement sees only
the training, not the test session.
"""

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

N_ROWS = 400_000
N_FEATURES = 64
N_CLASSES = 5
CHUNK_ROWS = 10_000
DTYPE = np.float32

pytestmark = pytest.mark.skipif(
    not Path("/proc/self/status").exists()
    or "RssAnon" not in Path("/proc/self/status").read_text(),
    reason="needs Linux's /proc/self/status (RssAnon) to measure memory",
)


def write_dataset(path, n_rows, chunk_rows, seed=0):
    """Write a learnable classification problem to disk, one chunk at a time.

    Parameters
    ----------
    path : pathlib.Path
        Prefix of the files: ``<path>.X.f32`` (raw float32, row-major) and
        ``<path>.y.i8`` (raw int8 labels).
    n_rows : int
        Number of samples.
    chunk_rows : int
        Rows generated and written per step; no more is ever in memory.
    seed : int, default=0
        Seed of the class centres and the noise.

    Returns
    -------
    X_path, y_path : pathlib.Path
        The two files.
    """
    rng = np.random.RandomState(seed)
    centres = rng.normal(scale=0.4, size=(N_CLASSES, N_FEATURES))
    mixing = rng.normal(size=(N_FEATURES, N_FEATURES)) / np.sqrt(N_FEATURES)
    X_path = path.with_suffix(".X.f32")
    y_path = path.with_suffix(".y.i8")
    with X_path.open("wb") as X_file, y_path.open("wb") as y_file:
        for start in range(0, n_rows, chunk_rows):
            rows = min(chunk_rows, n_rows - start)
            y = rng.randint(N_CLASSES, size=rows)
            # correlated features; the classes differ only through a nonlinearity
            latent = centres[y] + rng.normal(size=(rows, N_FEATURES))
            X = np.tanh(latent @ mixing).astype(DTYPE)
            X.tofile(X_file)
            y.astype(np.int8).tofile(y_file)
    return X_path, y_path


CHILD = """
    import json, sys, threading, time, warnings
    import numpy as np
    from sklearn_sigmoid_mlp import SigmoidMLPClassifier

    X_path, y_path = sys.argv[1], sys.argv[2]
    n_rows, n_features, chunk_rows, n_passes = map(int, sys.argv[3:7])
    n_train = n_rows * 9 // 10

    def anon_rss():
        # resident memory that the process allocated itself (heap, arrays);
        # the page cache behind a read-only memmap is RssFile, which the
        # kernel drops whenever it needs the memory
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("RssAnon:"):
                    return int(line.split()[1]) * 1024
        raise RuntimeError("no RssAnon")

    class PeakSampler(threading.Thread):
        def __init__(self):
            super().__init__(daemon=True)
            self.peak = anon_rss()
            self.samples = 0
            self.running = True
        def run(self):
            while self.running:
                self.peak = max(self.peak, anon_rss())
                self.samples += 1
                time.sleep(0.002)

    X = np.memmap(X_path, dtype=np.float32, mode="r", shape=(n_rows, n_features))
    y = np.memmap(y_path, dtype=np.int8, mode="r", shape=(n_rows,))
    classes = np.arange(5)
    # warm up imports and the allocator on a separate tiny model
    SigmoidMLPClassifier(hidden_layer_sizes=(4,)).partial_fit(
        np.ones((4, n_features), np.float32), [0, 1, 2, 3], classes=classes
    )
    clf = SigmoidMLPClassifier(
        hidden_layer_sizes=(32,), learning_rate_init=0.003, random_state=0
    )
    baseline = anon_rss()
    sampler = PeakSampler()
    sampler.start()
    start_time = time.perf_counter()
    accuracies = []
    for _ in range(n_passes):
        for start in range(0, n_train, chunk_rows):
            stop = min(start + chunk_rows, n_train)
            clf.partial_fit(X[start:stop], y[start:stop], classes=classes)
        correct = 0
        for start in range(n_train, n_rows, chunk_rows):
            stop = min(start + chunk_rows, n_rows)
            correct += int(np.sum(clf.predict(X[start:stop]) == y[start:stop]))
        accuracies.append(correct / (n_rows - n_train))
    train_time = time.perf_counter() - start_time
    sampler.running = False
    sampler.join()
    print(json.dumps({
        "peak_extra_bytes": sampler.peak - baseline,
        "samples": sampler.samples,
        "n_iter": clf.n_iter_,
        "t": clf.t_,
        "accuracies": accuracies,
        "train_time": train_time,
        "dtype": str(clf.coefs_[0].dtype),
    }))
"""


def test_partial_fit_over_a_memmap_uses_memory_of_a_chunk_not_the_file(tmp_path):
    n_passes = 2
    X_path, y_path = write_dataset(tmp_path / "data", N_ROWS, CHUNK_ROWS)
    file_bytes = X_path.stat().st_size
    chunk_bytes = CHUNK_ROWS * N_FEATURES * np.dtype(DTYPE).itemsize
    assert file_bytes == N_ROWS * N_FEATURES * 4 == 40 * chunk_bytes
    args = [X_path, y_path, N_ROWS, N_FEATURES, CHUNK_ROWS, n_passes]
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(CHILD), *map(str, args)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    print(report)  # shown with pytest -s or on failure
    n_chunks = -(-(N_ROWS * 9 // 10) // CHUNK_ROWS)
    assert report["n_iter"] == n_passes * n_chunks  # one epoch per chunk
    assert report["t"] == n_passes * N_ROWS * 9 // 10
    assert report["dtype"] == "float32"  # trained in the file's dtype, no copy
    assert report["samples"] > 10  # the sampler ran while training
    # the memory that training adds is that of a few chunks, not of the file
    assert report["peak_extra_bytes"] < 0.25 * file_bytes, report
    assert report["peak_extra_bytes"] < 3 * chunk_bytes, report
    # and it learns: 5 balanced classes, chance is 0.2
    assert report["accuracies"][-1] > 0.8, report
    assert report["accuracies"][-1] >= report["accuracies"][0] - 0.01, report
