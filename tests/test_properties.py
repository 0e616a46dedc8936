"""Bad input, tried systematically: property-based tests with Hypothesis.

Generated inputs are thrown at ``fit``, ``partial_fit``, ``predict``,
``predict_proba`` and ``predict_log_proba``: shapes from zero or one row or
column upward; int, bool, float32, float64, object, list, DataFrame and sparse
features; NaN and inf; labels as ints, strings, bools, integral floats, mixed
types, continuous values and NaN; multilabel indicators; ``classes``
inconsistent with y; sample weights negative, zero, NaN, inf, huge, 2-D or of
the wrong length; class weights naming unknown classes; wrong feature counts;
unfitted models.

Every generated case records the defects it was given. The oracle is strict:

- a case without defects must succeed, with finite weights and valid outputs
  (probabilities in [0, 1], rows summing to one, labels among ``classes_``);
- a case with defects must raise ``ValueError``, ``TypeError`` or
  ``NotFittedError`` whose message names one of them; nothing else may escape;
- no warning may appear (they are errors inside the calls), except
  ``ConvergenceWarning`` (``max_iter`` is tiny) and scikit-learn's notes about
  feature names;
- a failed call leaves the estimator exactly as it was (a deep comparison of
  every attribute: weights, optimizer state, random state, counters, ...).

The network is tiny (``hidden_layer_sizes=(3,)``, ``max_iter=2``) so that the
200 examples per property of the ``"ci"`` profile (``tests/conftest.py``) run
in seconds.
"""

import copy
import warnings

import numpy as np
import pandas as pd
import scipy.sparse as sp
from helpers import assert_finite_model, assert_valid_proba
from hypothesis import event, given, note
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from sklearn.exceptions import ConvergenceWarning, NotFittedError

from sklearn_sigmoid_mlp import SigmoidMLPClassifier

ALLOWED_ERRORS = (ValueError, TypeError, NotFittedError)

# words of which an error message must contain one, for each kind of defect
PROBLEM_WORDS = {
    "nonfinite_X": ("nan", "infinity"),
    "no_samples": ("sample",),
    "no_features": ("feature",),
    "n_features": ("feature",),
    "n_samples": ("samples",),
    "no_class": ("class",),
    "label_type": ("label",),
    "nan_y": ("nan",),
    "sample_weight": ("sample_weight", "sample weight"),
    "classes": ("class", "label"),
    "class_weight": ("class_weight",),
    "target_kind": ("multilabel", "label"),
    "not_fitted": ("not fitted",),
    # early stopping's hold-out may lack samples of positive weight
    "validation_split": ("early_stopping", "validation"),
    "warm_start_classes": ("same classes",),
}

STOP_REASONS = {
    "converged",
    "max_iter",
    "early_stopping",
    "diverged",
    "interrupted",
    "max_time",
    "partial_fit",
}

FINITE = st.one_of(
    st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False),
    st.sampled_from([0.0, 1.0, -1.0, 0.5, 1e6, -1e6]),
)
X_KINDS = [
    "float64",
    "float32",
    "int64",
    "bool",
    "object",
    "list",
    "fortran",
    "dataframe",
    "csr",
    "csc",
    "coo",
    "csr_array",
]
LABEL_KINDS = [
    "int",
    "int",
    "str",
    "str",
    "bool",
    "float_int",
    "mixed",
    "continuous",
    "nan",
    "multilabel",
]
# the three labels of each kind; codes 0, 1, 2 index them
LABEL_SPACES = {
    "int": [-5, 5, 15],
    "str": ["cat", "dog", "emu"],
    "bool": [False, True, True],
    "float_int": [0.0, 1.0, 2.0],
    "mixed": [1, "a", 2],
    "continuous": [0.5, 1.5, 2.5],
    "nan": [0.0, 1.0, 2.0],
}
VALID_LABEL_KINDS = ["int", "str", "bool", "float_int", "multilabel"]
VALID_WEIGHT_KINDS = ["none", "ones", "positive", "scalar"]
SAMPLE_WEIGHT_KINDS = [
    "none",
    "none",
    "none",
    "ones",
    "positive",
    "ones",
    "positive",
    "some_zero",
    "scalar",
    "all_zero",
    "negative",
    "nan",
    "inf",
    "huge",
    "wrong_length",
    "2d",
]


