"""scikit-learn's estimator checks.

The only expected failures are those that scikit-learn's own
``MLPClassifier`` or ``MLPRegressor`` of the same shape fails too, and a test
proves it does.
"""

import warnings

import pytest
from sklearn.base import (
    BaseEstimator,
    ClassifierMixin,
    RegressorMixin,
    is_classifier,
    is_regressor,
)
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.utils.estimator_checks import (
    check_classifiers_train,
    check_estimator,
    check_regressors_train,
    parametrize_with_checks,
)

from sklearn_sigmoid_mlp import SigmoidMLPClassifier, SigmoidMLPRegressor

ESTIMATORS = [
    SigmoidMLPClassifier(),
    # SGD with its default learning_rate_init=0.001, as MLPClassifier has it
    SigmoidMLPClassifier(solver="sgd"),
    # 0.01 learns check_classifiers_train's tiny data within 200 epochs
    SigmoidMLPClassifier(solver="sgd", learning_rate_init=0.01),
    SigmoidMLPClassifier(loss="squared_error"),
    SigmoidMLPClassifier(solver="lbfgs"),
    SigmoidMLPRegressor(),
    # SGD with its default learning_rate_init=0.001, as MLPRegressor has it
    SigmoidMLPRegressor(solver="sgd"),
    # 0.01 fits check_regressors_train's data within 200 epochs
    SigmoidMLPRegressor(solver="sgd", learning_rate_init=0.01),
    SigmoidMLPRegressor(solver="lbfgs"),
]
# loss="poisson" is not among them: check_regressor_multioutput draws negative
# targets whatever the tags say (positive_only), which the Poisson loss refuses
# while MLPRegressor(loss="poisson") trains on them silently (NaN losses); the
# Poisson regressor is tested in test_regressor.py and test_conformance.py.

# At SGD's default learning rate, 200 epochs of batches of 200 rows do not fit
# check_classifiers_train's 300-row blobs; MLPClassifier of the same shape
# fails the same check (test_sgd_default_fails_like_mlpclassifier below).
SGD_DEFAULT_FAILURES = {
    "check_classifiers_train": (
        "SGD at learning_rate_init=0.001 does not fit the check's tiny data in "
        "200 epochs; MLPClassifier(hidden_layer_sizes=(128, 64), "
        "activation='logistic', solver='sgd') fails it too"
    )
}


# The same for the regressor: 200 epochs of one batch at 0.001 leave
# check_regressors_train's R² below its 0.5; MLPRegressor of the same shape
# fails the same check (test_sgd_default_fails_like_mlpregressor below).
SGD_DEFAULT_REGRESSOR_FAILURES = {
    "check_regressors_train": (
        "SGD at learning_rate_init=0.001 does not reach R² > 0.5 on the check's "
        "data in 200 epochs; MLPRegressor(hidden_layer_sizes=(128, 64), "
        "activation='logistic', solver='sgd') fails it too"
    )
}


def expected_failed_checks(estimator):
    """The checks an instance fails along with scikit-learn's MLP of its shape."""
    params = estimator.get_params()
    if params["solver"] == "sgd" and params["learning_rate_init"] == 0.001:
        if is_regressor(estimator):
            return SGD_DEFAULT_REGRESSOR_FAILURES
        return SGD_DEFAULT_FAILURES
    return {}


# The checks multiply tiny matrices: one BLAS thread (conftest.py)
pytestmark = pytest.mark.usefixtures("single_blas_thread")


# The checks fit for a few epochs on tiny data: reaching max_iter is expected
# there and must not turn into a failure.
@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@parametrize_with_checks(ESTIMATORS, expected_failed_checks=expected_failed_checks)
def test_sklearn_compatible_estimator(estimator, check):
    """Every check of scikit-learn's estimator suite passes, but the expected."""
    check(estimator)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize(
    "estimator",
    [
        MLPClassifier(
            hidden_layer_sizes=(128, 64), activation="logistic", solver="sgd"
        ),
        SigmoidMLPClassifier(solver="sgd"),
    ],
    ids=["MLPClassifier", "SigmoidMLPClassifier"],
)
def test_sgd_default_fails_like_mlpclassifier(estimator):
    """The expected failure is scikit-learn's too: both miss the 0.83 accuracy."""
    with pytest.raises(AssertionError):
        check_classifiers_train(type(estimator).__name__, estimator)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize(
    "estimator",
    [
        MLPRegressor(hidden_layer_sizes=(128, 64), activation="logistic", solver="sgd"),
        SigmoidMLPRegressor(solver="sgd"),
    ],
    ids=["MLPRegressor", "SigmoidMLPRegressor"],
)
def test_sgd_default_fails_like_mlpregressor(estimator):
    """The regressor's expected failure is scikit-learn's too: both miss R² > 0.5."""
    with pytest.raises(AssertionError):
        check_regressors_train(type(estimator).__name__, estimator)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize(
    "estimator",
    [
        MLPRegressor(hidden_layer_sizes=(128, 64), activation="logistic"),
        SigmoidMLPRegressor(),
        SigmoidMLPRegressor(solver="sgd", learning_rate_init=0.01),
    ],
    ids=["MLPRegressor", "SigmoidMLPRegressor", "SigmoidMLPRegressor-sgd-0.01"],
)
def test_regressors_train_passes_where_mlpregressor_does(estimator):
    """Adam's default (and SGD at 0.01) pass the check that SGD's default fails."""
    check_regressors_train(type(estimator).__name__, estimator)


@pytest.mark.parametrize("estimator", [SigmoidMLPClassifier(), SigmoidMLPRegressor()])
def test_check_estimator_passes(estimator):
    """``check_estimator`` on the default estimators raises nothing."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        results = check_estimator(estimator, on_skip=None)
    failed = [
        result["check_name"] for result in results if result["status"] == "failed"
    ]
    assert failed == []
    assert len(results) > 50


def test_is_classifier_and_mixin_order():
    """The estimator is a classifier, with ClassifierMixin left of BaseEstimator."""
    assert is_classifier(SigmoidMLPClassifier())
    mro = SigmoidMLPClassifier.__mro__
    assert mro.index(ClassifierMixin) < mro.index(BaseEstimator)
    assert SigmoidMLPClassifier().__sklearn_tags__().estimator_type == "classifier"


def test_is_regressor_and_mixin_order():
    """The regressor is a regressor, with RegressorMixin left of BaseEstimator."""
    assert is_regressor(SigmoidMLPRegressor())
    assert not is_classifier(SigmoidMLPRegressor())
    mro = SigmoidMLPRegressor.__mro__
    assert mro.index(RegressorMixin) < mro.index(BaseEstimator)
    tags = SigmoidMLPRegressor().__sklearn_tags__()
    assert tags.estimator_type == "regressor"
    assert tags.target_tags.multi_output and tags.target_tags.single_output
    assert tags.input_tags.sparse and tags.array_api_support
    assert not tags.target_tags.positive_only
    assert (
        SigmoidMLPRegressor(loss="poisson").__sklearn_tags__().target_tags.positive_only
    )
