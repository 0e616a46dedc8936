"""What a classifier and a regressor share: set-up, the hand-off to the engine.

:class:`BaseSigmoidMLP` is the thin orchestrator behind the estimators'
public methods. A training call goes through it as a pipeline: it checks
``X`` (the namespace and device of ``X`` are found once, here), asks the
estimator for the call's targets (:mod:`._targets` for a classifier), builds
the :class:`~._training.TrainingData` and the validation rows
(:mod:`._validation`), sets up or continues the parameters
(:class:`~._parameters.Parameters`) and the optimizer
(:func:`~._optimizers.make_optimizer`), runs the engine
(:class:`~._training.Trainer`) with the rules its parameters ask for, and
records the :class:`~._training.TrainingResult` as fitted attributes and
warnings. Predictions run :func:`~._network.predict_output`.

A subclass provides what depends on the kind of target:
``_targets_of_call(y, classes, incremental, fitted)`` (the checked ``y`` and
an object that encodes it, weighs it and scores outputs against it) and
``_adopt_targets(targets)`` (the fitted attributes of a first call).
"""

import math
from numbers import Integral
from typing import ClassVar

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator
from sklearn.utils import assert_all_finite, check_random_state
from sklearn.utils.validation import check_is_fitted, validate_data

from . import _validation
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
from ._callbacks import (
    EPOCH_TASK,
    ITERATION_TASK,
    CallbackSupportMixin,
    EpochCallbacks,
    begin_fit,
    end_fit,
)
from ._interrupt import Interrupt
from ._lbfgs import FlatObjective, run_lbfgs
from ._losses import Objective
from ._network import init_parameters, predict_output
from ._optimizers import make_optimizer, state_for_call
from ._parameters import Parameters
from ._settings import OPTIMIZER_SETTINGS, SHARED_CONSTRAINTS
from ._state import VersionedPickleMixin, rollback_on_error
from ._training import (
    EarlyStopping,
    Plateau,
    Report,
    TimeBudget,
    Trainer,
    TrainingData,
)
from ._warnings import warn_lbfgs, warn_on_stop, warn_schedule_ended
from ._xp import astype, copy, is_numpy, squared_norm, sum_all

#: Whether predictions take the fast path for plain NumPy rows (see
#: ``BaseSigmoidMLP._plain_rows``); tests turn it off to compare the outcomes.
PLAIN_ROWS_FAST_PATH = True
_PLAIN_DTYPES = (np.dtype(np.float64), np.dtype(np.float32))

#: the fitted attributes of the stochastic solvers only (not of lbfgs, which
#: has a validation record only with X_val)
_STOCHASTIC_RECORDS = (
    "loss_curve_",
    "best_loss_",
    "best_validation_score_",
    "_no_improvement_count",
    "validation_scores_",
    "validation_loss_curve_",
)


