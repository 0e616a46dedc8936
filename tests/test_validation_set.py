"""fit's own validation set: X_val, y_val, sample_weight_val.

The names and semantics of HistGradientBoostingClassifier.fit (scikit-learn
1.7+): with early stopping the given rows are monitored instead of a held-out
fraction; without it they are only monitored. Checked like X and y, routed
through Pipeline's transform_input and metadata routing.
"""

import warnings

import numpy as np
import pandas as pd
import pytest
import sklearn
from helpers import quiet_fit
from sklearn.datasets import load_iris
from sklearn.exceptions import ConvergenceWarning, DataConversionWarning
from sklearn.metrics import accuracy_score, log_loss
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from sklearn_sigmoid_mlp import SigmoidMLPClassifier

pytestmark = pytest.mark.usefixtures("single_blas_thread")


def test_x_val_is_monitored_without_early_stopping(digits_split):
    X, X_val, y, y_val = digits_split
    clf = quiet_fit(
        SigmoidMLPClassifier(max_iter=4, random_state=0), X, y, X_val=X_val, y_val=y_val
    )
    assert len(clf.validation_scores_) == len(clf.validation_loss_curve_) == 4
    assert clf.validation_scores_[-1] == accuracy_score(y_val, clf.predict(X_val))
    assert clf.validation_loss_curve_[-1] == pytest.approx(
        log_loss(y_val, clf.predict_proba(X_val)), rel=1e-6
    )
    assert clf.best_validation_score_ is None  # no early stopping
    assert clf.best_loss_ == min(clf.loss_curve_)
    # only monitored: the training is that of a fit without X_val
    plain = quiet_fit(SigmoidMLPClassifier(max_iter=4, random_state=0), X, y)
    assert plain.validation_scores_ is None and plain.validation_loss_curve_ is None
    for ours, theirs in zip(clf.coefs_, plain.coefs_):
        np.testing.assert_array_equal(ours, theirs)


def test_early_stopping_on_x_val_trains_on_all_of_x(digits_split):
    X, X_val, y, y_val = digits_split
    clf = quiet_fit(
        SigmoidMLPClassifier(
            early_stopping=True, n_iter_no_change=3, max_iter=60, random_state=0
        ),
        X,
        y,
        X_val=X_val,
        y_val=y_val,
    )
    assert clf.t_ == clf.n_iter_ * len(X)  # nothing held out
    # the best epoch's weights were restored: their score is the best one
    assert clf.score(X_val, y_val) == clf.best_validation_score_
    assert clf.best_validation_score_ == max(clf.validation_scores_)
    held_out = quiet_fit(
        SigmoidMLPClassifier(early_stopping=True, max_iter=3, random_state=0), X, y
    )
    assert held_out.t_ < held_out.n_iter_ * len(X)
    assert len(held_out.validation_loss_curve_) == len(held_out.validation_scores_)


def test_sample_weight_val_weighs_the_scores_and_losses(digits_split):
    X, X_val, y, y_val = digits_split
    weight = np.random.RandomState(0).randint(0, 3, size=len(y_val)).astype(float)
    clf = quiet_fit(
        SigmoidMLPClassifier(max_iter=3, random_state=0),
        X,
        y,
        X_val=X_val,
        y_val=y_val,
        sample_weight_val=weight,
    )
    predicted = clf.predict(X_val)
    assert clf.validation_scores_[-1] == pytest.approx(
        accuracy_score(y_val, predicted, sample_weight=weight)
    )
    assert clf.validation_loss_curve_[-1] == pytest.approx(
        log_loss(y_val, clf.predict_proba(X_val), sample_weight=weight), rel=1e-6
    )


def test_string_labels_and_binary_targets():
    X, y = load_iris(return_X_y=True)
    keep = y > 0
    X, y = X[keep], np.array(["versicolor", "virginica"])[y[keep] - 1]
    clf = quiet_fit(
        SigmoidMLPClassifier(max_iter=3, random_state=0),
        X[::2],
        y[::2],
        X_val=X[1::2],
        y_val=y[1::2],
    )
    assert clf.validation_scores_[-1] == clf.score(X[1::2], y[1::2])
    assert clf.validation_loss_curve_[-1] == pytest.approx(
        log_loss(y[1::2], clf.predict_proba(X[1::2])), rel=1e-6
    )


