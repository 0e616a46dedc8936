"""A faithful copy of the original notebook's network: the reference of fidelity.

The tests (``test_notebook.py``) and the benchmark (``bench_notebook.py``)
compare ``SigmoidMLPClassifier(**NOTEBOOK_PARAMS)`` with this one copy.

The class below is the ``NeuralNetwork`` of
``shared/reference/mnist_sigmoid_notebook.txt`` with its arithmetic unchanged,
operation for operation: column-vector layout (``W @ x``), no biases,
``1 / (1 + exp(-x))`` and ``exp(-x) / (exp(-x) + 1) ** 2`` recomputed from the
pre-activations, the squared-error delta ``2 * (output - y) / n_outputs``,
``np.outer`` weight changes and ``W -= learning_rate * change`` per sample.

Only three things differ, none of them in the math:

- the weights are drawn from a ``RandomState`` (or a seed) passed in, instead
  of the global ``np.random`` (``np.random.seed(s)`` before the notebook's network is
  ``random_state=np.random.RandomState(s)`` here, and
  ``SigmoidMLPClassifier(**NOTEBOOK_PARAMS, random_state=s)`` draws the same
  weights);
- the epoch loop is split out of ``train`` as :meth:`NotebookNetwork.train_epoch`
  (the inner ``for x, y in zip(...)`` loop, exactly), so that one epoch, or a
  slice of one, can be timed on its own;
- the per-epoch test accuracy, which the notebook computes on the global
  ``x_test, y_test`` after each epoch, is :meth:`NotebookNetwork.accuracy` and
  is not part of the timed loop; :meth:`NotebookNetwork.train` is the
  notebook's ``train``, epochs of both, on the data it is given.
"""

import numpy as np


