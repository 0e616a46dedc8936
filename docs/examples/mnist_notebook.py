"""
===================================
The notebook's experiment on MNIST
===================================

The original notebook's experiment, in full: MNIST's 70,000 digits scaled to
``[0, 1]``, 10% held out with ``random_state=7``, the 784-128-64-10 sigmoid
network trained with :data:`~sklearn_sigmoid_mlp.NOTEBOOK_PARAMS`, and the
test accuracy printed after every epoch, next to the same network with the
defaults of :class:`~sklearn_sigmoid_mlp.SigmoidMLPClassifier`.

This example is not run when the documentation is built: it needs MNIST
(about 55 MB from OpenML, or a local ``.npz`` copy) and minutes of training.
Run it yourself::

    python mnist_notebook.py                        # fetch_openml("mnist_784")
    python mnist_notebook.py --data mnist_784.npz   # arrays "data", "target"
    python mnist_notebook.py --epochs 5 --max-rows 20000   # a quicker look

The notebook's settings take one SGD step per row, 63,000 steps an epoch;
the defaults take 315 mini-batch steps an epoch.
"""

# %%
# Options and data
# ----------------
import argparse

import numpy as np

parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[1])
parser.add_argument("--data", metavar="PATH.npz", help="MNIST as an .npz file")
parser.add_argument("--epochs", type=int, default=50, help="default: 50")
parser.add_argument(
    "--max-rows", type=int, default=None, help="use only the first rows"
)
parser.add_argument(
    "--models",
    nargs="+",
    choices=["notebook", "defaults"],
    default=["notebook", "defaults"],
)
args, _ = parser.parse_known_args()

if args.data:
    with np.load(args.data) as archive:
        X, y = archive["data"], archive["target"]
else:
    from sklearn.datasets import fetch_openml

    X, y = fetch_openml("mnist_784", return_X_y=True, as_frame=False)
X, y = X[: args.max_rows], y[: args.max_rows]
X = (X / 255).astype("float64")  # the notebook's normalisation

from sklearn.model_selection import train_test_split

# the notebook's split
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.1, random_state=7)
print(f"{len(X_train)} training and {len(X_test)} test rows")

# %%
# Training, one epoch per ``partial_fit`` call
# --------------------------------------------
# After each epoch, the line the notebook printed.
from time import perf_counter

from sklearn_sigmoid_mlp import NOTEBOOK_PARAMS, SigmoidMLPClassifier

all_models = {
    "notebook": SigmoidMLPClassifier(**NOTEBOOK_PARAMS, random_state=7),
    "defaults": SigmoidMLPClassifier(random_state=7),
}
classes = np.unique(y)
accuracy = {}
for name in args.models:
    clf = all_models[name]
    print(f"Training {name}...")
    accuracy[name] = []
    start = perf_counter()
    for epoch in range(1, args.epochs + 1):
        clf.partial_fit(X_train, y_train, classes=classes)
        accuracy[name].append(clf.score(X_test, y_test))
        print(
            f"Iteration: {epoch}\t|\tAccuracy: {100 * accuracy[name][-1]}%"
            f"\t|\t{perf_counter() - start:.0f} s"
        )

# %%
# The curves
# ----------
import matplotlib.pyplot as plt

fig, ax = plt.subplots(figsize=(7, 4.5))
for name, scores in accuracy.items():
    ax.plot(np.arange(1, len(scores) + 1), 100 * np.array(scores), label=name)
ax.set(xlabel="Epoch", ylabel="Test accuracy (%)", ylim=(0, 100), title="MNIST")
ax.legend(loc="lower right")
plt.show()