def test_a_subset_of_the_classes_is_fine(digits_split):
    X, X_val, y, y_val = digits_split
    some = np.isin(y_val, [0, 1, 2])
    clf = quiet_fit(
        SigmoidMLPClassifier(max_iter=2, random_state=0),
        X,
        y,
        X_val=X_val[some],
        y_val=y_val[some],
    )
    assert len(clf.validation_scores_) == 2


def test_float32_x_val_with_float64_x_is_scored_in_the_network_dtype(digits_split):
    X, X_val, y, y_val = digits_split
    clf = quiet_fit(
        SigmoidMLPClassifier(max_iter=2, random_state=0),
        X.astype(np.float32),
        y,
        X_val=X_val,
        y_val=y_val,
    )
    assert clf.coefs_[0].dtype == np.float32
    assert clf.validation_scores_[-1] == clf.score(X_val.astype(np.float32), y_val)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"X_val": "X"}, "X_val is provided, but y_val was not provided"),
        ({"y_val": "y"}, "y_val is provided, but X_val was not provided"),
        ({"sample_weight_val": "w"}, "sample_weight_val is provided, but X_val"),
        ({"X_val": "X3", "y_val": "y"}, "X_val has 3 features, but"),
        ({"X_val": "Xnan", "y_val": "y"}, "Input X_val contains NaN"),
        ({"X_val": "X", "y_val": "y7"}, r"y_val has labels \[7\] that are not"),
        ({"X_val": "X", "y_val": "y_short"}, "inconsistent numbers of samples"),
        ({"X_val": "X", "y_val": "y", "sample_weight_val": "w_short"}, "sample_wei"),
        ({"X_val": "X", "y_val": "y", "sample_weight_val": "w_zero"}, "non-zero"),
        ({"X_val": "X", "y_val": "Y_multi"}, "y_val is a multilabel indicator"),
        ({"X_val": "X", "y_val": "y_float"}, "Invalid y_val: Unknown label type"),
        ({"X_val": "X", "y_val": "y_mixed"}, "y_val has labels of mixed types"),
        ({"X_val": "X", "y_val": "Y_3"}, "'multiclass-multioutput' for y_val"),
    ],
)
def test_bad_validation_sets_are_clear_errors(kwargs, message):
    X, y = load_iris(return_X_y=True)
    values = {
        "X": X,
        "X3": X[:, :3],
        "Xnan": np.where(np.arange(X.size).reshape(X.shape) == 7, np.nan, X),
        "y": y,
        "y7": np.where(y == 2, 7, y),
        "y_short": y[:-1],
        "w": np.ones(len(y)),
        "w_short": np.ones(len(y) - 1),
        "w_zero": np.zeros(len(y)),
        "Y_multi": np.eye(3)[y].astype(int),
        "y_float": y + 0.5,
        "y_mixed": np.array(["a", 1] * 75, dtype=object),
        "Y_3": np.column_stack([y, y, y]),
    }
    clf = SigmoidMLPClassifier(max_iter=2, random_state=0)
    with pytest.raises(ValueError, match=message):
        clf.fit(X, y, **{key: values[value] for key, value in kwargs.items()})
    assert not hasattr(clf, "coefs_")  # a failed fit leaves nothing behind


FRAME_X_VAL = {
    "array": lambda frame: frame.to_numpy(),
    "same names": lambda frame: frame,
    "renamed": lambda frame: frame.rename(columns={"b": "z"}),
    "reordered": lambda frame: frame[["b", "a", "c", "d"]],
    "mixed names": lambda frame: frame.set_axis(["a", "b", "c", 3], axis=1),
}


