"""Integration tests: SigmoidMLPClassifier inside scikit-learn's own machinery.

Every test uses the real scikit-learn objects (pipelines, searches,
meta-estimators, joblib's process backend); nothing is mocked. Networks are
small and epochs capped so that each test takes about a second.
"""

import numpy as np
import pandas as pd
import pytest
import sklearn
from sklearn.base import clone, is_classifier
from sklearn.calibration import CalibratedClassifierCV
from sklearn.compose import ColumnTransformer
from sklearn.datasets import load_breast_cancer, load_iris
from sklearn.ensemble import StackingClassifier, VotingClassifier
from sklearn.exceptions import ConvergenceWarning
from sklearn.inspection import permutation_importance
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import brier_score_loss
from sklearn.model_selection import (
    GridSearchCV,
    KFold,
    RandomizedSearchCV,
    StratifiedKFold,
    check_cv,
    cross_val_score,
    cross_validate,
    learning_curve,
    train_test_split,
)
from sklearn.multiclass import OneVsRestClassifier
from sklearn.multioutput import MultiOutputClassifier
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import MinMaxScaler, OneHotEncoder, StandardScaler
from sklearn.utils import estimator_html_repr

from sklearn_sigmoid_mlp import SigmoidMLPClassifier

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


def small_mlp(**params):
    """A quick network for integration tests.

    Parameters
    ----------
    **params : dict
        Overrides of the defaults below.

    Returns
    -------
    clf : SigmoidMLPClassifier
        One hidden layer of 16 units, Adam at 0.01, at most 50 epochs.
    """
    defaults = {
        "hidden_layer_sizes": (16,),
        "learning_rate_init": 0.01,
        "max_iter": 50,
        "random_state": 0,
    }
    return SigmoidMLPClassifier(**{**defaults, **params})


@pytest.fixture(scope="module")
def iris():
    """Iris, standardised: 150 samples, 4 features, 3 classes sorted by label."""
    X, y = load_iris(return_X_y=True)
    return StandardScaler().fit_transform(X), y


@pytest.fixture(scope="module")
def breast_cancer():
    """Breast cancer, standardised and split: X_train, X_test, y_train, y_test."""
    X, y = load_breast_cancer(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, stratify=y, random_state=0
    )
    scaler = StandardScaler().fit(X_train)
    return scaler.transform(X_train), scaler.transform(X_test), y_train, y_test


@pytest.fixture(scope="module")
def mixed_frame():
    """A DataFrame with numeric and categorical columns and a target.

    Returns
    -------
    frame : pandas.DataFrame
        Columns ``"age"``, ``"income"`` (numeric, on very different scales),
        ``"city"`` and ``"plan"`` (strings).
    y : ndarray of shape (600,)
        Binary labels that depend on a numeric and a categorical column, so
        that a model needs both kinds of column to score well.
    """
    rng = np.random.RandomState(0)
    n = 600
    frame = pd.DataFrame(
        {
            "age": rng.uniform(18, 80, n),
            "income": rng.lognormal(10, 1, n),
            "city": rng.choice(["paris", "oslo", "lima", "rome"], n),
            "plan": rng.choice(["basic", "pro"], n),
        }
    )
    city_effect = frame["city"].map({"paris": 2.0, "oslo": -2.0, "lima": 1.0})
    logit = (frame["age"] - 49) / 8 + city_effect.fillna(-1.0)
    y = (logit + rng.normal(scale=0.5, size=n) > 0).astype(int).to_numpy()
    return frame, y


def test_pipeline_with_preprocessing(digits):
    X, y = digits
    X_train, X_test, y_train, y_test = train_test_split(
        X * 16.0, y, stratify=y, random_state=0
    )
    pipe = make_pipeline(MinMaxScaler(), small_mlp())
    pipe.fit(X_train, y_train)
    assert pipe.score(X_test, y_test) > 0.9
    assert pipe.predict_proba(X_test).shape == (len(X_test), 10)
    np.testing.assert_allclose(pipe.predict_proba(X_test).sum(axis=1), 1, rtol=1e-6)
    assert is_classifier(pipe)
    assert list(pipe.classes_) == list(range(10))


