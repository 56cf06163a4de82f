"""Run outputs: text, TSV tables and JSON files, each written atomically.

Every writer puts the content into a temporary file next to the target and renames it into
place, so a crash or a bad input never leaves a half-written output behind.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

import numpy as np
import pandas as pd

from netmarker.errors import DataError


def current_umask() -> int:
    """The process's umask (read by setting and restoring it: there is no getter)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


@contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """Yield a temporary path in the target's folder; rename it to ``path`` on success."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        # mkstemp makes the file 0600; an output gets the mode a plain open() would give it
        os.fchmod(fd, 0o666 & ~current_umask())
    finally:
        os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        os.replace(tmp, target)
    finally:
        if tmp.exists():
            tmp.unlink()


def _write_text(path: str | Path, write: Callable[[IO[str]], object]) -> Path:
    with atomic_path(path) as tmp, open(tmp, "w", encoding="utf-8", newline="\n") as fh:
        write(fh)
    return Path(path)


def write_text(text: str, path: str | Path) -> Path:
    """Write ``text`` (e.g. a Markdown report), atomically."""
    return _write_text(path, lambda fh: fh.write(text))


def to_jsonable(obj: Any) -> Any:
    """Convert numpy / pandas values to plain JSON types; NaN and infinities become ``None``."""
    if isinstance(obj, dict):
        return {str(k): to_jsonable(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple | set | frozenset):
        return [to_jsonable(v) for v in obj]
    if isinstance(obj, np.ndarray | pd.Series | pd.Index):
        return [to_jsonable(v) for v in obj.tolist()]
    if isinstance(obj, np.generic):
        obj = obj.item()
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    if isinstance(obj, Path):
        return str(obj)
    if obj is None or isinstance(obj, str | int | float | bool):
        return obj
    raise DataError("JSON output", f"cannot write a value of type {type(obj).__name__} as JSON")


def write_json(obj: Any, path: str | Path) -> Path:
    """Write ``obj`` as indented UTF-8 JSON (numpy values converted, NaN -> null), atomically."""
    text = json.dumps(to_jsonable(obj), indent=2, allow_nan=False, ensure_ascii=False) + "\n"
    return _write_text(path, lambda fh: fh.write(text))


def write_table(df: pd.DataFrame, path: str | Path, *, index: bool = False) -> Path:
    """Write a DataFrame as tab-separated text with a header line, atomically."""
    if not isinstance(df, pd.DataFrame):
        raise DataError("table output", f"expected a DataFrame, got {type(df).__name__}")
    return _write_text(path, lambda fh: df.to_csv(fh, sep="\t", index=index, lineterminator="\n"))


#: survival endpoints (TCGA-CDR names) as they are written on plots
