"""The benchmark's output: tables, the targets and their verdicts, JSON values."""

import json
import sys
from pathlib import Path

import numpy as np
from _environment import environment

#: The targets, by key (thresholds are in :func:`summary`).
TARGETS = {
    "adam_b200_float32": "adam, batch 200, float32: ours / sklearn <= 0.70",
    "adam_b200_float64": "adam, batch 200, float64: ours / sklearn <= 0.80",
    "adam_b200_floor": "adam, batch 200: ours / GEMM floor <= 1.3 (both dtypes)",
    "b32": "batch 32 (adam and sgd, both dtypes): ours / sklearn <= 0.6",
    "notebook_speedup": "NOTEBOOK_PARAMS: >= 5x faster per epoch than the notebook",
    "notebook_weights": "NOTEBOOK_PARAMS: weights within 1e-10 relative of the loop's",
    "predict": "predict_proba, 10,000 rows: ours / sklearn <= 0.8 (both dtypes)",
    "memory": "fit on float32 MNIST: <= 64 MiB beyond X",
    "accuracy": "default estimator: >= 98.0% test accuracy within 30 epochs",
    "time_to_accuracy": "cosine recipe: training time to 97.5% test accuracy "
    "<= 0.4x sklearn's (medians over the seeds)",
}


def check(results, key, measured, threshold, passed_if):
    """One target's verdict: ``measured <= threshold`` or ``>=``."""
    if measured is None:
        passed = False
    else:
        passed = measured <= threshold if passed_if == "<=" else measured >= threshold
    results.append(
        {
            "target": TARGETS[key],
            "key": key,
            "measured": measured,
            "threshold": threshold,
            "passed": bool(passed),
        }
    )


def summary(sections, args, full_rows):
    """Check every target that the sections run can answer.

    Parameters
    ----------
    sections : dict
        Results of the sections run, by name.
    args : argparse.Namespace
        Options, for notes on reduced sizes.

    Returns
    -------
    checks : list of dict
        ``target``, ``measured``, ``threshold``, ``passed`` per check.
    """
    checks = []
    if "train" in sections:
        by_key = {
            (c["dtype"], c["batch_size"], c["solver"]): c
            for c in sections["train"]["configs"]
        }
        for dtype, limit in (("float32", 0.70), ("float64", 0.80)):
            ratio = by_key[(dtype, 200, "adam")]["ours_over_sklearn"]
            check(checks, f"adam_b200_{dtype}", ratio, limit, "<=")
        floor = max(
            by_key[(d, 200, "adam")]["ours_over_floor"] for d in ("float32", "float64")
        )
        check(checks, "adam_b200_floor", floor, 1.3, "<=")
        worst = max(
            c["ours_over_sklearn"] for c in by_key.values() if c["batch_size"] == 32
        )
        check(checks, "b32", worst, 0.6, "<=")
    if "notebook" in sections:
        nb = sections["notebook"]
        check(checks, "notebook_speedup", nb["speedup"], 5.0, ">=")
        check(
            checks,
            "notebook_weights",
            nb["max_relative_weight_difference"],
            1e-10,
            "<=",
        )
    if "predict" in sections:
        worst = max(c["ours_over_sklearn"] for c in sections["predict"]["configs"])
        check(checks, "predict", worst, 0.8, "<=")
    if "memory" in sections:
        check(checks, "memory", sections["memory"]["ours"]["extra_mib"], 64.0, "<=")
    if "accuracy" in sections:
        curve = sections["accuracy"]["ours"]["accuracy_per_epoch"][:30]
        check(checks, "accuracy", max(curve), 0.98, ">=")
    if "time" in sections:
        ratio = sections["time"]["contenders"]["ours_cosine"]["over_sklearn"]
        check(checks, "time_to_accuracy", ratio, 0.4, "<=")

    if not checks:
        return checks
    print_table(
        "Summary: the targets",
        ["target", "measured", "verdict"],
        [
            [
                c["target"],
                "n/a" if c["measured"] is None else f"{c['measured']:.3g}",
                "PASS" if c["passed"] else "FAIL",
            ]
            for c in checks
        ],
    )
    print_size_notes(sections, args, full_rows)
    return checks


