"""Tests of TrainingCurveDisplay, drawn with matplotlib's Agg backend."""

import sys
import warnings

import numpy as np
import pytest
from helpers import child_program
from sklearn.datasets import load_iris
from sklearn.exceptions import ConvergenceWarning, NotFittedError
from sklearn.linear_model import LogisticRegression
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklearn_sigmoid_mlp import SigmoidMLPClassifier, TrainingCurveDisplay

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def data():
    X, y = load_iris(return_X_y=True)
    return StandardScaler().fit_transform(X), y


@pytest.fixture(scope="module")
def fitted(data):
    """A model without validation scores."""
    return SigmoidMLPClassifier(
        hidden_layer_sizes=(8,), max_iter=5, random_state=0
    ).fit(*data)


@pytest.fixture(scope="module")
def fitted_early_stopping(data):
    """A model with validation scores."""
    return SigmoidMLPClassifier(
        hidden_layer_sizes=(8,),
        early_stopping=True,
        max_iter=5,
        n_iter_no_change=np.inf,
        random_state=0,
    ).fit(*data)


pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


def test_loss_curve_data_and_labels(fitted):
    display = TrainingCurveDisplay.from_estimator(fitted)

    x, y = display.loss_line_.get_data()
    np.testing.assert_array_equal(x, np.arange(1, fitted.n_iter_ + 1))
    np.testing.assert_allclose(y, fitted.loss_curve_)
    assert display.ax_.get_xlabel() == "Epoch"
    assert display.ax_.get_ylabel() == "Training loss (log_loss)"
    assert display.validation_ax_ is None
    assert display.validation_line_ is None
    assert display.figure_ is display.ax_.figure
    legend = [t.get_text() for t in display.ax_.get_legend().get_texts()]
    assert legend == ["training loss"]


def test_validation_scores_on_second_axis(fitted_early_stopping):
    clf = fitted_early_stopping
    display = TrainingCurveDisplay.from_estimator(clf, name="MLP")

    x, y = display.validation_line_.get_data()
    np.testing.assert_array_equal(x, np.arange(1, len(clf.validation_scores_) + 1))
    np.testing.assert_allclose(y, clf.validation_scores_)
    np.testing.assert_allclose(display.loss_line_.get_ydata(), clf.loss_curve_)
    # a twin axis: its own y-axis, the loss axis's x-axis
    assert display.validation_ax_ is not display.ax_
    assert display.validation_line_ in display.validation_ax_.get_lines()
    assert display.validation_line_ not in display.ax_.get_lines()
    assert display.validation_ax_.get_shared_x_axes().joined(
        display.ax_, display.validation_ax_
    )
    assert display.validation_ax_.get_ylabel() == "Validation accuracy"
    legend = [t.get_text() for t in display.ax_.get_legend().get_texts()]
    assert legend == [
        "MLP: training loss",
        "MLP: validation loss",
        "MLP: validation accuracy",
    ]
    # the loss and the score are told apart by colour
    assert display.loss_line_.get_color() != display.validation_line_.get_color()


def test_validation_loss_beside_the_training_loss(fitted_early_stopping):
    """The validation loss shares the training loss's axis, dashed, same colour."""
    clf = fitted_early_stopping
    display = TrainingCurveDisplay.from_estimator(clf)
    line = display.validation_loss_line_
    assert line in display.ax_.get_lines()
    x, y = line.get_data()
    np.testing.assert_array_equal(x, np.arange(1, len(clf.validation_loss_curve_) + 1))
    np.testing.assert_allclose(y, clf.validation_loss_curve_)
    assert line.get_linestyle() == "--"
    assert line.get_color() == display.loss_line_.get_color()
    assert display.ax_.get_ylabel() == "Loss (log_loss)"