def test_column_transformer_over_dataframe(mixed_frame):
    frame, y = mixed_frame
    X_train, X_test, y_train, y_test = train_test_split(
        frame, y, stratify=y, random_state=0
    )
    preprocess = ColumnTransformer(
        [
            ("numeric", StandardScaler(), ["age", "income"]),
            ("categorical", OneHotEncoder(handle_unknown="ignore"), ["city", "plan"]),
        ]
    )
    pipe = Pipeline([("preprocess", preprocess), ("mlp", small_mlp(max_iter=100))])
    pipe.fit(X_train, y_train)
    assert pipe.score(X_test, y_test) > 0.85
    # the pipeline keeps the frame's column names; the network sees 2 + 4 + 2
    assert list(pipe.feature_names_in_) == ["age", "income", "city", "plan"]
    assert pipe.named_steps["mlp"].n_features_in_ == 8
    # the categorical column matters: dropping it costs accuracy
    numeric_only = Pipeline(
        [
            ("preprocess", ColumnTransformer([("n", StandardScaler(), ["age"])])),
            ("mlp", small_mlp(max_iter=100)),
        ]
    ).fit(X_train, y_train)
    assert pipe.score(X_test, y_test) > numeric_only.score(X_test, y_test) + 0.05


def test_dataframe_feature_names_reach_the_estimator(mixed_frame):
    frame, y = mixed_frame
    numeric = frame[["age", "income"]]
    clf = small_mlp(max_iter=5).fit(
        StandardScaler().set_output(transform="pandas").fit_transform(numeric), y
    )
    assert list(clf.feature_names_in_) == ["age", "income"]


def test_is_classifier_gives_stratified_folds(iris):
    X, y = iris  # sorted by label: unstratified, unshuffled folds miss a class
    clf = small_mlp()
    assert is_classifier(clf)
    assert isinstance(check_cv(3, y, classifier=is_classifier(clf)), StratifiedKFold)
    stratified = cross_val_score(clf, X, y, cv=3)
    plain = cross_val_score(clf, X, y, cv=KFold(3))
    assert stratified.min() > 0.8
    assert plain.max() == 0.0  # the held-out class was never seen in training


def test_cross_val_score_and_cross_validate_in_processes(digits):
    X, y = digits
    scores = cross_val_score(small_mlp(), X, y, cv=3, n_jobs=2)
    assert scores.shape == (3,)
    assert scores.min() > 0.85
    results = cross_validate(
        small_mlp(),
        X,
        y,
        cv=3,
        n_jobs=2,
        scoring=["accuracy", "neg_log_loss"],
        return_estimator=True,
        return_train_score=True,
    )
    np.testing.assert_allclose(results["test_accuracy"], scores)
    assert results["test_neg_log_loss"].max() < 0
    assert (results["train_accuracy"] >= results["test_accuracy"] - 0.02).all()
    # the estimators come back fitted from the worker processes
    for estimator in results["estimator"]:
        assert estimator.n_iter_ >= 1
        assert estimator.coefs_[0].shape == (64, 16)


def test_grid_search_in_processes_over_several_parameters(digits):
    X, y = digits
    grid = {
        "hidden_layer_sizes": [(8,), (16,)],
        "alpha": [1e-4, 1e-1],
        "solver": ["adam", "sgd"],
    }
    search = GridSearchCV(small_mlp(learning_rate_init=0.05), grid, cv=3, n_jobs=2)
    search.fit(X, y)
    assert len(search.cv_results_["params"]) == 8
    assert search.best_score_ > 0.9
    assert set(search.best_params_) == set(grid)
    assert search.best_estimator_.coefs_[0].shape[1] in (8, 16)
    # the same search in this process gives the same scores
    serial = GridSearchCV(small_mlp(learning_rate_init=0.05), grid, cv=3, n_jobs=1)
    serial.fit(X, y)
    np.testing.assert_array_equal(
        search.cv_results_["mean_test_score"], serial.cv_results_["mean_test_score"]
    )


def test_randomized_search_in_processes(digits):
    X, y = digits
    distributions = {
        "hidden_layer_sizes": [(8,), (16,), (24,)],
        "learning_rate_init": [0.003, 0.01, 0.03],
        "batch_size": [32, 100, "auto"],
        "alpha": [1e-5, 1e-3],
    }
    search = RandomizedSearchCV(
        small_mlp(), distributions, n_iter=5, cv=3, n_jobs=2, random_state=0
    )
    search.fit(X, y)
    assert len(search.cv_results_["params"]) == 5
    assert search.best_score_ > 0.85
    assert search.score(X, y) > 0.9


