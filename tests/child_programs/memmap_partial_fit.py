"""Train by partial_fit over an on-disk np.memmap, measuring this process's memory.

Run by ``test_streaming.py`` in a fresh interpreter, so that the measurement
sees only the training, not the test session::

    python memmap_partial_fit.py X_PATH Y_PATH N_ROWS N_FEATURES CHUNK_ROWS N_PASSES

``X_PATH`` holds raw float32 rows, ``Y_PATH`` raw int8 labels of 5 classes.
The first 90 % of the rows train, chunk by chunk, for ``N_PASSES`` passes; the
rest score after each pass. Prints a JSON report: the peak anonymous resident
memory above the baseline, the number of memory samples, the epochs run
(``len(loss_curve_)``), ``t_``,
the accuracy after each pass, the training time and the weights' dtype.
Linux only (``/proc/self/status``).
"""

import json
import sys
import threading
import time

import numpy as np

from sklearn_sigmoid_mlp import SigmoidMLPClassifier


def anon_rss():
    """Resident memory that the process allocated itself (heap, arrays).

    The page cache behind a read-only memmap is RssFile, which the kernel
    drops whenever it needs the memory.
    """
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("RssAnon:"):
                return int(line.split()[1]) * 1024
    raise RuntimeError("no RssAnon")


class PeakSampler(threading.Thread):
    """Samples ``anon_rss`` every 2 ms until ``running`` is set to False."""

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


def main(X_path, y_path, n_rows, n_features, chunk_rows, n_passes):
    n_train = n_rows * 9 // 10
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
    report = {
        "peak_extra_bytes": sampler.peak - baseline,
        "samples": sampler.samples,
        "n_iter": len(clf.loss_curve_),
        "t": clf.t_,
        "accuracies": accuracies,
        "train_time": train_time,
        "dtype": str(clf.coefs_[0].dtype),
    }
    print(json.dumps(report))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], *map(int, sys.argv[3:7]))
