"""Fitted attributes and warnings from what the training engine did.

:class:`TrainingRecordsMixin` turns a call's
:class:`~._training.TrainingResult` into the estimator's record of training,
as ``MLPClassifier`` keeps it: ``n_iter_``, ``t_``, ``loss_``,
``loss_curve_``, ``best_loss_`` or ``best_validation_score_``, the validation
record (``validation_scores_``, ``validation_loss_curve_``), ``stop_reason_``
and the warnings of a stop; ``solver="lbfgs"`` keeps only ``n_iter_``,
``loss_`` and ``t_``, as ``MLPClassifier`` does. It also builds what
scikit-learn's callbacks see as the model during training.
"""

import math

import numpy as np

from ._warnings import warn_lbfgs, warn_on_stop
from ._xp import copy, squared_norm

#: the fitted attributes of the stochastic solvers only (not of lbfgs, which
#: has a validation record only with X_val)
STOCHASTIC_RECORDS = (
    "loss_curve_",
    "best_loss_",
    "best_validation_score_",
    "_no_improvement_count",
    "validation_scores_",
    "validation_loss_curve_",
)


class TrainingRecordsMixin:
    """The record of training of a :class:`~._base.BaseSigmoidMLP`."""

    def _start_records(self):
        """The record of a fresh start: nothing trained yet."""
        self.n_iter_, self.t_, self.loss_ = 0, 0, None
        for name in STOCHASTIC_RECORDS:
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