def test_clone_get_params_set_params(iris):
    X, y = iris
    clf = small_mlp(alpha=0.01).fit(X, y)
    params = clf.get_params()
    assert params["alpha"] == 0.01
    assert params["hidden_layer_sizes"] == (16,)
    copy = clone(clf)
    assert copy.get_params() == params
    assert not hasattr(copy, "coefs_")  # clone is unfitted
    copy.set_params(alpha=0.5, hidden_layer_sizes=(4,))
    assert copy.alpha == 0.5
    assert clf.alpha == 0.01  # the original is untouched
    assert copy.fit(X, y).coefs_[0].shape == (4, 4)
    pipe = make_pipeline(StandardScaler(), small_mlp())
    pipe.set_params(sigmoidmlpclassifier__max_iter=7)
    assert pipe.get_params()["sigmoidmlpclassifier__max_iter"] == 7
    with pytest.raises(ValueError, match="Invalid parameter"):
        clf.set_params(not_a_parameter=1)


def test_html_repr():
    pipe = make_pipeline(StandardScaler(), small_mlp(alpha=0.5))
    html = estimator_html_repr(pipe)
    assert "SigmoidMLPClassifier" in html
    assert "StandardScaler" in html
    # non-default parameters are shown
    assert "alpha" in html
    assert "0.5" in html
    assert "<style" in html
    # what Jupyter shows
    assert "SigmoidMLPClassifier" in pipe._repr_html_()


def test_calibrated_classifier(digits):
    X, y = digits
    X_train, X_test, y_train, y_test = train_test_split(
        X, y == 3, stratify=y == 3, random_state=0
    )
    calibrated = CalibratedClassifierCV(small_mlp(max_iter=20), method="sigmoid", cv=3)
    calibrated.fit(X_train, y_train)
    assert len(calibrated.calibrated_classifiers_) == 3
    proba = calibrated.predict_proba(X_test)
    assert proba.shape == (len(X_test), 2)
    assert calibrated.score(X_test, y_test) > 0.95
    # calibration is a sensible probability model: far better than a constant
    constant = np.full(len(y_test), y_train.mean())
    assert brier_score_loss(y_test, proba[:, 1]) < 0.5 * brier_score_loss(
        y_test, constant
    )


def test_soft_voting(digits):
    X, y = digits
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, stratify=y, random_state=0
    )
    voting = VotingClassifier(
        [
            ("mlp", small_mlp()),
            ("mlp_small", small_mlp(hidden_layer_sizes=(8,), random_state=1)),
            ("knn", KNeighborsClassifier()),
        ],
        voting="soft",
    )
    voting.fit(X_train, y_train)
    proba = voting.predict_proba(X_test)
    expected = np.mean([e.predict_proba(X_test) for e in voting.estimators_], axis=0)
    np.testing.assert_allclose(proba, expected)
    assert voting.score(X_test, y_test) > 0.93


def test_stacking(breast_cancer):
    X_train, X_test, y_train, y_test = breast_cancer
    stacking = StackingClassifier(
        [
            ("mlp", small_mlp()),
            ("mlp_sgd", small_mlp(solver="sgd", learning_rate_init=0.1)),
        ],
        final_estimator=LogisticRegression(),
        cv=3,
    )
    stacking.fit(X_train, y_train)
    # binary: one probability column per base estimator
    assert stacking.transform(X_test).shape == (len(X_test), 2)
    assert stacking.score(X_test, y_test) > 0.93


def test_stacking_with_mlp_as_final_estimator(iris):
    X, y = iris
    stacking = StackingClassifier(
        [("knn", KNeighborsClassifier()), ("mlp", small_mlp())],
        final_estimator=small_mlp(hidden_layer_sizes=(4,), max_iter=200),
        cv=3,
    )
    assert cross_val_score(stacking, X, y, cv=3).mean() > 0.85


def test_one_vs_rest(digits):
    X, y = digits
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, stratify=y, random_state=0
    )
    ovr = OneVsRestClassifier(small_mlp())
    ovr.fit(X_train, y_train)
    assert len(ovr.estimators_) == 10
    # every binary sub-model is our estimator, trained on labels {0, 1}
    assert all(list(e.classes_) == [0, 1] for e in ovr.estimators_)
    assert ovr.score(X_test, y_test) > 0.9


