"""Sphinx configuration of the sklearn-sigmoid-mlp documentation.

Build it with (warnings are errors, the gallery's ``plot_*.py`` examples run)::

    python -m sphinx -W --keep-going -b html docs docs/_build/html

No step of the build uses the network. Cross-references to other projects
(scikit-learn, NumPy, matplotlib, Python, joblib) resolve through small
intersphinx inventories written from the text files in ``_intersphinx/``
(see :func:`_write_local_inventories`), never through downloaded ones.
"""

import inspect
import re
import zlib
from pathlib import Path

from threadpoolctl import threadpool_limits

import sklearn_sigmoid_mlp

DOCS = Path(__file__).resolve().parent

# The gallery's networks are small: their matrix products are too small to
# share between BLAS threads, and on a busy machine the threads' contention
# makes them many times slower. One thread keeps the examples' timings
# honest and the build fast.
threadpool_limits(limits=1, user_api="blas")

# -- Project ---------------------------------------------------------------

project = "sklearn-sigmoid-mlp"
author = "The sklearn-sigmoid-mlp developers"
copyright = "The sklearn-sigmoid-mlp developers"
release = sklearn_sigmoid_mlp.__version__
version = ".".join(release.split(".")[:2])

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.intersphinx",
    "sphinx.ext.mathjax",
    "sphinx.ext.viewcode",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
]

exclude_patterns = ["_build", "_intersphinx", "examples", "**.ipynb_checkpoints"]
templates_path = ["_templates"]
default_role = "literal"
# every cross-reference must resolve: a broken internal link fails the build
nitpicky = True
nitpick_ignore = [
    # numpydoc's type words in "Raises" and "See Also" sections
    ("py:class", "estimator instance"),
]

# -- autodoc, autosummary and numpydoc -------------------------------------

autosummary_generate = True
autodoc_member_order = "groupwise"
autodoc_typehints = "none"

numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_attributes_as_param_list = True
# the docstring rules the issue asks for, checked on every documented object:
# an Examples section (EX01), every parameter documented (PR01, PR02), a
# docstring at all (GL08)
numpydoc_validation_checks = {"EX01", "PR01", "PR02", "GL08"}
numpydoc_validation_exclude = {
    # inherited from scikit-learn, documented there
    r"\.score$",
    r"\.get_params$",
    r"\.set_params$",
    r"\.set_\w+_request$",
    r"\.get_metadata_routing$",
    # a dict: its ``#:`` doc-comment cannot hold a doctest; the user guide's
    # notebook page has tested examples of it
    r"\.NOTEBOOK_PARAMS$",
}

# -- HTML ------------------------------------------------------------------

html_theme = "pydata_sphinx_theme"
html_title = f"sklearn-sigmoid-mlp {release}"
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
    "secondary_sidebar_items": ["page-toc", "sourcelink"],
    "footer_start": ["copyright"],
    "footer_end": ["sphinx-version"],
}
html_show_sourcelink = True
html_last_updated_fmt = None

# -- sphinx-gallery --------------------------------------------------------

sphinx_gallery_conf = {
    "examples_dirs": "examples",
    "gallery_dirs": "auto_examples",
    # only plot_*.py run at build; the MNIST example is shown, not executed
    "filename_pattern": r"/plot_",
    "ignore_pattern": r"__init__\.py",
    "within_subsection_order": "FileNameSortKey",
    "doc_module": ("sklearn_sigmoid_mlp",),
    "backreferences_dir": "generated/backreferences",
    "reference_url": {"sklearn_sigmoid_mlp": None},
    "remove_config_comments": True,
    "download_all_examples": False,
    "show_memory": False,
    "min_reported_time": 1,
    # an example that raises fails the build
    "only_warn_on_example_error": False,
    "abort_on_example_error": False,
}

# -- intersphinx, offline --------------------------------------------------


def _write_local_inventories(source_dir, target_dir):
    """Write ``objects.inv`` files from the text files in ``source_dir``.

    Each ``NAME.txt`` holds a header (``# project:``, ``# version:``,
    ``# url:``) and one line per object: ``name domain:role relative-uri``,
    where a trailing ``$`` in the URI stands for the name, as in Sphinx's
    inventory format. The inventory lists only the objects these docs refer
    to; adding a reference to another object of that project means adding a
    line. Returns the ``intersphinx_mapping``.
    """
    target_dir.mkdir(parents=True, exist_ok=True)
    mapping = {}
    for source in sorted(source_dir.glob("*.txt")):
        header, entries = {}, []
        for line in source.read_text(encoding="utf-8").splitlines():
            line = line.strip()
            if match := re.fullmatch(r"#\s*(\w+):\s*(.+)", line):
                header[match[1]] = match[2]
            elif line and not line.startswith("#"):
                name, role, uri = line.split()
                priority = "-1" if role.startswith("std:") else "1"
                entries.append(f"{name} {role} {priority} {uri} -")
        body = zlib.compress("\n".join([*entries, ""]).encode())
        head = (
            "# Sphinx inventory version 2\n"
            f"# Project: {header['project']}\n"
            f"# Version: {header['version']}\n"
            "# The remainder of this file is compressed using zlib.\n"
        ).encode()
        inventory = target_dir / f"{source.stem}.inv"
        if not inventory.is_file() or inventory.read_bytes() != head + body:
            inventory.write_bytes(head + body)
        mapping[source.stem] = (header["url"], str(inventory))
    return mapping


intersphinx_mapping = _write_local_inventories(
    DOCS / "_intersphinx", DOCS / "_build" / "_intersphinx"
)
intersphinx_timeout = 1

# -- linkcheck ---------------------------------------------------------------

# CI has no network: check the links inside these docs, not external ones
linkcheck_ignore = [r"https?://"]
linkcheck_anchors = True

# -- docstring fixes applied at build time -----------------------------------


def _module_comment_docs(app, what, name, obj, options, lines):
    """Give re-exported data the ``#:`` doc-comment of its defining module.

    autodoc reads ``#:`` comments only in the module it documents; the
    public ``sklearn_sigmoid_mlp.NOTEBOOK_PARAMS`` is defined, with its
    comment, in a private module. Without this, a dict would be documented
    by the docstring of :class:`dict`.
    """
    if what != "data":
        return
    type_doc = inspect.cleandoc(type(obj).__doc__ or "")
    text = "\n".join(lines).strip()
    if text and text != type_doc:  # a docstring of its own: keep it
        return
    from sphinx.pycode import ModuleAnalyzer

    attribute = name.rpartition(".")[2]
    for module in ("_notebook", "_classifier", "_plotting", "_network", "_losses"):
        modname = f"sklearn_sigmoid_mlp.{module}"
        module_obj = __import__(modname, fromlist=[attribute])
        if getattr(module_obj, attribute, None) is not obj:
            continue
        docs = ModuleAnalyzer.for_module(modname).find_attr_docs()
        if ("", attribute) in docs:
            lines[:] = list(docs[("", attribute)])
            return


def setup(app):
    # before numpydoc (priority 500), which then sees the fixed docstrings
    app.connect("autodoc-process-docstring", _module_comment_docs, priority=400)
