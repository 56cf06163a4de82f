""".ci/run: printing the tools' versions cannot fail by chance (SIGPIPE under pipefail)."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _executable(path: Path, text: str) -> None:
    path.write_text(text)
    path.chmod(path.stat().st_mode | stat.S_IXUSR)


def test_ci_run_survives_a_long_version_output(tmp_path: Path) -> None:
    """A tool that writes more than the pipe holds after its first line: `| head -1` would
    close the pipe under it and pipefail would stop CI with 141 (every time, here)."""
    clone = tmp_path / "clone"
    (clone / ".ci").mkdir(parents=True)
    (clone / "scripts").mkdir()
    shutil.copy(ROOT / ".ci" / "run", clone / ".ci" / "run")
    # the test command itself is not the subject: it records that CI got that far
    _executable(clone / "scripts" / "test", '#!/usr/bin/env bash\necho "tests ran: $*"\n')
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool, first in (("mvn", "Apache Maven 3.9.9"), ("java", 'openjdk version "17"')):
        _executable(bin_dir / tool, f"#!/usr/bin/env bash\necho '{first}'\nseq 1 200000\n")
    env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}"}
    env["NETMARKER_SHARED_DATA"] = str(tmp_path)
    done = subprocess.run(
        ["bash", str(clone / ".ci" / "run")], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, (done.returncode, done.stderr[-500:])
    lines = done.stdout.splitlines()
    assert 'openjdk version "17"' in lines and "Apache Maven 3.9.9" in lines
    assert lines[-1] == "tests ran: -p no:cacheprovider"
    assert "1" not in lines  # only each tool's first line is printed


def test_ci_run_still_stops_when_a_tool_fails(tmp_path: Path) -> None:
    clone = tmp_path / "clone"
    (clone / ".ci").mkdir(parents=True)
    (clone / "scripts").mkdir()
    shutil.copy(ROOT / ".ci" / "run", clone / ".ci" / "run")
    _executable(clone / "scripts" / "test", "#!/usr/bin/env bash\necho tests ran\n")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    _executable(bin_dir / "mvn", "#!/usr/bin/env bash\necho 'mvn: broken' >&2\nexit 3\n")
    env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}"}
    env["NETMARKER_SHARED_DATA"] = str(tmp_path)
    done = subprocess.run(
        ["bash", str(clone / ".ci" / "run")], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 3 and "tests ran" not in done.stdout


def test_ci_run_asks_for_both_ends_of_the_driver_range(tmp_path: Path) -> None:
    """CI runs the Neo4j tests on the lowest neo4j driver too: .ci/run hands scripts/test the
    switch (NETMARKER_TEST_LOWEST_DRIVER=1) and the requirement that no Neo4j test skips."""
    clone = tmp_path / "clone"
    (clone / ".ci").mkdir(parents=True)
    (clone / "scripts").mkdir()
    shutil.copy(ROOT / ".ci" / "run", clone / ".ci" / "run")
    _executable(
        clone / "scripts" / "test",
        "#!/usr/bin/env bash\n"
        'echo "lowest=$NETMARKER_TEST_LOWEST_DRIVER require=$NETMARKER_REQUIRE_NEO4J"\n',
    )
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("mvn", "java"):
        _executable(bin_dir / tool, f"#!/usr/bin/env bash\necho {tool}\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("NETMARKER_")}
    env["PATH"] = f"{bin_dir}:{os.environ['PATH']}"
    env["NETMARKER_SHARED_DATA"] = str(tmp_path)
    done = subprocess.run(
        ["bash", str(clone / ".ci" / "run")], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr[-500:]
    assert done.stdout.splitlines()[-1] == "lowest=1 require=1"


def test_scripts_test_runs_the_lowest_driver_leg_and_fails_with_it() -> None:
    """scripts/test calls scripts/test-neo4j-driver after pytest when asked, without `|| true`
    (set -e makes its failure the script's), and the driver script reuses a running Neo4j."""
    script = (ROOT / "scripts" / "test").read_text()
    assert "set -euo pipefail" in script
    call = script.index('if [[ "${NETMARKER_TEST_LOWEST_DRIVER:-0}" == "1" ]]; then')
    assert call > script.index('"$PYTHON" -m pytest "$@"')
    leg = script[call:].splitlines()[1].strip()
    assert leg == "scripts/test-neo4j-driver -p no:cacheprovider"
    driver = (ROOT / "scripts" / "test-neo4j-driver").read_text()
    assert 'if [[ -n "${NETMARKER_TEST_NEO4J_URI:-}" ]]; then' in driver
    assert '"$VENV/bin/python" -m pytest -m neo4j "$@"' in driver
