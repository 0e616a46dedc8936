"""Full-batch training by SciPy's L-BFGS-B over the flat parameter vector.

Plain NumPy/SciPy, no scikit-learn. ``solver="lbfgs"`` minimises the same
objective as the stochastic solvers (:func:`~._network.backward`: the
weighted mean loss plus the L2 term) over all the training rows at once,
with :func:`scipy.optimize.minimize` (``method="L-BFGS-B"``, ``jac=True``),
as ``MLPClassifier`` does: ``max_iter`` bounds the iterations, ``max_fun``
the evaluations of the objective, ``tol`` is SciPy's ``gtol``.

SciPy works in float64 on the host; the network does not. Each evaluation
copies the float64 vector into the trained slice of the
:class:`~._parameters.Parameters` (float32 parameters stay float32; another
namespace's arrays stay on their device), runs the forward and backward
passes there, and hands SciPy the loss and a float64 copy of the flat
gradient: only the vector crosses to the host.

The engine's rules (:class:`~._training.Rule`) see an L-BFGS iteration as
an epoch: :meth:`~._training.Rule.before_epoch` before it,
:meth:`~._training.Rule.after_batch` after every evaluation of the
objective, :meth:`~._training.Rule.after_epoch` after it, with the
iteration's loss (and validation score and loss) in the
:class:`~._training.TrainingResult`. A rule that asks to stop ends the
minimisation at the end of the iteration (SciPy's callback raises
:class:`StopIteration`, and the last iterate is kept): Ctrl-C, ``max_time``
and scikit-learn's callbacks stop it cleanly.
"""

import math

import numpy as np
from scipy.optimize import minimize

from ._blas import scipy_blas_single_thread
from ._network import allocate_workspace, backward, forward
from ._training import TrainingResult, first_reason, weights_or_none

#: ``stop_reason_`` of SciPy's statuses: converged, a budget ran out, or the
#: line search failed (``status`` 2)
_STATUS_REASONS = {0: "converged", 2: "abnormal"}


class FlatObjective:
    """The objective as SciPy sees it: a float64 vector in, loss and gradient out.

    Parameters
    ----------
    params : Parameters
        The network, packed; its trained slice takes each evaluated vector.
    objective : Objective
        What is minimised.
    data : TrainingData
        All the training rows (its ``train_index`` is not used).
    to_host : callable
        ``to_host(array) -> ndarray``: an array of the network's namespace as
        a NumPy array on the host.
    from_host : callable
        ``from_host(vector) -> array``: a NumPy vector in the network's
        namespace, dtype and device.

    Examples
    --------
    >>> import numpy as np
    >>> from scipy.optimize import check_grad
    >>> from sklearn_sigmoid_mlp._lbfgs import FlatObjective
    >>> from sklearn_sigmoid_mlp._losses import Objective
    >>> from sklearn_sigmoid_mlp._network import init_parameters
    >>> from sklearn_sigmoid_mlp._parameters import Parameters
    >>> from sklearn_sigmoid_mlp._training import TrainingData
    >>> rng = np.random.RandomState(0)
    >>> params = Parameters.packed(
    ...     *init_parameters([3, 4, 2], "glorot_uniform", rng, np.float64), True, xp=np)
    >>> data = TrainingData(rng.randn(8, 3), np.eye(2)[rng.randint(2, size=8)],
    ...                     np.ones(8))
    >>> fun = FlatObjective(params, Objective("log_loss", "softmax", 1e-3), data,
    ...                     np.asarray, np.asarray)
    >>> w = params.trained.copy()
    >>> bool(check_grad(lambda v: fun(v)[0], lambda v: fun(v)[1], w) < 1e-6)
    True
    """

    def __init__(self, params, objective, data, to_host, from_host):
        self.params, self.objective, self.data = params, objective, data
        self.to_host, self.from_host = to_host, from_host
        self.workspace = allocate_workspace(params, data.X.shape[0])
        self.grads = self.workspace["grads"][: params.n_trained]
        # weights of one are no weights: the unweighted mean skips their passes
        self.sample_weight = weights_or_none(data.sample_weight, params.xp)
        self.n_evaluations = 0

    def set_vector(self, vector):
        """Put a float64 vector into the trained parameters."""
        self.params.trained[...] = self.from_host(vector)

    def __call__(self, vector):
        self.n_evaluations += 1
        self.set_vector(vector)
        data, ws = self.data, self.workspace
        activations = forward(
            self.params, data.X, self.objective.out_activation, ws["activations"]
        )
        value, _, _ = backward(
            self.params,
            self.objective,
            data.y,
            activations,
            sample_weight=self.sample_weight,
            workspace=ws,
        )
        gradient = np.asarray(self.to_host(self.grads), dtype=np.float64)
        if gradient is self.grads:
            gradient = gradient.copy()  # SciPy keeps it; the buffer is reused
        return value, gradient


