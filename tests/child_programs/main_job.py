"""Run the main job, ``python -m sklearn_sigmoid_mlp``, with Python's SIGINT handler.

Run by ``test_main.py``::

    python main_job.py [--sigint-in-epoch N] ARGS...

The same as ``python -m sklearn_sigmoid_mlp ARGS...``, except that SIGINT
gets Python's default handler first, as in an interactive terminal, even
when this process was started with SIGINT ignored (a background job).

With ``--sigint-in-epoch N`` the job's per-epoch table sends this process a
SIGINT as epoch N begins: Ctrl-C pressed during the epoch's first batch, so
that training stops after that batch, in the middle of the epoch.
"""

import os
import signal
import sys


def run(argv):
    """Run the main job with ``argv``; returns its exit status."""
    signal.signal(signal.SIGINT, signal.default_int_handler)
    import sklearn_sigmoid_mlp.__main__ as job

    if argv[:1] == ["--sigint-in-epoch"]:
        job.EpochTable = signal_in_epoch(job.EpochTable, int(argv[1]))
        argv = argv[2:]
    return job.main(argv)


def signal_in_epoch(table, epoch):
    """A subclass of the job's callback that sends SIGINT as ``epoch`` begins."""

    class SignalInEpoch(table):
        def setup(self, estimator, context):
            super().setup(estimator, context)
            self.epochs_begun = 0

        def on_fit_task_begin(self, estimator, context, *, X=None):
            super().on_fit_task_begin(estimator, context, X=X)
            if context.task_name == "epoch":
                self.epochs_begun += 1
                if self.epochs_begun == epoch:
                    os.kill(os.getpid(), signal.SIGINT)

    return SignalInEpoch


if __name__ == "__main__":
    sys.exit(run(sys.argv[1:]))
