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

from numbers import Integral
from typing import ClassVar

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.utils import check_random_state

from . import _validation
from ._array_api import (
    asnumpy,
    from_numpy,
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
from ._inputs import TrainingInputsMixin
from ._interrupt import Interrupt
from ._lbfgs import FlatObjective, run_lbfgs
from ._losses import Objective
from ._network import init_parameters, predict_output
from ._optimizers import make_optimizer, state_for_call
from ._parameters import Parameters
from ._predicting import PredictionMixin
from ._records import TrainingRecordsMixin
from ._settings import OPTIMIZER_SETTINGS, SHARED_CONSTRAINTS
from ._state import VersionedPickleMixin, rollback_on_error
from ._training import (
    EarlyStopping,
    Plateau,
    Report,
    TimeBudget,
    Trainer,
)
from ._warnings import warn_schedule_ended


class BaseSigmoidMLP(
    TrainingInputsMixin,
    TrainingRecordsMixin,
    PredictionMixin,
    VersionedPickleMixin,
    CallbackSupportMixin,
    BaseEstimator,
):
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
        self._validation_seed = int(rng.randint(np.iinfo(np.int32).max))
        self._optimizer_state = None
        self._start_records()

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
        watch = self._watch_rules(
            validation, context, seen, stochastic, targets.score_name
        )
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

    def _watch_rules(self, validation, context, seen, stochastic, score_name):
        """The rules every solver has, each from the parameter that turns it
        on: ``verbose`` (which names the targets' score), the callbacks,
        ``max_time``; Ctrl-C's is ``_fit``'s."""
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