class NotebookNetwork:
    """The notebook's 784-128-64-10 sigmoid network and per-sample SGD.

    Parameters
    ----------
    random_state : int or numpy.random.RandomState
        Seed (what the notebook passes to ``np.random.seed``) or source of the
        initial weights, drawn as the notebook draws them from
        the global state: ``W1``, ``W2``, ``W3`` in that order, each
        ``randn(n_out, n_in) * sqrt(1 / n_out)``.
    sizes : list of int, default=[784, 128, 64, 10]
        Layer sizes, input first.
    learning_rate : float, default=0.001
        Step size of the per-sample updates.

    Attributes
    ----------
    parameters : dict of ndarray
        ``"W1"``, ``"W2"``, ``"W3"`` of shape ``(n_out, n_in)``, and, after a
        forward pass, the notebook's cached ``"A0"``, ``"Z1"``, ``"A1"``, ...

    Examples
    --------
    >>> import numpy as np
    >>> from notebook_reference import NotebookNetwork
    >>> net = NotebookNetwork(0)
    >>> net.parameters["W1"].shape
    (128, 784)
    """

    def __init__(self, random_state, sizes=(784, 128, 64, 10), learning_rate=0.001):
        if not isinstance(random_state, np.random.RandomState):
            random_state = np.random.RandomState(random_state)
        self.sizes = list(sizes)
        self.learning_rate = learning_rate
        # the notebook's dict literal draws W1, then W2, then W3
        self.parameters = {
            "W1": random_state.randn(self.sizes[1], self.sizes[0])
            * np.sqrt(1.0 / self.sizes[1]),
            "W2": random_state.randn(self.sizes[2], self.sizes[1])
            * np.sqrt(1.0 / self.sizes[2]),
            "W3": random_state.randn(self.sizes[3], self.sizes[2])
            * np.sqrt(1.0 / self.sizes[3]),
        }

    # activation function and its derivative (the notebook's sigmoidDerivative)
    def sigmoid(self, x):
        """The notebook's ``1 / (1 + exp(-x))``."""
        return 1 / (1 + np.exp(-x))

    def sigmoid_derivative(self, x):
        """The notebook's ``exp(-x) / (exp(-x) + 1) ** 2``, from the pre-activation."""
        return np.exp(-x) / ((np.exp(-x) + 1) ** 2)

    def forward_pass(self, x_train):
        """Activations of each layer for one sample; returns the output ``A3``.

        Parameters
        ----------
        x_train : ndarray of shape (784,)
            One input row.

        Returns
        -------
        output : ndarray of shape (10,)
            Sigmoid outputs of the last layer.
        """
        params = self.parameters
        params["A0"] = x_train
        params["Z1"] = np.dot(params["W1"], params["A0"])
        params["A1"] = self.sigmoid(params["Z1"])
        params["Z2"] = np.dot(params["W2"], params["A1"])
        params["A2"] = self.sigmoid(params["Z2"])
        params["Z3"] = np.dot(params["W3"], params["A2"])
        params["A3"] = self.sigmoid(params["Z3"])
        return params["A3"]

    def back_propagation(self, y_train, output):
        """Weight changes of every layer for one sample.

        Parameters
        ----------
        y_train : ndarray of shape (10,)
            One-hot target of the sample.
        output : ndarray of shape (10,)
            :meth:`forward_pass` of the same sample.

        Returns
        -------
        change_in_weights : dict of ndarray
            ``"W3"``, ``"W2"``, ``"W1"``: gradients shaped as the weights.
        """
        params = self.parameters
        change_in_weights = {}

        error3 = (
            2
            * (output - y_train)
            / output.shape[0]
            * self.sigmoid_derivative(params["Z3"])
        )
        change_in_weights["W3"] = np.outer(error3, params["A2"])

        error2 = np.dot(error3, params["W3"]) * self.sigmoid_derivative(params["Z2"])
        change_in_weights["W2"] = np.outer(error2, params["A1"])

        error1 = np.dot(error2, params["W2"]) * self.sigmoid_derivative(params["Z1"])
        change_in_weights["W1"] = np.outer(error1, params["A0"])

        return change_in_weights

    def train_epoch(self, x_train, y_train):
        """One pass of the notebook's per-sample loop over the given rows.

        Parameters
        ----------
        x_train : ndarray of shape (n_samples, 784)
            Inputs scaled to ``[0, 1]`` (float64 in the notebook).
        y_train : ndarray of shape (n_samples, 10)
            One-hot targets (int in the notebook).
        """
        for x, y in zip(x_train, y_train):
            output = self.forward_pass(x)
            changes_in_weights = self.back_propagation(y, output)
            # updating weights depending on values returned by back propagation
            for k, v in changes_in_weights.items():
                self.parameters[k] -= self.learning_rate * v

    def accuracy(self, x_test, y_test):
        """The notebook's per-epoch test accuracy (a fraction, not a percentage).

        Parameters
        ----------
        x_test : ndarray of shape (n_samples, 784)
            Inputs.
        y_test : ndarray of shape (n_samples, 10)
            One-hot targets.

        Returns
        -------
        accuracy : float
            Fraction of rows whose largest output is the target's class.
        """
        return float(
            np.mean(
                [
                    np.argmax(self.forward_pass(x)) == np.argmax(y)
                    for x, y in zip(x_test, y_test)
                ]
            )
        )

    def coefs(self):
        """The weights in the estimator's layout, ``(fan_in, fan_out)``.

        Returns
        -------
        coefs : list of ndarray of shape (fan_in, fan_out)
            ``W1.T``, ``W2.T``, ``W3.T``, comparable with
            ``SigmoidMLPClassifier.coefs_``.
        """
        return [self.parameters[key].T for key in ("W1", "W2", "W3")]

    def train(self, x_train, y_train, x_test, y_test, epochs):
        """The notebook's ``train``: epochs of the loop, each with its accuracy.

        Parameters
        ----------
        x_train, y_train : ndarray
            Training rows and one-hot targets.
        x_test, y_test : ndarray
            Test rows and one-hot targets.
        epochs : int
            Number of passes.

        Returns
        -------
        accuracies : list of float
            The test accuracy after each epoch.
        """
        accuracies = []
        for _ in range(epochs):
            self.train_epoch(x_train, y_train)
            accuracies.append(self.accuracy(x_test, y_test))
        return accuracies

    def weights(self):
        """Copies of ``W1, W2, W3`` in the notebook's ``(n_out, n_in)`` layout."""
        return [self.parameters[f"W{i}"].copy() for i in (1, 2, 3)]

    def predict(self, x_test):
        """The notebook's prediction, ``argmax`` of the output, for each row."""
        return np.array([np.argmax(self.forward_pass(x)) for x in x_test])
