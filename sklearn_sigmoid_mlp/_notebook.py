"""The settings of the original notebook, for :class:`SigmoidMLPClassifier`.

Plain data, no scikit-learn.
"""

import numpy as np

#: Parameters that reproduce the training of the original notebook: a
#: 784-128-64-10 sigmoid network without bias terms, squared error on sigmoid
#: outputs, per-sample SGD at a constant learning rate of 0.001, weights drawn
#: as ``randn(n_out, n_in) * sqrt(1 / n_out)``, 50 epochs over the data in
#: order. Like any fit that runs out of ``max_iter``, it ends with a
#: ``ConvergenceWarning`` and ``stop_reason_ == "max_iter"``.
NOTEBOOK_PARAMS = {
    "hidden_layer_sizes": (128, 64),
    "loss": "squared_error",
    "solver": "sgd",
    "learning_rate": "constant",
    "learning_rate_init": 0.001,
    "momentum": 0.0,
    "nesterovs_momentum": False,
    "alpha": 0.0,
    "batch_size": 1,
    "shuffle": False,
    "fit_intercept": False,
    "weight_init": "notebook",
    "max_iter": 50,
    "tol": 0.0,
    "n_iter_no_change": np.inf,
}
