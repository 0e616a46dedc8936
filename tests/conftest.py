"""Shared test configuration: Hypothesis profiles, the array API cases.

Profiles (choose with ``HYPOTHESIS_PROFILE=<name>`` or
``--hypothesis-profile=<name>``):

- ``"ci"``, the default: 200 examples per property, no deadline, derandomized
  (the same examples on every run, so that CI is deterministic);
- ``"dev"``: a quick 25-example pass while editing;
- ``"explore"``: 2000 random examples per property, to hunt for new failures.

``--hypothesis-show-statistics`` prints the number of cases tried per
property and how long they took.

The array API cases need ``SCIPY_ARRAY_API=1``, which SciPy reads once,
when it is imported: those of ``test_array_api.py`` (marked
``array_api_dispatch``) and scikit-learn's ``check_array_api_*`` checks among
those of ``test_common.py``. In a run without it they are deselected, not
skipped (every one of them would skip): the test
``test_array_api_suite_in_child_process`` runs ``test_array_api.py``, with
scikit-learn's array API checks of the estimator, in a child pytest that sets
the variable, and the terminal summary says how that run ended.

The fixture ``single_blas_thread`` is shared by the test modules that opt in,
``digits`` and ``digits_split`` by those that train on scikit-learn's digits;
assertion helpers shared by several modules are in ``helpers.py``.
"""

import os

import pytest
from hypothesis import settings
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from threadpoolctl import threadpool_limits

# programs, not test modules: the child programs that tests run, and the
# scripts that wrote the saved models of ``data/``. ``--doctest-modules``
# would import each by its base name, and a name found in both folders stops
# the collection ("import file mismatch").
collect_ignore = ["child_programs", "data"]

settings.register_profile(
    "ci", max_examples=200, deadline=None, derandomize=True, print_blob=True
)
settings.register_profile("dev", max_examples=25, deadline=None, print_blob=True)
settings.register_profile("explore", max_examples=2000, deadline=None, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

#: the marker of the cases that need SCIPY_ARRAY_API=1
ARRAY_API_MARKER = "array_api_dispatch"
#: the user property in which the child run's test reports its summary line
ARRAY_API_CHILD_SUMMARY = "array_api_child_summary"
_ARRAY_API_DESELECTED = pytest.StashKey[int]()


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        f"{ARRAY_API_MARKER}: needs SCIPY_ARRAY_API=1; deselected without it "
        "(test_array_api_suite_in_child_process runs these in a child pytest)",
    )


def _needs_array_api_dispatch(item):
    """Whether a test is an array API case (see the module's docstring)."""
    if item.get_closest_marker(ARRAY_API_MARKER) is not None:
        return True
    # scikit-learn's checks, as parametrize_with_checks passes them
    check = getattr(item, "callspec", None) and item.callspec.params.get("check")
    name = getattr(getattr(check, "func", check), "__name__", "")
    return name.startswith("check_array_api")


def pytest_collection_modifyitems(config, items):
    """Without SCIPY_ARRAY_API=1, deselect the cases that need it."""
    if os.environ.get("SCIPY_ARRAY_API") == "1":
        return
    kept, deselected = [], []
    for item in items:
        (deselected if _needs_array_api_dispatch(item) else kept).append(item)
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = kept
        config.stash[_ARRAY_API_DESELECTED] = len(deselected)


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    """Say where the deselected array API cases ran, and how that run ended."""
    n_deselected = config.stash.get(_ARRAY_API_DESELECTED, 0)
    if not n_deselected:
        return
    summaries = [
        value
        for reports in terminalreporter.stats.values()
        for report in reports
        for name, value in getattr(report, "user_properties", ())
        if name == ARRAY_API_CHILD_SUMMARY
    ]
    terminalreporter.section("array API cases", sep="-")
    terminalreporter.line(f"{n_deselected} deselected: they need SCIPY_ARRAY_API=1.")
    if summaries:
        terminalreporter.line(
            "A child pytest with it ran tests/test_array_api.py, scikit-learn's "
            f"array API checks of the estimator included: {summaries[-1]}"
        )
    else:
        terminalreporter.line(
            "test_array_api_suite_in_child_process, which runs them in a child "
            "pytest with it, did not run."
        )


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


@pytest.fixture
def axpy_calls(monkeypatch):
    """The calls that reach BLAS's ``?axpy`` during a test, one entry each."""
    from sklearn_sigmoid_mlp import _blas

    calls = []

    def spy(routine):
        def call(*args, **kwargs):
            calls.append(1)
            return routine(*args, **kwargs)

        return call

    monkeypatch.setattr(
        _blas, "_AXPY", {dtype: spy(routine) for dtype, routine in _blas._AXPY.items()}
    )
    return calls


@pytest.fixture(scope="session")
def digits():
    """scikit-learn's digits scaled to [0, 1], read-only.

    Returns
    -------
    X : ndarray of shape (1797, 64)
        Pixel intensities divided by 16.
    y : ndarray of shape (1797,)
        Digits 0-9.
    """
    X, y = load_digits(return_X_y=True)
    X = X / 16.0
    for array in (X, y):
        array.flags.writeable = False  # shared by every test: nobody writes
    return X, y


@pytest.fixture(scope="session")
def digits_split(digits):
    """The first 600 digits split for training and validation, stratified.

    Returns
    -------
    X_train, X_val, y_train, y_val : ndarray
        450 and 150 rows.
    """
    X, y = digits
    return train_test_split(
        X[:600], y[:600], test_size=0.25, random_state=0, stratify=y[:600]
    )
