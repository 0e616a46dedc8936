"""
==============================
A grid search as a heatmap
==============================

:class:`~sklearn.model_selection.GridSearchCV` tunes
:class:`~sklearn_sigmoid_mlp.SigmoidMLPClassifier` like any scikit-learn
classifier; because it is a classifier, the folds are stratified. Here the
grid crosses the initial learning rate with the L2 penalty ``alpha``, both on
a log scale, for a fixed budget of 30 epochs, and the mean cross-validated
accuracy is drawn as a heatmap.
"""

# %%
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV, train_test_split

from sklearn_sigmoid_mlp import SigmoidMLPClassifier

X, y = load_digits(return_X_y=True)
X = X / 16.0
X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)

param_grid = {
    "learning_rate_init": [1e-3, 1e-2, 1e-1],
    "alpha": [1e-4, 1e-2, 1.0, 10.0],
}
search = GridSearchCV(
    SigmoidMLPClassifier(hidden_layer_sizes=(64,), max_iter=30, random_state=0),
    param_grid,
    cv=3,
)
with warnings.catch_warnings():
    # 30 epochs is a deliberate budget: most candidates have not converged
    warnings.simplefilter("ignore", ConvergenceWarning)
    search.fit(X_train, y_train)

print("best parameters:", search.best_params_)
print(f"best cross-validated accuracy: {search.best_score_:.3f}")
print(f"test accuracy of the refitted best model: {search.score(X_test, y_test):.3f}")

# %%
# The heatmap
# -----------
# ``cv_results_`` lists the candidates in the order of
# :class:`~sklearn.model_selection.ParameterGrid`: the last key varies
# fastest, after sorting the keys, so ``alpha`` indexes the rows here.
rates = param_grid["learning_rate_init"]
alphas = param_grid["alpha"]
scores = search.cv_results_["mean_test_score"].reshape(len(alphas), len(rates))
assert search.cv_results_["param_alpha"][len(rates)] == alphas[1]

fig, ax = plt.subplots(figsize=(6, 5), layout="constrained")
image = ax.imshow(scores, cmap="viridis", vmin=0, vmax=1, origin="lower")
for (row, col), score in np.ndenumerate(scores):
    ax.text(
        col,
        row,
        f"{score:.2f}",
        ha="center",
        va="center",
        color="white" if score < 0.6 else "black",
    )
ax.set_xticks(range(len(rates)), [f"{r:g}" for r in rates])
ax.set_yticks(range(len(alphas)), [f"{a:g}" for a in alphas])
ax.set(
    xlabel="learning_rate_init",
    ylabel="alpha",
    title="Mean 3-fold accuracy, 30 epochs",
)
fig.colorbar(image, ax=ax, label="accuracy")
plt.show()

# %%
# With 30 epochs, 0.001 is too small a step for this budget and 0.01 to 0.1
# learn well, as long as the penalty is moderate. A penalty of 10 outweighs
# the data: the larger the steps, the sooner it pulls the weights to zero and
# the accuracy to chance. (``alpha`` is divided by the batch's weight sum, so
# its effect depends on ``batch_size``; see :ref:`weights`.)