def test_multi_output(digits):
    X, y = digits
    Y = np.column_stack([y % 2, y >= 5, y % 3])  # binary, binary, 3 classes
    X_train, X_test, Y_train, Y_test = train_test_split(X, Y, random_state=0)
    multi = MultiOutputClassifier(small_mlp()).fit(X_train, Y_train)
    assert multi.predict(X_test).shape == Y_test.shape
    assert [p.shape[1] for p in multi.predict_proba(X_test)] == [2, 2, 3]
    accuracy = (multi.predict(X_test) == Y_test).mean(axis=0)
    assert accuracy.min() > 0.85


def test_permutation_importance_finds_the_informative_features():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(400, 6))
    y = (X[:, 0] + X[:, 1] > 0).astype(int)  # features 2..5 are noise
    clf = small_mlp(max_iter=100).fit(X, y)
    result = permutation_importance(clf, X, y, n_repeats=5, random_state=0)
    assert result.importances.shape == (6, 5)
    informative = result.importances_mean[:2]
    noise = result.importances_mean[2:]
    assert informative.min() > 0.2
    assert np.abs(noise).max() < 0.05


def test_learning_curve(digits):
    X, y = digits
    sizes, train_scores, test_scores = learning_curve(
        small_mlp(max_iter=30), X, y, train_sizes=[0.2, 0.5, 1.0], cv=3
    )
    assert train_scores.shape == test_scores.shape == (3, 3)
    assert list(sizes) == [239, 599, 1198]
    mean_test = test_scores.mean(axis=1)
    assert mean_test[-1] > mean_test[0]  # more data helps
    assert mean_test[-1] > 0.85


def _weighted_pipeline():
    """A scaler and our classifier; the classifier requests sample_weight.

    Returns
    -------
    pipe : Pipeline
        The scaler ignores the weights; the classifier's ``fit`` and ``score``
        (the search's default scorer) receive them.
    """
    return make_pipeline(
        StandardScaler().set_fit_request(sample_weight=False),
        small_mlp(max_iter=100)
        .set_fit_request(sample_weight=True)
        .set_score_request(sample_weight=True),
    )


def test_metadata_routing_sample_weight_through_pipeline_in_grid_search(iris):
    X, y = iris
    # class 2 almost ignored: its samples weigh 1 / 100 of the others
    sample_weight = np.where(y == 2, 0.01, 1.0)
    grid = {"sigmoidmlpclassifier__alpha": [1e-4, 1e-2]}
    with sklearn.config_context(enable_metadata_routing=True):
        weighted = GridSearchCV(_weighted_pipeline(), grid, cv=3, error_score="raise")
        weighted.fit(X, y, sample_weight=sample_weight)
        unweighted = GridSearchCV(
            _weighted_pipeline(), grid, cv=3, error_score="raise"
        ).fit(X, y)
        # the refit on the whole data is exactly a direct weighted fit
        direct = clone(weighted.best_estimator_).fit(X, y, sample_weight=sample_weight)
    assert not sklearn.get_config()["enable_metadata_routing"]

    def coefs(search_or_pipe):
        pipe = getattr(search_or_pipe, "best_estimator_", search_or_pipe)
        return pipe.named_steps["sigmoidmlpclassifier"].coefs_

    for a, b in zip(coefs(weighted), coefs(direct)):
        np.testing.assert_array_equal(a, b)
    assert weighted.best_params_ == unweighted.best_params_  # same hyperparameters
    assert not np.allclose(coefs(weighted)[0], coefs(unweighted)[0])
    # the weights change predictions in the expected direction: class 2 loses
    n_weighted = np.sum(weighted.predict(X) == 2)
    n_unweighted = np.sum(unweighted.predict(X) == 2)
    assert n_weighted < n_unweighted - 10


def test_metadata_routing_rejects_unrequested_weights(iris):
    X, y = iris
    pipe = make_pipeline(StandardScaler(), small_mlp())  # no requests set
    with (
        sklearn.config_context(enable_metadata_routing=True),
        pytest.raises(ValueError, match="sample_weight"),
    ):
        GridSearchCV(pipe, {"sigmoidmlpclassifier__alpha": [1e-4]}, cv=3).fit(
            X, y, sample_weight=np.ones(len(y))
        )


def test_convergence_warning_is_a_real_convergence_warning(iris):
    X, y = iris
    with pytest.warns(ConvergenceWarning):
        small_mlp(max_iter=2).fit(X, y)