# ----------------------------------------------------------------- oracle


def _outcome(function, *args, **kwargs):
    """``(result, None)`` or ``(None, error)`` of a call, warnings as errors.

    Exceptions other than the allowed ones propagate and fail the property.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.filterwarnings("ignore", message="X does not have valid feature")
        warnings.filterwarnings("ignore", message="X has feature names")
        try:
            return function(*args, **kwargs), None
        except ALLOWED_ERRORS as error:
            return None, error


def _check_outcome(error, defects, maybe=()):
    """A defect-free call succeeded; a defective one raised, naming a defect.

    ``maybe`` are problems that may or may not make the call fail (they depend
    on a random split): an error naming one of them is accepted too.
    """
    note(f"defects: {sorted(defects)}, maybe {sorted(maybe)}; error: {error!r}")
    event("outcome", "accepted" if error is None else "rejected")
    for defect in defects:
        event("defect", defect)
    if error is not None and not defects and maybe:
        defects = set(maybe)
    if not defects:
        assert error is None, f"valid input rejected: {error!r}"
        return
    assert error is not None, f"input with defects {sorted(defects)} was accepted"
    message = str(error).lower()
    words = {word for defect in {*defects, *maybe} for word in PROBLEM_WORDS[defect]}
    assert any(word in message for word in words), (
        f"{type(error).__name__}({str(error)!r}) names none of the problems "
        f"{sorted(defects)} (expected one of {sorted(words)})"
    )


def _state(estimator):
    """A deep copy of every attribute that is saved: parameters, fitted state.

    (The owner of the flat parameter vector, a transient view of the same
    arrays, is not saved: ``__getstate__`` leaves it out.)
    """
    return copy.deepcopy(estimator.__getstate__())


def _assert_same(before, after, path="estimator"):
    """Recursive, exact equality of two deep snapshots."""
    if isinstance(before, dict):
        assert isinstance(after, dict), path
        assert list(before) == list(after), f"{path}: keys {list(after)}"
        for key in before:
            _assert_same(before[key], after[key], f"{path}.{key}")
    elif isinstance(before, list | tuple):
        assert type(before) is type(after), path
        assert len(before) == len(after), path
        for i, (b, a) in enumerate(zip(before, after)):
            _assert_same(b, a, f"{path}[{i}]")
    elif isinstance(before, np.ndarray):
        assert isinstance(after, np.ndarray), path
        assert before.dtype == after.dtype, path
        assert np.array_equal(before, after, equal_nan=before.dtype.kind == "f"), path
    elif isinstance(before, float) and np.isnan(before):
        assert isinstance(after, float) and np.isnan(after), path
    else:
        assert type(before) is type(after), path
        assert before == after, f"{path}: {before!r} != {after!r}"


def _check_fitted(estimator, X_clean, multilabel):
    """Finite weights, valid probabilities and labels on defect-free X.

    ``multilabel``: whether the estimator was trained on a multilabel indicator.
    """
    assert_finite_model(estimator)
    assert estimator.stop_reason_ in STOP_REASONS
    assert all(np.isfinite(estimator.loss_curve_))
    proba, error = _outcome(estimator.predict_proba, X_clean)
    assert error is None, error
    assert_valid_proba(estimator, proba, multilabel=multilabel, n_rows=len(X_clean))
    labels, error = _outcome(estimator.predict, X_clean)
    assert error is None, error
    _check_labels(estimator, labels, len(X_clean), multilabel)


def _check_labels(estimator, labels, n_rows, multilabel):
    if multilabel:
        assert labels.shape == (n_rows, len(estimator.classes_))
        assert set(np.unique(labels)) <= {0, 1}
    else:
        assert labels.shape == (n_rows,)
        assert set(labels.tolist()) <= set(estimator.classes_.tolist())


# ------------------------------------------------------------- generators


def _rarely(data, label, one_in):
    """True one time in ``one_in`` (st.integers would favour the boundaries)."""
    return data.draw(st.sampled_from([False] * (one_in - 1) + [True]), label=label)


def _draw_size(data, high, label):
    """A size in ``[1, high]``, or (one time in ten) zero."""
    if _rarely(data, f"{label} is 0", 10):
        return 0
    return data.draw(st.integers(1, high), label=label)


def _draw_X(data, n_rows, n_features, *, allow_bad=True, kinds=X_KINDS):
    """A feature matrix of a drawn kind; returns ``(X, clean_X, defects)``.

    ``clean_X`` is the float64 array of the same values when X has no defect.
    """
    values = data.draw(
        arrays(np.float64, (n_rows, n_features), elements=FINITE), label="values"
    )
    kind = data.draw(st.sampled_from(kinds), label="X kind")
    if kind == "dataframe" and n_features == 0:
        # scikit-learn's check_array fails on a DataFrame without columns
        # with "at least one array or dtype is required": not ours to word
        kind = "float64"
    defects = set()
    if n_rows == 0:
        defects.add("no_samples")
    if n_features == 0:
        defects.add("no_features")
    if kind == "int64":
        values = np.round(values)
    elif kind == "bool":
        values = (values > 0).astype(np.float64)
    clean = values.copy()
    bad = None
    if allow_bad and values.size and kind not in ("int64", "bool"):
        choices = [None] * 6 + [np.nan, np.inf, -np.inf]
        if kind == "object":
            choices.append("None")
        bad = data.draw(st.sampled_from(choices), label="bad X value")
    if bad is not None:
        row = data.draw(st.integers(0, n_rows - 1), label="bad row")
        column = data.draw(st.integers(0, n_features - 1), label="bad column")
        defects.add("nonfinite_X")
        values = values.astype(object) if bad == "None" else values
        values[row, column] = None if bad == "None" else bad
    X = _convert_X(values, kind)
    return X, (None if defects else clean), defects


def _convert_X(values, kind):
    if kind == "float32":
        return values.astype(np.float32)
    if kind == "int64":
        return values.astype(np.int64)
    if kind == "bool":
        return values.astype(bool)
    if kind == "object":
        # Python ints where the value is integral, floats elsewhere
        return np.array(
            [
                [int(v) if isinstance(v, float) and v.is_integer() else v for v in row]
                for row in values.tolist()
            ]
            + [[0] * values.shape[1]],
            dtype=object,
        )[:-1]
    if kind == "list":
        return values.tolist()
    if kind == "fortran":
        return np.asfortranarray(values)
    if kind == "dataframe":
        columns = [f"f{j}" for j in range(values.shape[1])]
        return pd.DataFrame(values, columns=columns)
    if kind == "csr":
        return sp.csr_matrix(values)
    if kind == "csc":
        return sp.csc_matrix(values)
    if kind == "coo":
        return sp.coo_matrix(values)
    if kind == "csr_array":
        return sp.csr_array(values)
    return values


def _draw_y(data, n_rows, *, kinds=LABEL_KINDS, n_labels=None, two_classes=False):
    """Targets of a drawn kind; returns ``(y, kind, defects)``.

    The defects are those of y alone; whether it has too few classes is for
    the caller to decide (it depends on ``classes`` in ``partial_fit``).
    ``two_classes`` makes the first two rows of a single-label y differ.
    """
    kind = data.draw(st.sampled_from(kinds), label="y kind")
    if kind == "multilabel":
        if n_labels is None:
            n_labels = data.draw(st.integers(2, 3), label="n_labels")
        y = data.draw(
            arrays(np.int64, (n_rows, n_labels), elements=st.integers(0, 1)),
            label="y",
        )
        return y, kind, set()
    codes = np.array(
        data.draw(
            st.lists(st.integers(0, 2), min_size=n_rows, max_size=n_rows),
            label="label codes",
        ),
        dtype=int,
    )
    if two_classes and n_rows >= 2:
        codes[:2] = [0, 1]
    space = LABEL_SPACES[kind]
    defects = set()
    if kind == "mixed":
        y = np.array([*space, None], dtype=object)[:-1][codes]
        if any(isinstance(label, int) for label in y):
            defects.add("label_type")
    else:
        y = np.array(space)[codes]
    if kind == "continuous":
        defects.add("label_type")
    if kind == "nan" and n_rows:
        y = y.astype(float)
        y[data.draw(st.integers(0, n_rows - 1), label="nan row")] = np.nan
        defects.add("nan_y")
    return y, kind, defects


def _present_labels(y):
    """The distinct labels of a single-label y, NaN left out."""
    return {label for label in y.tolist() if label == label}


def _draw_sample_weight(data, n_rows, *, valid=False):
    """Sample weights of a drawn kind; returns ``(sample_weight, defects)``."""
    kinds = VALID_WEIGHT_KINDS if valid else SAMPLE_WEIGHT_KINDS
    kind = data.draw(st.sampled_from(kinds), label="sample_weight")
    positive = st.floats(0.01, 100.0)
    if kind == "none":
        return None, set()
    if kind == "ones":
        return np.ones(n_rows), set()
    if kind == "scalar":
        return 2.0, set()
    if kind in ("positive", "some_zero"):
        elements = (
            st.one_of(positive, st.just(0.0)) if kind == "some_zero" else positive
        )
        weights = np.array(
            data.draw(st.lists(elements, min_size=n_rows, max_size=n_rows)),
            dtype=float,
        )
        return weights, (set() if np.any(weights > 0) else {"sample_weight"})
    if kind == "wrong_length":
        change = data.draw(st.sampled_from([-1, 1])) if n_rows else 1
        return np.ones(n_rows + change), {"sample_weight"}
    if kind == "2d":
        return np.ones((n_rows, 1)), {"sample_weight"}
    weights = np.ones(n_rows)
    if n_rows:
        bad = {"all_zero": 0.0, "negative": -1.0, "nan": np.nan, "inf": np.inf}
        if kind == "huge":
            weights[:] = 1e305
        else:
            row = data.draw(st.integers(0, n_rows - 1), label="bad weight row")
            weights[row] = bad[kind]
            if kind == "all_zero":
                weights[:] = 0.0
    return weights, {"sample_weight"}


def _draw_params(data):
    return {
        "hidden_layer_sizes": (3,),
        "max_iter": 2,
        "random_state": 0,
        "solver": data.draw(st.sampled_from(["adam", "sgd"]), label="solver"),
        "loss": data.draw(st.sampled_from(["log_loss", "squared_error"]), label="loss"),
        "batch_size": data.draw(st.sampled_from(["auto", 1, 3]), label="batch_size"),
    }


def _draw_class_weight(data, y, y_kind, *, valid=False):
    """A class_weight for y; returns ``(class_weight, defects)``."""
    if valid:
        choices = [None] if y_kind == "multilabel" else [None, "balanced", "known"]
    else:
        choices = [None, None, None, None, "balanced", "known", "unknown"]
    choice = data.draw(st.sampled_from(choices), label="class_weight")
    defects = set()
    if choice is None:
        return None, defects
    if y_kind == "multilabel":
        defects.add("class_weight")
    if choice == "known":
        labels = sorted(_present_labels(y), key=repr) if y_kind != "multilabel" else []
        return ({labels[0]: 2.0} if labels else {0: 2.0}), defects
    if choice == "unknown":
        if y_kind != "multilabel" and 99 not in _present_labels(y):
            defects.add("class_weight")
        return {99: 2.0}, defects
    return choice, defects


def _fit_defects(y, y_kind, y_defects, n_rows):
    """Defects of y as the targets of a fresh ``fit``.

    Those of y alone: a y of one class is fitted (and that class predicted),
    as MLPClassifier fits it.
    """
    return set(y_defects)


# ------------------------------------------------------------- properties


@given(data=st.data())
def test_fit_rejects_bad_input_or_fits_finitely(data):
    """fit on generated X, y and sample_weight: valid model or a named error."""
    valid = _rarely(data, "valid input only", 4)
    if valid:
        n_rows = data.draw(st.integers(2, 8), label="n_rows")
        n_features = data.draw(st.integers(1, 4), label="n_features")
    else:
        n_rows = _draw_size(data, 8, "n_rows")
        n_features = _draw_size(data, 4, "n_features")
    X, X_clean, defects = _draw_X(data, n_rows, n_features, allow_bad=not valid)
    y_rows = n_rows
    if not valid and n_rows and _rarely(data, "other y length", 10):
        y_rows = n_rows + 1
        defects.add("n_samples")
    y, y_kind, y_defects = _draw_y(
        data,
        y_rows,
        kinds=VALID_LABEL_KINDS if valid else LABEL_KINDS,
        two_classes=valid,
    )
    defects |= _fit_defects(y, y_kind, y_defects, y_rows)
    sample_weight, weight_defects = _draw_sample_weight(data, n_rows, valid=valid)
    defects |= weight_defects
    params = _draw_params(data)
    params["class_weight"], weight_defects = _draw_class_weight(
        data, y, y_kind, valid=valid
    )
    defects |= weight_defects
    params["early_stopping"] = data.draw(st.booleans(), label="early_stopping")
    maybe = set()
    some_zero = sample_weight is not None and np.any(np.asarray(sample_weight) == 0)
    if params["early_stopping"] and some_zero:
        maybe.add("validation_split")
    if params["early_stopping"] and not defects and _cannot_hold_out(y, y_kind):
        defects.add("validation_split")
    estimator = SigmoidMLPClassifier(**params)
    before = _state(estimator)

    _, error = _outcome(estimator.fit, X, y, sample_weight=sample_weight)

    _check_outcome(error, defects, maybe)
    if error is None:
        _check_fitted(estimator, X_clean, multilabel=y_kind == "multilabel")
    else:
        _assert_same(before, _state(estimator))


def _cannot_hold_out(y, y_kind):
    """Whether early stopping's stratified 10% hold-out of y cannot be made.

    It needs two validation rows at least and, for single-label targets, two
    members of every class and room for each class on both sides.
    """
    n_rows = len(y)
    n_val = int(np.ceil(0.1 * n_rows))
    if n_val < 2:
        return True
    if y_kind == "multilabel":
        return False
    _, counts = np.unique(np.asarray(y), return_counts=True)
    return counts.min() < 2 or min(n_val, n_rows - n_val) < len(counts)


def _draw_classes(data, y, y_kind, *, valid=False):
    """``classes`` for a first partial_fit; returns ``(classes, defects)``."""
    if valid:
        if y_kind == "multilabel":
            return list(range(y.shape[1])), set()
        return list(dict.fromkeys(LABEL_SPACES[y_kind])), set()
    if y_kind == "multilabel":
        choice = data.draw(st.sampled_from(["exact", "wrong", "none"]), label="classes")
        n_labels = y.shape[1]
        if choice == "exact":
            return list(range(n_labels)), set()
        if choice == "wrong":
            return list(range(n_labels + 1)), {"classes"}
        return None, {"classes"}
    choice = data.draw(
        st.sampled_from(
            [
                "exact",
                "exact",
                "reversed",
                "missing",
                "other_type",
                "one",
                "empty",
                "none",
            ]
        ),
        label="classes",
    )
    space = list(dict.fromkeys(LABEL_SPACES[y_kind]))
    present = _present_labels(y)
    classes, defects = _classes_of_choice(choice, y_kind, space, present)
    if y_kind == "mixed" and classes:
        # labels of mixed types: strings and numbers cannot be sorted together
        defects.add("classes")
    return classes, defects


def _classes_of_choice(choice, y_kind, space, present):
    if choice == "exact":
        return space, set()
    if choice == "reversed":
        return space[::-1] + space[:1], set()
    if choice == "missing":
        dropped = sorted(present, key=repr)[0] if present else space[0]
        kept = [label for label in space if label != dropped]
        return kept, ({"classes"} if dropped in present else set())
    if choice == "other_type":
        other = [0, 1, 2] if y_kind == "str" else ["x", "y", "z"]
        return other, ({"classes"} if present else set())
    if choice == "one":
        # one class is fine, as long as y has no other
        return space[:1], ({"classes"} if present - {space[0]} else set())
    if choice == "empty":
        return [], {"no_class"}
    return None, {"classes"}


def _continuation_defects(
    estimator, multilabel_model, X_features, y, y_kind, y_defects
):
    """Defects of a call that continues training a fitted estimator.

    ``multilabel_model``: whether the estimator was trained on a multilabel
    indicator.
    """
    defects = set(y_defects)
    if X_features != estimator.n_features_in_:
        defects.add("n_features")
    if (y_kind == "multilabel") != multilabel_model:
        defects.add("target_kind")
    elif y_kind == "multilabel":
        if y.shape[1] != len(estimator.classes_):
            defects.add("target_kind")
    elif not defects and not _present_labels(y) <= set(estimator.classes_.tolist()):
        defects.add("classes")
    return defects


@given(data=st.data())
def test_partial_fit_rejects_bad_input_or_trains_finitely(data):
    """Two partial_fit calls on generated input; a failed one changes nothing."""
    valid = _rarely(data, "valid input only", 4)
    n_features = data.draw(st.integers(1, 4), label="n_features")
    estimator = SigmoidMLPClassifier(**_draw_params(data))
    label_kinds, n_labels = (VALID_LABEL_KINDS if valid else LABEL_KINDS), None
    multilabel_model = None  # the kind of targets of the first successful call
    for call in range(2):
        if valid:
            n_rows = data.draw(st.integers(1, 6), label="n_rows")
        else:
            n_rows = _draw_size(data, 6, "n_rows")
        features = n_features
        if call and not valid and _rarely(data, "other n_features", 5):
            features = n_features + 1
        X, X_clean, defects = _draw_X(data, n_rows, features, allow_bad=not valid)
        y, y_kind, y_defects = _draw_y(
            data, n_rows, kinds=label_kinds, n_labels=n_labels
        )
        if valid:
            # the second call continues with targets of the same kind
            label_kinds = [y_kind]
            n_labels = y.shape[1] if y.ndim == 2 else None
        sample_weight, weight_defects = _draw_sample_weight(data, n_rows, valid=valid)
        defects |= weight_defects
        fitted = hasattr(estimator, "coefs_")
        if fitted:
            defects |= _continuation_defects(
                estimator, multilabel_model, features, y, y_kind, y_defects
            )
            classes = data.draw(
                st.sampled_from([None, "same"] if valid else [None, "same", "other"]),
                label="classes again",
            )
            if classes == "same":
                classes = list(estimator.classes_)
            elif classes == "other":
                classes = ["p", "q"]
                defects.add("classes")
        else:
            classes, class_defects = _draw_classes(data, y, y_kind, valid=valid)
            defects |= y_defects | class_defects
        before = _state(estimator)

        _, error = _outcome(
            estimator.partial_fit, X, y, classes=classes, sample_weight=sample_weight
        )

        _check_outcome(error, defects)
        if error is None:
            if multilabel_model is None:
                multilabel_model = y_kind == "multilabel"
            _check_fitted(estimator, X_clean, multilabel_model)
            assert estimator.stop_reason_ == "partial_fit"
        else:
            _assert_same(before, _state(estimator))


def _valid_model(data):
    """A model fitted on drawn valid data; returns ``(estimator, y_kind)``."""
    n_rows = data.draw(st.integers(4, 8), label="base n_rows")
    n_features = data.draw(st.integers(1, 4), label="base n_features")
    X = data.draw(
        arrays(np.float64, (n_rows, n_features), elements=FINITE), label="base X"
    )
    y_kind = data.draw(st.sampled_from(["int", "str", "multilabel"]), label="base y")
    if y_kind == "multilabel":
        y = np.array([[0, 1], [1, 0], [1, 1]] * 3)[:n_rows]
    else:
        y = np.array(LABEL_SPACES[y_kind])[np.arange(n_rows) % 3]
    dtype = data.draw(st.sampled_from([np.float64, np.float32]), label="base dtype")
    if data.draw(st.booleans(), label="base as DataFrame"):
        X = pd.DataFrame(X.astype(dtype), columns=[f"f{j}" for j in range(n_features)])
    else:
        X = X.astype(dtype)
    estimator = SigmoidMLPClassifier(**_draw_params(data))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        estimator.fit(X, y)
    return estimator, y_kind


@given(data=st.data())
def test_failed_refit_leaves_fitted_model_unchanged(data):
    """fit, warm-start fit or partial_fit of a fitted model on generated input."""
    estimator, base_kind = _valid_model(data)
    method = data.draw(
        st.sampled_from(["fit", "warm_start_fit", "partial_fit"]), label="method"
    )
    valid = _rarely(data, "valid input only", 4)
    n_features = estimator.n_features_in_
    if valid:
        n_rows = data.draw(st.integers(2, 6), label="n_rows")
    else:
        n_rows = _draw_size(data, 6, "n_rows")
        if _rarely(data, "other n_features", 4):
            n_features = _draw_size(data, 5, "n_features")
    X, X_clean, defects = _draw_X(data, n_rows, n_features, allow_bad=not valid)
    y, y_kind, y_defects = _draw_y(
        data,
        n_rows,
        kinds=[base_kind] if valid else LABEL_KINDS,
        n_labels=len(estimator.classes_) if valid else None,
        two_classes=valid,
    )
    sample_weight, weight_defects = _draw_sample_weight(data, n_rows, valid=valid)
    defects |= weight_defects
    if method == "fit":
        defects |= _fit_defects(y, y_kind, y_defects, n_rows)
    else:
        defects |= _continuation_defects(
            estimator, base_kind == "multilabel", n_features, y, y_kind, y_defects
        )
        estimator.set_params(warm_start=method == "warm_start_fit")
        if (
            method == "warm_start_fit"
            and base_kind != "multilabel"
            and y_kind != "multilabel"
            and not y_defects
            and len(y)
            and not np.array_equal(np.unique(np.asarray(y)), estimator.classes_)
        ):
            # as in MLPClassifier: a warm start needs exactly the same classes
            defects.add("warm_start_classes")
    if n_features == 0:
        defects.discard("n_features")
    before = _state(estimator)
    call = estimator.partial_fit if method == "partial_fit" else estimator.fit

    _, error = _outcome(call, X, y, sample_weight=sample_weight)

    _check_outcome(error, defects)
    if error is None:
        # a fresh fit trains on the kind of y; continuing training keeps the kind
        kind = y_kind if method == "fit" else base_kind
        _check_fitted(estimator, X_clean, multilabel=kind == "multilabel")
    else:
        _assert_same(before, _state(estimator))


@given(data=st.data())
def test_predict_rejects_bad_input_or_returns_valid_output(data):
    """predict, predict_proba, predict_log_proba on generated X."""
    fitted = not _rarely(data, "unfitted", 6)
    multilabel = False
    if fitted:
        estimator, base_kind = _valid_model(data)
        multilabel = base_kind == "multilabel"
        n_expected = estimator.n_features_in_
    else:
        estimator = SigmoidMLPClassifier(hidden_layer_sizes=(3,))
        n_expected = 2
    n_rows = _draw_size(data, 6, "n_rows")
    n_features = n_expected
    if _rarely(data, "other n_features", 4):
        n_features = _draw_size(data, 5, "n_features")
    X, _, defects = _draw_X(data, n_rows, n_features)
    if n_features != n_expected and n_features:
        defects.add("n_features")
    if not fitted:
        defects = {"not_fitted"}
    method = data.draw(
        st.sampled_from(["predict", "predict_proba", "predict_log_proba"]),
        label="method",
    )
    before = _state(estimator)

    result, error = _outcome(getattr(estimator, method), X)

    _check_outcome(error, defects)
    if not fitted:
        assert isinstance(error, NotFittedError)
    _assert_same(before, _state(estimator))
    if error is not None:
        return
    if method == "predict":
        _check_labels(estimator, result, n_rows, multilabel)
    elif method == "predict_proba":
        assert_valid_proba(estimator, result, multilabel=multilabel, n_rows=n_rows)
    else:
        assert not np.any(np.isnan(result))
        assert np.all(result <= 0)
        assert_valid_proba(
            estimator, np.exp(result), multilabel=multilabel, n_rows=n_rows
        )


@given(data=st.data())
def test_training_numerics_stay_finite_without_warnings(data):
    """Finite data of any scale and settings up to explosive learning rates.

    No RuntimeWarning (overflow, invalid, divide) may appear; weights, losses
    and probabilities stay finite; a diverged fit says to lower the rate.
    """
    n_rows = data.draw(st.integers(2, 12), label="n_rows")
    n_features = data.draw(st.integers(1, 5), label="n_features")
    scale = data.draw(st.sampled_from([1.0, 1e-3, 1e3, 1e6]), label="scale")
    X = data.draw(
        arrays(np.float64, (n_rows, n_features), elements=st.floats(-1, 1)),
        label="X",
    )
    X *= scale
    if data.draw(st.booleans(), label="constant column"):
        X[:, 0] = scale
    if data.draw(st.booleans(), label="zero row"):
        X[0] = 0
    dtype = data.draw(st.sampled_from([np.float64, np.float32]), label="dtype")
    X = X.astype(dtype)
    n_classes = data.draw(st.sampled_from([2, 3, "multilabel"]), label="targets")
    if n_classes == "multilabel":
        y = np.array([[0, 1], [1, 0], [1, 1]] * 4)[:n_rows]
    else:
        y = np.arange(n_rows) % n_classes
    params = {
        "hidden_layer_sizes": data.draw(
            st.sampled_from([(3,), (), (4, 2)]), label="hidden"
        ),
        "max_iter": data.draw(st.integers(1, 5), label="max_iter"),
        "random_state": 0,
        "solver": data.draw(st.sampled_from(["adam", "sgd"]), label="solver"),
        "loss": data.draw(st.sampled_from(["log_loss", "squared_error"]), label="loss"),
        "learning_rate_init": data.draw(
            st.sampled_from([1e-3, 0.1, 1.0, 10.0, 1e3, 1e100]), label="lr"
        ),
        "alpha": data.draw(st.sampled_from([0.0, 1e-4, 1.0, 1e4]), label="alpha"),
        "momentum": data.draw(st.sampled_from([0.0, 0.9, 1.0]), label="momentum"),
        "nesterovs_momentum": data.draw(st.booleans(), label="nesterov"),
        "learning_rate": data.draw(
            st.sampled_from(["constant", "invscaling", "adaptive"]), label="schedule"
        ),
        "batch_size": data.draw(st.sampled_from(["auto", 1, 3]), label="batch_size"),
        "fit_intercept": data.draw(st.booleans(), label="fit_intercept"),
        "weight_init": data.draw(
            st.sampled_from(["glorot_uniform", "notebook"]), label="weight_init"
        ),
        "early_stopping": (
            not _cannot_hold_out(y, "multilabel" if n_classes == "multilabel" else "")
            and data.draw(st.booleans(), label="early_stopping")
        ),
    }
    estimator = SigmoidMLPClassifier(**params)

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            estimator.fit(X, y)
            error = None
        except ValueError as raised:
            error = raised
        if error is None:
            proba = estimator.predict_proba(X)
            estimator.predict(X)

    unexpected = [w for w in caught if not issubclass(w.category, ConvergenceWarning)]
    assert not unexpected, [str(w.message) for w in unexpected]
    if error is not None:
        # no epoch of the fit kept the weights finite: an error naming the rate
        event("stop_reason_", "error: no good epoch")
        assert "learning_rate_init=" in str(error)
        assert not hasattr(estimator, "coefs_")
        return
    event("stop_reason_", estimator.stop_reason_)
    multilabel = n_classes == "multilabel"
    _check_fitted(estimator, X, multilabel)
    assert_valid_proba(estimator, proba, multilabel=multilabel, n_rows=n_rows)
    assert all(np.isfinite(estimator.loss_curve_))
    if estimator.stop_reason_ == "diverged":
        assert any("learning_rate" in str(w.message) for w in caught)
