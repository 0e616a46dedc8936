"""
=====================================
Loss curves and validation scores
=====================================

:class:`~sklearn_sigmoid_mlp.TrainingCurveDisplay` draws what a fit records
epoch by epoch: the training loss (``loss_curve_``) and, with validation data
(``X_val``, or early stopping's held-out split), the validation loss
(``validation_loss_curve_``) beside it and the validation accuracy
(``validation_scores_``) on a second y-axis. Here it shows early stopping at
work, a validation set of your own, then compares the two solvers.
"""

# %%
# Early stopping
# --------------
# ``early_stopping=True`` holds out 10% of the training rows. Training stops
# when their accuracy has not improved for more than ``n_iter_no_change``
# epochs, and the weights of the best epoch are restored.
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

from sklearn_sigmoid_mlp import SigmoidMLPClassifier, TrainingCurveDisplay

X, y = load_digits(return_X_y=True)
X = X / 16.0
X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)

clf = SigmoidMLPClassifier(early_stopping=True, random_state=0)
clf.fit(X_train, y_train)
best_epoch = int(np.argmax(clf.validation_scores_)) + 1
print(f"stop_reason_: {clf.stop_reason_!r} after {clf.n_iter_} epochs")
print(f"best epoch: {best_epoch}, validation accuracy {clf.best_validation_score_:.3f}")
print(f"test accuracy of the restored weights: {clf.score(X_test, y_test):.3f}")

display = TrainingCurveDisplay.from_estimator(clf)
display.ax_.axvline(best_epoch, color="grey", linestyle=":")
display.ax_.text(best_epoch, display.ax_.get_ylim()[1], " best epoch", va="top")
display.ax_.set_title("Adam, early stopping")
plt.show()

# %%
# A validation set of your own
# ----------------------------
# Given ``X_val`` and ``y_val``, ``fit`` scores them after every epoch:
# ``validation_scores_`` (accuracy) and ``validation_loss_curve_`` (the
# log-loss), which the display draws dashed beside the training loss. Without
# ``early_stopping`` they are only watched, and training stops when the
# training loss converges. Here the validation loss is lowest long before
# that and then turns up while the training loss keeps falling: overfitting,
# which early stopping on ``X_val``, or a callback watching the validation
# loss (:ref:`monitoring`), would cut short.
watched = SigmoidMLPClassifier(learning_rate_init=0.03, alpha=0, random_state=0)
watched.fit(X_train, y_train, X_val=X_test, y_val=y_test)
lowest = int(np.argmin(watched.validation_loss_curve_)) + 1
print(f"lowest validation loss after epoch {lowest} of {watched.n_iter_}")
display = TrainingCurveDisplay.from_estimator(watched)
display.ax_.set_title("X_val monitored, without early stopping")
plt.show()

# %%
# The training loss was still falling when the validation accuracy stopped
# improving: with 135 held-out rows, one more correct digit is a step of
# 0.007, and ten epochs without one end the fit. A larger
# ``validation_fraction`` or ``n_iter_no_change`` lets such a fit run longer.
#
# The display's attributes are the matplotlib objects, to restyle or reuse:
print(type(display.loss_line_).__name__, display.validation_ax_.get_ylabel())

# %%
# Adam against SGD with momentum
# ------------------------------
# Pass ``ax=`` to draw into a figure of your own. SGD's learning rate needs
# to be much larger than Adam's for the same progress; with momentum 0.9 and
# Nesterov's correction (the defaults for ``solver="sgd"``), 0.1 works here.
fig, axes = plt.subplots(ncols=2, figsize=(11, 4), layout="constrained")
solvers = {
    "adam": SigmoidMLPClassifier(early_stopping=True, random_state=0),
    "sgd": SigmoidMLPClassifier(
        solver="sgd", learning_rate_init=0.1, early_stopping=True, random_state=0
    ),
}
for ax, (name, model) in zip(axes, solvers.items()):
    model.fit(X_train, y_train)
    TrainingCurveDisplay.from_estimator(model, ax=ax, name=name)
    ax.set_title(
        f"solver={name!r}: {model.n_iter_} epochs, "
        f"test accuracy {model.score(X_test, y_test):.3f}"
    )
plt.show()

# %%
# Reading the curves: a loss that still falls when training stops means more
# epochs could help (raise ``n_iter_no_change`` or ``max_iter``); a loss that
# is flat from the start means a learning rate that is too small or inputs
# that are not scaled; validation accuracy that falls while the loss keeps
# falling is overfitting, which early stopping cuts short.
