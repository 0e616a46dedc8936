"""Integration tests: scaling out on a real Dask cluster.

A module-scoped fixture starts a ``distributed.LocalCluster`` of two worker
processes bound to 127.0.0.1 (no dashboard). ``GridSearchCV`` runs its fits
there through joblib's ``"dask"`` backend, and dask-ml's ``Incremental``
trains by ``partial_fit`` over the blocks of a dask array, for the
classifier and for the regressor. Nothing is mocked.
"""

import os
import re
from pathlib import Path

import joblib
import numpy as np
import pytest
from sklearn.datasets import make_friedman1
from sklearn.metrics import accuracy_score, r2_score
from sklearn.model_selection import GridSearchCV
from sklearn.preprocessing import StandardScaler

from sklearn_sigmoid_mlp import SigmoidMLPClassifier, SigmoidMLPRegressor

distributed = pytest.importorskip("distributed")
da = pytest.importorskip("dask.array")
dask_ml_wrappers = pytest.importorskip("dask_ml.wrappers")

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

README = Path(__file__).resolve().parent.parent / "README.md"
CLUSTER_CALL = (
    "LocalCluster(n_workers=2, threads_per_worker=1, processes=True, "
    'host="127.0.0.1", dashboard_address=None)'
)


@pytest.fixture(scope="module")
def client():
    """A two-process Dask cluster on 127.0.0.1 and a client connected to it.

    Yields
    ------
    client : distributed.Client
        Closed, with its cluster, when the module's tests are done.
    """
    # the nanny writes OPENBLAS_NUM_THREADS=1 and the like into this process's
    # environment for its workers; later tests' child processes must not see it
    environ = dict(os.environ)
    cluster = distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
    )
    dask_client = distributed.Client(cluster)
    try:
        dask_client.wait_for_workers(2, timeout=60)
        # the setup the tests rely on: two separate processes, on localhost only
        info = dask_client.scheduler_info()
        addresses = [dask_client.scheduler.address, *info["workers"]]
        assert all(a.startswith("tcp://127.0.0.1:") for a in addresses), addresses
        worker_pids = set(dask_client.run(os.getpid).values())
        assert len(worker_pids) == 2
        assert os.getpid() not in worker_pids
        yield dask_client
    finally:
        dask_client.close()
        cluster.close()
        os.environ.clear()
        os.environ.update(environ)


def accuracy_and_pid_scorer():
    """A multi-metric scorer that also records the process that scored.

    Returns
    -------
    scorer : callable
        ``scorer(estimator, X, y)`` gives ``{"accuracy": ..., "pid": ...}``.
        A local function, so that cloudpickle ships it to the workers by
        value (the workers cannot import this test module).
    """

    def scorer(estimator, X, y):
        return {"accuracy": accuracy_score(y, estimator.predict(X)), "pid": os.getpid()}

    return scorer


def make_search():
    """The grid search run both on the cluster and locally."""
    return GridSearchCV(
        SigmoidMLPClassifier(max_iter=30, learning_rate_init=0.01, random_state=0),
        {"hidden_layer_sizes": [(8,), (16,)], "alpha": [1e-4, 1e-1]},
        cv=3,
        scoring=accuracy_and_pid_scorer(),
        refit="accuracy",
    )


def test_grid_search_runs_on_the_workers_and_matches_local(client, digits):
    X, y = digits
    worker_pids = set(client.run(os.getpid).values())
    with joblib.parallel_config(backend="dask"):
        on_dask = make_search().fit(X, y)
    local = make_search().fit(X, y)  # joblib's default backend, n_jobs=None

    split_pids = {
        int(pid)
        for split in range(3)
        for pid in on_dask.cv_results_[f"split{split}_test_pid"]
    }
    assert split_pids, "no fit recorded its process"
    assert split_pids <= worker_pids  # every fit was scored on a worker
    assert os.getpid() not in split_pids
    local_pids = {int(p) for p in local.cv_results_["split0_test_pid"]}
    assert local_pids == {os.getpid()}

    np.testing.assert_array_equal(
        on_dask.cv_results_["mean_test_accuracy"],
        local.cv_results_["mean_test_accuracy"],
    )
    assert on_dask.best_params_ == local.best_params_
    assert on_dask.best_score_ == local.best_score_
    assert on_dask.best_score_ > 0.85


