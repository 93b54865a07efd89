"""The suite's own rule: a test over five seconds says why. Run as a real pytest process on a
few tests written here, with the suite's plugin."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.slow import unexplained

ROOT = Path(__file__).resolve().parents[2]
# Only the plugin under test (a quicker start), and none of the outer run's options.
ALONE = {"PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1", "PYTEST_ADDOPTS": ""}

TESTS = """
import time
import pytest

def test_quick():
    pass

@pytest.mark.slow("sleeps on purpose")
def test_slow_with_a_reason():
    time.sleep(0.3)

def test_slow_without_one():
    time.sleep(0.3)
"""


def run_pytest(folder: Path, source: str) -> subprocess.CompletedProcess[str]:
    (folder / "test_sample.py").write_text(source)
    return subprocess.run(  # noqa: S603
        [sys.executable, "-m", "pytest", "-p", "tests.slow", "-q", "-p", "no:cacheprovider",
         str(folder)],
        capture_output=True, text=True, cwd=folder, check=False,
        env={**os.environ, "PYTHONPATH": str(ROOT), "SLOW_TEST_SECONDS": "0.2", **ALONE},
    )  # fmt: skip


def test_only_the_slow_test_without_a_reason_is_listed(tmp_path: Path) -> None:
    done = run_pytest(tmp_path, TESTS)
    assert done.returncode == 0, done.stdout + done.stderr
    section = done.stdout.split("tests over 0.2 s that do not say why", 1)[1]
    assert "test_slow_without_one" in section
    assert "test_slow_with_a_reason" not in section
    assert "test_quick" not in section


def test_a_slow_mark_without_its_reason_stops_the_run(tmp_path: Path) -> None:
    done = run_pytest(tmp_path, "import pytest\n\n@pytest.mark.slow\ndef test_x():\n    pass\n")
    assert done.returncode != 0
    assert "@pytest.mark.slow needs its reason" in done.stdout + done.stderr


def test_the_list_is_slowest_first_and_leaves_out_the_quick_and_the_explained() -> None:
    taken = {"a": 6.0, "b": 9.0, "c": 1.0, "d": 7.0}
    assert unexplained(taken, {"d"}) == [("b", 9.0), ("a", 6.0)]
