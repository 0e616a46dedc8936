"""The benchmark's environment: versions, CPU, BLAS threads, load, git commit."""

import os
import platform
import subprocess
import sys
from contextlib import nullcontext
from pathlib import Path

import numpy as np
import scipy
import sklearn
from threadpoolctl import threadpool_info, threadpool_limits

import sklearn_sigmoid_mlp


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


def blas_limit(threads):
    """A limit of the BLAS threads to ``threads``; none when it is None or 0."""
    return threadpool_limits(threads, "blas") if threads else nullcontext()