class BaseSigmoidMLP(VersionedPickleMixin, CallbackSupportMixin, BaseEstimator):
    """Training and prediction of a sigmoid MLP, behind the public estimators.

    Not a public class: the parameters and the public methods with their
    documentation are the estimators'; the constraints of the parameters they
    share are here.
    """

    _parameter_constraints: ClassVar[dict] = SHARED_CONSTRAINTS

    def _check_solver(self):
        """``partial_fit`` exists for the stochastic solvers only (as in
        ``MLPClassifier``: ``hasattr(est, "partial_fit")`` is False for lbfgs)."""
        if self.solver not in ("sgd", "adam"):
            raise AttributeError(
                "partial_fit is only available for stochastic optimizers. "
                f"{self.solver} is not stochastic."
            )
        return True

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
        # a call that raises leaves the estimator as it was; continued training
        # changed the arrays in place, and a warning raised as an error or a
        # second Ctrl-C then keeps the model as trained
        fresh = not (hasattr(self, "coefs_") and (incremental or self.warm_start))
        keep = () if fresh else (Warning, KeyboardInterrupt)
        # Ctrl-C anywhere in the call stops training, not the call
        with rollback_on_error(self, keep=keep), Interrupt() as interrupt:
            self._fit_unguarded(
                X, y, sample_weight, classes, incremental, validation, interrupt
            )
        if interrupt.raised and self.stop_reason_ != "interrupted":
            # Ctrl-C as the call ended: report it, don't swallow it
            self.stop_reason_ = "interrupted"
            self._warn_on_stop()
        return self

    def _fit_unguarded(
        self, X, y, sample_weight, classes, incremental, validation, interrupt
    ):
        continuing = hasattr(self, "coefs_") and (incremental or self.warm_start)
        has_validation = validation is not None and _validation.check_presence(
            *validation
        )
        xp, device = self._check_namespace(X, continuing, incremental, has_validation)
        X, y = self._check_X_y(X, y, continuing, xp, device)
        data, targets, class_weights = self._training_data(
            X, y, sample_weight, classes, incremental, continuing, xp, device
        )
        if has_validation:
            validation = self._validation_set(
                *validation, X.dtype, xp, device, targets, class_weights
            )
        else:
            validation = None
        layer_sizes = [X.shape[1], *self._hidden_layer_sizes(), self.n_outputs_]
        if continuing:
            self._check_continuation(layer_sizes)
            rng = np.random.RandomState()
            rng.set_state(self._rng_state)
        else:
            rng = check_random_state(self.random_state)
            self._initialize(layer_sizes, rng, X.dtype, xp, device)
            # a regressor's output starts at the mean target; a classifier's as drawn
            targets.initialize_outputs(self._parameters, data)
        params = self._training_parameters(xp, device)
        self._train(params, data, validation, targets, rng, incremental, interrupt)
        self._rng_state = rng.get_state()

    def _check_namespace(self, X, continuing, incremental, has_validation):
        """The namespace and device of the call: X's, the model's when continuing."""
        if continuing:
            check_same_namespace(X, self, "partial_fit" if incremental else "fit")
        xp, device = namespace_and_device(X)
        holds_out = self.early_stopping and self.solver != "lbfgs"
        if not is_numpy(xp) and holds_out and not has_validation:
            raise ValueError(
                "early_stopping=True holds rows of X out with NumPy input only, "
                f"not with {library_name(xp)} arrays. Pass your own validation "
                "set (X_val and y_val, in the namespace of X), set "
                "early_stopping=False, or train on NumPy arrays."
            )
        return xp, device

    def _check_X_y(self, X, y, continuing, xp, device):
        """X validated in the network's dtype (CSR if sparse); y on the host."""
        X, y = validate_data(
            self,
            X,
            asnumpy(y),  # targets are checked on the host, in NumPy
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
        return X, y

    def _training_data(
        self, X, y, sample_weight, classes, incremental, continuing, xp, device
    ):
        """The call's :class:`TrainingData`, its targets and class weights."""
        sample_weight, classes = asnumpy(sample_weight), asnumpy(classes)
        dtype = numpy_dtype(X.dtype)
        fitted = self._fitted_targets() if continuing else None
        labels, targets = self._targets_of_call(y, classes, incremental, fitted)
        encoded, label_index = targets.encode(labels, dtype)
        counts = getattr(self, "_class_weight_counts", None) if incremental else None
        weights, class_weights, counts = targets.weights(
            sample_weight, X.shape[0], dtype, label_index, counts
        )
        if not continuing:
            self._adopt_targets(targets)
        if incremental and counts is not None:
            # partial_fit's "balanced" weights use the counts of every call so far
            self._class_weight_counts = counts
        data = TrainingData(
            X,
            from_numpy(encoded, xp, device),
            from_numpy(weights, xp, device),
            labels=labels,
            label_index=label_index,
            metadata=None
            if sample_weight is None
            else {"sample_weight": sample_weight},
        )
        return data, targets, class_weights

    def _validation_set(self, X_val, y_val, sample_weight_val, dtype, xp, device, *t):
        """``X_val`` checked as ``X`` is, ``y_val`` by the call's targets."""
        targets, class_weights = t
        X_val = _validation.check_X_val(
            X_val,
            n_features=self.n_features_in_,
            feature_names=getattr(self, "feature_names_in_", None),
            dtypes=float_dtypes(xp, device),
            dtype=dtype,
            xp=xp,
            device=device,
            estimator_name=type(self).__name__,
        )
        labels, y, weight = targets.validation(
            asnumpy(y_val),
            asnumpy(sample_weight_val),
            X_val.shape[0],
            numpy_dtype(dtype),
            class_weights,
        )
        return _validation.validation_set(
            X_val, labels, y, weight, sample_weight_val, xp, device
        )

    def _hidden_layer_sizes(self):
        hidden = self.hidden_layer_sizes
        hidden = [hidden] if isinstance(hidden, Integral) else list(hidden)
        if any(not isinstance(h, Integral) or h <= 0 for h in hidden):
            raise ValueError(
                "hidden_layer_sizes must contain only positive integers, got "
                f"{self.hidden_layer_sizes!r}."
            )
        return [int(h) for h in hidden]

    def _initialize(self, layer_sizes, rng, dtype, xp, device):
        self.n_layers_ = len(layer_sizes)
        # drawn with NumPy and packed on the host, then moved in one piece: a
        # seed gives the same weights everywhere
        host = Parameters.packed(
            *init_parameters(layer_sizes, self.weight_init, rng, numpy_dtype(dtype)),
            self.fit_intercept,
            xp=np,
        )
        params = Parameters.from_flat(
            from_numpy(host.flat, xp, device),
            layer_sizes,
            self.fit_intercept,
            xp=xp,
            device=device,
        )
        self._adopt_parameters(params)
        # whether intercepts_ are trained and used (fixed at a fresh start)
        self._with_intercepts = bool(self.fit_intercept)
        self.n_iter_, self.t_, self.loss_ = 0, 0, None
        self._validation_seed = int(rng.randint(np.iinfo(np.int32).max))
        self._optimizer_state = None
        for name in _STOCHASTIC_RECORDS:
            # lbfgs keeps none of them, as in MLPClassifier; nor a refit with it
            self.__dict__.pop(name, None)
        if self.solver != "lbfgs":
            self._start_stochastic_records()

    def _start_stochastic_records(self):
        """The records of the stochastic solvers: the loss curve, the best value."""
        self.loss_curve_, self._no_improvement_count = [], 0
        self.validation_scores_ = self.validation_loss_curve_ = None
        self.best_loss_ = None if self.early_stopping else np.inf
        self.best_validation_score_ = -np.inf if self.early_stopping else None

    def _adopt_parameters(self, params):
        """``coefs_`` and ``intercepts_`` become the views of ``params``."""
        self._parameters = params
        self.coefs_, self.intercepts_ = params.coefs, params.intercepts

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
        if self.solver == "lbfgs":
            return
        if not hasattr(self, "loss_curve_"):
            # a stochastic solver continues a model trained by lbfgs
            self._start_stochastic_records()
        if self.early_stopping != (self.best_validation_score_ is not None):
            # the monitored value changes: its best so far means nothing now
            self.best_loss_ = None if self.early_stopping else np.inf
            self.best_validation_score_ = -np.inf if self.early_stopping else None

    def _training_parameters(self, xp, device):
        """The parameters packed in one flat vector, the model's own views.

        Training goes on in the vector of the last call when ``coefs_`` and
        ``intercepts_`` are still its views; otherwise (a loaded or
        memory-mapped model, replaced arrays) they are packed afresh, by
        copying: arrays loaded from a file are never written.
        """
        params = self.__dict__.get("_parameters")
        if params is None or not params.owns(self.coefs_, self.intercepts_):
            params = Parameters.packed(
                self.coefs_,
                self.intercepts_,
                self._with_intercepts,
                xp=xp,
                device=device,
            )
            self._adopt_parameters(params)
        return params

    # ------------------------------------------------------------- training

    def _train(self, params, data, validation, targets, rng, incremental, interrupt):
        """Run one call to fit or partial_fit; record the outcome."""
        objective = Objective(self.loss, self.out_activation_, self.alpha)
        # a regressor's chance level, the divergence guard's floor, is its data's
        objective = objective.for_targets(data.y, data.sample_weight, xp=params.xp)
        stochastic = self.solver != "lbfgs"
        if stochastic and self.early_stopping and validation is None:
            data, validation = _validation.held_out(
                data, self.validation_fraction, self._validation_seed
            )
        scorer = None
        if validation is not None:
            scorer = _validation.scorer(
                validation,
                lambda X: predict_output(params, X, self.out_activation_),
                targets.score,
                objective.data_term,
                params.xp,
            )
        seen = _validation.training_rows(data)
        n_epochs = 1 if incremental else self.max_iter
        context = begin_fit(self, n_epochs, validation is not None, *seen)
        watch = self._watch_rules(validation, context, seen, stochastic)
        if stochastic:
            optimizer = self._optimizer(params, incremental)
            rules = self._stop_rules(params, optimizer, incremental)
            batch_size = 200 if self.batch_size == "auto" else self.batch_size
            trainer = Trainer(
                params, objective, optimizer, min(batch_size, data.n_train)
            )
            result = trainer.run(
                data,
                n_epochs,
                [*rules, *watch, interrupt],
                samples_seen=self.t_,
                rng=rng,
                shuffle=self.shuffle,
                scorer=scorer,
            )
            self._record(
                result, validation is not None, incremental, optimizer.schedule_ended()
            )
        else:
            fun = self._flat_objective(params, objective, data)
            start = params.snapshot()
            result = run_lbfgs(
                fun,
                [*watch, interrupt],
                max_iter=self.max_iter,
                max_fun=self.max_fun,
                tol=self.tol,
                scorer=scorer,
            )
            self._record_lbfgs(result, validation is not None, params, start)
        end_fit(context, self, *seen)

    def _optimizer(self, params, incremental):
        """The stochastic optimizer of a call, its state kept on the model."""
        self._optimizer_state = state_for_call(
            self._optimizer_state,
            self.solver,
            params.n_trained,
            params.dtype,
            self.learning_rate_init,
            xp=params.xp,
            device=params.device,
        )
        settings = {name: getattr(self, name) for name in OPTIMIZER_SETTINGS}
        optimizer = make_optimizer(self._optimizer_state, settings, xp=params.xp)
        optimizer.start(incremental, self.max_iter)
        if incremental and optimizer.schedule_ended():
            # partial_fit after the last epoch of a cosine: its rate is 0
            warn_schedule_ended(self._optimizer_state["cosine_epochs"])
        return optimizer

    def _flat_objective(self, params, objective, data):
        """The objective of ``solver="lbfgs"``: float64 vectors on the host."""
        xp, device = params.xp, params.device
        dtype = numpy_dtype(params.dtype)

        def from_host(vector):
            return from_numpy(vector.astype(dtype, copy=False), xp, device)

        return FlatObjective(params, objective, data, asnumpy, from_host)

    def _stop_rules(self, params, optimizer, incremental):
        """The rules that end stochastic training: the loss plateau, or early
        stopping (see ``_training``)."""
        plateau = {
            "optimizer": optimizer,
            "tol": self.tol,
            "n_iter_no_change": self.n_iter_no_change,
            "count": self._no_improvement_count,
            "can_stop": not incremental,
        }
        if self.early_stopping:
            resume = bool(self.validation_scores_)
            return [
                EarlyStopping(
                    params,
                    resume_best=resume,
                    best=self.best_validation_score_,
                    **plateau,
                )
            ]
        return [Plateau(**plateau, best=self.best_loss_)]

    def _watch_rules(self, validation, context, seen, stochastic):
        """The rules every solver has, each from the parameter that turns it
        on: ``verbose``, the callbacks, ``max_time``; Ctrl-C's is ``_fit``'s."""
        score_name = self._fitted_targets().score_name
        rules = [Report(score_name=score_name)] if self.verbose else []
        if context is not None:
            rules.append(
                EpochCallbacks(
                    context,
                    self,
                    seen,
                    None if validation is None else validation.seen,
                    self._fitted_attributes,
                    task_name=EPOCH_TASK if stochastic else ITERATION_TASK,
                )
            )
        if self.max_time is not None:
            rules.append(TimeBudget(self.max_time))
        return rules

    def _record(self, result, has_validation, incremental, schedule_ended=False):
        """Turn what the training engine did into fitted attributes and warnings.

        As in ``MLPClassifier``, ``n_iter_`` counts the epochs of this call
        (one for ``partial_fit``); ``loss_curve_`` and ``t_`` keep the whole
        history. A call that ran out of ``max_iter`` warns, but where its
        learning-rate schedule ended with it (``schedule_ended``), as planned.
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
        self.n_iter_ = result.n_epochs
        self.loss_curve_.extend(float(loss) for loss in result.epoch_losses)
        if self.loss_curve_:
            self.loss_ = self.loss_curve_[-1]
        self.t_ = result.samples_seen
        if result.best is not None:
            self._no_improvement_count = result.no_improvement_count
            if self.early_stopping:
                self.best_validation_score_ = result.best
            else:
                self.best_loss_ = result.best
        self._record_validation(result, has_validation)
        self.stop_reason_ = result.stop_reason or (
            "partial_fit" if incremental else "max_iter"
        )
        self._warn_on_stop(schedule_ended)

    def _record_lbfgs(self, result, has_validation, params, start):
        """The fitted attributes of ``solver="lbfgs"``, as ``MLPClassifier``'s:
        ``n_iter_`` (iterations) and ``loss_``; no loss curve, ``t_`` kept."""
        solution = result.lbfgs
        if not (
            math.isfinite(solution.fun)
            and math.isfinite(float(squared_norm(params.trained, params.xp)))
        ):
            params.restore(start)
            raise ValueError(
                "Solver produced non-finite parameter weights. The input data may "
                "contain large values and need to be preprocessed."
            )
        self.n_iter_ = min(int(solution.nit), self.max_iter)
        self.loss_ = float(solution.fun)
        if has_validation:
            self._record_validation(result, has_validation)
        else:
            # as MLPClassifier's lbfgs, no validation record at all
            self.__dict__.pop("validation_scores_", None)
            self.__dict__.pop("validation_loss_curve_", None)
        self.stop_reason_ = result.stop_reason
        if self.stop_reason_ in ("max_iter", "max_fun", "abnormal"):
            warn_lbfgs(solution, self.n_iter_, self.max_iter)
        else:
            self._warn_on_stop()

    def _record_validation(self, result, has_validation):
        """``validation_scores_`` and ``validation_loss_curve_``: lists for a
        call with validation data, extended by warm-started calls; else None."""
        if not has_validation:
            self.validation_scores_ = self.validation_loss_curve_ = None
            return
        scores = getattr(self, "validation_scores_", None) or []
        losses = getattr(self, "validation_loss_curve_", None)
        if losses is None:
            # none yet, or a model pickled before validation losses were recorded
            losses = [np.nan] * len(scores)
        self.validation_scores_ = scores + result.validation_scores
        self.validation_loss_curve_ = losses + result.validation_losses

    def _fitted_attributes(self, record):
        """The attributes of a model stopped now, after this call's ``record``.

        What scikit-learn's callbacks get as their ``fitted_estimator``
        (copies: training goes on in place).
        """
        xp = self._parameters.xp
        losses = [float(loss) for loss in record.epoch_losses]
        attributes = {
            "coefs_": [copy(coef, xp) for coef in self.coefs_],
            "intercepts_": [copy(intercept, xp) for intercept in self.intercepts_],
            "n_iter_": record.n_epochs,
            "loss_": losses[-1] if losses else getattr(self, "loss_", None),
        }
        if self.solver != "lbfgs":
            attributes["loss_curve_"] = self.loss_curve_ + losses
            attributes["t_"] = record.samples_seen
        if record.validation_scores:
            scores = getattr(self, "validation_scores_", None) or []
            losses = getattr(self, "validation_loss_curve_", None)
            losses = losses or [np.nan] * len(scores)
            attributes["validation_scores_"] = scores + record.validation_scores
            attributes["validation_loss_curve_"] = losses + record.validation_losses
        return attributes

    def _warn_on_stop(self, schedule_ended=False):
        warn_on_stop(
            self.stop_reason_, self.max_iter, self.early_stopping, schedule_ended
        )

    # -------------------------------------------------------------- predict

    def _plain_rows(self, X):
        """Whether ``X`` is rows that the full checks would return unchanged.

        A non-empty C- or F-ordered float32 or float64 ndarray of native byte
        order with the fitted number of columns, for a fitted NumPy model that
        saw no feature names: ``validate_data`` would accept it as it is and
        warn about nothing, so predictions skip it (finiteness is checked on
        the first layer's product either way). Anything else takes the full
        checks, with their errors and warnings.
        """
        state = self.__dict__
        coefs = state.get("coefs_")
        return (
            type(X) is np.ndarray
            and X.ndim == 2
            and X.dtype in _PLAIN_DTYPES
            and X.shape[0] > 0
            and X.shape[1] == state.get("n_features_in_")
            and "feature_names_in_" not in state
            and (X.flags.c_contiguous or X.flags.f_contiguous)
            and coefs is not None
            and type(coefs[0]) is np.ndarray
        )

    def _output(self, X):
        """The network's outputs for validated X (finiteness checked on the
        first layer's product, which is smaller than X)."""
        xp = model_namespace(self.coefs_[0])
        params = Parameters.of(
            self.coefs_, self.intercepts_, self._with_intercepts, xp=xp
        )

        def check_input(rows, product):
            if not math.isfinite(float(sum_all(product, xp))):
                assert_all_finite(
                    rows, input_name="X", estimator_name=type(self).__name__
                )

        return predict_output(params, X, self.out_activation_, check_input)

    def _validate_predict_data(self, X, method="predict"):
        if PLAIN_ROWS_FAST_PATH and self._plain_rows(X):
            return X
        check_is_fitted(self)
        check_same_namespace(X, self, method)
        xp, device = namespace_and_device(X)
        # finiteness is checked on the first layer's product (_output)
        return validate_data(
            self,
            X,
            accept_sparse=["csr", "csc"],
            dtype=float_dtypes(xp, device),
            ensure_all_finite=False,
            reset=False,
        )