def print_size_notes(sections, args, full_rows):
    """Say which verdicts the reduced sizes (or another target) void."""
    reduced = args.rows < full_rows or args.acc_epochs < 30
    if reduced and {"memory", "accuracy"} & set(sections):
        print(
            f"note: reduced sizes (rows={args.rows}, acc-epochs={args.acc_epochs}); "
            "the verdicts of the memory and accuracy targets assume the full "
            "63,000 rows and 30 epochs."
        )
    if "time" in sections and (args.rows < full_rows or args.target_accuracy != 0.975):
        print(
            "note: the time-to-accuracy verdict assumes the full 63,000 rows and "
            f"a 0.975 target (here rows={args.rows}, "
            f"target-accuracy={args.target_accuracy})."
        )


#: The columns of a contender comparison: medians, their ratio and its range.
RATIO_COLUMNS = ["ours", "sklearn", "floor", "ours/sk", "range", "ours/floor"]


def ratio_cells(config, timings, scale, digits):
    """The cells of :data:`RATIO_COLUMNS` for one configuration.

    ``timings`` names the entry of per-contender timings; ``scale`` and
    ``digits`` set the unit (1 for seconds, 1e3 for ms) and the precision.
    """
    medians = {k: scale * v["median"] for k, v in config[timings].items()}
    ratios = config["ours_over_sklearn_per_repeat"]
    return [
        *(f"{medians[k]:.{digits}f}" for k in ("ours", "sklearn", "floor")),
        f"{config['ours_over_sklearn']:.2f}",
        f"{min(ratios):.2f}-{max(ratios):.2f}",
        f"{config['ours_over_floor']:.2f}",
    ]


def print_configs(title, columns, configs, row):
    """Print one table row per configuration; the section's result."""
    print_table(title, columns, [row(config) for config in configs])
    return {"configs": configs}


def print_table(title, headers, rows):
    """Print a fixed-width table with a title line."""
    cells = [[str(c) for c in row] for row in [headers, *rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    print(f"\n## {title}")
    for n, row in enumerate(cells):
        print("  ".join(c.rjust(w) for c, w in zip(row, widths)).rstrip())
        if n == 0:
            print("  ".join("-" * w for w in widths))
    sys.stdout.flush()


def write_json(path, payload):
    """Write the figures of a run, as JSON, to ``path``."""
    Path(path).write_text(json.dumps(payload, indent=2, default=jsonable))
    print(f"wrote {path}")


def jsonable(value):
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def print_environment(env):
    """Print the environment and a note on OPENBLAS_CORETYPE."""
    print(
        f"Python {env['python']}, numpy {env['numpy']}, scipy {env['scipy']}, "
        f"scikit-learn {env['sklearn']}, sklearn_sigmoid_mlp "
        f"{env['sklearn_sigmoid_mlp']} (commit {env['git']['commit']}, package "
        f"changes uncommitted: {env['git']['package_uncommitted_changes']})"
    )
    print(
        f"CPU: {env['cpu_model']}, {env['cpu_count']} CPUs, load average at start "
        + ", ".join(f"{x:.2f}" for x in env["load_average_at_start"])
    )
    for pool in env["threadpools"]:
        print(
            f"threadpool: {pool['internal_api']} {pool['version']}, "
            f"{pool['num_threads']} threads, architecture {pool['architecture']} "
            f"({Path(str(pool['filepath'])).name})"
        )
    load = env["load_average_at_start"][0]
    if load > 0.5 * (env["cpu_count"] or 1):
        print(
            f"WARNING: the machine is busy (load {load:.1f} on {env['cpu_count']} "
            "CPUs): the timings of this run are noisy; measure on a quiet machine."
        )
    set_vars = {k: v for k, v in env["env"].items() if v is not None}
    print(f"environment: {set_vars or 'no OpenBLAS/OpenMP variables set'}")
    if env["env"]["OPENBLAS_CORETYPE"] is not None:
        print(
            f"NOTE: OPENBLAS_CORETYPE={env['env']['OPENBLAS_CORETYPE']} is set: "
            "OpenBLAS uses that core's kernels instead of the ones it detects for "
            "this CPU. The reference run is made with `env -u OPENBLAS_CORETYPE "
            "-u OPENBLAS_L2_SIZE python benchmarks/bench_mnist.py "
            "...`."
        )


def add_run_options(parser):
    """``--blas-threads`` and ``--json``: the options of every script run alone."""
    parser.add_argument("--blas-threads", type=int, help="limit the BLAS threads")
    parser.add_argument("--json", metavar="PATH", help="write the figures here")


def start_run(script, args):
    """Print the script's options and the machine; returns the environment."""
    env = environment()
    print(f"# {script}: {vars(args)}")
    print_environment(env)
    return env
