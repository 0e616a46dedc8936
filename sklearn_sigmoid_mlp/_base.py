"""The machinery behind the estimator: set-up, training calls, predictions.

:class:`BaseSigmoidMLP` holds what :class:`~sklearn_sigmoid_mlp.SigmoidMLPClassifier`
does between its public methods and the modules that do the work: it checks
the data, sets up or continues the network, hands one call's training to the
engine (:mod:`._training`) and records what the engine did as fitted
attributes and warnings; it runs the forward pass for predictions. Labels and
outputs are in :mod:`._targets`, the network math in :mod:`._network`,
:mod:`._losses`, :mod:`._activations`, :mod:`._parameters` and
:mod:`._optimizers`. With array API dispatch on, the network trains and
predicts in the namespace and on the device of ``X`` (:mod:`._array_api`).
"""

import math
import warnings
from numbers import Integral

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator
from sklearn.utils import assert_all_finite, check_random_state, gen_batches
from sklearn.utils.validation import check_is_fitted, validate_data

from . import _targets
from ._array_api import (
    asnumpy,
    check_same_namespace,
    float_dtypes,
    from_numpy,
    library_name,
    model_namespace,
    namespace_and_device,
    numpy_dtype,
)
from ._callbacks import CallbackSupportMixin, EpochCallbacks, begin_fit, end_fit
from ._interrupt import Interrupt
from ._losses import chance_loss
from ._network import forward, init_parameters
from ._optimizers import SGD, Adam, init_state, start_cosine, state_arrays, stop_cosine
from ._parameters import flat_vector, layer_shapes, n_coefs, unflatten
from ._training import (
    EarlyStopping,
    Monitor,
    Network,
    Plateau,
    Report,
    TimeBudget,
    Trainer,
)
from ._validation import (
    held_out,
    start_validation_record,
    training_rows,
    validation_score,
    validation_set,
)
from ._version import __version__
from ._warnings import warn_on_stop
from ._xp import astype, copy, elementwise, empty, is_numpy, size
from .exceptions import InconsistentVersionWarning

# prediction goes through dense X in blocks of this many rows
_PREDICT_BLOCK = 4096

# what scikit-learn's callback machinery keeps on the estimator during a call
_CALLBACK_ATTRIBUTES = ("_callback_fit_ctx", "_skl_callbacks_to_teardown")


