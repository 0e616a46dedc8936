"""Import the package in a fresh interpreter; exit 1 if that imported matplotlib.

Run by ``test_plotting.py``: plotting is an optional extra, so importing the
package must not import matplotlib.
"""

import sys


def main():
    import sklearn_sigmoid_mlp  # noqa: F401

    return int("matplotlib" in sys.modules)


if __name__ == "__main__":
    sys.exit(main())
