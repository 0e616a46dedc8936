"""ONNX export, verified with real ONNX Runtime sessions.

Every classifier case compares the labels and probabilities of the ONNX graph
with ``predict`` and ``predict_proba``: labels equal, probabilities within
1e-5 for float32 inputs and 1e-9 for float64 inputs (1e-7 for float64 inputs
with ZipMap's dictionaries, whose values are float32). Every output option,
both input types, and 0, 1 and many rows are run for every kind of model.

Every regressor case (both losses, one and several outputs, with and without
intercepts) compares the graph's one output with ``predict``, in a
``StandardScaler`` pipeline and alone, for both input types and 0, 1 and many
rows: within a relative 1e-5 (float32) or 1e-12 (float64) of the largest
prediction.

The export of a model fitted on array-api-strict arrays needs array API
dispatch, hence ``SCIPY_ARRAY_API=1`` before SciPy is imported: it runs in a
child pytest of this module (``test_array_api_cases_in_child_process``), as
in ``test_array_api.py``.
"""

import functools
import os
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest
from helpers import child_program
from sklearn import config_context
from sklearn.base import clone
from sklearn.datasets import (
    load_breast_cancer,
    load_digits,
    load_iris,
    make_friedman1,
    make_multilabel_classification,
)
from sklearn.exceptions import ConvergenceWarning, NotFittedError
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import MinMaxScaler, StandardScaler

from sklearn_sigmoid_mlp import (
    NOTEBOOK_PARAMS,
    SigmoidMLPClassifier,
    SigmoidMLPRegressor,
    to_numpy,
)

ort = pytest.importorskip("onnxruntime")
skl2onnx = pytest.importorskip("skl2onnx")
sigmoid_onnx = pytest.importorskip("sklearn_sigmoid_mlp.onnx")

pytestmark = pytest.mark.usefixtures("single_blas_thread")

TOLERANCE = {np.float32: 1e-5, np.float64: 1e-9}
#: float64 inputs, probabilities cast to float32 for ZipMap's dictionaries
ZIPMAP_FLOAT64_TOLERANCE = 1e-7
IN_CHILD = os.environ.get("SCIPY_ARRAY_API") == "1"
needs_dispatch = pytest.mark.skipif(
    not IN_CHILD,
    reason="needs SCIPY_ARRAY_API=1: runs in the child pytest of "
    "test_array_api_cases_in_child_process",
)
#: the largest probability difference of each case, printed with ``-s``
LARGEST = {}


def scaled(X):
    return StandardScaler().fit_transform(X)


def iris():
    X, y = load_iris(return_X_y=True)
    return scaled(X), y


def cases():
    """``(name, estimator, X, y)``: every output layout and label kind."""
    X_iris, y_iris = iris()
    X_bc, y_bc = load_breast_cancer(return_X_y=True)
    X_bc = scaled(X_bc)
    X_ml, y_ml = make_multilabel_classification(
        n_samples=120, n_features=6, n_classes=3, random_state=0
    )
    X_digits, y_digits = load_digits(return_X_y=True)
    names = np.array(["setosa", "versicolor", "virginica"])
    notebook = {**NOTEBOOK_PARAMS, "hidden_layer_sizes": (16, 8), "max_iter": 3}
    return {
        "binary": (SigmoidMLPClassifier(), X_bc, y_bc),
        "multiclass": (SigmoidMLPClassifier(), X_iris, y_iris),
        "multilabel": (SigmoidMLPClassifier(), scaled(X_ml), y_ml),
        "string_labels": (SigmoidMLPClassifier(), X_iris, names[y_iris]),
        "one_class": (SigmoidMLPClassifier(), X_iris, np.full(len(y_iris), "iris")),
        "no_intercepts": (SigmoidMLPClassifier(**notebook), X_digits / 16, y_digits),
        "squared_error": (
            SigmoidMLPClassifier(loss="squared_error"),
            X_iris,
            y_iris,
        ),
        "squared_error_binary": (
            SigmoidMLPClassifier(loss="squared_error"),
            X_bc,
            y_bc,
        ),
    }


CASES = cases()


