"""
=============================================
Three solvers on a small data set
=============================================

scikit-learn recommends ``solver="lbfgs"`` for small data sets, where
full-batch L-BFGS-B needs no learning rate and can converge in few passes
over the data. This example trains the same 64-32-10 sigmoid network with
each of the three solvers of
:class:`~sklearn_sigmoid_mlp.SigmoidMLPClassifier` on scikit-learn's digits
(1,347 training rows), 60 passes each, and draws the accuracy on held-out
rows against the passes: an epoch for Adam and SGD (7 mini-batches of 200
rows), an L-BFGS iteration (one or a few evaluations of the full-batch
objective) for L-BFGS. Adam at its default rate is still climbing after 60
epochs of so few batches; SGD with momentum at a rate tuned for this data
and L-BFGS without any tuning end close together.

Every solver records a validation score per epoch or iteration when ``fit``
is given ``X_val`` and ``y_val``: ``validation_scores_``.
"""

# %%
import time
import warnings

import matplotlib.pyplot as plt
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from sklearn_sigmoid_mlp import SigmoidMLPClassifier

X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X, y, stratify=y, random_state=0)
scaler = StandardScaler().fit(X_train)
X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)

solvers = {
    "adam": {"learning_rate_init": 1e-3},
    "sgd": {"learning_rate_init": 0.1, "momentum": 0.9},
    "lbfgs": {},
}
models = {}
for solver, settings in solvers.items():
    model = SigmoidMLPClassifier(
        hidden_layer_sizes=(64, 32),
        solver=solver,
        max_iter=60,
        tol=0.0,
        random_state=0,
        **settings,
    )
    with warnings.catch_warnings():
        # a fixed budget of 60 passes: running out of it is the plan here
        warnings.simplefilter("ignore", ConvergenceWarning)
        start = time.perf_counter()
        model.fit(X_train, y_train, X_val=X_test, y_val=y_test)
        seconds = time.perf_counter() - start
    models[solver] = model
    print(
        f"{solver:>5}: {model.n_iter_} passes in {seconds:.2f} s, held-out "
        f"accuracy {model.score(X_test, y_test):.3f} ({model.stop_reason_})"
    )

# %%
# The held-out accuracy after each epoch (Adam, SGD) or L-BFGS iteration.
fig, ax = plt.subplots(figsize=(6, 4))
for solver, model in models.items():
    passes = range(1, len(model.validation_scores_) + 1)
    ax.plot(passes, model.validation_scores_, label=solver)
ax.set_xlabel("epoch (adam, sgd) or iteration (lbfgs)")
ax.set_ylabel("held-out accuracy")
ax.set_ylim(0.5, 1.0)
ax.legend()
ax.set_title("digits, 64-32-10 sigmoid network")
plt.show()
