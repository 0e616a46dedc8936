"""The README's Python examples run, in order, as a reader runs them.

Every ```` ```python ```` block of ``README.md`` is executed, unchanged, in one
namespace and in the order of the file, in a temporary directory (the blocks
write model files there), as the doctests run the pages of the
documentation. A block that needs what an earlier one defined finds it; a
block that breaks a later one (a callback saved with the model, say) fails
here.

The blocks need the ``test`` extra (skops, ONNX, Dask) and scikit-learn's
callbacks (scikit-learn >= 1.9, rich). Every warning fails, but the
ConvergenceWarnings of the grid search's 30-epoch fits: the README says that
its cosine fit ends as planned, without one.
"""

import re
import warnings
from pathlib import Path

import pytest
from sklearn.exceptions import ConvergenceWarning

README = Path(__file__).resolve().parent.parent / "README.md"
FENCE = re.compile(r"^```python\n(.*?)^```$", re.S | re.M)
TRUSTED = "sklearn_sigmoid_mlp._classifier.SigmoidMLPClassifier"


def python_blocks(text):
    """The Python blocks of a Markdown text: (first line number, code)."""
    return [
        (text.count("\n", 0, match.start(1)) + 1, match.group(1))
        for match in FENCE.finditer(text)
    ]


def test_every_python_fence_is_a_block():
    """No ```` ```python ```` block escapes the pattern (and so the test below)."""
    text = README.read_text(encoding="utf-8")
    blocks = python_blocks(text)
    assert len(blocks) == text.count("```python") >= 8
    assert python_blocks("a\n```python\nx = 1\n```\nb\n```python\ny = 2\n```\n") == [
        (3, "x = 1\n"),
        (7, "y = 2\n"),
    ]


def test_readme_python_blocks_run_in_order(tmp_path, monkeypatch, capsys):
    for module in ("sklearn.callback", "rich", "skops", "skl2onnx", "dask_ml"):
        pytest.importorskip(module)
    import skops.io

    monkeypatch.chdir(tmp_path)
    namespace = {"__name__": "__readme__"}
    try:
        for line, code in python_blocks(README.read_text(encoding="utf-8")):
            with warnings.catch_warnings():
                warnings.simplefilter("error")
                if "GridSearchCV(" in code:
                    # its short fits may run out of max_iter: scored as they are
                    warnings.simplefilter("ignore", ConvergenceWarning)
                name = f"README.md, block at line {line}"
                exec(compile(code, name, "exec"), namespace)
    finally:
        # the cluster of "Scaling out" closes in the last block; not if one failed
        for name in ("client", "cluster"):
            if name in namespace:
                namespace[name].close()
    printed = capsys.readouterr().out.splitlines()
    # what the README says the blocks show
    quick_start = float(printed[0])
    assert quick_start == pytest.approx(0.97, abs=0.015)  # "about 0.97"
    watched = namespace["clf"]  # "Watching training" (reloaded since)
    assert watched.stop_reason_ == "max_iter" and watched.n_iter_ == 30
    assert namespace["clf"].__dict__.get("_skl_callbacks") is None
    assert skops.io.get_untrusted_types(file="model.skops") == [TRUSTED]
    assert (tmp_path / "model.onnx").stat().st_size > 0
    assert namespace["search"].best_score_ > 0.85
    assert namespace["inc"].score(namespace["X_blocks"], namespace["y_blocks"]) > 0.85
