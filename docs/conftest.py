"""pytest configuration for the documentation's code.

``python -m pytest docs --doctest-glob="*.rst"`` runs the ``>>>`` examples of
the pages. The Sphinx configuration, the gallery scripts (they run during
the Sphinx build) and the build's outputs are not collected.
"""

import matplotlib

matplotlib.use("Agg")

collect_ignore = ["conf.py"]
collect_ignore_glob = ["examples/*", "auto_examples/*", "generated/*", "_build/*"]
