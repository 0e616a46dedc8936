"""Export to ONNX: serve a fitted model without Python, verified with ONNX Runtime.

Importing this module registers :class:`~sklearn_sigmoid_mlp.SigmoidMLPClassifier`
and :class:`~sklearn_sigmoid_mlp.SigmoidMLPRegressor` with
`skl2onnx <https://onnx.ai/sklearn-onnx/>`_ (the ``onnx`` extra:
``pip install "sklearn-sigmoid-mlp[onnx]"``), so that ``skl2onnx.to_onnx``
converts them alone or inside a :class:`~sklearn.pipeline.Pipeline` with
scikit-learn's preprocessing. Importing ``sklearn_sigmoid_mlp`` itself never
imports skl2onnx or onnx. :func:`register` does the same explicitly (it is
idempotent) and :func:`to_onnx` registers and converts in one call.

The classifier's converter reads the fitted attributes only (``coefs_``,
``intercepts_`` when the model has trained intercepts, ``out_activation_``,
``classes_`` and the output layout of the loss). The graph is the forward
pass of the user guide: per layer a ``MatMul``, an ``Add`` when there are
intercepts and a ``Sigmoid`` for hidden layers; then ``Softmax``
(multiclass log-loss) or ``Sigmoid``; then what
:meth:`~SigmoidMLPClassifier.predict_proba` does with the outputs:
``[1 - p, p]`` for binary targets (a column of ones for a single class), the
normalisation of ``loss="squared_error"``'s independent sigmoids (a row of
zeros becoming uniform), the probabilities as they are for multilabel
targets. Labels are the original classes (integers or strings; multilabel
models give 0/1 per label), by ``ArgMax`` and ``Gather`` (or ``p > 0.5`` per
label); every output works for 0 rows. The graph computes in the input's
type: float32 inputs in float32, float64 inputs in float64.

The regressor's converter reads ``coefs_``, ``intercepts_`` (when trained)
and ``out_activation_``: the same hidden layers, then the identity
(``loss="squared_error"``) or ``Clip`` and ``Exp`` (``loss="poisson"``: the
exponential clipped to the dtype's finite range, as
:meth:`~SigmoidMLPRegressor.predict` clips it), in the input's type too. Its
one output, ``variable``, has shape ``(n_samples, n_outputs)``, a single
column for a model of one output, as skl2onnx's regressors
(``MLPRegressor``'s among them) give: ``predict`` returns that column as a
1-D array. It has no options.

skl2onnx's options of classifiers are honoured by the classifier's
converter: ``zipmap`` (``True``, the default: a list of ``{class:
probability}`` dictionaries, whose values are float32 whatever the input's
type, ZipMap accepting float tensors only; ``False``: a tensor;
``"columns"``: one output per class), ``output_class_labels`` (a third
output, the classes; needs ``zipmap=False``) and ``nocl`` (class indices
``0 .. n_classes - 1`` instead of the classes). Multilabel models have no
distribution over classes and ignore ``zipmap``.

A model fitted on arrays of another library with array API dispatch
(PyTorch, CuPy, array-api-strict) is exported from a NumPy copy of its
weights (:func:`~sklearn_sigmoid_mlp.to_numpy`); the model is left as it is.
Sample rows (or ``initial_types``) of another width than ``n_features_in_``
raise a :class:`ValueError`.
"""

import numpy as np
from sklearn.utils.validation import check_is_fitted

from . import _targets, to_numpy
from ._activations import exp_bounds
from ._classifier import SigmoidMLPClassifier
from ._regressor import SigmoidMLPRegressor

__all__ = ["register", "to_onnx"]

_ALIAS = "SklearnSigmoidMLPClassifier"
_REGRESSOR_ALIAS = "SklearnSigmoidMLPRegressor"
_registered = False


