"""docs/tutorial.md and the README's Python flow run as they are written."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
_PYTHON = re.compile(r"^```python\n(.*?)^```", re.MULTILINE | re.DOTALL)


def python_blocks(path: Path) -> list[str]:
    """The ```python blocks of a Markdown file, in order."""
    return _PYTHON.findall(path.read_text(encoding="utf-8"))


def _run(blocks: list[str], where: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, object]:
    monkeypatch.chdir(where)
    monkeypatch.setenv("NETMARKER_CACHE", str(where / "cache"))
    namespace: dict[str, object] = {"__name__": "__tutorial__"}
    for number, block in enumerate(blocks, 1):
        code = compile(block, f"<block {number}>", "exec")
        exec(code, namespace)  # the documentation's own code, nothing else
    return namespace


@pytest.mark.slow
def test_tutorial_code_blocks_run_in_order(tmp_path: Path, monkeypatch) -> None:
    blocks = python_blocks(ROOT / "docs" / "tutorial.md")
    assert len(blocks) >= 10
    namespace = _run(blocks, tmp_path, monkeypatch)
    assert (tmp_path / "5fu.json").is_file() and (tmp_path / "tutorial-store").is_dir()
    assert namespace["verdict"]["verdict"] == "no signal"  # type: ignore[index]


@pytest.mark.slow
def test_readme_python_flow_runs_in_at_most_12_lines(tmp_path: Path, monkeypatch) -> None:
    blocks = python_blocks(ROOT / "README.md")
    assert len(blocks) == 1, "the README shows one Python block: the notebook flow"
    lines = [line for line in blocks[0].splitlines() if line.strip()]
    assert len(lines) <= 12, lines
    _run(blocks, tmp_path, monkeypatch)
    assert (tmp_path / "5fu.json").is_file()
