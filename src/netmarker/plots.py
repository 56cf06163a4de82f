"""Figures, in one consistent style: matplotlib only, PNG or SVG by the file suffix.

Every function takes results that were already computed (DataFrames, an ``Explanation``)
and draws them; none reads a store or computes statistics beyond arranging the numbers
for display. Each returns the written path; the file is written atomically.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from netmarker.errors import DataError
from netmarker.report import atomic_path

if TYPE_CHECKING:
    from netmarker.explain import Explanation

#: the house style: one font size ladder, no top/right spines, light grid
STYLE: dict[str, Any] = {
    "font.size": 9,
    "axes.titlesize": 10,
    "axes.labelsize": 9,
    "xtick.labelsize": 8,
    "ytick.labelsize": 8,
    "legend.fontsize": 8,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": False,
    "figure.dpi": 100,
    "savefig.dpi": 150,
    "savefig.bbox": "tight",
    "svg.fonttype": "none",
}
#: role -> (colour, marker, size) of genes in explanation drawings (colour-blind safe)
ROLE_STYLE: dict[str, tuple[str, str, int]] = {
    "target": ("#D55E00", "^", 260),
    "target+pathway": ("#CC79A7", "D", 220),
    "linker": ("#BBBBBB", "o", 140),
    "pathway": ("#0072B2", "s", 200),
}
#: proximal / not proximal colours in scatter plots; diverging map of z heatmaps
PROXIMAL_COLOUR, OTHER_COLOUR, Z_CMAP = "#D55E00", "#999999", "RdBu"
FORMATS = ("png", "svg")


@contextmanager
def _figure(path: str | Path, **subplots: Any) -> Iterator[tuple[Any, Any]]:
    """A figure in the house style, saved atomically to ``path`` (format from the suffix)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fmt = Path(path).suffix.lstrip(".").lower()
    if fmt not in FORMATS:
        raise DataError(path, f"figures are written as {' or '.join(FORMATS)}, not {fmt!r}")
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(**subplots)
        try:
            yield fig, ax
            with atomic_path(path) as tmp:
                fig.savefig(tmp, format=fmt)
        finally:
            plt.close(fig)


def _layers(expl: Explanation) -> dict[str, int]:
    """Column of each gene: targets 0, pathway genes last, linkers by hops from a target."""
    last = max(1, int(expl.paths["distance"].max()) if len(expl.paths) else 1)
    layer: dict[str, int] = {}
    for path in expl.paths["path"]:
        for i, gene in enumerate(path.split(" > ")):
            layer[gene] = min(layer.get(gene, i), i)
    roles = dict(zip(expl.genes["gene"], expl.genes["role"], strict=True))
    for gene, role in roles.items():
        if role in ("target", "target+pathway"):
            layer[gene] = 0
        elif role == "pathway":
            layer[gene] = last
    return layer


def _positions(layer: dict[str, int], order: dict[str, int]) -> dict[str, tuple[float, float]]:
    """Genes of a column spread evenly top to bottom, in ``order``; columns centred."""
    pos: dict[str, tuple[float, float]] = {}
    columns: dict[int, list[str]] = {}
    for gene, col in layer.items():
        columns.setdefault(col, []).append(gene)
    for col, genes in columns.items():
        genes.sort(key=lambda g: (order.get(g, 0), g))
        n = len(genes)
        for i, gene in enumerate(genes):
            pos[gene] = (float(col), (n - 1) / 2.0 - i)
    return pos


