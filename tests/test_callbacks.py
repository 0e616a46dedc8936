"""scikit-learn's callbacks (sklearn.callback, scikit-learn >= 1.9) during training.

Real callbacks, not mocks: scikit-learn's ProgressBar and ScoringMonitor, and
small callbacks written against the FitCallback protocol, on real fits, in
Pipeline and GridSearchCV. The package without sklearn.callback (an older
scikit-learn) is checked in a child process that hides the module.
"""

import re
import warnings

import numpy as np
import pytest
from helpers import quiet_fit, run_program
from sklearn.datasets import load_iris
from sklearn.metrics import accuracy_score, log_loss
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklearn_sigmoid_mlp import SigmoidMLPClassifier

callback = pytest.importorskip(
    "sklearn.callback", reason="scikit-learn's callbacks need scikit-learn >= 1.9"
)

pytestmark = pytest.mark.usefixtures("single_blas_thread")


class Recorder:
    """Records every hook call; stops after ``stop_after`` epochs when given."""

    def __init__(self, stop_after=None):
        self.stop_after = stop_after
        self.events, self.epochs = [], []

    def setup(self, estimator, context):
        self.events.append(("setup", context.task_name))

    def teardown(self, estimator, context):
        self.events.append(("teardown", context.task_name))

    def on_fit_task_begin(self, estimator, context):
        self.events.append(("begin", context.task_name))

    def on_fit_task_end(self, estimator, context, *, fitted_estimator=None):
        self.events.append(("end", context.task_name))
        if context.task_name == "epoch":
            self.epochs.append(fitted_estimator)
            return self.stop_after is not None and len(self.epochs) >= self.stop_after
        return False

    def count(self, kind, task=None):
        return sum(1 for k, t in self.events if k == kind and task in (None, t))


def test_a_callback_that_asks_to_stop_ends_training_with_a_usable_model(digits_split):
    X, _, y, _ = digits_split
    recorder = Recorder(stop_after=3)
    clf = SigmoidMLPClassifier(max_iter=50, random_state=0).set_callbacks(recorder)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a stop asked for is no convergence failure
        clf.fit(X, y)
    assert clf.stop_reason_ == "callback"
    assert clf.n_iter_ == 3
    assert len(clf.loss_curve_) == 3
    assert clf.t_ == 3 * len(X)
    assert clf.predict(X).shape == y.shape
    # the same 3 epochs as a fit that runs out of budget after 3
    reference = SigmoidMLPClassifier(max_iter=3, random_state=0)
    quiet_fit(reference, X, y)
    for ours, theirs in zip(clf.coefs_, reference.coefs_):
        np.testing.assert_array_equal(ours, theirs)


def test_hooks_come_in_pairs_one_task_per_epoch(digits_split):
    X, _, y, _ = digits_split
    recorder = Recorder()
    clf = SigmoidMLPClassifier(max_iter=4, random_state=0).set_callbacks(recorder)
    quiet_fit(clf, X, y)
    assert recorder.events[0] == ("setup", "fit")
    assert recorder.events[1] == ("begin", "fit")
    assert recorder.events[-2:] == [("end", "fit"), ("teardown", "fit")]
    assert recorder.count("begin", "epoch") == recorder.count("end", "epoch") == 4
    assert recorder.count("begin", "validation") == 0
    # partial_fit: one task with one epoch per call
    recorder.events.clear()
    clf.partial_fit(X, y)
    assert recorder.count("begin", "epoch") == recorder.count("end", "epoch") == 1
    assert recorder.count("teardown") == 1


def test_an_epoch_cut_short_still_ends_its_task(digits_split):
    """max_time stops mid-epoch: the epoch's task is ended like the others."""
    X, _, y, _ = digits_split
    recorder = Recorder()
    clf = SigmoidMLPClassifier(batch_size=1, max_time=1e-9, random_state=0)
    clf.set_callbacks(recorder).fit(X, y)
    assert clf.stop_reason_ == "max_time"
    assert recorder.count("begin", "epoch") == recorder.count("end", "epoch") == 1
    assert recorder.count("teardown") == 1


