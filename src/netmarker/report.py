"""Run outputs: Kaplan-Meier plots, TSV tables and JSON files, each written atomically.

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


@contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """Yield a temporary path in the target's folder; rename it to ``path`` on success."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        os.replace(tmp, target)
    finally:
        if tmp.exists():
            tmp.unlink()


def _write_text(path: str | Path, write: Callable[[IO[str]], None]) -> Path:
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
ENDPOINT_NAMES = {
    "OS": "overall survival (OS)",
    "DSS": "disease-specific survival (DSS)",
    "DFI": "disease-free interval (DFI)",
    "PFI": "progression-free interval (PFI)",
}


def hazard_ratio_text(result: dict[str, Any]) -> str:
    """``HR 0.55 (95% CI 0.31-0.97)`` from a Cox result with ``hr``, ``ci_low``, ``ci_high``."""
    return f"HR {result['hr']:.2f} (95% CI {result['ci_low']:.2f}-{result['ci_high']:.2f})"


def plot_kaplan_meier(
    time: pd.Series,
    event: pd.Series,
    groups: pd.Series,
    path: str | Path,
    *,
    title: str | None = None,
    time_unit: str = "months",
    endpoint: str | None = None,
    hazard_ratio: dict[str, Any] | None = None,
) -> Path:
    """Kaplan-Meier curves per group with the log-rank p and numbers at risk; PNG/PDF/SVG.

    ``time``, ``event`` (1 = event, 0 = censored) and ``groups`` are Series indexed by patient;
    the format follows the file suffix. ``endpoint`` (OS, PFI, ...) names the y axis;
    ``hazard_ratio`` (``hr``, ``ci_low``, ``ci_high``, e.g. a Cox result; optional ``label``
    saying which group is compared to which) is printed above the log-rank p. Returns the
    written path.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from lifelines import KaplanMeierFitter
    from lifelines.plotting import add_at_risk_counts

    from netmarker.evaluate import align_survival, survival_test

    t, e, g = align_survival(groups, time, event)
    result = survival_test(g, t, e)
    fig, ax = plt.subplots(figsize=(7.5, 5.5))
    fitters, legend = [], []
    try:
        for label in sorted(pd.unique(g), key=str):
            rows = g == label
            kmf = KaplanMeierFitter(label=str(label))
            kmf.fit(t[rows], e[rows])
            kmf.plot_survival_function(ax=ax, ci_show=False, show_censors=True)
            fitters.append(kmf)
            legend.append(f"{label} (n={int(rows.sum())}, events={int(e[rows].sum())})")
        ax.set_xlabel(f"time ({time_unit})")
        ax.set_ylabel(
            f"{ENDPOINT_NAMES.get(endpoint, endpoint)} probability"
            if endpoint
            else "survival probability"
        )
        ax.set_ylim(0, 1.05)
        stats_line = f"log-rank p = {result['p_value']:.3g}"
        if hazard_ratio and "hr" in hazard_ratio:
            what = hazard_ratio.get("label")
            stats_line = (
                f"{what + ': ' if what else ''}{hazard_ratio_text(hazard_ratio)}\n{stats_line}"
            )
        ax.legend(
            ax.get_legend_handles_labels()[0],
            legend,
            loc="best",
            frameon=False,
        )
        # the statistics sit under the title, where no curve can hide them
        ax.set_title(f"{title}\n{stats_line}" if title else stats_line, fontsize=10)
        add_at_risk_counts(*fitters, ax=ax, rows_to_show=["At risk"])
        fig.tight_layout()
        fmt = Path(path).suffix.lstrip(".").lower() or "png"
        with atomic_path(path) as tmp:
            fig.savefig(tmp, format=fmt, dpi=150)
    finally:
        plt.close(fig)
    return Path(path)