def run_lbfgs(fun, rules, *, max_iter, max_fun, tol, scorer=None):
    """Minimise ``fun`` from the current parameters; a :class:`TrainingResult`.

    Parameters
    ----------
    fun : FlatObjective
        The objective; its parameters hold the starting point and, on
        return, the last iterate.
    rules : list of Rule
        The call's rules (an L-BFGS iteration is their epoch).
    max_iter, max_fun : int
        SciPy's ``maxiter`` and ``maxfun``.
    tol : float
        SciPy's ``gtol``.
    scorer : callable, default=None
        ``scorer() -> (score, loss)`` on validation data, after every
        iteration.

    Returns
    -------
    result : TrainingResult
        ``epoch_losses`` holds the loss after each iteration; ``stop_reason``
        is ``"converged"``, ``"max_iter"``, ``"max_fun"``, ``"abnormal"`` (the
        line search failed) or a rule's reason. Its ``lbfgs`` attribute is
        SciPy's result.
    """
    result = TrainingResult()
    pending = []

    def evaluate(vector):
        value = fun(vector)
        for rule in rules:
            reason = rule.after_batch(result)
            if reason is not None:
                pending.append(reason)
        return value

    def callback(intermediate_result):
        fun.set_vector(intermediate_result.x)
        result.epoch_losses.append(float(intermediate_result.fun))
        if scorer is not None:
            score, loss = scorer()
            result.validation_scores.append(float(score))
            result.validation_losses.append(float(loss))
        requests = [rule.after_epoch(result) for rule in rules]
        reason = first_reason([*pending, *requests])
        if reason is not None:
            result.stop_reason = reason
            raise StopIteration
        if result.n_epochs < max_iter:
            # the next iteration, unless the budget is spent (SciPy may also
            # stop for convergence: the rules end an iteration that never ran)
            for rule in rules:
                rule.before_epoch(result)

    for rule in rules:
        rule.before_epoch(result)
    start = np.asarray(fun.to_host(fun.params.trained), dtype=np.float64)
    # SciPy's vector operations on one thread: see scipy_blas_single_thread
    with np.errstate(over="ignore", invalid="ignore"), scipy_blas_single_thread():
        solution = minimize(
            evaluate,
            start,
            method="L-BFGS-B",
            jac=True,
            callback=callback,
            options={"maxiter": max_iter, "maxfun": max_fun, "gtol": tol},
        )
    fun.set_vector(solution.x)
    if result.stop_reason is None:
        result.stop_reason = _reason_of(solution, max_iter)
    result.lbfgs = solution
    for rule in rules:
        rule.end(result)
    return result


def _reason_of(solution, max_iter):
    """The stop reason of a minimisation that no rule stopped."""
    if solution.status == 1:
        return "max_iter" if solution.nit >= max_iter else "max_fun"
    if solution.status == 0 and not math.isfinite(solution.fun):
        return "abnormal"
    return _STATUS_REASONS.get(solution.status, "abnormal")
