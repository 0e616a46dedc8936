"""Collection settings for the whole repository (tests and doctests).

``sklearn_sigmoid_mlp/onnx.py`` needs the ``onnx`` extra; without it its
doctests are not collected (``tests/test_onnx.py`` skips itself).
"""

import importlib.util

collect_ignore = []
if importlib.util.find_spec("skl2onnx") is None:
    collect_ignore.append("sklearn_sigmoid_mlp/onnx.py")