def draw_explanation(expl: Explanation, path: str | Path) -> Path:
    """The subnetwork behind a proximity result: targets (left), linker genes, pathway genes
    (right), coloured and shaped by role, every gene labelled, with a legend.

    Genes are placed in columns by hops from the targets, and ordered within a column by
    the targets they are reached from, so the paths read left to right.
    """
    from matplotlib.lines import Line2D

    if expl.genes.empty:
        raise DataError(path, f"nothing to draw: no path from {expl.drug} to {expl.pathway}")
    layer = _layers(expl)
    # order genes within a column by the first target whose path reaches them
    order: dict[str, int] = {}
    for i, p in enumerate(expl.paths["path"]):
        for gene in p.split(" > "):
            order.setdefault(gene, i)
    pos = _positions(layer, order)
    tallest = max(sum(1 for c in layer.values() if c == col) for col in set(layer.values()))
    n_cols = max(layer.values()) + 1
    width = min(16.0, 3.0 + 2.6 * n_cols)
    height = min(40.0, max(3.5, 0.32 * tallest + 1.5))
    with _figure(path, figsize=(width, height)) as (_fig, ax):
        for a, b in expl.edges.itertuples(index=False, name=None):
            (x0, y0), (x1, y1) = pos[a], pos[b]
            ax.plot([x0, x1], [y0, y1], color="#888888", lw=0.7, alpha=0.7, zorder=1)
        roles = dict(zip(expl.genes["gene"], expl.genes["role"], strict=True))
        for role, (colour, marker, size) in ROLE_STYLE.items():
            genes = [g for g, r in roles.items() if r == role]
            if not genes:
                continue
            xy = np.array([pos[g] for g in genes])
            ax.scatter(
                xy[:, 0], xy[:, 1], s=size, c=colour, marker=marker, edgecolors="black",
                linewidths=0.6, zorder=2,
            )  # fmt: skip
        degree = dict(zip(expl.genes["gene"], expl.genes["degree"], strict=True))
        for gene, (x, y) in pos.items():
            right = layer[gene] == max(layer.values()) and n_cols > 1
            ax.annotate(
                f"{gene} ({degree[gene]})",
                (x, y),
                xytext=(9 if right else -9, 0) if layer[gene] in (0, max(layer.values()))
                else (0, 8),
                textcoords="offset points",
                ha=("left" if right else "right") if layer[gene] in (0, max(layer.values()))
                else "center",
                va="center" if layer[gene] in (0, max(layer.values())) else "bottom",
                fontsize=8, zorder=3,
                bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.8},
            )  # fmt: skip
        handles = [
            Line2D([], [], ls="", marker=m, markersize=8, markerfacecolor=c,
                   markeredgecolor="black", label=_ROLE_LABEL[r])
            for r, (c, m, _) in ROLE_STYLE.items() if r in set(roles.values())
        ]  # fmt: skip
        ax.legend(
            handles=handles,
            loc="upper center",
            bbox_to_anchor=(0.5, -0.02),
            ncol=len(handles),
            frameon=False,
            title="gene (degree in the network)",
        )
        ax.set_xlim(-0.9, n_cols - 1 + 0.9 if n_cols > 1 else 0.9)
        ax.set_ylim(-tallest / 2.0 - 0.3, tallest / 2.0 + 0.3)
        ax.set_xticks(range(n_cols))
        hops = [f"{i} hop{'s' * (i > 1)}" for i in range(1, n_cols - 1)]
        ax.set_xticklabels(["targets", *hops, "pathway genes"][:n_cols])
        ax.xaxis.set_ticks_position("top")
        ax.tick_params(axis="x", length=0)
        ax.set_yticks([])
        for side in ("left", "bottom", "top", "right"):
            ax.spines[side].set_visible(False)
        ax.set_title(_explain_title(expl), loc="left", pad=22)
    return Path(path)


_ROLE_LABEL = {
    "target": "drug target",
    "target+pathway": "target in the pathway",
    "linker": "linker gene",
    "pathway": "pathway gene",
}


def _explain_title(expl: Explanation) -> str:
    title = f"{expl.drug} -> {expl.pathway} on {expl.network}: d_c = {expl.distance:.4g}"
    if expl.stored is not None:
        title += f" (stored {expl.stored['distance']:.4g}, z = {expl.stored['z']:.2f})"
    total = int(expl.targets["n_paths"].sum())
    if len(expl.paths) < total:
        title += (
            f"\nfirst {expl.max_paths} shortest path(s) per target: {len(expl.paths)} of {total}"
        )
    return title


def _check_frame(df: pd.DataFrame, columns: list[str], what: str) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise DataError(what, f"lacks column(s) {', '.join(missing)}")