@pytest.mark.parametrize("variant", FRAME_X_VAL)
@pytest.mark.parametrize("x_has_names", [True, False])
def test_feature_names_of_x_val_are_checked_as_predict_checks_x(x_has_names, variant):
    """X_val gets the warning or error predict gives, in words that name X_val.

    fit(X, X_val=...) meets the feature names of X_val where predict(X_val)
    meets them after the same fit: the same kind of warning or error, or
    neither, but its message says X_val and X where predict's says X.
    """
    X, y = load_iris(return_X_y=True)
    frame = pd.DataFrame(X, columns=["a", "b", "c", "d"])
    X_train = frame if x_has_names else X
    X_val = FRAME_X_VAL[variant](frame)
    clf = quiet_fit(SigmoidMLPClassifier(max_iter=1, random_state=0), X_train, y)
    with warnings.catch_warnings(record=True) as predict_warnings:
        warnings.simplefilter("always")
        try:
            clf.predict(X_val)
            predict_error = None
        except (TypeError, ValueError) as error:
            predict_error = error
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        warnings.simplefilter("ignore", ConvergenceWarning)
        try:
            clf.fit(X_train, y, X_val=X_val, y_val=y)
            error = None
        except (TypeError, ValueError) as raised:
            error = raised
    assert type(error) is type(predict_error)
    assert [type(w.message) for w in caught] == [
        type(w.message) for w in predict_warnings
    ]
    if error is not None:
        message = str(error)
        assert "X_val" in message
        assert "passed during fit" not in message  # scikit-learn's words for X
        if variant == "renamed":
            assert "not in X:\n- z\n" in message
            assert "missing from X_val:\n- b\n" in message
        if variant == "reordered":
            assert "in the order of those of X" in message
    for warning in caught:
        assert str(warning.message).startswith("X_val ")
        assert warning.filename == __file__  # pointed at the caller's line
    if error is None:
        # what was checked is what was scored (predict's warning seen above)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            assert clf.validation_scores_[-1] == clf.score(X_val, y)


def test_a_column_vector_y_val_is_raveled_with_a_warning_that_names_it(digits_split):
    X, X_val, y, y_val = digits_split
    params = {"max_iter": 2, "random_state": 0}
    column = SigmoidMLPClassifier(**params)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        warnings.simplefilter("ignore", ConvergenceWarning)
        column.fit(X, y, X_val=X_val, y_val=y_val[:, None])
    assert [type(w.message) for w in caught] == [DataConversionWarning]
    assert str(caught[0].message).startswith("A column-vector y_val was passed")
    assert "shape of y_val to (n_samples, )" in str(caught[0].message)
    assert caught[0].filename == __file__
    flat = quiet_fit(SigmoidMLPClassifier(**params), X, y, X_val=X_val, y_val=y_val)
    assert column.validation_scores_ == flat.validation_scores_


def test_warm_start_extends_the_validation_record(digits_split):
    X, X_val, y, y_val = digits_split
    clf = SigmoidMLPClassifier(max_iter=2, warm_start=True, random_state=0)
    quiet_fit(clf, X, y, X_val=X_val, y_val=y_val)
    quiet_fit(clf, X, y, X_val=X_val, y_val=y_val)
    assert len(clf.validation_scores_) == len(clf.validation_loss_curve_) == 4
    assert clf.validation_scores_[-1] == clf.score(X_val, y_val)
    quiet_fit(clf, X, y)  # a call without validation data has no record
    assert clf.validation_scores_ is None and clf.validation_loss_curve_ is None


def test_pipeline_transforms_x_val_with_metadata_routing(digits_split):
    """Pipeline(transform_input=["X_val"]) scales X_val as it scales X."""
    X, X_val, y, y_val = digits_split
    X, X_val = X * 16, X_val * 16  # raw pixels: the scaler matters
    with sklearn.config_context(enable_metadata_routing=True):
        mlp = SigmoidMLPClassifier(max_iter=3, random_state=0).set_fit_request(
            X_val=True, y_val=True
        )
        pipe = Pipeline(
            [("scale", StandardScaler()), ("mlp", mlp)], transform_input=["X_val"]
        )
        quiet_fit(pipe, X, y, X_val=X_val, y_val=y_val)
    scaler = StandardScaler().fit(X)
    direct = quiet_fit(
        SigmoidMLPClassifier(max_iter=3, random_state=0),
        scaler.transform(X),
        y,
        X_val=scaler.transform(X_val),
        y_val=y_val,
    )
    assert pipe[-1].validation_scores_ == direct.validation_scores_
    np.testing.assert_allclose(
        pipe[-1].validation_loss_curve_, direct.validation_loss_curve_
    )
    assert pipe[-1].validation_scores_[-1] == pipe.score(X_val, y_val)


def test_verbose_reports_the_validation_loss_and_accuracy(digits_split, capsys):
    X, X_val, y, y_val = digits_split
    clf = quiet_fit(
        SigmoidMLPClassifier(max_iter=2, verbose=True, random_state=0),
        X,
        y,
        X_val=X_val,
        y_val=y_val,
    )
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 2
    for line, loss, score in zip(
        lines, clf.validation_loss_curve_, clf.validation_scores_
    ):
        assert f"validation loss = {loss:.8f}" in line
        assert f"validation accuracy = {score:.4f}" in line
