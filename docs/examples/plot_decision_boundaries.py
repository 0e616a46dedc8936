"""
=================================
Decision boundaries on 2-D data
=================================

Three two-dimensional problems, and networks of growing width. Each panel
shows the predicted probability of the second class
(:class:`~sklearn.inspection.DecisionBoundaryDisplay`), the training points
(circles) and the test points (outlined), with the test accuracy in the
corner.

A single sigmoid hidden unit draws one smooth, straight boundary: each
hidden unit contributes one sigmoid ridge, so a network's boundary is a
smooth combination of as many ridges as it has units in its first layer.
"""

# %%
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import make_circles, make_classification, make_moons
from sklearn.inspection import DecisionBoundaryDisplay
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklearn_sigmoid_mlp import SigmoidMLPClassifier

datasets = {
    "moons": make_moons(n_samples=200, noise=0.25, random_state=0),
    "circles": make_circles(n_samples=200, noise=0.15, factor=0.5, random_state=1),
    "nearly linear": make_classification(
        n_samples=200,
        n_features=2,
        n_redundant=0,
        n_informative=2,
        n_clusters_per_class=1,
        random_state=1,
    ),
}
X, y = datasets["nearly linear"]
X += 2 * np.random.RandomState(2).uniform(size=X.shape)  # blur the classes
hidden_layer_sizes = [(1,), (3,), (32, 32)]

fig, axes = plt.subplots(
    nrows=len(datasets),
    ncols=len(hidden_layer_sizes),
    figsize=(10, 10),
    layout="constrained",
)
for row, (data_name, (X, y)) in zip(axes, datasets.items()):
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.3, random_state=0
    )
    for ax, hidden in zip(row, hidden_layer_sizes):
        # Small data: smaller batches and a larger step than the defaults, so
        # that training converges in a few hundred epochs; and more patience,
        # because sigmoid networks cross long plateaus on their way, where the
        # default n_iter_no_change=10 can declare convergence too early.
        clf = make_pipeline(
            StandardScaler(),
            SigmoidMLPClassifier(
                hidden_layer_sizes=hidden,
                batch_size=10,
                learning_rate_init=0.1,
                n_iter_no_change=30,
                max_iter=1000,
                random_state=0,
            ),
        ).fit(X_train, y_train)
        DecisionBoundaryDisplay.from_estimator(
            clf,
            X,
            response_method="predict_proba",
            grid_resolution=80,
            cmap="RdBu",
            alpha=0.7,
            vmin=0,
            vmax=1,
            ax=ax,
        )
        ax.scatter(*X_train.T, c=y_train, cmap="RdBu", edgecolors="white", s=20)
        ax.scatter(*X_test.T, c=y_test, cmap="RdBu", edgecolors="black", s=25)
        ax.text(
            0.97,
            0.03,
            f"{clf.score(X_test, y_test):.2f}",
            transform=ax.transAxes,
            ha="right",
            fontsize="large",
            bbox={"facecolor": "white", "alpha": 0.8},
        )
        ax.set(xticks=(), yticks=(), xlabel="", ylabel="")
        ax.set_title(f"{data_name}, hidden_layer_sizes={hidden}", fontsize="medium")
plt.show()

# %%
# One hidden unit draws a straight boundary: enough for the nearly linear
# data, not for the moons or the circles. Three units bend it around the
# moons and close it around the inner circle. On the noisy, nearly linear
# data the extra units buy nothing: they bend the boundary around individual
# training points, and the widest network scores lower on the test points,
# which a larger ``alpha`` or early stopping would prevent.