class BaseSigmoidMLP(CallbackSupportMixin, BaseEstimator):
    """Training and prediction of a sigmoid MLP, behind the public estimator.

    Not a public class: the parameters, their constraints and the public
    methods with their documentation are the estimator's.
    """

    def _check_partial_fit_params(self):
        if hasattr(self, "coefs_"):
            # scikit-learn's fit context skips this for fitted models: a
            # parameter set since the last call is checked as fit checks it
            self._validate_params()
        if self.early_stopping:
            raise ValueError(
                "partial_fit does not support early_stopping=True: it trains on "
                "the data it is given and holds nothing out. Use fit, or set "
                "early_stopping=False."
            )

    def _fit(self, X, y, sample_weight, classes, incremental, validation=None):
        # a call that raises leaves the estimator as it was: validation and set-up
        # (validate_data's reset, classes_, coefs_ of a fresh start) only rebind
        # attributes, so restoring the attribute dict undoes them
        saved_attributes = dict(self.__dict__)
        fresh = not (hasattr(self, "coefs_") and (incremental or self.warm_start))
        try:
            # Ctrl-C anywhere in the call stops training, not the call
            with Interrupt() as interrupt:
                self._fit_unguarded(
                    X, y, sample_weight, classes, incremental, validation, interrupt
                )
            if interrupt.raised and self.stop_reason_ != "interrupted":
                # Ctrl-C as the call ended: report it, don't swallow it
                self.stop_reason_ = "interrupted"
                self._warn_on_stop()
            return self
        except BaseException as error:
            # continued training changed the arrays in place: a warning raised
            # as an error, or a second Ctrl-C, then keeps the model as trained
            if fresh or not isinstance(error, (Warning, KeyboardInterrupt)):
                # scikit-learn's fit context tears the callbacks down after the
                # call from these attributes: they outlive the restore
                callback_state = {
                    key: value
                    for key, value in self.__dict__.items()
                    if key in _CALLBACK_ATTRIBUTES
                }
                self.__dict__.clear()
                self.__dict__.update(saved_attributes)
                self.__dict__.update(callback_state)
            raise

    def _fit_unguarded(
        self, X, y, sample_weight, classes, incremental, validation, interrupt
    ):
        continuing = hasattr(self, "coefs_") and (incremental or self.warm_start)
        has_validation = validation is not None and any(
            value is not None for value in validation
        )
        xp, device = self._check_namespace(X, continuing, incremental, has_validation)
        # labels and weights are checked on the host, in NumPy (see _array_api)
        y, sample_weight, classes = (asnumpy(a) for a in (y, sample_weight, classes))
        X, y = validate_data(
            self,
            X,
            y,
            accept_sparse=["csr", "csc"],
            dtype=float_dtypes(xp, device),
            multi_output=True,
            reset=not continuing,
        )
        if continuing and X.dtype != self.coefs_[0].dtype:
            # the network keeps the dtype it was first trained in
            X = astype(X, self.coefs_[0].dtype, xp)
        if sp.issparse(X) and X.format != "csr":
            # batches are row slices: CSR makes them cheap (no densifying)
            X = X.tocsr()
        labels = y
        callback_metadata = (
            None if sample_weight is None else {"sample_weight": sample_weight}
        )
        dtype = numpy_dtype(X.dtype)
        y, label_index = self._encode_targets(
            y, classes, incremental, continuing, dtype
        )
        sample_weight, class_weights = self._effective_sample_weight(
            sample_weight, X.shape[0], dtype, label_index, incremental
        )
        if validation is not None:
            validation = validation_set(
                self, *validation, X.dtype, xp, device, class_weights
            )
        y, sample_weight = (from_numpy(a, xp, device) for a in (y, sample_weight))
        layer_sizes = [X.shape[1], *self._hidden_layer_sizes(), self.n_outputs_]
        if continuing:
            self._check_continuation(layer_sizes)
            rng = np.random.RandomState()
            rng.set_state(self._rng_state)
        else:
            rng = check_random_state(self.random_state)
            self._initialize(layer_sizes, rng, X.dtype, xp, device)
        data = (X, y, labels, sample_weight, label_index, callback_metadata)
        self._train(data, validation, rng, incremental, interrupt)
        self._rng_state = rng.get_state()
        return self

    def _check_namespace(self, X, continuing, incremental, has_validation):
        """The namespace and device of the call: X's, the model's when continuing."""
        if continuing:
            check_same_namespace(X, self, "partial_fit" if incremental else "fit")
        xp, device = namespace_and_device(X)
        if not is_numpy(xp) and self.early_stopping and not has_validation:
            raise ValueError(
                "early_stopping=True holds rows of X out with NumPy input only, "
                f"not with {library_name(xp)} arrays. Pass your own validation "
                "set (X_val and y_val, in the namespace of X), set "
                "early_stopping=False, or train on NumPy arrays."
            )
        return xp, device

    def _hidden_layer_sizes(self):
        hidden = self.hidden_layer_sizes
        hidden = [hidden] if isinstance(hidden, Integral) else list(hidden)
        if any(not isinstance(h, Integral) or h <= 0 for h in hidden):
            raise ValueError(
                "hidden_layer_sizes must contain only positive integers, got "
                f"{self.hidden_layer_sizes!r}."
            )
        return [int(h) for h in hidden]

    def _encode_targets(self, y, classes, incremental, continuing, dtype):
        """The network's targets and each sample's class index (see ``_targets``).

        A first call sets ``classes_``, ``n_outputs_`` and ``out_activation_``;
        a continuing one checks ``y`` against them.
        """
        y, multilabel = _targets.check_targets(y, type(self).__name__)
        if not continuing:
            if incremental and classes is None:
                raise ValueError(
                    "classes must be passed on the first call to partial_fit."
                )
            all_classes = _targets.classes_of_first_call(y, multilabel, classes)
        else:
            if multilabel != (self._target_type == _targets.MULTILABEL):
                trained = "multilabel" if not multilabel else "single-label"
                raise ValueError(
                    f"The model was trained on {trained} targets, but y is "
                    f"{'' if multilabel else 'not '}a multilabel indicator matrix."
                )
            all_classes = self.classes_
            if classes is not None and not np.array_equal(
                np.unique(classes), self.classes_
            ):
                raise ValueError(
                    f"classes={_targets.format_labels(np.unique(classes))} is not the "
                    "same as on the first call to partial_fit, which was "
                    f"{_targets.format_labels(self.classes_)}."
                )
        if continuing and not incremental and not multilabel:
            present = np.unique(y)
            if not np.array_equal(present, all_classes):
                raise ValueError(
                    "warm_start can only be used where `y` has the same classes "
                    "as in the previous call to fit. Previously got "
                    f"{_targets.format_labels(all_classes)}, `y` has "
                    f"{_targets.format_labels(present)}."
                )
        encoded, label_index = _targets.encode(y, all_classes, multilabel, dtype)
        if not continuing:
            self.classes_ = all_classes
            self._target_type = _targets.MULTILABEL if multilabel else "single"
            self.n_outputs_ = encoded.shape[1]
            self.out_activation_ = _targets.output_activation(
                multilabel, len(all_classes), self.loss
            )
        return encoded, label_index

    def _effective_sample_weight(
        self, sample_weight, n_samples, dtype, label_index, incremental
    ):
        """Sample weights times class weights: a new array, never the caller's.

        Also returns the weight of each class (None without ``class_weight``).
        """
        sample_weight = _targets.sample_weights(sample_weight, n_samples, dtype)
        if self.class_weight is None:
            return sample_weight, None
        counts = getattr(self, "_class_weight_counts", None) if incremental else None
        weights, counts = _targets.class_weights(
            self.class_weight, self.classes_, label_index, sample_weight, counts
        )
        if incremental:
            # partial_fit's "balanced" weights use the counts of every call so far
            self._class_weight_counts = counts
        sample_weight = _targets.apply_class_weights(
            sample_weight, weights, label_index, self.class_weight
        )
        return sample_weight, weights

    def _initialize(self, layer_sizes, rng, dtype, xp=np, device=None):
        self.n_layers_ = len(layer_sizes)
        # drawn with NumPy, then moved: a seed gives the same weights everywhere
        coefs, intercepts = init_parameters(
            layer_sizes, self.weight_init, rng, numpy_dtype(dtype)
        )
        self.coefs_ = [from_numpy(c, xp, device) for c in coefs]
        self.intercepts_ = [from_numpy(b, xp, device) for b in intercepts]
        # whether intercepts_ are trained and used (fixed at a fresh start)
        self._with_intercepts = bool(self.fit_intercept)
        self.n_iter_ = 0
        self.t_ = 0
        self.loss_ = None
        self.loss_curve_ = []
        self._no_improvement_count = 0
        self._reset_monitoring()
        self.validation_scores_ = self.validation_loss_curve_ = None
        self._validation_seed = int(rng.randint(np.iinfo(np.int32).max))
        self._optimizer_state = self._new_optimizer_state(dtype)

    def _reset_monitoring(self):
        """The best monitored value: the loss, or the validation score."""
        self.best_loss_ = None if self.early_stopping else np.inf
        self.best_validation_score_ = -np.inf if self.early_stopping else None

    def _new_optimizer_state(self, dtype):
        n_trained = sum(size(c) for c in self.coefs_)
        if self._with_intercepts:
            n_trained += sum(size(b) for b in self.intercepts_)
        xp = model_namespace(self.coefs_[0])
        device = None if is_numpy(xp) else self.coefs_[0].device
        return init_state(
            self.solver, n_trained, dtype, self.learning_rate_init, xp, device
        )

    def _check_continuation(self, layer_sizes):
        current = [self.coefs_[0].shape[0]] + [c.shape[1] for c in self.coefs_]
        if current != layer_sizes:
            raise ValueError(
                f"Cannot continue training: the model has layer sizes {current}, "
                f"but the parameters and data ask for {layer_sizes}. Set "
                "warm_start=False to start afresh."
            )
        if bool(self.fit_intercept) != self._with_intercepts:
            raise ValueError(
                f"Cannot continue training with fit_intercept={self.fit_intercept}: "
                f"the model was trained with fit_intercept={self._with_intercepts}. "
                "Set warm_start=False to start afresh."
            )
        if self.out_activation_ == "softmax" and self.loss != "log_loss":
            raise ValueError(
                f"Cannot continue training with loss={self.loss!r}: the model has a "
                "softmax output, trained with loss='log_loss'. Set warm_start=False "
                "to start afresh."
            )
        state = self._optimizer_state
        if state["solver"] != self.solver:
            self._optimizer_state = self._new_optimizer_state(self.coefs_[0].dtype)
        elif state["learning_rate_init"] != self.learning_rate_init:
            # a new learning_rate_init takes effect; the moments are kept
            state["learning_rate_init"] = float(self.learning_rate_init)
            state["learning_rate"] = float(self.learning_rate_init)
        if self.early_stopping != (self.best_validation_score_ is not None):
            self._reset_monitoring()

    def _pack_parameters(self):
        """The trained slice of the flat parameter vector (see ``_parameters``).

        ``coefs_`` and ``intercepts_`` become views of one vector, and the
        optimizer's arrays vectors of the same layout, unless they already
        are; arrays that are read-only (memory-mapped) or from an earlier
        version's pickle are copied, never written.
        """
        xp = model_namespace(self.coefs_[0])
        flat, packed = flat_vector(self.coefs_, self.intercepts_, xp)
        if packed:
            sizes = [self.coefs_[0].shape[0]] + [c.shape[1] for c in self.coefs_]
            shapes = layer_shapes(sizes)
            self.coefs_, self.intercepts_ = unflatten(flat, *shapes, xp)
        state = self._optimizer_state
        keys = state_arrays(state) + [
            k for k, v in state.items() if isinstance(v, list)
        ]
        for key in keys if is_numpy(xp) else []:
            value = state[key]
            if isinstance(value, list):
                value = np.concatenate([a.ravel() for a in value])
            state[key] = value if value.flags.writeable else value.copy()
        n_trained = flat.shape[0] if self._with_intercepts else n_coefs(self.coefs_)
        return flat[:n_trained]

    def _schedule(self, incremental):
        """The cosine schedule runs over each fit's ``max_iter`` epochs, and
        over the first ``max_iter`` calls of ``partial_fit``."""
        state = self._optimizer_state
        if self.learning_rate != "cosine":
            stop_cosine(state)
        elif not incremental or "cosine_epochs" not in state:
            start_cosine(state, self.max_iter)

    def _optimizer(self):
        xp = model_namespace(self.coefs_[0])
        if self.solver == "sgd":
            return SGD(
                self._optimizer_state,
                self.momentum,
                self.nesterovs_momentum,
                self.learning_rate,
                self.power_t,
                verbose=self.verbose,
                xp=xp,
            )
        return Adam(
            self._optimizer_state, self.beta_1, self.beta_2, self.epsilon, xp=xp
        )

    # ------------------------------------------------------------- training

    def _train(self, data, validation, rng, incremental, interrupt):
        """Run the epochs of one call to fit or partial_fit; record the outcome.

        ``data`` is ``(X, y, labels, sample_weight, label_index, metadata)``:
        the network's inputs and targets, the caller's labels, the effective
        sample weights, each sample's class index, and the metadata the
        callbacks see. ``validation`` is the checked ``X_val`` (a
        ``_validation.ValidationSet``) or None.
        """
        X, y, labels, sample_weight, _, metadata = data
        params = self._pack_parameters()
        self._schedule(incremental)
        optimizer = self._optimizer()
        network = Network(
            self.coefs_,
            self.intercepts_ if self._with_intercepts else None,
            self.out_activation_,
            self.loss,
            self.alpha,
        )
        train_index = None
        if self.early_stopping and validation is None:
            train_index, validation = held_out(self, data)
        start_validation_record(self, validation)
        monitor = self._monitor(optimizer, params, validation)
        monitor.can_stop = not incremental
        n_epochs = 1 if incremental else self.max_iter
        seen = training_rows(X, labels, metadata, train_index)
        context = begin_fit(self, n_epochs, validation is not None, *seen)
        rules = self._rules(monitor, validation, context, seen, interrupt)

        n_train = X.shape[0] if train_index is None else len(train_index)
        batch_size = 200 if self.batch_size == "auto" else self.batch_size
        trainer = Trainer(
            network,
            params,
            optimizer,
            X,
            y,
            sample_weight,
            min(batch_size, n_train),
            chance_loss(self.loss, self.out_activation_, self.n_outputs_),
        )
        result = trainer.run(
            n_epochs,
            rules,
            samples_seen=self.t_,
            rng=rng,
            train_index=train_index,
            shuffle=self.shuffle,
        )
        self._record(result, monitor, incremental)
        end_fit(context, self, *seen)

    def _rules(self, monitor, validation, context, seen, interrupt):
        """The rules of a call (see ``_training``), in the order they act.

        The monitor of convergence first, then the validation scores
        recorded without early stopping, the verbose line and the callbacks,
        which all see the epoch's scores; the time budget and Ctrl-C last.
        """
        rules = [monitor]
        if validation is not None and not self.early_stopping:
            score = validation_score(self, validation)
            rules.append(Monitor(score, self.validation_scores_))
        if self.verbose:
            scores, losses = self.validation_scores_, self.validation_loss_curve_
            rules.append(Report(0, scores, losses))
        if context is not None:
            callback_data = None if validation is None else validation.seen
            rules.append(
                EpochCallbacks(
                    context, self, seen, callback_data, self._fitted_attributes
                )
            )
        if self.max_time is not None:
            rules.append(TimeBudget(self.max_time))
        rules.append(interrupt)
        return rules

    def _monitor(self, optimizer, params, validation):
        """The rule that decides convergence: the loss plateau, or early stopping."""
        plateau = {
            "optimizer": optimizer,
            "tol": self.tol,
            "n_iter_no_change": self.n_iter_no_change,
            "count": self._no_improvement_count,
        }
        if self.early_stopping:
            return EarlyStopping(
                validation_score(self, validation),
                params,
                self.validation_scores_,
                xp=model_namespace(self.coefs_[0]),
                best=self.best_validation_score_,
                **plateau,
            )
        return Plateau(**plateau, best=self.best_loss_, reason="converged")

    def _record(self, result, monitor, incremental):
        """Turn what the training engine did into fitted attributes and warnings.

        As in ``MLPClassifier``, ``n_iter_`` counts the epochs of this call
        (one for ``partial_fit``); ``loss_curve_`` and ``t_`` keep the whole
        history.
        """
        if result.stop_reason == "diverged" and not result.epoch_losses:
            # the weights and optimizer state are back where the call started
            raise ValueError(
                "Solver produced non-finite parameter weights or an exploding "
                "loss before completing an epoch, with learning_rate_init="
                f"{self.learning_rate_init}; no model was trained. Try a smaller "
                "learning_rate_init; the input data may also contain large "
                "values and need to be preprocessed (e.g. with StandardScaler)."
            )
        self.n_iter_ = len(result.epoch_losses)
        self.loss_curve_.extend(float(loss) for loss in result.epoch_losses)
        if self.loss_curve_:
            self.loss_ = self.loss_curve_[-1]
        self.t_ = result.samples_seen
        self._no_improvement_count = monitor.count
        if self.early_stopping:
            self.best_validation_score_ = monitor.best
        else:
            self.best_loss_ = monitor.best
        self.stop_reason_ = result.stop_reason or (
            "partial_fit" if incremental else "max_iter"
        )
        self._warn_on_stop()

    def _fitted_attributes(self, epoch_losses):
        """The attributes of a model stopped now, after these epochs of the call.

        What scikit-learn's callbacks get as their ``fitted_estimator``
        (copies: training goes on in place).
        """
        curve = self.loss_curve_ + [float(loss) for loss in epoch_losses]
        xp = model_namespace(self.coefs_[0])
        attributes = {
            "coefs_": [copy(coef, xp) for coef in self.coefs_],
            "intercepts_": [copy(intercept, xp) for intercept in self.intercepts_],
            "n_iter_": len(epoch_losses),
            "loss_curve_": curve,
            "loss_": curve[-1] if curve else None,
        }
        if self.validation_scores_ is not None:
            attributes["validation_scores_"] = list(self.validation_scores_)
            attributes["validation_loss_curve_"] = list(self.validation_loss_curve_)
        return attributes

    def _warn_on_stop(self):
        warn_on_stop(self.stop_reason_, self.max_iter, self.early_stopping)

    # -------------------------------------------------------------- predict

    def _forward_output(self, X):
        """Raw outputs of the network for validated X.

        Dense X goes through in blocks of rows, so that the hidden activations
        of a large X never all sit in memory at once. X is checked to be
        finite on the first layer's product, which is smaller than X.
        """
        xp = model_namespace(self.coefs_[0])
        X, coefs, intercepts = self._prediction_arrays(X, xp)

        def outputs(X_rows):
            def check_input(product):
                if not math.isfinite(float(xp.sum(product))):
                    assert_all_finite(
                        X_rows, input_name="X", estimator_name=type(self).__name__
                    )

            layers = forward(
                X_rows,
                coefs,
                intercepts,
                self.out_activation_,
                check_input=check_input,
                xp=xp,
            )
            return layers[-1]

        # features so large that a product overflows give +-inf pre-activations,
        # which the sigmoid and softmax map to 0 and 1: no warning for those
        with np.errstate(over="ignore", invalid="ignore"):
            if sp.issparse(X) or X.shape[0] <= _PREDICT_BLOCK:
                output = outputs(X)
            else:
                dtype = xp.result_type(X.dtype, coefs[0].dtype)
                device = getattr(coefs[0], "device", None)
                output = empty((X.shape[0], self.n_outputs_), dtype, xp, device)
                for rows in gen_batches(X.shape[0], _PREDICT_BLOCK):
                    output[rows, ...] = outputs(X[rows, ...])
        if bool(xp.any(xp.isnan(output))):
            # inf - inf inside a product: no meaningful prediction exists
            raise ValueError(
                f"X has values so large that the network's products overflow "
                f"in {output.dtype}; scale the features (e.g. with StandardScaler)."
            )
        return output

    def _prediction_arrays(self, X, xp):
        """X and the parameters in one dtype, the wider (NumPy promotes alone)."""
        coefs = self.coefs_
        intercepts = self.intercepts_ if self._with_intercepts else None
        if is_numpy(xp) or X.dtype == coefs[0].dtype:
            return X, coefs, intercepts
        # the standard's products want one dtype: promote as NumPy does
        dtype = xp.result_type(X.dtype, coefs[0].dtype)
        coefs = [astype(c, dtype, xp) for c in coefs]
        if intercepts is not None:
            intercepts = [astype(b, dtype, xp) for b in intercepts]
        return astype(X, dtype, xp), coefs, intercepts

    def _predict(self, X):
        output = self._forward_output(X)
        multilabel = self._target_type == _targets.MULTILABEL
        return _targets.decode(output, self.classes_, multilabel)

    def _predict_proba(self, X):
        output = self._forward_output(X)
        multilabel = self._target_type == _targets.MULTILABEL
        return _targets.probabilities(output, multilabel, self.out_activation_)

    def _predict_log_proba(self, X):
        proba = self._predict_proba(X)
        xp = model_namespace(proba)
        with np.errstate(divide="ignore"):
            return elementwise("log", proba, out=proba, xp=xp)

    def _validate_predict_data(self, X, method="predict"):
        check_is_fitted(self)
        check_same_namespace(X, self, method)
        xp, device = namespace_and_device(X)
        # finiteness is checked on the first layer's product (_forward_output)
        return validate_data(
            self,
            X,
            accept_sparse=["csr", "csc"],
            dtype=float_dtypes(xp, device),
            ensure_all_finite=False,
            reset=False,
        )

    def __getstate__(self):
        # a copy: on Python >= 3.11 the base class returns the live __dict__
        state = dict(super().__getstate__())
        state["_sklearn_sigmoid_mlp_version"] = __version__
        return state

    def __setstate__(self, state):
        original = state.pop("_sklearn_sigmoid_mlp_version", "unknown")
        if original != __version__:
            warnings.warn(
                InconsistentVersionWarning(
                    estimator_name=type(self).__name__,
                    current_version=__version__,
                    original_version=original,
                ),
                stacklevel=2,
            )
        super().__setstate__(state)
