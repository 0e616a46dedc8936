"""The parameters every estimator of the family shares.

Their constraints (scikit-learn's ``_parameter_constraints``), and the names
of those the optimizer reads. Each estimator adds its own (the classifier's
``loss`` and ``class_weight``).
"""

from numbers import Integral, Real

import numpy as np
from sklearn.utils._param_validation import Interval, Options, StrOptions

#: the constraints of the parameters that every estimator of the family has
SHARED_CONSTRAINTS = {
    "hidden_layer_sizes": [
        "array-like",
        Interval(Integral, 1, None, closed="left"),
    ],
    "solver": [StrOptions({"adam", "sgd", "lbfgs"})],
    "alpha": [Interval(Real, 0, None, closed="left")],
    "batch_size": [
        StrOptions({"auto"}),
        Interval(Integral, 1, None, closed="left"),
    ],
    "learning_rate": [StrOptions({"constant", "invscaling", "adaptive", "cosine"})],
    "learning_rate_init": [Interval(Real, 0, None, closed="neither")],
    "power_t": [Interval(Real, 0, None, closed="left")],
    "max_iter": [Interval(Integral, 1, None, closed="left")],
    "shuffle": ["boolean"],
    "random_state": ["random_state"],
    "tol": [Interval(Real, 0, None, closed="left")],
    "verbose": ["verbose"],
    "warm_start": ["boolean"],
    "momentum": [Interval(Real, 0, 1, closed="both")],
    "nesterovs_momentum": ["boolean"],
    "early_stopping": ["boolean"],
    "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
    "beta_1": [Interval(Real, 0, 1, closed="left")],
    "beta_2": [Interval(Real, 0, 1, closed="left")],
    "epsilon": [Interval(Real, 0, None, closed="neither")],
    "n_iter_no_change": [
        Interval(Integral, 1, None, closed="left"),
        Options(Real, {np.inf}),
    ],
    "max_fun": [Interval(Integral, 1, None, closed="left")],
    "fit_intercept": ["boolean"],
    "weight_init": [StrOptions({"glorot_uniform", "notebook"})],
    "max_time": [Interval(Real, 0, None, closed="neither"), None],
}

#: the estimator's parameters that the optimizer reads (see
#: ``_optimizers.make_optimizer``)
OPTIMIZER_SETTINGS = (
    "learning_rate",
    "power_t",
    "momentum",
    "nesterovs_momentum",
    "beta_1",
    "beta_2",
    "epsilon",
    "verbose",
)