def register():
    """Register the converters of both estimators with skl2onnx.

    Importing :mod:`sklearn_sigmoid_mlp.onnx` already calls it; calling it
    again does nothing.

    Returns
    -------
    aliases : tuple of str
        The names the converters of ``SigmoidMLPClassifier`` and
        ``SigmoidMLPRegressor`` are registered under.

    Examples
    --------
    >>> from sklearn_sigmoid_mlp.onnx import register
    >>> register()
    ('SklearnSigmoidMLPClassifier', 'SklearnSigmoidMLPRegressor')
    """
    global _registered
    if not _registered:
        from skl2onnx import update_registered_converter

        update_registered_converter(
            SigmoidMLPClassifier,
            _ALIAS,
            _shape_calculator,
            _converter,
            parser=_parser,
            options={
                "zipmap": [True, False, "columns"],
                "output_class_labels": [False, True],
                "nocl": [True, False],
            },
        )
        update_registered_converter(
            SigmoidMLPRegressor,
            _REGRESSOR_ALIAS,
            _regressor_shape_calculator,
            _regressor_converter,
            parser=_regressor_parser,
        )
        _registered = True
    return _ALIAS, _REGRESSOR_ALIAS


def to_onnx(model, X, **kwargs):
    """Convert a fitted model (or a pipeline ending in one) to ONNX.

    Parameters
    ----------
    model : SigmoidMLPClassifier, SigmoidMLPRegressor or Pipeline
        The fitted estimator (or a pipeline ending in one), fitted on NumPy
        arrays or, with array API dispatch, on those of another library: its
        weights are then copied to NumPy for the export, and the model itself
        is left as it is.
    X : ndarray of shape (n_samples, n_features)
        A few rows of the input (a NumPy array), for the input's name, type
        and width; float32 rows make a float32 graph, float64 rows a float64
        graph. ``n_features`` must be the model's ``n_features_in_``.
    **kwargs
        Passed to ``skl2onnx.to_onnx``, such as
        ``options={"zipmap": False}`` for a classifier's probability tensor
        instead of a list of dictionaries (see the module's description for
        the options; the regressor has none).

    Returns
    -------
    onnx_model : onnx.ModelProto
        The graph; ``onnx_model.SerializeToString()`` gives the file's bytes.

    Raises
    ------
    ValueError
        If the rows of ``X`` are not 2-D with ``n_features_in_`` columns, if
        ``output_class_labels=True`` is asked for with ZipMap, or if the
        classes are neither whole numbers nor strings.

    Examples
    --------
    >>> import numpy as np
    >>> import onnxruntime as ort
    >>> from sklearn.datasets import load_iris
    >>> from sklearn_sigmoid_mlp import SigmoidMLPClassifier
    >>> from sklearn_sigmoid_mlp.onnx import to_onnx
    >>> X, y = load_iris(return_X_y=True)
    >>> clf = SigmoidMLPClassifier(learning_rate_init=0.01, random_state=0).fit(X, y)
    >>> onx = to_onnx(clf, X[:1], options={"zipmap": False})
    >>> session = ort.InferenceSession(onx.SerializeToString())
    >>> labels, proba = session.run(None, {"X": X})
    >>> bool(np.array_equal(labels, clf.predict(X)))
    True
    >>> bool(np.allclose(proba, clf.predict_proba(X), atol=1e-9))
    True

    A regressor's output has one column per output:

    >>> from sklearn.datasets import make_friedman1
    >>> from sklearn_sigmoid_mlp import SigmoidMLPRegressor
    >>> X, y = make_friedman1(n_samples=400, random_state=0)
    >>> reg = SigmoidMLPRegressor(hidden_layer_sizes=(32,), batch_size=50,
    ...                           learning_rate_init=0.05, random_state=0).fit(X, y)
    >>> session = ort.InferenceSession(to_onnx(reg, X[:1]).SerializeToString())
    >>> (variable,) = session.run(None, {"X": X})
    >>> variable.shape
    (400, 1)
    >>> bool(np.allclose(variable[:, 0], reg.predict(X), rtol=1e-12))
    True
    """
    from skl2onnx import to_onnx as skl2onnx_to_onnx

    register()
    return skl2onnx_to_onnx(model, X, **kwargs)


def _options(scope, model):
    """The converter's options for ``model``, with skl2onnx's defaults."""
    return scope.get_options(
        model, {"zipmap": True, "output_class_labels": False, "nocl": False}
    )


def _zipmap_dictionaries(options, model):
    """Whether the probabilities go to ``ZipMap`` (a list of dictionaries)."""
    return options["zipmap"] is True and not _multilabel(model)


def _label_classes(options, model):
    """The labels ``ArgMax`` maps to: ``classes_``, or their indices for nocl."""
    if options["nocl"] and not _multilabel(model):
        return np.arange(len(model.classes_), dtype=np.int64)
    return _class_labels(model)


