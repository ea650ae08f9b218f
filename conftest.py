"""Project-wide pytest hooks.

- A notebook cell that writes to stderr fails its test. nbval (run with --nbval-lax) fails a
  cell that raises; this hook also fails a cell that printed a warning, so that notebooks
  stay free of warnings, as students see them.
- Each notebook that nbval runs is measured: its run time (from starting its kernel to the
  end of its last cell) and its kernel's peak memory (VmHWM, the kernel process's largest
  resident size, read just before nbval shuts the kernel down), with the part of its
  resident memory at that moment that is mapped from files (RssFile: mostly shared
  libraries' code, which the kernels on one machine share). The terminal summary lists them
  against the budget (30 s, 400 MB), and build/notebook_report.json keeps them for
  `make report` (tools/notebook_report.py), which prints the README's run-time table.
- A notebook whose every cell passed is written, with the outputs nbval computed, to
  build/executed/: the slide decks are made from these (tools/build_slides.py), so neither
  `make test` nor `make slides` runs a notebook twice.
- Tests marked ``after_notebooks`` (the deck tests) run after the notebooks, to find those
  executed copies fresh.
"""

from __future__ import annotations

import copy
import json
import time
from pathlib import Path

import pytest

from lectures_lib.files import remove_stale_partials, write_atomically

ROOT = Path(__file__).resolve().parent
BUILD = ROOT / "build"
EXECUTED = BUILD / "executed"
REPORT = BUILD / "notebook_report.json"
BUDGET_SECONDS, BUDGET_MB = 30, 400

_runs: dict = {}  # nbval's notebook collector -> what was measured of it


def _is_notebook_cell(item) -> bool:
    return type(item).__name__ == "IPyNbCell"  # nbval's item: one code cell


def _run_of(item) -> dict:
    return _runs.setdefault(
        item.parent, {"start": time.perf_counter(), "outputs": {}, "failed": False}
    )


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "after_notebooks: run after the notebooks (uses their executed copies)"
    )


def pytest_collection_modifyitems(session, config, items):
    """Move the tests marked ``after_notebooks`` to the end, in their order."""
    items[:] = [i for i in items if not i.get_closest_marker("after_notebooks")] + [
        i for i in items if i.get_closest_marker("after_notebooks")
    ]


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item):
    if _is_notebook_cell(item):
        _run_of(item)  # the clock starts before the first cell's setup starts the kernel
    return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    try:
        result = yield
    finally:
        if _is_notebook_cell(item):
            _run_of(item)["outputs"][item.cell_num] = list(item.test_outputs or [])
    outputs = getattr(item, "test_outputs", None) or []
    stderr = [out.get("text", "") for out in outputs if out.get("name") == "stderr"]
    if stderr:
        raise AssertionError("the cell wrote to stderr (a warning?):\n" + "".join(stderr))
    return result


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Give each test item its call report (``item.rep_call``), for fixtures that look at it."""
    report = yield
    if report.when == "call":
        item.rep_call = report
    if report.failed and _is_notebook_cell(item):
        _run_of(item)["failed"] = True
    return report


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    last_cell = _is_notebook_cell(item) and (nextitem is None or nextitem.parent is not item.parent)
    if last_cell:  # nbval stops the kernel in this teardown: read its peak memory first
        _run_of(item).update(_kernel_memory(item.parent))
    result = yield
    if last_cell:
        run = _run_of(item)
        run["seconds"] = time.perf_counter() - run["start"]
        _keep_executed_copy(item.parent, run)
    return result


def _kernel_memory(notebook) -> dict:
    """The kernel process's peak resident memory (VmHWM) in MB, and how much of what is
    resident at the end is mapped from files (RssFile: mostly shared libraries' code, such
    as numba's LLVM, which every kernel on a machine shares); {} where unknown."""
    fields = {"VmHWM:": "peak_mb", "RssFile:": "files_mb"}
    try:
        pid = notebook.kernel.km.provisioner.pid
        with open(f"/proc/{pid}/status") as status:
            rows = (line.split() for line in status)  # "VmHWM:  347232 kB"
            return {fields[row[0]]: int(row[1]) / 1024 for row in rows if row[0] in fields}
    except (AttributeError, OSError, ValueError):
        return {}


def _keep_executed_copy(notebook, run) -> None:
    """Write build/executed/<name>.ipynb with nbval's outputs, if every cell passed."""
    import nbformat

    path = EXECUTED / Path(str(notebook.fspath)).name
    code_cells = sum(cell.cell_type == "code" for cell in notebook.nb.cells)
    if run["failed"] or len(run["outputs"]) != code_cells:
        path.unlink(missing_ok=True)  # never a copy that does not match the notebook
        return
    remove_stale_partials(EXECUTED)  # left by a run that was killed while writing
    nb = copy.deepcopy(notebook.nb)
    code_cells = [cell for cell in nb.cells if cell.cell_type == "code"]
    for number, cell in enumerate(code_cells):
        cell.outputs = [_output(out) for out in run["outputs"][number]]
        cell.execution_count = number + 1
    write_atomically(path, nbformat.writes(nb))


def _output(out):
    """nbval's record of an output as an nbformat output."""
    import nbformat

    out = dict(out)
    if out.get("output_type") == "stream":
        return nbformat.v4.new_output("stream", name=out["name"], text=out["text"])
    if out.get("output_type") == "error":
        return nbformat.v4.new_output(
            "error", ename=out["ename"], evalue=out["evalue"], traceback=out["traceback"]
        )
    kind = out.get("output_type", "display_data")
    fields = {"data": out.get("data", {}), "metadata": out.get("metadata", {})}
    if kind == "execute_result":
        fields["execution_count"] = out.get("execution_count")
    return nbformat.v4.new_output(kind, **fields)


def _measured() -> dict:
    return {
        Path(str(notebook.fspath)).stem: {
            "seconds": round(run["seconds"], 1),
            "peak_mb": None if run.get("peak_mb") is None else round(run["peak_mb"]),
            "files_mb": None if run.get("files_mb") is None else round(run["files_mb"]),
            "passed": not run["failed"],
            "measured": time.strftime("%Y-%m-%d %H:%M"),
        }
        for notebook, run in _runs.items()
        if "seconds" in run
    }


def pytest_terminal_summary(terminalreporter):
    measured = _measured()
    if not measured:
        return
    report = json.loads(REPORT.read_text()) if REPORT.exists() else {}
    report.update(measured)
    write_atomically(REPORT, json.dumps(dict(sorted(report.items())), indent=1) + "\n")
    write = terminalreporter.write_line
    terminalreporter.section(
        f"notebooks: run time and kernel peak memory (budget {BUDGET_SECONDS} s, {BUDGET_MB} MB)"
    )
    for name, row in measured.items():
        mb = "?" if row["peak_mb"] is None else f"{row['peak_mb']:4d} MB"
        over = [
            f"over {BUDGET_SECONDS} s" * (row["seconds"] > BUDGET_SECONDS),
            f"over {BUDGET_MB} MB" * (row["peak_mb"] is not None and row["peak_mb"] > BUDGET_MB),
            "FAILED" * (not row["passed"]),
        ]
        files = "" if row["files_mb"] is None else f"({row['files_mb']:3d} MB from files)"
        write(f"{name:34s} {row['seconds']:5.1f} s {mb} {files}  {'  '.join(o for o in over if o)}")
    write("(MB from files: of what was resident at the end, the part mapped from files, mostly")
    write(" shared libraries' code, which the kernels on one machine share)")
    write(f"(kept in {REPORT.relative_to(ROOT)}; `make report` prints the README's table)")
