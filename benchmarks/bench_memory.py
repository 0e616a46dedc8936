"""The ``memory`` section of the MNIST benchmark; runnable alone.

Extra peak memory of ``fit`` beyond X itself on float32 MNIST, ours
against scikit-learn, each measured in a fresh child process.

``python benchmarks/bench_memory.py --data PATH.npz`` runs it alone.
"""

import gc
import multiprocessing
import statistics
import tempfile
import threading
from contextlib import nullcontext
from pathlib import Path

import numpy as np
from _harness import (
    CONTENDERS,
    MiB,
    log,
    run_sections,
    timed_fit,
)
from _report import print_table
from threadpoolctl import threadpool_limits


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


if __name__ == "__main__":
    run_sections({"memory": section_memory})
