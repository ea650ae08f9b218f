"""Project-wide pytest hooks: a notebook cell that writes to stderr fails its test.

nbval (run with --nbval-lax) fails a cell that raises; this hook also fails a cell that
printed a warning, so that notebooks stay free of warnings, as students see them.
"""

import pytest


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    result = yield
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
    return report