@functools.cache
def fitted(name, dtype):
    """The model of a case fitted on ``dtype`` data, once per module."""
    estimator, X, y = CASES[name]
    estimator = clone(estimator)
    params = {"random_state": 0, "max_iter": 30, "learning_rate_init": 0.01}
    params = {k: v for k, v in params.items() if k not in NOTEBOOK_PARAMS}
    if name != "no_intercepts":
        estimator = estimator.set_params(**params)
    X = X.astype(dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return estimator.fit(X, y), X


def run(onnx_model, X):
    session = ort.InferenceSession(
        onnx_model.SerializeToString(), providers=["CPUExecutionProvider"]
    )
    return session.run(None, {session.get_inputs()[0].name: X})


def check_outputs(name, model, X, labels, proba):
    np.testing.assert_array_equal(labels, model.predict(X))
    expected = model.predict_proba(X)
    difference = float(np.max(np.abs(proba - expected)))
    LARGEST[(name, np.dtype(X.dtype).name)] = difference
    print(f"\n{name} {X.dtype}: largest probability difference {difference:.3g}")
    assert proba.dtype == X.dtype
    assert difference <= TOLERANCE[X.dtype.type]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", list(CASES))
def test_onnx_predicts_what_the_estimator_predicts(name, dtype):
    model, X = fitted(name, dtype)
    onnx_model = sigmoid_onnx.to_onnx(model, X[:1], options={"zipmap": False})
    labels, proba = run(onnx_model, X)
    check_outputs(name, model, X, labels, proba)


#: the converter's output options (skl2onnx's ``options``), by name
OUTPUT_OPTIONS = {
    "zipmap": {},
    "zipmap_columns": {"zipmap": "columns"},
    "tensor": {"zipmap": False},
    "class_labels": {"zipmap": False, "output_class_labels": True},
    "nocl": {"zipmap": False, "nocl": True},
    "nocl_zipmap": {"nocl": True},
}


def session(onnx_model):
    return ort.InferenceSession(
        onnx_model.SerializeToString(), providers=["CPUExecutionProvider"]
    )


def decoded(outputs, options, model, keys):
    """``(labels, probabilities, class_labels)`` from a session's outputs.

    The probabilities as a 2-D array whatever the option: a tensor, one
    output per class (``zipmap="columns"``) or a list of ``{key:
    probability}`` (ZipMap), whose keys are checked. ``class_labels`` is the
    ``output_class_labels`` output, or None.
    """
    labels, *rest = outputs
    zipmap = options.get("zipmap", True)
    multilabel = model._target_type == "multilabel-indicator"
    if multilabel or zipmap is False:
        proba = rest[0]
        class_labels = rest[1] if options.get("output_class_labels") else None
        return labels, proba, class_labels
    if zipmap == "columns":
        assert len(rest) == len(keys)
        assert all(column.dtype == rest[0].dtype for column in rest)
        proba = np.stack(rest, axis=1).reshape(len(labels), len(keys))
        return labels, proba, None
    (dictionaries,) = rest
    assert all(list(row) == list(keys) for row in dictionaries)
    proba = np.array([[row[key] for key in keys] for row in dictionaries])
    return labels, proba.reshape(len(labels), len(keys)), None


@pytest.mark.parametrize("options", list(OUTPUT_OPTIONS))
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", list(CASES))
def test_every_output_option_loads_and_matches_for_0_1_and_many_rows(
    name, dtype, options
):
    """Each output option, input type and row count, in ONNX Runtime.

    float64 inputs with ZipMap's dictionaries (the default) give float32
    probabilities, ZipMap taking float tensors only; 0 rows give empty
    outputs of the right shapes and types.
    """
    options = OUTPUT_OPTIONS[options]
    model, X = fitted(name, dtype)
    sess = session(sigmoid_onnx.to_onnx(model, X[:1], options=options))
    multilabel = model._target_type == "multilabel-indicator"
    nocl = options.get("nocl", False) and not multilabel
    classes = np.arange(len(model.classes_)) if nocl else model.classes_
    keys = [int(c) if classes.dtype.kind in "iuf" else str(c) for c in classes]
    zipmap = options.get("zipmap", True) is True and not multilabel
    tolerance = TOLERANCE[dtype]
    if zipmap and dtype == np.float64:
        tolerance = ZIPMAP_FLOAT64_TOLERANCE
    strings = classes.dtype.kind == "U"
    for rows in (X[:0], X[:1], X):
        labels, proba, class_labels = decoded(
            sess.run(None, {"X": rows}), options, model, keys
        )
        assert labels.dtype == (object if strings else np.int64)
        n_labels = (len(model.classes_),) if multilabel else ()
        assert labels.shape == (len(rows), *n_labels)
        assert proba.shape == (len(rows), len(model.classes_))
        if not zipmap:
            assert proba.dtype == dtype
        if options.get("output_class_labels"):
            np.testing.assert_array_equal(class_labels, classes)
        if len(rows) == 0:
            continue  # predict refuses 0 rows
        expected = model.predict(rows)
        if nocl:
            position = {label: i for i, label in enumerate(model.classes_.tolist())}
            expected = np.array([position[label] for label in expected.tolist()])
        np.testing.assert_array_equal(labels, expected)
        difference = float(np.max(np.abs(proba - model.predict_proba(rows))))
        assert difference <= tolerance, (len(rows), difference)


def test_float64_zipmap_probabilities_are_the_rounded_float64_ones():
    """The cast to float32 comes last: the labels are float64's argmax.

    The probabilities are float64's rounded to float32: within half a float32
    spacing of ``predict_proba`` (a float32 computation is several spacings
    off).
    """
    model, X = fitted("multiclass", np.float64)
    labels, dictionaries = run(sigmoid_onnx.to_onnx(model, X[:1]), X)
    np.testing.assert_array_equal(labels, model.predict(X))
    proba = np.array([[row[k] for k in (0, 1, 2)] for row in dictionaries])
    expected = model.predict_proba(X)
    half_spacing = np.spacing(expected.astype(np.float32)).astype(np.float64) / 2
    assert np.all(np.abs(proba - expected) <= half_spacing * (1 + 1e-6))


def test_rows_of_the_wrong_width_are_refused():
    from skl2onnx.common.data_types import FloatTensorType

    model, X = fitted("multiclass", np.float32)
    with pytest.raises(ValueError, match=r"X has 3 features.*n_features_in_=4"):
        sigmoid_onnx.to_onnx(model, X[:1, :3])
    with pytest.raises(ValueError, match=r"X has 5 features.*n_features_in_=4"):
        skl2onnx.to_onnx(model, initial_types=[("X", FloatTensorType([None, 5]))])
    with pytest.raises(ValueError, match=r"2-D input.*n_features_in_=4"):
        sigmoid_onnx.to_onnx(model, X[0])
    # a width (or rank) left unknown is ONNX Runtime's to check, at run time
    for shape in ([None, None], None):
        onnx_model = skl2onnx.to_onnx(
            model,
            initial_types=[("X", FloatTensorType(shape))],
            options={"zipmap": False},
        )
        check_outputs("unknown_width", model, X, *run(onnx_model, X))


def test_output_class_labels_needs_zipmap_false():
    model, X = fitted("multiclass", np.float32)
    with pytest.raises(ValueError, match="output_class_labels=True needs zipmap"):
        sigmoid_onnx.to_onnx(model, X[:1], options={"output_class_labels": True})
    # multilabel models have no ZipMap: the option alone gives the labels
    model, X = fitted("multilabel", np.float32)
    onnx_model = sigmoid_onnx.to_onnx(
        model, X[:1], options={"output_class_labels": True}
    )
    labels, proba, class_labels = run(onnx_model, X)
    check_outputs("multilabel_class_labels", model, X, labels, proba)
    np.testing.assert_array_equal(class_labels, model.classes_)


@needs_dispatch
@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize(
    "dtype, dispatch_on_export", [(np.float32, False), (np.float64, True)]
)
def test_a_model_fitted_on_array_api_strict_arrays_exports(dtype, dispatch_on_export):
    """Exported from a NumPy copy of its weights; the model is left as it is."""
    xp = pytest.importorskip("array_api_strict")
    X, y = iris()
    X = X.astype(dtype)
    model = SigmoidMLPClassifier(learning_rate_init=0.01, max_iter=30, random_state=0)
    with config_context(array_api_dispatch=True):
        model.fit(xp.asarray(X), y)
    arrays = [*model.coefs_, *model.intercepts_]
    assert all(type(a).__module__.startswith("array_api_strict") for a in arrays)
    before = to_numpy(model)
    with config_context(array_api_dispatch=dispatch_on_export):
        onnx_model = sigmoid_onnx.to_onnx(model, X[:1], options={"zipmap": False})
        zipmap_model = sigmoid_onnx.to_onnx(model, X[:1])
    # the model is left as it was: the same arrays, of the same values
    assert all(a is b for a, b in zip([*model.coefs_, *model.intercepts_], arrays))
    after = to_numpy(model)
    for old, new in zip(
        [*before.coefs_, *before.intercepts_], [*after.coefs_, *after.intercepts_]
    ):
        np.testing.assert_array_equal(old, new)
    check_outputs("array_api_strict", before, X, *run(onnx_model, X))
    labels, _ = run(zipmap_model, X)
    np.testing.assert_array_equal(labels, before.predict(X))


@pytest.mark.skipif(IN_CHILD, reason="SCIPY_ARRAY_API=1: the tests run in-process")
def test_array_api_cases_in_child_process():
    """The array-api-strict cases, in a pytest with SCIPY_ARRAY_API=1."""
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            __file__,
            "-q",
            "-rA",
            "-p",
            "no:cacheprovider",
            "-k",
            "array_api_strict",
        ],
        cwd=Path(__file__).resolve().parent.parent,
        env={**os.environ, "SCIPY_ARRAY_API": "1"},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    print("\n".join(completed.stdout.strip().splitlines()[-8:]))
    assert completed.returncode == 0, completed.stdout[-8000:] + completed.stderr
    passed = [
        line
        for line in completed.stdout.splitlines()
        if line.startswith("PASSED") and "array_api_strict_arrays_exports" in line
    ]
    assert len(passed) == 4, completed.stdout[-8000:]


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize("scaler", [StandardScaler, MinMaxScaler])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_a_pipeline_converts_with_skl2onnx_after_importing_the_module(scaler, dtype):
    """``skl2onnx.to_onnx(pipeline, X[:1])`` itself: the import registered us."""
    X, y = load_iris(return_X_y=True)
    X = X.astype(dtype)
    pipeline = make_pipeline(
        scaler(), SigmoidMLPClassifier(learning_rate_init=0.01, random_state=0)
    ).fit(X, y)
    onnx_model = skl2onnx.to_onnx(
        pipeline, X[:1], options={SigmoidMLPClassifier: {"zipmap": False}}
    )
    labels, proba = run(onnx_model, X)
    check_outputs(f"pipeline_{scaler.__name__}", pipeline, X, labels, proba)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_a_float64_pipeline_with_the_default_zipmap_loads():
    """skl2onnx's defaults, float64 rows: ZipMap gets float32 probabilities."""
    X, y = load_breast_cancer(return_X_y=True)
    pipeline = make_pipeline(
        StandardScaler(), SigmoidMLPClassifier(learning_rate_init=0.01, random_state=0)
    ).fit(X, y)
    sess = session(skl2onnx.to_onnx(pipeline, X[:1]))
    for rows in (X[:0], X[:1], X):
        labels, proba, _ = decoded(
            sess.run(None, {"X": rows}), {}, pipeline[-1], [0, 1]
        )
        assert labels.shape == (len(rows),) and proba.shape == (len(rows), 2)
        if len(rows):
            np.testing.assert_array_equal(labels, pipeline.predict(rows))
            np.testing.assert_allclose(
                proba, pipeline.predict_proba(rows), rtol=0, atol=1e-7
            )


