"""Plotting helpers in scikit-learn's Display style.

matplotlib is an optional dependency (the ``[plot]`` extra): this module
imports it only inside the methods that draw, so that importing
:mod:`sklearn_sigmoid_mlp` never needs it.
"""

from sklearn.base import is_regressor
from sklearn.pipeline import Pipeline
from sklearn.utils.validation import check_is_fitted

__all__ = ["TrainingCurveDisplay"]


def _check_matplotlib_support(caller_name):
    """Raise a helpful ImportError when matplotlib is not installed."""
    try:
        import matplotlib  # noqa: F401
    except ImportError as exc:
        raise ImportError(
            f"{caller_name} requires matplotlib. Install it with "
            "`pip install matplotlib`, or install this package with its plotting "
            'extra: `pip install "sklearn-sigmoid-mlp[plot]"`.'
        ) from exc


class TrainingCurveDisplay:
    """Training loss, validation loss and validation score per epoch.

    Draws an estimator's ``loss_curve_`` and, when it had validation data
    (``X_val``, or early stopping's held-out rows), its
    ``validation_loss_curve_`` on the same y-axis (left) and its
    ``validation_scores_`` on a second y-axis (right), against the epoch
    number. Create it with :meth:`from_estimator`; the constructor
    is for curves you already have. All the parameters are stored as
    attributes.

    Parameters
    ----------
    loss_curve : array-like of shape (n_epochs,)
        Training loss of each epoch.

    validation_scores : array-like of shape (n_epochs,), default=None
        Validation score of each epoch, or None to draw none.

    validation_loss_curve : array-like of shape (n_epochs,), default=None
        Validation loss of each epoch, or None to draw none.

    loss_name : str, default=None
        Name of the loss, shown in the y-axis label (for instance
        ``"log_loss"``).

    estimator_name : str, default=None
        Name of the estimator, used as a prefix of the legend's labels.

    score_name : str, default="accuracy"
        Name of the validation score, in its label: ``"accuracy"`` for a
        classifier, ``"R²"`` for a regressor (what :meth:`from_estimator`
        chooses).

    Attributes
    ----------
    ax_ : matplotlib Axes
        Axes of the loss curve.

    figure_ : matplotlib Figure
        Figure containing the curves.

    loss_line_ : matplotlib Line2D
        The loss curve.

    validation_loss_line_ : matplotlib Line2D or None
        The validation-loss curve, dashed, on ``ax_``; None when there is
        none.

    validation_ax_ : matplotlib Axes or None
        Second y-axis (sharing ``ax_``'s x-axis) of the validation scores;
        None when there are none.

    validation_line_ : matplotlib Line2D or None
        The validation-score curve; None when there are no validation scores.

    See Also
    --------
    sklearn.model_selection.LearningCurveDisplay : Scores against the number
        of training samples, over several fits.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> from sklearn.datasets import load_iris
    >>> from sklearn_sigmoid_mlp import SigmoidMLPClassifier, TrainingCurveDisplay
    >>> X, y = load_iris(return_X_y=True)
    >>> clf = SigmoidMLPClassifier(
    ...     early_stopping=True, learning_rate_init=0.01, random_state=0
    ... ).fit(X, y)
    >>> display = TrainingCurveDisplay.from_estimator(clf)
    >>> len(display.loss_line_.get_ydata()) == clf.n_iter_
    True
    >>> display.validation_ax_.get_ylabel()
    'Validation accuracy'
    >>> plt.close(display.figure_)

    Curves from elsewhere:

    >>> display = TrainingCurveDisplay(loss_curve=[1.0, 0.5, 0.25]).plot()
    >>> display.ax_.get_xlabel()
    'Epoch'
    >>> plt.close(display.figure_)
    """

    def __init__(
        self,
        *,
        loss_curve,
        validation_scores=None,
        validation_loss_curve=None,
        loss_name=None,
        estimator_name=None,
        score_name="accuracy",
    ):
        self.loss_curve = loss_curve
        self.validation_scores = validation_scores
        self.validation_loss_curve = validation_loss_curve
        self.loss_name = loss_name
        self.estimator_name = estimator_name
        self.score_name = score_name

    def plot(self, ax=None, *, name=None, loss_kwargs=None, validation_kwargs=None):
        """Draw the curves.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes to draw the loss on; the validation scores go on a twin
            y-axis of it. None creates a new figure and axes.

        name : str, default=None
            Prefix of the legend's labels; None uses ``estimator_name``.

        loss_kwargs : dict, default=None
            Keyword arguments passed to :meth:`matplotlib.axes.Axes.plot` for
            the loss curve.

        validation_kwargs : dict, default=None
            Keyword arguments passed to :meth:`matplotlib.axes.Axes.plot` for
            the validation-score curve.

        Returns
        -------
        display : TrainingCurveDisplay
            This object, with the matplotlib artists as attributes.

        Examples
        --------
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> import matplotlib.pyplot as plt
        >>> from sklearn_sigmoid_mlp import TrainingCurveDisplay
        >>> display = TrainingCurveDisplay(
        ...     loss_curve=[0.9, 0.6, 0.5], validation_scores=[0.7, 0.8, 0.85]
        ... )
        >>> fig, ax = plt.subplots()
        >>> display.plot(ax=ax, loss_kwargs={"color": "black"}).ax_ is ax
        True
        >>> display.loss_line_.get_color()
        'black'
        >>> plt.close(fig)
        """
        _check_matplotlib_support(f"{type(self).__name__}.plot")
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots()
        name = self.estimator_name if name is None else name
        prefix = "" if name is None else f"{name}: "

        epochs = range(1, len(self.loss_curve) + 1)
        loss_kwargs = {"color": "C0", "label": f"{prefix}training loss"} | (
            loss_kwargs or {}
        )
        (self.loss_line_,) = ax.plot(epochs, list(self.loss_curve), **loss_kwargs)
        ax.set_xlabel("Epoch")
        loss_label = "Training loss"
        if self.loss_name is not None:
            loss_label += f" ({self.loss_name})"
        ax.set_ylabel(loss_label)
        handles = [self.loss_line_]
        self.validation_loss_line_ = None
        if self.validation_loss_curve is not None:
            epochs = range(1, len(self.validation_loss_curve) + 1)
            (self.validation_loss_line_,) = ax.plot(
                epochs,
                list(self.validation_loss_curve),
                color=self.loss_line_.get_color(),
                linestyle="--",
                label=f"{prefix}validation loss",
            )
            ax.set_ylabel(loss_label.replace("Training loss", "Loss"))
            handles.append(self.validation_loss_line_)

        self.validation_ax_ = None
        self.validation_line_ = None
        if self.validation_scores is not None:
            self.validation_ax_ = ax.twinx()
            validation_kwargs = {
                "color": "C1",
                "label": f"{prefix}validation {self.score_name}",
            } | (validation_kwargs or {})
            epochs = range(1, len(self.validation_scores) + 1)
            (self.validation_line_,) = self.validation_ax_.plot(
                epochs, list(self.validation_scores), **validation_kwargs
            )
            self.validation_ax_.set_ylabel(f"Validation {self.score_name}")
            handles.append(self.validation_line_)
        ax.legend(handles=handles, loc="center right")

        self.ax_ = ax
        self.figure_ = ax.figure
        return self

    @classmethod
    def from_estimator(
        cls,
        estimator,
        *,
        ax=None,
        name=None,
        loss_kwargs=None,
        validation_kwargs=None,
    ):
        """Draw the training curves of a fitted estimator.

        Parameters
        ----------
        estimator : estimator instance
            A fitted :class:`~sklearn_sigmoid_mlp.SigmoidMLPClassifier`, a
            :class:`~sklearn.pipeline.Pipeline` ending in one, or any fitted
            estimator with a ``loss_curve_`` attribute (such as
            :class:`sklearn.neural_network.MLPClassifier`). Its
            ``validation_loss_curve_`` and ``validation_scores_``, when not
            None, are drawn as well.

        ax, name, loss_kwargs, validation_kwargs
            As in :meth:`plot`: the axes to draw on (None for a new figure),
            the prefix of the legend's labels (None for none), and keyword
            arguments for :meth:`matplotlib.axes.Axes.plot` of the loss and of
            the validation scores.

        Returns
        -------
        display : TrainingCurveDisplay
            The display, with the matplotlib artists as attributes.

        Raises
        ------
        sklearn.exceptions.NotFittedError
            If the estimator is not fitted.
        ImportError
            If matplotlib is not installed.

        Examples
        --------
        The estimator may sit at the end of a pipeline:

        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> from sklearn.datasets import load_iris
        >>> from sklearn.pipeline import make_pipeline
        >>> from sklearn.preprocessing import StandardScaler
        >>> from sklearn_sigmoid_mlp import SigmoidMLPClassifier, TrainingCurveDisplay
        >>> X, y = load_iris(return_X_y=True)
        >>> model = make_pipeline(
        ...     StandardScaler(), SigmoidMLPClassifier(batch_size=16, random_state=0)
        ... )
        >>> display = TrainingCurveDisplay.from_estimator(model.fit(X, y))
        >>> display.ax_.get_ylabel()
        'Training loss (log_loss)'
        >>> display.validation_line_ is None
        True
        >>> import matplotlib.pyplot as plt
        >>> plt.close(display.figure_)
        """
        _check_matplotlib_support(f"{cls.__name__}.from_estimator")
        check_is_fitted(estimator)
        model = estimator[-1] if isinstance(estimator, Pipeline) else estimator
        if hasattr(model, "coefs_") and getattr(model, "solver", None) == "lbfgs":
            raise ValueError(
                f"{cls.__name__} draws the loss of each epoch of a stochastic "
                "solver; a model fitted with solver='lbfgs' records none (as "
                "MLPClassifier's). Its validation_scores_, with X_val, hold one "
                "score per L-BFGS iteration."
            )
        if not hasattr(model, "loss_curve_"):
            raise ValueError(
                f"{cls.__name__} needs an estimator with a loss_curve_ attribute, "
                f"such as SigmoidMLPClassifier; got {type(model).__name__}."
            )
        loss_name = getattr(model, "loss", None)
        display = cls(
            loss_curve=model.loss_curve_,
            validation_scores=getattr(model, "validation_scores_", None),
            validation_loss_curve=getattr(model, "validation_loss_curve_", None),
            loss_name=loss_name if isinstance(loss_name, str) else None,
            estimator_name=name,
            score_name="R²" if is_regressor(model) else "accuracy",
        )
        return display.plot(
            ax=ax, loss_kwargs=loss_kwargs, validation_kwargs=validation_kwargs
        )
