"""
========================================
Regression: a smooth function and counts
========================================

:class:`~sklearn_sigmoid_mlp.SigmoidMLPRegressor` is the same sigmoid
network as the classifier, with an output layer for regression (see
:ref:`regression`). Here it learns Friedman's benchmark function, watched on
a validation set, then counts with ``loss="poisson"``.
"""

# %%
# Friedman #1
# -----------
# :func:`~sklearn.datasets.make_friedman1` draws ten uniform features; the
# target is ``10 sin(pi x0 x1) + 20 (x2 - 1/2)^2 + 10 x3 + 5 x4`` plus noise,
# and five features are irrelevant. A linear model cannot follow the sine and
# the square. The network is given the test rows as its validation set
# (``X_val``, ``y_val``): it is scored on them after every epoch, and
# training is exactly what it would be without them.
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import make_friedman1
from sklearn.linear_model import RidgeCV
from sklearn.metrics import mean_poisson_deviance
from sklearn.model_selection import train_test_split

from sklearn_sigmoid_mlp import SigmoidMLPRegressor

X, y = make_friedman1(n_samples=1000, noise=1.0, random_state=0)
X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)

linear = RidgeCV().fit(X_train, y_train)
mlp = SigmoidMLPRegressor(
    hidden_layer_sizes=(32,),
    batch_size=50,
    learning_rate_init=0.05,
    random_state=0,
)
mlp.fit(X_train, y_train, X_val=X_test, y_val=y_test)
print(f"linear model: test R² {linear.score(X_test, y_test):.3f}")
print(
    f"sigmoid MLP:  test R² {mlp.score(X_test, y_test):.3f} after {mlp.n_iter_} "
    f"epochs ({mlp.stop_reason_})"
)

# %%
# The targets range from about 0 to 30 and were not rescaled: a new
# regressor's output starts at their mean, so the first epochs already learn
# the shape of the function. ``loss_curve_`` is half the mean squared error
# (``MLPRegressor``'s definition), ``validation_scores_`` the R² on the
# validation rows.
fig, (ax_pred, ax_curve) = plt.subplots(1, 2, figsize=(10, 4))
for model, name, marker in [(linear, "linear", "x"), (mlp, "sigmoid MLP", "o")]:
    ax_pred.scatter(
        y_test, model.predict(X_test), s=12, marker=marker, alpha=0.6, label=name
    )
limits = [y_test.min(), y_test.max()]
ax_pred.plot(limits, limits, color="grey", linestyle=":")
ax_pred.set(xlabel="true value", ylabel="prediction", title="Test rows")
ax_pred.legend()

epochs = np.arange(1, mlp.n_iter_ + 1)
(loss_line,) = ax_curve.plot(epochs, mlp.loss_curve_, label="training loss")
ax_curve.set(xlabel="epoch", ylabel="half squared error", yscale="log")
ax_r2 = ax_curve.twinx()
(r2_line,) = ax_r2.plot(
    epochs, mlp.validation_scores_, color="tab:orange", label="validation R²"
)
ax_r2.set(ylabel="validation R²", ylim=(0, 1))
ax_curve.legend(handles=[loss_line, r2_line], loc="center right")
ax_curve.set_title("Training")
fig.tight_layout()
plt.show()

# %%
# Counts: ``loss="poisson"``
# --------------------------
# Counts drawn from a Poisson law whose log-rate is the same function, scaled
# down, call for the Poisson loss: an exponential output (a rate, always
# positive) and half the Poisson deviance. The same network with the squared
# error, given the same settings (early stopping on 10% of the training rows),
# fits the rates less well: its mean Poisson deviance on the test counts is
# higher (that of the true rates, the best any model can do, is printed for
# reference), and nothing keeps its predictions positive.
rng = np.random.RandomState(0)
rates = np.exp(make_friedman1(n_samples=1000, noise=0.0, random_state=0)[1] / 10)
counts = rng.poisson(rates)
counts_train, counts_test, _, rates_test = train_test_split(
    counts, rates, random_state=0
)

params = {
    "hidden_layer_sizes": (32,),
    "batch_size": 50,
    "learning_rate_init": 0.01,
    "early_stopping": True,
    "n_iter_no_change": 20,
    "max_iter": 500,
    "random_state": 0,
}
poisson = SigmoidMLPRegressor(loss="poisson", **params).fit(X_train, counts_train)
squared = SigmoidMLPRegressor(**params).fit(X_train, counts_train)
floor = mean_poisson_deviance(counts_test, rates_test)
print(f"true rates: mean Poisson deviance {floor:.3f}")
for name, model in [("poisson", poisson), ("squared_error", squared)]:
    predicted = model.predict(X_test)
    deviance = mean_poisson_deviance(counts_test, np.clip(predicted, 1e-6, None))
    print(
        f"loss={name!r}: mean Poisson deviance {deviance:.3f}, "
        f"smallest prediction {predicted.min():.2f}"
    )

fig, ax = plt.subplots(figsize=(5, 4))
ax.scatter(rates_test, poisson.predict(X_test), s=12, alpha=0.6, label="poisson")
ax.scatter(
    rates_test, squared.predict(X_test), s=12, alpha=0.6, marker="x", label="squared"
)
ax.plot([0, rates.max()], [0, rates.max()], color="grey", linestyle=":")
ax.set(xlabel="true rate", ylabel="predicted rate", title="Counts: rates learned")
ax.legend()
plt.show()
