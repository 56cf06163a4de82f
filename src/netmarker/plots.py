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
from netmarker.io.output import atomic_path
from netmarker.predict.evaluate import align_survival, survival_test

if TYPE_CHECKING:
    from matplotlib.typing import RcKeyType

    from netmarker.explain import Explanation

#: the house style: one font size ladder, no top/right spines, light grid
STYLE: dict[RcKeyType, Any] = {
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
            # targets are labelled on their left, every other gene on its right: a label
            # never sits on a neighbour in the same column, however full the column is
            left = layer[gene] == 0 and n_cols > 1
            ax.annotate(
                f"{gene} ({degree[gene]})", (x, y), xytext=(-9 if left else 9, 0),
                textcoords="offset points", ha="right" if left else "left", va="center",
                fontsize=8, zorder=3,
                bbox={"boxstyle": "round,pad=0.1", "fc": "white", "ec": "none", "alpha": 0.75},
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
    title = f"{expl.drug} -> {expl.pathway}\non {expl.network}: d_c = {expl.distance:.4g}"
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


def _short(pathway: str) -> str:
    """Pathway labels without the collection prefix (REACTOME_...), capped at 60 characters."""
    name = pathway.split("_", 1)[1] if pathway.startswith(("REACTOME_", "KEGG_")) else pathway
    return name if len(name) <= 60 else name[:57] + "..."


def _cluster_order(matrix: np.ndarray) -> np.ndarray:
    """Leaf order of average-linkage clustering of the rows (Euclidean); as is for < 3 rows."""
    from scipy.cluster.hierarchy import leaves_list, linkage

    if matrix.shape[0] < 3:
        return np.arange(matrix.shape[0])
    return leaves_list(linkage(matrix, method="average", metric="euclidean", optimal_ordering=True))


def plot_z_heatmap(
    proximity: pd.DataFrame,
    path: str | Path,
    *,
    drugs: list[str] | None = None,
    z_cutoff: float = -1.2816,
    max_pathways: int = 60,
) -> Path:
    """Drug x pathway z-score heatmap, rows and columns clustered, proximal cells marked.

    ``proximity`` has columns drug, pathway, z (one network). The pathways shown are those
    proximal (z <= ``z_cutoff``) to at least one drug, the ``max_pathways`` with the lowest
    z if there are more. A dot marks every proximal cell; the colour bar marks the cutoff.
    """
    _check_frame(proximity, ["drug", "pathway", "z"], "proximity table")
    rows = proximity if drugs is None else proximity[proximity["drug"].isin(drugs)]
    if rows.empty:
        raise DataError("proximity table", "no results for the chosen drugs")
    z = rows.pivot_table(index="pathway", columns="drug", values="z", aggfunc="first")
    best = z.min(axis=1)
    keep = best[best <= z_cutoff].sort_values().index[:max_pathways]
    if not len(keep):
        keep = best.sort_values().index[: min(max_pathways, 20)]
    z = z.loc[keep]
    filled = z.fillna(0.0).to_numpy()
    z = z.iloc[_cluster_order(filled), _cluster_order(filled.T)]
    limit = float(np.nanmax(np.abs(z.to_numpy()))) or 1.0
    height = min(30.0, 1.8 + 0.2 * z.shape[0])
    width = min(20.0, 4.5 + 0.35 * z.shape[1])
    with _figure(path, figsize=(width, height)) as (fig, ax):
        image = ax.imshow(z.to_numpy(), cmap=Z_CMAP, vmin=-limit, vmax=limit, aspect="auto")
        yy, xx = np.nonzero(z.to_numpy() <= z_cutoff)
        ax.scatter(xx, yy, s=6, c="black", marker="o", label=f"z <= {z_cutoff:g} (proximal)")
        ax.set_xticks(range(z.shape[1]), z.columns, rotation=90)
        ax.set_yticks(range(z.shape[0]), [_short(p) for p in z.index], fontsize=7)
        ax.tick_params(length=0)
        for side in ("left", "bottom"):
            ax.spines[side].set_visible(False)
        bar = fig.colorbar(image, ax=ax, shrink=min(1.0, 8.0 / height), pad=0.02)
        bar.set_label("proximity z-score")
        bar.ax.axhline(z_cutoff, color="black", lw=1.5)
        ax.legend(loc="lower left", bbox_to_anchor=(0.0, 1.0), frameon=False)
        ax.set_title(
            f"network proximity z, {z.shape[1]} drugs x {z.shape[0]} pathways (clustered)",
            loc="left",
            pad=18,
        )
    return Path(path)


def plot_z_vs_size(
    proximity: pd.DataFrame,
    sizes: pd.Series,
    path: str | Path,
    *,
    drug: str,
    z_cutoff: float = -1.2816,
    max_labels: int = 20,
) -> Path:
    """One drug's z against pathway size (genes), the proximal pathways coloured and labelled.

    ``proximity`` has columns drug, pathway, z; ``sizes`` maps pathway -> number of genes.
    The ``max_labels`` most proximal pathways are labelled (the title says when more are).
    """
    _check_frame(proximity, ["drug", "pathway", "z"], "proximity table")
    rows = proximity[proximity["drug"] == drug].copy()
    if rows.empty:
        raise DataError("proximity table", f"no results for drug {drug}")
    rows["size"] = rows["pathway"].map(sizes)
    rows = rows.dropna(subset=["size"]).sort_values("z")
    near = rows["z"] <= z_cutoff
    with _figure(path, figsize=(11.0, 5.5)) as (_fig, ax):
        ax.scatter(
            rows.loc[~near, "size"], rows.loc[~near, "z"], s=12, c=OTHER_COLOUR, alpha=0.6,
            label="not proximal", linewidths=0,
        )  # fmt: skip
        ax.scatter(
            rows.loc[near, "size"], rows.loc[near, "z"], s=22, c=PROXIMAL_COLOUR,
            label=f"proximal (z <= {z_cutoff:g}): {int(near.sum())}", linewidths=0,
        )  # fmt: skip
        ax.axhline(z_cutoff, color="black", lw=0.8, ls="--")
        ax.set_xscale("log")
        ax.set_xlabel("pathway size (genes)")
        ax.set_ylabel("proximity z-score")
        labelled = rows[near].head(max_labels)
        _label_points(ax, labelled["size"].to_numpy(), labelled["z"].to_numpy(),
                      [_short(p) for p in labelled["pathway"]])  # fmt: skip
        more = int(near.sum()) - len(labelled)
        title = f"{drug}: proximity to {len(rows)} pathways"
        if more > 0:
            title += f" ({more} more proximal pathways not labelled)"
        ax.set_title(title, loc="left")
        ax.legend(loc="upper left", frameon=False)
    return Path(path)


def _label_points(ax: Any, x: np.ndarray, y: np.ndarray, labels: list[str]) -> None:
    """Labels in a column right of the axes, in the order of their points' y, with leader
    lines: they never overlap each other or the points."""
    n = len(labels)
    if not n:
        return
    step = min(0.05, 0.96 / n)
    for i, (xi, yi, text) in enumerate(sorted(zip(x, y, labels, strict=True), key=lambda t: t[1])):
        ax.annotate(
            text, (xi, yi), xytext=(1.03, 0.02 + i * step), textcoords="axes fraction",
            fontsize=7, va="center", ha="left",
            arrowprops={"arrowstyle": "-", "color": "#999999", "lw": 0.4, "shrinkB": 3},
        )  # fmt: skip


def plot_coefficients(
    coefficients: pd.DataFrame, path: str | Path, *, title: str | None = None
) -> Path:
    """A model's features as horizontal bars of their coefficient, largest |coefficient| on top.

    ``coefficients`` has columns feature, coefficient (e.g. ``model.biomarker_table``).
    """
    _check_frame(coefficients, ["feature", "coefficient"], "coefficient table")
    rows = coefficients.dropna(subset=["coefficient"])
    if rows.empty:
        raise DataError("coefficient table", "no coefficients to draw")
    rows = rows.reindex(rows["coefficient"].abs().sort_values().index)
    colours = np.where(rows["coefficient"] > 0, PROXIMAL_COLOUR, ROLE_STYLE["pathway"][0])
    with _figure(path, figsize=(8.0, min(20.0, 1.5 + 0.28 * len(rows)))) as (_fig, ax):
        ax.barh(range(len(rows)), rows["coefficient"], color=colours)
        ax.set_yticks(range(len(rows)), [_short(str(f)) for f in rows["feature"]])
        ax.axvline(0, color="black", lw=0.8)
        ax.set_xlabel("coefficient (standardised features)")
        ax.set_title(title or "model coefficients", loc="left")
    return Path(path)


def plot_survival(
    time: pd.Series,
    event: pd.Series,
    groups: pd.Series,
    path: str | Path,
    **kwargs: Any,
) -> Path:
    """Kaplan-Meier curves with numbers at risk (:func:`plot_kaplan_meier`) in the house
    style; PNG or SVG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    if Path(path).suffix.lstrip(".").lower() not in FORMATS:
        raise DataError(path, f"figures are written as {' or '.join(FORMATS)}")
    with plt.rc_context(STYLE):
        return plot_kaplan_meier(time, event, groups, path, **kwargs)


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