def test_fitted_estimator_of_each_epoch_is_that_epoch_s_model(digits_split):
    X, _, y, _ = digits_split
    recorder = Recorder()
    clf = SigmoidMLPClassifier(max_iter=3, random_state=0).set_callbacks(recorder)
    quiet_fit(clf, X, y)
    first, _, last = recorder.epochs
    assert first.n_iter_ == 1 and len(first.loss_curve_) == 1
    assert last.n_iter_ == 3
    # copies, not views of the weights training went on changing
    assert not np.array_equal(first.coefs_[0], clf.coefs_[0])
    for ours, theirs in zip(last.coefs_, clf.coefs_):
        np.testing.assert_array_equal(ours, theirs)
    np.testing.assert_array_equal(last.predict_proba(X), clf.predict_proba(X))


class ModelRecorder:
    """Records the fitted estimator of every hook, at a task's begin and end."""

    def __init__(self):
        self.models = []  # (hook, task name, fitted estimator)

    def setup(self, estimator, context):
        pass

    def teardown(self, estimator, context):
        pass

    def on_fit_task_begin(self, estimator, context, *, fitted_estimator=None):
        self.models.append(("begin", context.task_name, fitted_estimator))

    def on_fit_task_end(self, estimator, context, *, fitted_estimator=None):
        self.models.append(("end", context.task_name, fitted_estimator))

    def of(self, hook, task):
        return [model for h, t, model in self.models if (h, t) == (hook, task)]


def assert_same_weights(first, second):
    for ours, theirs in zip(
        [*first.coefs_, *first.intercepts_], [*second.coefs_, *second.intercepts_]
    ):
        np.testing.assert_array_equal(ours, theirs)


def test_each_epoch_begins_with_the_model_as_it_is_then(digits_split):
    """on_fit_task_begin's fitted_estimator: the model before the epoch.

    As scikit-learn's LogisticRegression gives at the start of an iteration:
    the model of epoch k's start is that of a fit of k epochs; the first
    epoch's is the initial network, ready to predict.
    """
    X, _, y, _ = digits_split
    recorder = ModelRecorder()
    clf = SigmoidMLPClassifier(max_iter=3, random_state=0).set_callbacks(recorder)
    quiet_fit(clf, X, y)
    begins, ends = recorder.of("begin", "epoch"), recorder.of("end", "epoch")
    assert len(begins) == len(ends) == 3
    assert recorder.of("begin", "fit") == [None]  # no model before the call
    first = begins[0]
    assert first.n_iter_ == 0 and first.loss_curve_ == [] and first.t_ == 0
    assert first.predict(X).shape == y.shape
    for k, begin in enumerate(begins[1:], start=1):
        assert begin.n_iter_ == k and begin.t_ == k * len(X)
        assert begin.loss_curve_ == clf.loss_curve_[:k]
        assert_same_weights(begin, ends[k - 1])
        reference = quiet_fit(SigmoidMLPClassifier(max_iter=k, random_state=0), X, y)
        assert_same_weights(begin, reference)
        np.testing.assert_array_equal(
            begin.predict_proba(X), reference.predict_proba(X)
        )
    # copies taken as the epoch began, not views of weights trained on since
    assert not np.array_equal(first.coefs_[0], ends[0].coefs_[0])
    assert ends[-1].t_ == clf.t_ == 3 * len(X)


def test_a_warm_start_begins_with_the_model_of_the_previous_fit(digits_split):
    X, X_val, y, y_val = digits_split
    recorder = ModelRecorder()
    clf = SigmoidMLPClassifier(max_iter=2, warm_start=True, random_state=0)
    quiet_fit(clf, X, y)
    before = [coef.copy() for coef in clf.coefs_]
    history = list(clf.loss_curve_)
    quiet_fit(clf.set_callbacks(recorder), X, y, X_val=X_val, y_val=y_val)
    first = recorder.of("begin", "epoch")[0]
    for got, want in zip(first.coefs_, before):
        np.testing.assert_array_equal(got, want)
    assert first.loss_curve_ == history and first.n_iter_ == 0
    # each validation task begins and ends with the model of its epoch's end
    validation = recorder.of("begin", "validation")
    assert len(validation) == len(recorder.of("end", "validation")) == 2
    for begin, end, epoch_end in zip(
        validation, recorder.of("end", "validation"), recorder.of("end", "epoch")
    ):
        assert_same_weights(begin, epoch_end)
        assert_same_weights(end, epoch_end)