def _parser(scope, model, inputs, custom_parsers=None):
    """Declare the outputs: labels, probabilities, the options' extras.

    The converter's operator outputs the labels and the probabilities (and
    the classes with ``output_class_labels``); skl2onnx's ``ZipMap`` (the
    ``zipmap`` option, ``True`` or ``"columns"``) then turns the probabilities
    into dictionaries or one output per class. Multilabel models have no
    distribution over classes to zip and ignore ``zipmap``.
    """
    from skl2onnx._parse import _apply_zipmap
    from skl2onnx.common.data_types import (
        FloatTensorType,
        Int64TensorType,
        guess_tensor_type,
    )

    check_is_fitted(model)
    options = _options(scope, model)
    _label_classes(options, model)  # a clear error before ZipMap sees them
    if options["output_class_labels"] and options["zipmap"] and not _multilabel(model):
        raise ValueError(
            "The option output_class_labels=True needs zipmap=False: "
            "ZipMap outputs no tensor the class labels could follow. Pass "
            'options={"zipmap": False, "output_class_labels": True}.'
        )
    operator = scope.declare_local_operator(_ALIAS, model)
    operator.inputs = inputs
    # the types are set by _shape_calculator
    operator.outputs.append(scope.declare_local_variable("label", Int64TensorType()))
    operator.outputs.append(
        scope.declare_local_variable("probabilities", guess_tensor_type(inputs[0].type))
    )
    if options["output_class_labels"]:
        operator.outputs.append(
            scope.declare_local_variable("class_labels", Int64TensorType())
        )
    if _multilabel(model) or options["zipmap"] is False:
        return list(operator.outputs)
    # ZipMap's dictionaries hold float32 values whatever the input's type
    value_type = FloatTensorType() if options["zipmap"] is True else inputs[0].type
    return _apply_zipmap(options["zipmap"], scope, model, value_type, operator.outputs)


def _shape_calculator(operator):
    """Labels ``[N]`` (or ``[N, n_labels]``) and probabilities ``[N, n_classes]``.

    Also checks that the input has the width the model was fitted on.
    """
    from skl2onnx.common.data_types import (
        DoubleTensorType,
        FloatTensorType,
        Int64TensorType,
        StringTensorType,
    )

    model = operator.raw_operator
    options = _options(operator.scope_inst, model)
    _check_input_width(operator, model)
    n_rows = operator.inputs[0].get_first_dimension()
    n_classes = len(model.classes_)
    classes = _label_classes(options, model)
    label_tensor = StringTensorType if classes.dtype.kind == "U" else Int64TensorType
    if _multilabel(model):
        operator.outputs[0].type = Int64TensorType([n_rows, n_classes])
    else:
        operator.outputs[0].type = label_tensor([n_rows])
    double = isinstance(operator.inputs[0].type, DoubleTensorType)
    if _zipmap_dictionaries(options, model):
        double = False
    tensor = DoubleTensorType if double else FloatTensorType
    operator.outputs[1].type = tensor([n_rows, n_classes])
    if options["output_class_labels"]:
        operator.outputs[2].type = label_tensor([n_classes])


def _check_input_width(operator, model):
    """A 2-D input of ``n_features_in_`` columns (or of unknown width/rank)."""
    shape = list(operator.inputs[0].type.shape or [])  # [] if the rank is unknown
    if len(shape) not in (0, 2):
        raise ValueError(
            f"{type(model).__name__} expects a 2-D input of shape (n_samples, "
            f"n_features) with n_features_in_={model.n_features_in_} columns, "
            f"got an ONNX input of shape {shape}."
        )
    width = shape[1] if shape else None  # None (or a name) if unknown
    if isinstance(width, int) and width != model.n_features_in_:
        raise ValueError(
            f"X has {width} features, but {type(model).__name__} is expecting "
            f"{model.n_features_in_} features as input (n_features_in_="
            f"{model.n_features_in_}): the rows given to to_onnx (or the "
            "initial_types) must have the width the model was fitted on."
        )