def test_incremental_trains_over_dask_blocks(client, digits):
    X, y = digits
    X_train, y_train = X[::2].astype(np.float32), y[::2]
    X_test, y_test = X[1::2].astype(np.float32), y[1::2]
    X_blocks = da.from_array(X_train, chunks=(150, 64))
    y_blocks = da.from_array(y_train, chunks=150)
    n_blocks = X_blocks.numblocks[0]
    assert n_blocks == 6
    classes = np.arange(10)
    inc = dask_ml_wrappers.Incremental(
        SigmoidMLPClassifier(
            hidden_layer_sizes=(16,),
            learning_rate_init=0.03,
            batch_size=50,
            random_state=0,
        ),
        scoring="accuracy",
        shuffle_blocks=False,
    )
    with distributed.get_task_stream(client) as stream:
        inc.fit(X_blocks, y_blocks, classes=classes)
    for _ in range(4):  # more passes over the blocks
        inc.partial_fit(X_blocks, y_blocks, classes=classes)

    # one partial_fit (one epoch) per block and per pass
    assert len(inc.estimator_.loss_curve_) == 5 * n_blocks
    assert inc.estimator_.t_ == 5 * len(X_train)
    workers = set(client.scheduler_info()["workers"])
    fit_tasks = [t for t in stream.data if "fit" in str(t["key"])]
    assert fit_tasks, [t["key"] for t in stream.data]
    assert {t["worker"] for t in fit_tasks} <= workers

    # the same passes in this process, block by block, give the same network
    local = SigmoidMLPClassifier(
        hidden_layer_sizes=(16,), learning_rate_init=0.03, batch_size=50, random_state=0
    )
    for _ in range(5):
        for start in range(0, len(X_train), 150):
            block = slice(start, start + 150)
            local.partial_fit(X_train[block], y_train[block], classes=classes)
    for a, b in zip(inc.estimator_.coefs_, local.coefs_):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)

    X_test_blocks = da.from_array(X_test, chunks=(150, 64))
    y_test_blocks = da.from_array(y_test, chunks=150)
    predictions = inc.predict(X_test_blocks)
    assert isinstance(predictions, da.Array)
    assert predictions.shape == (len(X_test),)
    predicted = predictions.compute()
    np.testing.assert_array_equal(predicted, inc.estimator_.predict(X_test))
    proba = inc.predict_proba(X_test_blocks)
    assert isinstance(proba, da.Array)
    np.testing.assert_allclose(proba.compute().sum(axis=1), 1, rtol=1e-5)
    score = inc.score(X_test_blocks, y_test_blocks)
    assert score == pytest.approx(accuracy_score(y_test, predicted))
    assert score > 0.85


# ----------------------------------------------------------------- regression


@pytest.fixture(scope="module")
def friedman():
    """Friedman #1, 1800 rows, standardised features, float32.

    Returns
    -------
    X : ndarray of shape (1800, 10)
    Y : ndarray of shape (1800, 2)
        The target and a second, non-negative output (for multi-output fits).
    """
    X, y = make_friedman1(n_samples=1800, noise=0.5, random_state=0)
    X = StandardScaler().fit_transform(X).astype(np.float32)
    return X, np.column_stack([y, np.sqrt(y)]).astype(np.float32)


def r2_and_pid_scorer():
    """``{"r2": ..., "pid": ...}``: the R² and the process that scored."""

    def scorer(estimator, X, y):
        return {"r2": r2_score(y, estimator.predict(X)), "pid": os.getpid()}

    return scorer


def make_regressor_search():
    """The regressor's grid search, run both on the cluster and locally."""
    return GridSearchCV(
        SigmoidMLPRegressor(
            hidden_layer_sizes=(16,),
            batch_size=50,
            learning_rate_init=0.01,
            max_iter=40,
            random_state=0,
        ),
        {"loss": ["squared_error", "poisson"], "alpha": [1e-4, 1e-1]},
        cv=3,
        scoring=r2_and_pid_scorer(),
        refit="r2",
    )