def test_each_lbfgs_iteration_begins_with_the_last_iterate(digits_split):
    X, _, y, _ = digits_split
    recorder = ModelRecorder()
    clf = SigmoidMLPClassifier(solver="lbfgs", max_iter=4, random_state=0)
    quiet_fit(clf.set_callbacks(recorder), X, y)
    begins, ends = recorder.of("begin", "iteration"), recorder.of("end", "iteration")
    assert len(begins) == len(ends) == clf.n_iter_ == 4
    assert begins[0].n_iter_ == 0
    for k in range(1, 4):
        assert begins[k].n_iter_ == k
        assert_same_weights(begins[k], ends[k - 1])


def test_scoring_monitor_scores_equal_scores_recomputed(digits_split):
    """Training and validation scores per epoch, each equal to its recomputation.

    One batch per epoch and no penalty: the loss of epoch k + 1 in
    ``loss_curve_`` is the log-loss of the weights after epoch k, which the
    monitor scored on the training data; on the validation data its scores
    are ``validation_scores_``, and its log-loss ``validation_loss_curve_``.
    """
    X, X_val, y, y_val = digits_split
    monitor = callback.ScoringMonitor(scoring=["accuracy", "neg_log_loss"])
    clf = SigmoidMLPClassifier(
        max_iter=6, batch_size=len(X), alpha=0, learning_rate_init=0.01, random_state=0
    ).set_callbacks(monitor)
    quiet_fit(clf, X, y, X_val=X_val, y_val=y_val)
    rows = monitor.get_logs().data
    epochs = [row for row in rows if row["task_name"] == "epoch"]
    validation = [row for row in rows if row["task_name"] == "validation"]
    assert len(epochs) == len(validation) == clf.n_iter_ == 6
    training_loss = [-row["neg_log_loss"] for row in epochs]
    np.testing.assert_allclose(training_loss[:-1], clf.loss_curve_[1:], rtol=1e-6)
    np.testing.assert_allclose(
        [row["accuracy"] for row in validation], clf.validation_scores_
    )
    np.testing.assert_allclose(
        [-row["neg_log_loss"] for row in validation],
        clf.validation_loss_curve_,
        rtol=1e-6,
    )
    # the last epoch's scores are the final model's
    assert epochs[-1]["accuracy"] == accuracy_score(y, clf.predict(X))
    assert validation[-1]["neg_log_loss"] == pytest.approx(
        -log_loss(y_val, clf.predict_proba(X_val)), rel=1e-6
    )


def test_scoring_monitor_with_early_stopping_scores_the_rows_trained_on(digits_split):
    X, _, y, _ = digits_split
    monitor = callback.ScoringMonitor(scoring="accuracy")
    clf = SigmoidMLPClassifier(
        early_stopping=True, max_iter=5, random_state=0
    ).set_callbacks(monitor)
    quiet_fit(clf, X, y)
    rows = monitor.get_logs().data
    validation = [row["accuracy"] for row in rows if row["task_name"] == "validation"]
    np.testing.assert_allclose(validation, clf.validation_scores_)


@pytest.fixture
def wide_console():
    """rich's console, wide enough that no bar's text is cut short."""
    rich = pytest.importorskip("rich")
    rich.reconfigure(width=200)
    yield
    rich.reconfigure()


def _captured(capsys):
    out = capsys.readouterr().out
    return out, re.findall(r"\d+%", out)


