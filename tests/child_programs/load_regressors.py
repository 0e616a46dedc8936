"""Load the regressors that ``save_regressors.py`` saved, in a fresh interpreter.

Run by ``test_persistence.py`` in the working directory of the saved files.
The one argument is the estimator's class path that skops may trust. Per
model ``NAME`` and format ``FORMAT`` (``joblib``, ``skops``) it writes
``predict_NAME_FORMAT.npy``, and for a model that trains on
(``partial_fit``) ``trained_on_NAME_FORMAT.npy``: its predictions after
one more ``partial_fit`` on the test rows' predictions. It prints as JSON
whether loading imported the package and array-api-strict, and the types
each skops file asks to trust. This program imports neither itself.
"""

import json
import sys

import joblib
import numpy as np
import skops.io


def main(trusted_class):
    X_test = np.load("X_test.npy")
    with open("names.json") as file:
        names = json.load(file)
    untrusted = {}
    for name in names:
        rows = X_test.astype(np.float32) if "float32" in name else X_test
        untrusted[name] = skops.io.get_untrusted_types(file=f"{name}.skops")
        loaded = {
            "joblib": joblib.load(f"{name}.joblib"),
            "skops": skops.io.load(f"{name}.skops", trusted=[trusted_class]),
        }
        for fmt, model in loaded.items():
            predicted = model.predict(rows)
            np.save(f"predict_{name}_{fmt}.npy", predicted)
            if hasattr(model, "partial_fit"):
                model.partial_fit(rows, predicted)
                np.save(f"trained_on_{name}_{fmt}.npy", model.predict(rows))
    print(
        json.dumps(
            {
                "imported_by_loading": "sklearn_sigmoid_mlp" in sys.modules,
                "array_api_strict_imported": "array_api_strict" in sys.modules,
                "untrusted": untrusted,
            }
        )
    )


if __name__ == "__main__":
    main(sys.argv[1])