def _class_labels(model):
    """The classes as int64 or str; other label types cannot be exported."""
    classes = np.asarray(model.classes_)
    if classes.dtype.kind in "iub" or (
        classes.dtype.kind == "f" and np.array_equal(classes, np.round(classes))
    ):
        return classes.astype(np.int64)
    if classes.dtype.kind in "UO" and all(isinstance(c, str) for c in classes):
        return classes.astype(str)
    raise ValueError(
        f"Cannot export class labels of dtype {classes.dtype} to ONNX: its "
        "classifiers output int64 or string labels, and these are not whole "
        "numbers. Encode the labels as integers or strings before fitting."
    )


def _multilabel(model):
    return model._target_type == _targets.MULTILABEL


def _numpy_model(model):
    """The model itself, or a NumPy copy of one fitted in another array library.

    A model fitted with array API dispatch holds its weights in the library of
    its training data (PyTorch, CuPy, array-api-strict...), possibly on a GPU;
    :func:`~sklearn_sigmoid_mlp.to_numpy` copies them to NumPy arrays and
    leaves the model as it is.
    """
    arrays = [*model.coefs_, *model.intercepts_]
    if all(isinstance(array, np.ndarray) for array in arrays):
        return model
    return to_numpy(model)


def _converter(scope, operator, container):
    """The forward pass, ``predict_proba``'s post-processing and the labels."""
    from skl2onnx.common.data_types import guess_proto_type
    from skl2onnx.proto import onnx_proto

    model = operator.raw_operator
    check_is_fitted(model)
    options = _options(container, model)
    model = _numpy_model(model)
    double = guess_proto_type(operator.inputs[0].type) == onnx_proto.TensorProto.DOUBLE
    graph = _Graph(scope, container, np.float64 if double else np.float32)
    output = graph.forward(operator.inputs[0].full_name, model)
    label_name, proba_name = (
        operator.outputs[0].full_name,
        operator.outputs[1].full_name,
    )
    classes = _label_classes(options, model)
    if len(operator.outputs) > 2:  # output_class_labels
        graph.node(
            "Identity", [graph.initializer(classes)], operator.outputs[2].full_name
        )
    if _multilabel(model):
        graph.node("Identity", [output], proba_name)
        above = graph.node("Greater", [output, graph.constant(0.5)])
        graph.node("Cast", [above], label_name, to=onnx_proto.TensorProto.INT64)
        return
    if len(model.classes_) == 1:
        # one class: a column of ones, as predict_proba gives (output * 0 + 1)
        nothing = graph.node("Mul", [output, graph.constant(0.0)])
        proba = graph.node("Add", [nothing, graph.constant(1.0)])
    elif model.n_outputs_ == 1:
        negative = graph.node("Sub", [graph.constant(1.0), output])
        proba = graph.node("Concat", [negative, output], axis=1)
    elif model.out_activation_ == "logistic":
        proba = graph.normalise(output, model.n_outputs_)
    else:
        proba = output
    # the labels come from the probabilities in the graph's type, before any
    # cast for ZipMap, so that they are predict's
    index = graph.node("ArgMax", [proba], axis=1, keepdims=0)
    if options["nocl"]:
        graph.node("Identity", [index], label_name)
    else:
        # Gather, unlike ArrayFeatureExtractor, accepts 0 indices (0 rows)
        graph.node("Gather", [graph.initializer(classes), index], label_name, axis=0)
    if double and _zipmap_dictionaries(options, model):
        # ZipMap accepts float32 tensors only
        graph.node("Cast", [proba], proba_name, to=onnx_proto.TensorProto.FLOAT)
    else:
        graph.node("Identity", [proba], proba_name)


def _regressor_parser(scope, model, inputs, custom_parsers=None):
    """Declare the regressor's one output, ``variable`` (typed by the shape
    calculator)."""
    from skl2onnx.common.data_types import guess_tensor_type

    check_is_fitted(model)
    operator = scope.declare_local_operator(_REGRESSOR_ALIAS, model)
    operator.inputs = inputs
    operator.outputs.append(
        scope.declare_local_variable("variable", guess_tensor_type(inputs[0].type))
    )
    return list(operator.outputs)


def _regressor_shape_calculator(operator):
    """Predictions ``[N, n_outputs]``, in double for double inputs, else float.

    Also checks that the input has the width the model was fitted on.
    """
    from skl2onnx.common.data_types import DoubleTensorType, FloatTensorType

    model = operator.raw_operator
    _check_input_width(operator, model)
    n_rows = operator.inputs[0].get_first_dimension()
    double = isinstance(operator.inputs[0].type, DoubleTensorType)
    tensor = DoubleTensorType if double else FloatTensorType
    operator.outputs[0].type = tensor([n_rows, model.n_outputs_])


