"""Load an ONNX file in a fresh process and run it with ONNX Runtime.

Run by ``test_onnx.py``::

    python onnx_predict.py MODEL.onnx INPUT.npy OUTPUT.npz

Reads the model from disk (no pickle, no package of ours imported), runs it
on the rows of INPUT.npy and saves what it outputs to OUTPUT.npz: a
classifier's labels and probabilities (``labels``, ``proba``), or a
regressor's one output (``variable``).
"""

import sys

import numpy as np


def main(model_path, input_path, output_path):
    """Run the model on the input and save what it outputs."""
    import onnxruntime as ort

    session = ort.InferenceSession(model_path, providers=["CPUExecutionProvider"])
    X = np.load(input_path)
    outputs = session.run(None, {session.get_inputs()[0].name: X})
    if len(outputs) == 1:  # a regressor
        np.savez(output_path, variable=outputs[0])
    else:
        labels, proba = outputs
        if labels.dtype == object:  # string labels
            labels = labels.astype(str)
        np.savez(output_path, labels=labels, proba=proba)
    print("loaded modules:", "sklearn_sigmoid_mlp" in sys.modules)


if __name__ == "__main__":
    main(*sys.argv[1:4])
