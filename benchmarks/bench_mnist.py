"""Benchmark SigmoidMLPClassifier on MNIST: scikit-learn, the GEMM floor, the notebook.

Runs every section (or those of ``--only``), each from its own module, with
the harness of ``_harness.py``:

``train`` (``bench_train.py``)
    Seconds per epoch of ``fit``, ours against ``MLPClassifier`` of the same
    shape and settings, float32 and float64, batch sizes 200 and 32, Adam and
    SGD, each also against the GEMM floor.
``gemm`` (``bench_gemm.py``)
    The machine's matrix-product throughput for one epoch of this network.
``predict`` (``bench_predict.py``)
    ``predict_proba`` on MNIST's 10,000 test rows against scikit-learn.
``latency`` (``bench_latency.py``)
    ``predict_proba`` and ``predict`` on 1, 10 and 100 rows per call against
    scikit-learn (and ONNX Runtime when installed); the regressors' ``predict``
    likewise.
``notebook`` (``bench_notebook.py``)
    ``NOTEBOOK_PARAMS`` against the notebook's own per-sample loop.
``memory`` (``bench_memory.py``)
    Extra peak memory of ``fit`` beyond X, in child processes.
``accuracy`` (``bench_accuracy.py``)
    Test accuracy per epoch of the defaults beside ``MLPClassifier``.
``time`` (``bench_time.py``)
    Training seconds to 97.5% test accuracy: the defaults, the cosine recipe
    and ``MLPClassifier``, over several seeds.

Run ``python benchmarks/bench_mnist.py --help`` for the options; see
``benchmarks/README.md`` for the targets and the latest results.
"""

from _harness import run_sections
from bench_accuracy import section_accuracy
from bench_gemm import section_gemm
from bench_latency import section_latency
from bench_memory import section_memory
from bench_notebook import section_notebook
from bench_predict import section_predict
from bench_time import section_time
from bench_train import section_train

RUNNERS = {
    "train": section_train,
    "gemm": section_gemm,
    "predict": section_predict,
    "latency": section_latency,
    "notebook": section_notebook,
    "memory": section_memory,
    "accuracy": section_accuracy,
    "time": section_time,
}


def main(argv=None):
    """Run the selected sections, print their tables and the summary."""
    run_sections(RUNNERS, argv)


if __name__ == "__main__":
    main()