def _regressor_converter(scope, operator, container):
    """The forward pass; its output activation is the identity or the
    clipped exponential."""
    from skl2onnx.common.data_types import guess_proto_type
    from skl2onnx.proto import onnx_proto

    model = operator.raw_operator
    check_is_fitted(model)
    model = _numpy_model(model)
    double = guess_proto_type(operator.inputs[0].type) == onnx_proto.TensorProto.DOUBLE
    graph = _Graph(scope, container, np.float64 if double else np.float32)
    output = graph.forward(operator.inputs[0].full_name, model)
    graph.node("Identity", [output], operator.outputs[0].full_name)


class _Graph:
    """Small helpers to add nodes and constants to an skl2onnx container."""

    def __init__(self, scope, container, dtype):
        self.scope, self.container, self.dtype = scope, container, dtype

    def initializer(self, array):
        from onnx import numpy_helper

        name = self.scope.get_unique_variable_name("init")
        tensor = numpy_helper.from_array(np.asarray(array), name)
        self.container.initializers.append(tensor)
        return name

    def constant(self, value):
        return self.initializer(np.asarray(value, dtype=self.dtype))

    def node(self, op_type, inputs, output=None, op_domain="", **attributes):
        output = output or self.scope.get_unique_variable_name(op_type.lower())
        self.container.add_node(
            op_type,
            inputs,
            output,
            op_domain=op_domain,
            name=self.scope.get_unique_operator_name(op_type),
            **attributes,
        )
        return output

    def forward(self, input_name, model):
        """``MatMul`` (+ ``Add``) and ``Sigmoid`` per layer, the output activation.

        The output activation is ``Sigmoid``, ``Softmax``, none (the identity)
        or ``Clip`` then ``Exp`` (the exponential clipped to the dtype's
        finite range, :func:`~sklearn_sigmoid_mlp._activations.exponential`).
        """
        from skl2onnx.proto import onnx_proto

        to = onnx_proto.TensorProto.DOUBLE
        if self.dtype == np.float32:
            to = onnx_proto.TensorProto.FLOAT
        activation = self.node("Cast", [input_name], to=to)
        last = len(model.coefs_) - 1
        for i, coefs in enumerate(model.coefs_):
            z = self.node(
                "MatMul", [activation, self.initializer(coefs.astype(self.dtype))]
            )
            if model._with_intercepts:
                bias = self.initializer(model.intercepts_[i].astype(self.dtype))
                z = self.node("Add", [z, bias])
            if i < last:
                activation = self.node("Sigmoid", [z])
            else:
                activation = self.output_activation(z, model.out_activation_)
        return activation

    def output_activation(self, z, name):
        """The nodes of the output activation ``name`` on pre-activations ``z``."""
        if name == "logistic":
            return self.node("Sigmoid", [z])
        if name == "softmax":
            return self.node("Softmax", [z], axis=1)
        if name == "identity":
            return z
        if name == "exp":
            lower, upper = exp_bounds(self.dtype, np)
            clipped = self.node("Clip", [z, self.constant(lower), self.constant(upper)])
            return self.node("Exp", [clipped])
        raise ValueError(f"Cannot export the output activation {name!r} to ONNX.")

    def normalise(self, output, n_outputs):
        """Independent sigmoids to a distribution; a row of zeros to uniform."""
        total = self.node(
            "ReduceSum", [output, self.initializer(np.array([1]))], keepdims=1
        )
        empty = self.node("Equal", [total, self.constant(0.0)])
        numerator = self.node("Where", [empty, self.constant(1.0), output])
        denominator = self.node(
            "Where", [empty, self.constant(float(n_outputs)), total]
        )
        return self.node("Div", [numerator, denominator])


try:
    register()
except ImportError as error:  # pragma: no cover - the extra is not installed
    raise ImportError(
        "sklearn_sigmoid_mlp.onnx needs skl2onnx, onnx and onnxruntime: "
        'pip install "sklearn-sigmoid-mlp[onnx]"'
    ) from error
