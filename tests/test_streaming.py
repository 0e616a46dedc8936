"""Integration test: out-of-core training with partial_fit over an np.memmap.

A float32 data file several times larger than one chunk is written to disk
chunk by chunk; a child process (``child_programs/memmap_partial_fit.py``)
trains on it chunk by chunk with ``partial_fit``, measuring its own memory
while it trains, and reports what it measured. The child is a fresh
interpreter so that the measurement sees only the training, not the test
session.
"""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from helpers import child_program

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


def test_partial_fit_over_a_memmap_uses_memory_of_a_chunk_not_the_file(tmp_path):
    n_passes = 2
    X_path, y_path = write_dataset(tmp_path / "data", N_ROWS, CHUNK_ROWS)
    file_bytes = X_path.stat().st_size
    chunk_bytes = CHUNK_ROWS * N_FEATURES * np.dtype(DTYPE).itemsize
    assert file_bytes == N_ROWS * N_FEATURES * 4 == 40 * chunk_bytes
    args = [X_path, y_path, N_ROWS, N_FEATURES, CHUNK_ROWS, n_passes]
    result = subprocess.run(
        [sys.executable, child_program("memmap_partial_fit.py"), *map(str, args)],
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
