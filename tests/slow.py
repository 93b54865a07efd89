"""A test that takes more than five seconds says why, next to it: `@pytest.mark.slow("...")`,
the reason being what the time goes on (a flood window waited out, a dead replica's claims
ending, a real browser). A mark without a reason stops the run at collection; a test over the
limit without a mark is listed at the end of every run, with its time, for someone to either
make it quicker or write down why it cannot be.

Only listed, not failed: a test's time depends on the machine and on what else the workers run
beside it (the same test takes twice as long in the full suite as alone), and a run that fails
on a stopwatch is a run that fails for nothing."""

from __future__ import annotations

import os
from collections import defaultdict

import pytest

# Seconds, setup, call and teardown of one test together; the environment may lower it (the
# plugin's own tests do, to stay quick).
LIMIT = float(os.environ.get("SLOW_TEST_SECONDS", "5"))

_taken: defaultdict[str, float] = defaultdict(float)
_explained: set[str] = set()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", f"slow(reason): the test takes over {LIMIT:g} s, and the reason says what on"
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        for mark in item.iter_markers("slow"):
            reason = mark.args[0] if mark.args else mark.kwargs.get("reason")
            if not isinstance(reason, str) or not reason.strip():
                raise pytest.UsageError(
                    f"{item.nodeid}: @pytest.mark.slow needs its reason, e.g. "
                    '@pytest.mark.slow("waits out a 20-a-minute group window")'
                )


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """Runs in the controller for every phase of every test, workers' included."""
    _taken[report.nodeid] += report.duration
    if "slow" in report.keywords:
        _explained.add(report.nodeid)


def unexplained(taken: dict[str, float], explained: set[str]) -> list[tuple[str, float]]:
    """Tests over the limit without a reason, slowest first."""
    over = [(name, took) for name, took in taken.items() if took > LIMIT and name not in explained]
    return sorted(over, key=lambda pair: -pair[1])


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    listed = unexplained(_taken, _explained)
    if not listed:
        return
    terminalreporter.section(f"tests over {LIMIT:g} s that do not say why")
    for name, took in listed:
        terminalreporter.write_line(f"{took:6.1f} s  {name}")
    terminalreporter.write_line('mark each with @pytest.mark.slow("what the time goes on")')
