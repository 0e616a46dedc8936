"""scikit-learn's estimator checks, with no expected failures."""

import warnings

import pytest
from sklearn.base import BaseEstimator, ClassifierMixin, is_classifier
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils.estimator_checks import check_estimator, parametrize_with_checks
from threadpoolctl import threadpool_limits

from sklearn_sigmoid_mlp import SigmoidMLPClassifier

ESTIMATORS = [
    SigmoidMLPClassifier(),
    # SGD's default learning_rate_init=0.001 is too slow to fit
    # check_classifiers_train's tiny data sets within the 200 default epochs;
    # 0.01 learns them, so the check runs without an expected failure.
    SigmoidMLPClassifier(solver="sgd", learning_rate_init=0.01),
    SigmoidMLPClassifier(loss="squared_error"),
]


@pytest.fixture(autouse=True)
def single_blas_thread():
    """Run each test with one BLAS thread.

    The checks multiply tiny matrices, for which OpenBLAS's threads cost far
    more than they save (ten times slower on a busy two-core machine), and one
    thread keeps the summation order, hence the results, reproducible.
    """
    with threadpool_limits(limits=1, user_api="blas"):
        yield


# The checks fit for a few epochs on tiny data: reaching max_iter is expected
# there and must not turn into a failure.
@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@parametrize_with_checks(ESTIMATORS)
def test_sklearn_compatible_estimator(estimator, check):
    """Every check of scikit-learn's estimator suite passes."""
    check(estimator)


def test_check_estimator_passes():
    """``check_estimator`` on the default estimator raises nothing."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        results = check_estimator(SigmoidMLPClassifier(), on_skip=None)
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