def test_regressor_grid_search_runs_on_the_workers_and_matches_local(client, friedman):
    """Both losses, two outputs: the same R² per split as joblib's default."""
    X, Y = friedman
    worker_pids = set(client.run(os.getpid).values())
    with joblib.parallel_config(backend="dask"):
        on_dask = make_regressor_search().fit(X, Y)
    local = make_regressor_search().fit(X, Y)

    split_pids = {
        int(pid)
        for split in range(3)
        for pid in on_dask.cv_results_[f"split{split}_test_pid"]
    }
    assert split_pids and split_pids <= worker_pids
    assert os.getpid() not in split_pids
    np.testing.assert_array_equal(
        on_dask.cv_results_["mean_test_r2"], local.cv_results_["mean_test_r2"]
    )
    assert on_dask.best_params_ == local.best_params_
    assert on_dask.best_score_ == local.best_score_ > 0.85
    assert on_dask.best_estimator_.predict(X).shape == Y.shape


def test_regressor_incremental_trains_over_dask_blocks(client, friedman):
    """dask-ml's Incremental: one partial_fit per block and pass, on the
    workers; the network of the same calls made here; dask predictions.

    A 1-D y only: dask-ml (2025.1) looks a block of y up by its row index
    alone, which a 2-D dask array's blocks do not answer to.
    """
    X, Y = friedman
    y = Y[:, 0]
    X_train, y_train, X_test, y_test = X[::2], y[::2], X[1::2], y[1::2]
    X_blocks = da.from_array(X_train, chunks=(150, 10))
    y_blocks = da.from_array(y_train, chunks=150)
    n_blocks = X_blocks.numblocks[0]
    assert n_blocks == 6
    params = {
        "hidden_layer_sizes": (16,),
        "learning_rate_init": 0.03,
        "batch_size": 50,
        "random_state": 0,
    }
    inc = dask_ml_wrappers.Incremental(
        SigmoidMLPRegressor(**params), scoring="r2", shuffle_blocks=False
    )
    with distributed.get_task_stream(client) as stream:
        inc.fit(X_blocks, y_blocks)
    for _ in range(4):
        inc.partial_fit(X_blocks, y_blocks)

    assert len(inc.estimator_.loss_curve_) == 5 * n_blocks
    assert inc.estimator_.t_ == 5 * len(X_train)
    workers = set(client.scheduler_info()["workers"])
    fit_tasks = [t for t in stream.data if "fit" in str(t["key"])]
    assert fit_tasks and {t["worker"] for t in fit_tasks} <= workers

    local = SigmoidMLPRegressor(**params)
    for _ in range(5):
        for start in range(0, len(X_train), 150):
            block = slice(start, start + 150)
            local.partial_fit(X_train[block], y_train[block])
    for a, b in zip(inc.estimator_.coefs_, local.coefs_):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)

    X_test_blocks = da.from_array(X_test, chunks=(150, 10))
    predictions = inc.predict(X_test_blocks)
    assert isinstance(predictions, da.Array)
    assert predictions.shape == y_test.shape
    predicted = predictions.compute()
    # block by block: float32 products of 150 rows, rounded as such
    np.testing.assert_allclose(predicted, inc.estimator_.predict(X_test), rtol=1e-6)
    # scored on NumPy rows: dask-ml's own r2 of dask arrays (dask_ml.metrics.
    # r2_score) fails with this dask, for scikit-learn's regressors too
    score = inc.score(X_test, y_test)
    assert score == pytest.approx(r2_score(y_test, predicted), rel=1e-5)
    assert score > 0.7  # five passes over 900 rows


def _readme_section(title):
    """The Python code blocks of one README section, in order."""
    text = README.read_text(encoding="utf-8")
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", text, re.S | re.M)
    if match is None:
        pytest.fail(f"README.md has no section '## {title}'")
    return re.findall(r"```python\n(.*?)```", match.group(1), re.S)


def test_readme_scaling_out_snippets_run(client):
    blocks = _readme_section("Scaling out")
    assert len(blocks) == 4
    setup, search_block, incremental_block, teardown = blocks
    assert "client.close()" in teardown
    assert "cluster.close()" in teardown
    # the README starts the very cluster that the fixture starts
    code = re.sub(r"\s+", "", setup).replace(",)", ")")
    assert re.sub(r"\s+", "", CLUSTER_CALL) in code
    # the search and incremental snippets run as written, on the fixture's cluster
    namespace = {"client": client}
    exec(search_block, namespace)
    assert namespace["search"].best_score_ > 0.85
    exec(incremental_block, namespace)
    assert namespace["inc"].score(namespace["X_blocks"], namespace["y_blocks"]) > 0.85
