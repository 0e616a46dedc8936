"""pytest configuration for the documentation's code.

``python -m pytest docs --doctest-glob="*.rst"`` runs the ``>>>`` examples of
the pages. The Sphinx configuration, the gallery scripts (they run during
the Sphinx build) and the build's outputs are not collected.

The page on GPUs and other array libraries (``user_guide/gpus.rst``) runs
where PyTorch is installed, and is skipped elsewhere. scikit-learn's array
API dispatch asks for ``SCIPY_ARRAY_API=1``, as the page tells its readers;
the page's examples get it for their own duration only, so that the other
pages run with SciPy as users have it.
"""

import matplotlib
import pytest

matplotlib.use("Agg")

#: pages that need an array library, and the library
ARRAY_LIBRARY_PAGES = {"gpus.rst": "torch"}


@pytest.fixture(autouse=True)
def _array_library_page(request, monkeypatch):
    library = ARRAY_LIBRARY_PAGES.get(request.node.path.name)
    if library is not None:
        pytest.importorskip(library, reason=f"the page's examples need {library}")
        monkeypatch.setenv("SCIPY_ARRAY_API", "1")


collect_ignore = ["conf.py"]
collect_ignore_glob = ["examples/*", "auto_examples/*", "generated/*", "_build/*"]