def test_zipmap_option_gives_one_dictionary_per_row():
    """skl2onnx's default: probabilities as a list of {class: probability}."""
    model, X = fitted("multiclass", np.float32)
    _, proba = run(sigmoid_onnx.to_onnx(model, X[:1]), X[:5])
    assert [sorted(row) for row in proba] == [[0, 1, 2]] * 5
    expected = model.predict_proba(X[:5])
    for row, want in zip(proba, expected):
        np.testing.assert_allclose([row[k] for k in (0, 1, 2)], want, atol=1e-5)


def test_the_file_runs_in_a_fresh_process(tmp_path):
    """Saved to disk, loaded by onnxruntime in another process, same outputs."""
    model, X = fitted("string_labels", np.float64)
    onnx_model = sigmoid_onnx.to_onnx(model, X[:1], options={"zipmap": False})
    model_path = tmp_path / "model.onnx"
    model_path.write_bytes(onnx_model.SerializeToString())
    np.save(tmp_path / "X.npy", X)
    result = subprocess.run(
        [
            sys.executable,
            child_program("onnx_predict.py"),
            str(model_path),
            str(tmp_path / "X.npy"),
            str(tmp_path / "out.npz"),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "loaded modules: False" in result.stdout
    with np.load(tmp_path / "out.npz", allow_pickle=False) as out:
        check_outputs("fresh_process", model, X, out["labels"], out["proba"])


def test_the_graph_is_the_forward_pass():
    """MatMul, Add, Sigmoid per layer, then Softmax; no Add without intercepts."""
    model, X = fitted("multiclass", np.float32)
    ops = [node.op_type for node in sigmoid_onnx.to_onnx(model, X[:1]).graph.node]
    assert ops.count("MatMul") == 3 and ops.count("Add") == 3
    assert ops.count("Sigmoid") == 2 and ops.count("Softmax") == 1
    model, X = fitted("no_intercepts", np.float32)
    ops = [node.op_type for node in sigmoid_onnx.to_onnx(model, X[:1]).graph.node]
    assert ops.count("MatMul") == 3 and "Add" not in ops
    assert ops.count("Sigmoid") == 3  # the notebook's sigmoid output


def test_an_unfitted_model_cannot_be_exported():
    X, _ = iris()
    with pytest.raises(NotFittedError):
        sigmoid_onnx.to_onnx(SigmoidMLPClassifier(), X[:1].astype(np.float32))


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize("label_dtype", [float, np.uint8, bool])
def test_integral_float_and_unsigned_labels_export_as_integers(label_dtype):
    """Also as ZipMap's keys and the output_class_labels output."""
    X, y = iris()
    if label_dtype is bool:
        X, y = X[y < 2], y[y < 2]
    model = SigmoidMLPClassifier(learning_rate_init=0.01, max_iter=30, random_state=0)
    model.fit(X, y.astype(label_dtype))
    options = {"zipmap": False, "output_class_labels": True}
    labels, _, class_labels = run(
        sigmoid_onnx.to_onnx(model, X[:1], options=options), X
    )
    np.testing.assert_array_equal(labels, model.predict(X))
    assert labels.dtype == class_labels.dtype == np.int64
    np.testing.assert_array_equal(class_labels, model.classes_)
    labels, dictionaries = run(sigmoid_onnx.to_onnx(model, X[:1]), X)
    np.testing.assert_array_equal(labels, model.predict(X))
    assert list(dictionaries[0]) == list(range(len(model.classes_)))


# ---------------------------------------------------------------- the regressor

#: relative tolerance of the regressor's outputs, of the largest prediction
REGRESSION_TOLERANCE = {np.float32: 1e-5, np.float64: 1e-12}
#: the largest relative difference of each regressor case, printed with ``-s``
REGRESSION_LARGEST = {}


def regression_data():
    """Friedman #1 (200 rows, 10 features, unscaled) and targets of each kind.

    Returns
    -------
    X : ndarray of shape (200, 10)
    targets : dict
        ``(loss, n_outputs)`` to ``y``: real numbers for the squared error,
        non-negative counts for the Poisson loss, 1-D for one output.
    """
    X, y = make_friedman1(n_samples=200, noise=0.5, random_state=0)
    X = 10 * X - 3  # far from the unit scale: the StandardScaler matters
    Y = np.column_stack([y, -2 * y + 5, np.sin(y)])
    rng = np.random.default_rng(0)
    counts = rng.poisson(np.exp(y / 10))
    count_columns = rng.poisson(np.exp(np.column_stack([y / 10, 1 - y / 20])))
    targets = {
        ("squared_error", 1): y,
        ("squared_error", 3): Y,
        ("poisson", 1): counts,
        ("poisson", 2): count_columns,
    }
    return X, targets


REGRESSION_X, REGRESSION_TARGETS = regression_data()
REGRESSION_CASES = {
    f"{loss}-{n_outputs}_output{'s' * (n_outputs > 1)}-"
    f"{'intercepts' if intercepts else 'no_intercepts'}": (
        loss,
        n_outputs,
        intercepts,
    )
    for loss, n_outputs in REGRESSION_TARGETS
    for intercepts in (True, False)
}


@functools.cache
def fitted_regressor(name, dtype):
    """A case's ``StandardScaler`` + regressor pipeline, fitted on ``dtype``."""
    loss, n_outputs, intercepts = REGRESSION_CASES[name]
    X = REGRESSION_X.astype(dtype)
    regressor = SigmoidMLPRegressor(
        hidden_layer_sizes=(16, 8),
        loss=loss,
        fit_intercept=intercepts,
        learning_rate_init=0.01,
        max_iter=30,
        random_state=0,
    )
    pipeline = make_pipeline(StandardScaler(), regressor)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return pipeline.fit(X, REGRESSION_TARGETS[loss, n_outputs]), X


def check_regression(name, model, X, variable):
    """The graph's ``variable`` is ``model.predict(X)``, one column per output.

    The difference is measured relative to the largest prediction (the
    predictions of ``exp`` span orders of magnitude; those of the identity
    cross zero).
    """
    expected = model.predict(X)
    n_outputs = 1 if expected.ndim == 1 else expected.shape[1]
    assert variable.shape == (len(X), n_outputs)
    assert variable.dtype == X.dtype
    scale = float(np.max(np.abs(expected)))
    difference = float(np.max(np.abs(variable.reshape(expected.shape) - expected)))
    relative = difference / scale
    REGRESSION_LARGEST[(name, np.dtype(X.dtype).name)] = relative
    print(f"\n{name} {X.dtype}: largest relative difference {relative:.3g}")
    assert relative <= REGRESSION_TOLERANCE[X.dtype.type], relative


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", list(REGRESSION_CASES))
def test_a_regressor_pipeline_predicts_what_it_predicts_for_0_1_and_many_rows(
    name, dtype
):
    """``skl2onnx.to_onnx(pipeline, X[:1])``: the scaler's and our converter.

    One output, ``variable``, of shape ``(n_samples, n_outputs)`` in the
    input's type (a column for one output, where ``predict`` is 1-D), for 0
    rows too.
    """
    pipeline, X = fitted_regressor(name, dtype)
    sess = session(skl2onnx.to_onnx(pipeline, X[:1]))
    n_outputs = pipeline[-1].n_outputs_
    (output,) = sess.get_outputs()
    assert output.name == "variable"
    assert output.shape[1] == n_outputs
    (empty,) = sess.run(None, {"X": X[:0]})
    assert empty.shape == (0, n_outputs) and empty.dtype == dtype
    for rows in (X[:1], X):
        (variable,) = sess.run(None, {"X": rows})
        check_regression(f"pipeline {name} {len(rows)} rows", pipeline, rows, variable)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", list(REGRESSION_CASES))
def test_a_regressor_alone_exports_with_to_onnx(name, dtype):
    """The regressor without its scaler, by ``sigmoid_onnx.to_onnx``."""
    pipeline, X = fitted_regressor(name, dtype)
    scaled_X = pipeline[0].transform(X)
    regressor = pipeline[-1]
    (variable,) = run(sigmoid_onnx.to_onnx(regressor, scaled_X[:1]), scaled_X)
    check_regression(f"alone {name}", regressor, scaled_X, variable)


def test_the_regressor_graph_is_the_forward_pass():
    """MatMul, Add, Sigmoid per layer; then nothing, or Clip and Exp."""
    for name, last_ops in [
        ("squared_error-1_output-intercepts", ["Add", "Identity"]),
        ("poisson-2_outputs-intercepts", ["Add", "Clip", "Exp", "Identity"]),
        ("poisson-1_output-no_intercepts", ["MatMul", "Clip", "Exp", "Identity"]),
    ]:
        pipeline, X = fitted_regressor(name, np.float32)
        regressor = pipeline[-1]
        graph = sigmoid_onnx.to_onnx(regressor, X[:1]).graph
        ops = [node.op_type for node in graph.node]
        assert ops.count("MatMul") == 3 and ops.count("Sigmoid") == 2
        assert ops.count("Add") == (3 if regressor.fit_intercept else 0)
        assert ops[-len(last_ops) :] == last_ops, ops
        assert [output.name for output in graph.output] == ["variable"]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_the_exported_poisson_rates_are_clipped_as_predict_clips_them(dtype):
    """Pre-activations far past the dtype's range: the same finite rates."""
    pipeline, X = fitted_regressor("poisson-2_outputs-intercepts", dtype)
    regressor = to_numpy(pipeline[-1])  # a copy: leave the cached model alone
    scaled_X = pipeline[0].transform(X)
    regressor.intercepts_[-1][...] = [1e6, -1e6]
    (variable,) = run(sigmoid_onnx.to_onnx(regressor, scaled_X[:1]), scaled_X)
    expected = regressor.predict(scaled_X)
    assert np.all(np.isfinite(variable)) and np.all(variable > 0)
    np.testing.assert_array_equal(variable, expected)
    info = np.finfo(dtype)
    assert np.all(variable[:, 0] > info.max / 2)
    np.testing.assert_allclose(variable[:, 1], info.smallest_normal, rtol=1e-5)


def test_the_regressor_refuses_rows_of_the_wrong_width_and_any_option():
    from skl2onnx.common.data_types import FloatTensorType

    pipeline, X = fitted_regressor("squared_error-3_outputs-intercepts", np.float32)
    regressor = pipeline[-1]
    with pytest.raises(ValueError, match=r"X has 9 features.*n_features_in_=10"):
        sigmoid_onnx.to_onnx(regressor, X[:1, :9])
    with pytest.raises(ValueError, match=r"2-D input.*n_features_in_=10"):
        sigmoid_onnx.to_onnx(regressor, X[0])
    with pytest.raises(NameError, match="Option 'zipmap' not in"):
        sigmoid_onnx.to_onnx(regressor, X[:1], options={"zipmap": False})
    # a width left unknown is ONNX Runtime's to check, at run time
    onnx_model = skl2onnx.to_onnx(
        regressor, initial_types=[("X", FloatTensorType([None, None]))]
    )
    scaled_X = pipeline[0].transform(X)
    check_regression("unknown_width", regressor, scaled_X, run(onnx_model, scaled_X)[0])


def test_an_unfitted_regressor_cannot_be_exported():
    with pytest.raises(NotFittedError):
        sigmoid_onnx.to_onnx(SigmoidMLPRegressor(), REGRESSION_X[:1])


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_a_regressor_in_a_voting_regressor_converts(dtype):
    """skl2onnx's meta-estimators read our ``(n_samples, 1)`` output."""
    from sklearn.ensemble import VotingRegressor
    from sklearn.linear_model import LinearRegression

    X = REGRESSION_X.astype(dtype)
    y = REGRESSION_TARGETS["squared_error", 1]
    mlp = SigmoidMLPRegressor(
        hidden_layer_sizes=(8,), learning_rate_init=0.01, max_iter=30, random_state=0
    )
    voting = VotingRegressor(
        [("mlp", make_pipeline(StandardScaler(), mlp)), ("linear", LinearRegression())]
    ).fit(X, y)
    (variable,) = run(skl2onnx.to_onnx(voting, X[:1]), X)
    check_regression("voting", voting, X, variable)


def test_the_regressor_file_runs_in_a_fresh_process(tmp_path):
    """Saved to disk, loaded by onnxruntime in another process, same outputs."""
    pipeline, X = fitted_regressor("poisson-2_outputs-intercepts", np.float64)
    model_path = tmp_path / "model.onnx"
    model_path.write_bytes(skl2onnx.to_onnx(pipeline, X[:1]).SerializeToString())
    np.save(tmp_path / "X.npy", X)
    result = subprocess.run(
        [
            sys.executable,
            child_program("onnx_predict.py"),
            str(model_path),
            str(tmp_path / "X.npy"),
            str(tmp_path / "out.npz"),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "loaded modules: False" in result.stdout
    with np.load(tmp_path / "out.npz", allow_pickle=False) as out:
        check_regression("fresh_process", pipeline, X, out["variable"])


@needs_dispatch
@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize("loss", ["squared_error", "poisson"])
def test_a_regressor_fitted_on_array_api_strict_arrays_exports(loss):
    """Exported from a NumPy copy of its weights; the model is left as it is."""
    xp = pytest.importorskip("array_api_strict")
    n_outputs = 3 if loss == "squared_error" else 2
    X = scaled(REGRESSION_X).astype(np.float32)
    y = REGRESSION_TARGETS[loss, n_outputs]
    model = SigmoidMLPRegressor(
        loss=loss, learning_rate_init=0.01, max_iter=30, random_state=0
    )
    with config_context(array_api_dispatch=True):
        model.fit(xp.asarray(X), xp.asarray(y.astype(np.float32)))
    arrays = [*model.coefs_, *model.intercepts_]
    assert all(type(a).__module__.startswith("array_api_strict") for a in arrays)
    with config_context(array_api_dispatch=True):
        onnx_model = sigmoid_onnx.to_onnx(model, X[:1])
    assert all(a is b for a, b in zip([*model.coefs_, *model.intercepts_], arrays))
    check_regression(
        f"array_api_strict {loss}", to_numpy(model), X, run(onnx_model, X)[0]
    )


def test_importing_the_package_does_not_import_onnx():
    code = (
        "import sys, sklearn_sigmoid_mlp; "
        "print(any(m in sys.modules for m in ('onnx', 'skl2onnx', 'onnxruntime')))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "False"
