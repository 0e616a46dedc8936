"""scikit-learn's callbacks (:mod:`sklearn.callback`, scikit-learn >= 1.9) in training.

The estimator supports ``set_callbacks`` through scikit-learn's
``CallbackSupportMixin``, and calls the callbacks' hooks as scikit-learn's
own iterative estimators do:

- one root task per call to ``fit`` or ``partial_fit``
  (:func:`begin_fit`, :func:`end_fit`), whose ``max_subtasks`` is the call's
  budget of epochs;
- one leaf task per epoch, named ``"epoch"``: its ``on_fit_task_begin`` before
  the epoch, its ``on_fit_task_end`` after it, with the training data and a
  model as fitted at that point (:class:`EpochCallbacks`, a rule of the
  training engine): the model as it was when the epoch began (as
  ``LogisticRegression`` gives its iterations'), and as the epoch left it;
- with validation data (``X_val`` or the rows ``early_stopping`` holds
  out), one more leaf task after each epoch, named ``"validation"``, whose
  hooks get the validation data instead, and the model of the epoch's end: a
  :class:`~sklearn.callback.ScoringMonitor` thus records one score per epoch
  on each, told apart by the task name.

A hook that returns True ends training after the epoch, with
``stop_reason_ = "callback"``; the model is finalized as after any stop.

With a scikit-learn older than 1.9 the package works as before and
``set_callbacks`` raises an :class:`ImportError` that names the version
needed.
"""

import sklearn

from ._training import Rule, TrainingResult

try:
    from sklearn.callback import CallbackSupportMixin
except ImportError:  # scikit-learn < 1.9
    CALLBACKS_AVAILABLE = False

    class CallbackSupportMixin:
        """Stands in for scikit-learn's mixin where ``sklearn.callback`` is missing."""

        def set_callbacks(self, *callbacks):
            """Set callbacks for the estimator: needs scikit-learn >= 1.9.

            Parameters
            ----------
            *callbacks : callback instances
                The callbacks to set.

            Raises
            ------
            ImportError
                Always: scikit-learn's callback API (``sklearn.callback``)
                is new in scikit-learn 1.9.
            """
            raise ImportError(
                f"{type(self).__name__}.set_callbacks needs scikit-learn >= 1.9, "
                "where scikit-learn's callback API (sklearn.callback) first "
                f"appeared; scikit-learn {sklearn.__version__} is installed. "
                "Upgrade it with: pip install 'scikit-learn>=1.9'."
            )

else:
    CALLBACKS_AVAILABLE = True


#: the names of the tasks the callbacks see, below the root task of a call
#: (``"iteration"`` is an L-BFGS iteration of ``solver="lbfgs"``)
EPOCH_TASK, ITERATION_TASK, VALIDATION_TASK = "epoch", "iteration", "validation"


def begin_fit(estimator, n_epochs, has_validation, X, y, metadata):
    """Open the root task of a training call; None without ``sklearn.callback``.

    Parameters
    ----------
    estimator : estimator instance
        The estimator being trained.
    n_epochs : int
        The call's budget of epochs.
    has_validation : bool
        Whether every epoch is followed by a validation task.
    X, y : array-like or callable
        The training data as the callbacks see it (a callable is called only
        if a callback asks for the data).
    metadata : dict or None
        ``{"sample_weight": ...}`` when the caller gave sample weights.

    Returns
    -------
    context : CallbackContext or None
        The root context.
    """
    if not CALLBACKS_AVAILABLE:
        return None
    n_tasks = n_epochs * (2 if has_validation else 1)
    context = estimator._init_callback_context(max_subtasks=n_tasks)
    context.call_on_fit_task_begin(estimator=estimator, X=X, y=y, metadata=metadata)
    return context


def end_fit(context, estimator, X, y, metadata):
    """Close the root task of a training call (the estimator is fitted)."""
    if context is not None:
        context.call_on_fit_task_end(
            estimator=estimator,
            X=X,
            y=y,
            metadata=metadata,
            reconstruction_attributes={},
        )


class EpochCallbacks(Rule):
    """Call the callbacks' hooks around every epoch; stop when one asks to.

    Parameters
    ----------
    context : CallbackContext
        The root context of the call.
    estimator : estimator instance
        The estimator being trained.
    training : tuple
        ``(X, y, metadata)`` given to the epoch tasks' hooks.
    validation : tuple or None
        ``(X_val, y_val, metadata_val)`` given to the validation tasks' hooks;
        None without validation data.
    fitted_attributes : callable
        ``fitted_attributes(record)``: the fitted attributes of a model
        stopped now, given this call's record so far (a
        :class:`~._training.TrainingResult`); called only when a callback
        asks for the fitted model, at the beginning of a task or at its end.
    task_name : str, default="epoch"
        The name of the tasks of the training data: ``"epoch"``, or
        ``"iteration"`` for the L-BFGS iterations of ``solver="lbfgs"``.
    """

    def __init__(
        self,
        context,
        estimator,
        training,
        validation,
        fitted_attributes,
        task_name=EPOCH_TASK,
    ):
        self.context, self.estimator, self.task_name = context, estimator, task_name
        self.training, self.validation = training, validation
        self.fitted_attributes = fitted_attributes
        self.open_task = None

    def _model_now(self, result):
        """The fitted attributes of the model as it is now, when asked for
        (copies: training goes on in place, and in the same lists)."""
        record = TrainingResult(
            samples_seen=result.samples_seen,
            epoch_losses=list(result.epoch_losses),
            validation_scores=list(result.validation_scores),
            validation_losses=list(result.validation_losses),
        )
        return lambda: self.fitted_attributes(record)

    def _task(self, name, data, result):
        X, y, metadata = data
        task = self.context.subcontext(task_name=name)
        task.call_on_fit_task_begin(
            estimator=self.estimator,
            X=X,
            y=y,
            metadata=metadata,
            reconstruction_attributes=self._model_now(result),
        )
        return task

    def _end(self, task, data, result):
        X, y, metadata = data
        return task.call_on_fit_task_end(
            estimator=self.estimator,
            X=X,
            y=y,
            metadata=metadata,
            reconstruction_attributes=self._model_now(result),
        )

    def before_epoch(self, result):
        self.open_task = self._task(self.task_name, self.training, result)

    def after_epoch(self, result):
        task, self.open_task = self.open_task, None
        stop = self._end(task, self.training, result)
        if self.validation is not None:
            task = self._task(VALIDATION_TASK, self.validation, result)
            stop = self._end(task, self.validation, result) or stop
        return "callback" if stop else None

    def end(self, result):
        if self.open_task is not None:
            # an epoch cut short (Ctrl-C, the time budget, divergence) before
            # it counted: its task ends empty, so every begin has its end
            self.open_task.call_on_fit_task_end(estimator=self.estimator)
            self.open_task = None
