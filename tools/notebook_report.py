"""Each notebook's run time under nbval and its kernel's peak memory, as a Markdown table.

    make report                        # run every notebook under nbval, then print the table
    python tools/notebook_report.py    # print the table from the last measurements

The measurements come from the project's conftest.py, which times every notebook that
pytest runs under nbval (from starting its kernel to the end of its last cell) and reads the
kernel's peak resident memory (VmHWM) before nbval shuts it down; it keeps them in
build/notebook_report.json. The table is the README's run-time table. It exits with 1 if a
notebook failed or its kernel went over the memory budget, and marks run times over budget
(a run time depends on how busy the machine was: compare in one run, never across runs).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REPORT = ROOT / "build" / "notebook_report.json"
BUDGET_SECONDS, BUDGET_MB = 30, 400  # issue 12: per notebook, on the 2-core CI machine


def table(report: dict) -> list[str]:
    lines = [
        "| notebook | run time | kernel peak memory |",
        "|---|---:|---:|",
    ]
    for name, row in sorted(report.items()):
        seconds = f"{row['seconds']:.0f} s"
        if row["seconds"] > BUDGET_SECONDS:
            seconds += f" (over {BUDGET_SECONDS} s)"
        memory = "?" if row["peak_mb"] is None else f"{row['peak_mb']} MB"
        if row["peak_mb"] is not None and row["peak_mb"] > BUDGET_MB:
            memory += f" (over {BUDGET_MB} MB)"
        if not row["passed"]:
            seconds += " (FAILED)"
        lines.append(f"| `{name}` | {seconds} | {memory} |")
    return lines


def main() -> int:
    if not REPORT.exists():
        print(f"no measurements in {REPORT}: run `make report` (or `make test`) first")
        return 1
    report = json.loads(REPORT.read_text())
    print("\n".join(table(report)))
    dates = sorted({row["measured"] for row in report.values()})
    print(
        f"\nMeasured {dates[0]}{' to ' + dates[-1] if len(dates) > 1 else ''} on "
        f"{os.cpu_count()} cores; budget {BUDGET_SECONDS} s and {BUDGET_MB} MB per notebook."
    )
    bad = [
        name
        for name, row in report.items()
        if not row["passed"] or (row["peak_mb"] or 0) > BUDGET_MB
    ]
    if bad:
        print("failed or over the memory budget:", ", ".join(sorted(bad)))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
