"""Run the main job, ``python -m sklearn_sigmoid_mlp``, with Python's SIGINT handler.

Run by ``test_main.py``::

    python main_job.py ARGS...

The same as ``python -m sklearn_sigmoid_mlp ARGS...``, except that SIGINT
gets Python's default handler first, as in an interactive terminal, even
when this process was started with SIGINT ignored (a background job).
"""

import signal
import sys


def run(argv):
    """Run the main job with ``argv``; returns its exit status."""
    signal.signal(signal.SIGINT, signal.default_int_handler)
    from sklearn_sigmoid_mlp.__main__ import main

    return main(argv)


if __name__ == "__main__":
    sys.exit(run(sys.argv[1:]))