def test_validation_loss_of_x_val_without_early_stopping(data):
    X, y = data
    clf = SigmoidMLPClassifier(max_iter=5, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(X[::2], y[::2], X_val=X[1::2], y_val=y[1::2])
    display = TrainingCurveDisplay(
        loss_curve=clf.loss_curve_,
        validation_loss_curve=clf.validation_loss_curve_,
    ).plot()
    assert display.validation_ax_ is None
    np.testing.assert_allclose(
        display.validation_loss_line_.get_ydata(), clf.validation_loss_curve_
    )
    legend = [t.get_text() for t in display.ax_.get_legend().get_texts()]
    assert legend == ["training loss", "validation loss"]


def test_given_ax_is_used(fitted_early_stopping):
    fig, (left, right) = plt.subplots(ncols=2)
    display = TrainingCurveDisplay.from_estimator(fitted_early_stopping, ax=right)

    assert display.ax_ is right
    assert display.figure_ is fig
    assert display.loss_line_ in right.get_lines()
    assert not left.get_lines()
    assert display.validation_ax_.figure is fig


def test_new_figure_without_ax(fitted):
    n_figures = len(plt.get_fignums())
    display = TrainingCurveDisplay.from_estimator(fitted)
    assert len(plt.get_fignums()) == n_figures + 1
    assert display.figure_.number in plt.get_fignums()


def test_line_kwargs_override_defaults(fitted_early_stopping):
    display = TrainingCurveDisplay.from_estimator(
        fitted_early_stopping,
        loss_kwargs={"color": "black", "linestyle": "--", "label": "loss"},
        validation_kwargs={"marker": "o"},
    )
    assert display.loss_line_.get_color() == "black"
    assert display.loss_line_.get_linestyle() == "--"
    assert display.loss_line_.get_label() == "loss"
    assert display.validation_line_.get_marker() == "o"


def test_squared_error_loss_name(data):
    clf = SigmoidMLPClassifier(
        hidden_layer_sizes=(8,), loss="squared_error", max_iter=3, random_state=0
    ).fit(*data)
    display = TrainingCurveDisplay.from_estimator(clf)
    assert display.ax_.get_ylabel() == "Training loss (squared_error)"


def test_pipeline_uses_final_step(data):
    X, y = load_iris(return_X_y=True)
    model = make_pipeline(
        StandardScaler(),
        SigmoidMLPClassifier(hidden_layer_sizes=(8,), max_iter=4, random_state=0),
    ).fit(X, y)
    display = TrainingCurveDisplay.from_estimator(model)
    np.testing.assert_allclose(display.loss_line_.get_ydata(), model[-1].loss_curve_)


def test_scikit_learn_mlp(data):
    clf = MLPClassifier(hidden_layer_sizes=(8,), max_iter=3, random_state=0).fit(*data)
    display = TrainingCurveDisplay.from_estimator(clf)
    np.testing.assert_allclose(display.loss_line_.get_ydata(), clf.loss_curve_)
    assert display.ax_.get_ylabel() == "Training loss (log_loss)"


def test_plot_from_constructor():
    display = TrainingCurveDisplay(
        loss_curve=[3.0, 2.0, 1.0],
        validation_scores=[0.5, 0.6, 0.7],
        loss_name="my loss",
        estimator_name="net",
    )
    assert display.plot() is display
    assert display.ax_.get_ylabel() == "Training loss (my loss)"
    np.testing.assert_allclose(display.validation_line_.get_ydata(), [0.5, 0.6, 0.7])
    legend = [t.get_text() for t in display.ax_.get_legend().get_texts()]
    assert legend == ["net: training loss", "net: validation accuracy"]
    # plot's name overrides the stored estimator_name
    display.plot(name="other")
    assert display.loss_line_.get_label() == "other: training loss"


def test_not_fitted_raises():
    with pytest.raises(NotFittedError):
        TrainingCurveDisplay.from_estimator(SigmoidMLPClassifier())
    with pytest.raises(NotFittedError):
        TrainingCurveDisplay.from_estimator(
            make_pipeline(StandardScaler(), SigmoidMLPClassifier())
        )


def test_estimator_without_loss_curve_raises(data):
    clf = LogisticRegression().fit(*data)
    with pytest.raises(ValueError, match="loss_curve_"):
        TrainingCurveDisplay.from_estimator(clf)


@pytest.mark.parametrize("method", ["from_estimator", "plot"])
def test_missing_matplotlib_raises_import_error(monkeypatch, fitted, method):
    # a None entry in sys.modules makes `import matplotlib` raise ImportError
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    with pytest.raises(ImportError, match=r"requires matplotlib") as excinfo:
        if method == "from_estimator":
            TrainingCurveDisplay.from_estimator(fitted)
        else:
            TrainingCurveDisplay(loss_curve=[1.0]).plot()
    message = str(excinfo.value)
    assert f"TrainingCurveDisplay.{method}" in message
    assert "sklearn-sigmoid-mlp[plot]" in message


def test_package_import_does_not_import_matplotlib():
    # run in a fresh interpreter: this one has already imported matplotlib
    import subprocess

    subprocess.run([sys.executable, child_program("import_package.py")], check=True)


def test_a_regressor_s_validation_score_is_r2():
    from sklearn.datasets import load_diabetes

    from sklearn_sigmoid_mlp import SigmoidMLPRegressor

    X, y = load_diabetes(return_X_y=True)
    reg = SigmoidMLPRegressor(
        hidden_layer_sizes=(8,), early_stopping=True, max_iter=5, random_state=0
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        reg.fit(X, y / y.std())
    display = TrainingCurveDisplay.from_estimator(reg)
    assert display.validation_ax_.get_ylabel() == "Validation R²"
    assert display.validation_line_.get_label() == "validation R²"
    plt.close(display.figure_)
