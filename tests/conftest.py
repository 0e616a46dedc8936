"""Shared test configuration: Hypothesis profiles and statistics.

Profiles (choose with ``HYPOTHESIS_PROFILE=<name>`` or
``--hypothesis-profile=<name>``):

- ``"ci"``, the default: 200 examples per property, no deadline, derandomized
  (the same examples on every run, so that CI is deterministic);
- ``"dev"``: a quick 25-example pass while editing;
- ``"explore"``: 2000 random examples per property, to hunt for new failures.

Hypothesis statistics (the number of cases tried per property, how long they
took, and the outcomes and defects drawn) are printed at the end of every run,
as if ``--hypothesis-show-statistics`` had been given.
The fixture ``single_blas_thread`` is shared by the test modules that opt in;
assertion helpers shared by several modules are in ``helpers.py``.
"""

import os

import pytest
from hypothesis import settings
from threadpoolctl import threadpool_limits

# programs, not test modules: the child programs that tests run, and the
# scripts that wrote the saved models of ``data/``. ``--doctest-modules``
# would import them by their base names, and two are named ``save_models.py``
# (pytest then stops at collection with "import file mismatch").
collect_ignore = ["child_programs", "data"]

settings.register_profile(
    "ci", max_examples=200, deadline=None, derandomize=True, print_blob=True
)
settings.register_profile("dev", max_examples=25, deadline=None, print_blob=True)
settings.register_profile("explore", max_examples=2000, deadline=None, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def pytest_configure(config):
    # the option of Hypothesis' pytest plugin, ``--hypothesis-show-statistics``
    if hasattr(config.option, "hypothesis_show_statistics"):
        config.option.hypothesis_show_statistics = True


@pytest.fixture
def single_blas_thread():
    """Run a test with one BLAS thread.

    The tests multiply small matrices, for which OpenBLAS's threads cost more
    than they save (ten times slower on a busy two-core machine), and one
    thread keeps the summation order, hence the results, reproducible. Modules
    opt in with ``pytestmark = pytest.mark.usefixtures("single_blas_thread")``.
    """
    with threadpool_limits(limits=1, user_api="blas"):
        yield