def test_progress_bar_over_the_epochs_of_fit_and_partial_fit(
    digits_split, capsys, wide_console
):
    X, _, y, _ = digits_split
    clf = SigmoidMLPClassifier(max_iter=3, random_state=0)
    clf.set_callbacks(callback.ProgressBar())
    quiet_fit(clf, X, y)
    out, percentages = _captured(capsys)
    assert "SigmoidMLPClassifier - fit" in out
    assert percentages and set(percentages) == {"100%"}
    clf.partial_fit(X, y)
    out, percentages = _captured(capsys)
    assert "SigmoidMLPClassifier - fit" in out
    assert set(percentages) == {"100%"}


def test_progress_bar_in_a_grid_search(digits_split, capsys, wide_console):
    """GridSearchCV(n_jobs=1) propagates the bar to every fit of ours."""
    X, _, y, _ = digits_split
    search = GridSearchCV(
        SigmoidMLPClassifier(max_iter=2, random_state=0),
        {"alpha": [1e-4, 1e-2]},
        cv=2,
        n_jobs=1,
    )
    search.set_callbacks(callback.ProgressBar(max_propagation_depth=None))
    quiet_fit(search, X, y)
    out, percentages = _captured(capsys)
    assert "GridSearchCV - fit" in out
    # 2 candidates x 2 splits, then the refit: a bar for each of our fits
    assert out.count("SigmoidMLPClassifier - fit") == 5
    assert set(percentages) == {"100%"}


def test_progress_bar_in_a_pipeline(digits_split, capsys, wide_console):
    X, _, y, _ = digits_split
    pipe = make_pipeline(StandardScaler(), SigmoidMLPClassifier(max_iter=2))
    pipe.set_callbacks(callback.ProgressBar(max_propagation_depth=None))
    quiet_fit(pipe, X, y)
    out, percentages = _captured(capsys)
    assert "Pipeline - fit" in out and "SigmoidMLPClassifier - fit" in out
    assert set(percentages) == {"100%"}


def test_callbacks_survive_a_failed_fit_and_are_torn_down(digits_split):
    """A fit that raises leaves the model as it was, and still tears down."""
    X, _, y, _ = digits_split
    recorder = Recorder()
    clf = SigmoidMLPClassifier(random_state=0).set_callbacks(recorder)
    with pytest.raises(ValueError, match="y_val"):
        clf.fit(X, y, X_val=X)
    assert not hasattr(clf, "coefs_")
    assert recorder.count("teardown") == 0  # it failed before any task began
    X_iris, y_iris = load_iris(return_X_y=True)
    clf = SigmoidMLPClassifier(max_iter=2, random_state=0).set_callbacks(recorder)
    quiet_fit(clf, X_iris, y_iris)
    assert recorder.count("setup") == recorder.count("teardown") == 1


def test_a_fit_that_fails_in_training_still_tears_the_callbacks_down(digits_split):
    """No finite epoch is an error; the callbacks are torn down all the same."""
    X, _, y, _ = digits_split
    recorder = Recorder()
    clf = SigmoidMLPClassifier(learning_rate_init=1e6, max_iter=3)
    with pytest.raises(ValueError, match="learning_rate_init"):
        clf.set_callbacks(recorder).fit(X, y)
    assert recorder.count("setup") == recorder.count("teardown") == 1
    assert recorder.count("begin", "epoch") == recorder.count("end", "epoch")
    assert not hasattr(clf, "coefs_")
    assert not hasattr(clf, "_callback_fit_ctx")


def test_without_sklearn_callback_the_package_works_and_says_what_is_needed():
    """An older scikit-learn (sklearn.callback hidden) in a child process."""
    completed = run_program("without_sklearn_callback.py")
    assert completed.returncode == 0, completed.stderr
    lines = completed.stdout.splitlines()
    assert lines[0] == "fit: ok"
    assert lines[1].startswith("ImportError: SigmoidMLPClassifier.set_callbacks ")
    assert "scikit-learn >= 1.9" in lines[1]
    # the main job's table, printed after the fit, without the seconds
    epochs = [line for line in lines if line.startswith("Epoch")]
    assert [line.split("|")[0] for line in epochs] == ["Epoch  1 ", "Epoch  2 "]
    assert lines[-1].startswith("Test accuracy after 2 epochs: ")
