"""``netmarker modules compute|show``: drug-proximal gene modules (the query layer)."""

from __future__ import annotations

import sys
import time
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from netmarker.cli.context import (
    console,
    err_console,
    print_frame,
    print_json,
    progress_bar,
    store_from,
)
from netmarker.defaults import DEFAULT_SEED, DEFAULT_Z_CUTOFF

if TYPE_CHECKING:
    from netmarker.graph import GraphStore
    from netmarker.modules import ModuleRun

#: the q cutoff the summary reports when none is given (selection stays by z)
SUMMARY_Q_CUTOFF = 0.05

ZCutOpt = typer.Option(
    None,
    "--z-cutoff",
    help=f"Pathways with z <= this are proximal (default {DEFAULT_Z_CUTOFF}, Kong et al. 2020: "
    "one-sided p < 0.1, uncorrected).",
    show_default=False,
)
QCutOpt = typer.Option(
    None,
    "--q-cutoff",
    min=0.0,
    max=1.0,
    help="Select proximal pathways by Benjamini-Hochberg q <= this (over the drug's "
    "pathways) instead of by z.",
)


def _cutoffs(z_cutoff: float | None, q_cutoff: float | None) -> tuple[float | None, float | None]:
    """The selection rule: q if --q-cutoff is given, else z (default the paper's)."""
    if z_cutoff is not None and q_cutoff is not None:
        raise typer.BadParameter("give --z-cutoff or --q-cutoff, not both")
    if q_cutoff is None and z_cutoff is None:
        z_cutoff = DEFAULT_Z_CUTOFF
    return z_cutoff, q_cutoff


def _rule(z_cutoff: float | None, q_cutoff: float | None) -> str:
    return f"q <= {q_cutoff}" if q_cutoff is not None else f"z <= {z_cutoff}"


#: rows shown after `compute --all` (the full table is in the store)
_TOP_ROWS = 20

app = typer.Typer(
    help="Find each drug's proximal gene modules in the network and store them as biomarkers.",
    no_args_is_help=True,
)


class Method(StrEnum):
    proximity = "proximity"
    rwr = "rwr"


class Format(StrEnum):
    table = "table"
    tsv = "tsv"
    json = "json"


@app.command("compute")
def compute(
    ctx: typer.Context,
    drug: list[str] | None = typer.Option(None, "--drug", "-d", help="Drug name (repeatable)."),
    all_drugs: bool = typer.Option(False, "--all", help="Every drug with targets."),
    network: str | None = typer.Option(
        None, "--network", "-n", help="Network name (default: the only one loaded)."
    ),
    method: Method = typer.Option(
        Method.proximity,
        "--method",
        "-m",
        help="proximity (pathways, z-scores) or rwr (gene module).",
    ),
    n_random: int = typer.Option(
        1000, "--n-random", min=10, help="Degree-matched random draws per drug-pathway pair."
    ),
    min_bin_size: int = typer.Option(
        100, "--min-bin-size", min=1, help="Minimum nodes per degree bin for the draws."
    ),
    seed: int = typer.Option(DEFAULT_SEED, "--seed", help="Seed of the random draws."),
    z_cutoff: float | None = ZCutOpt,
    q_cutoff: float | None = QCutOpt,
    pathway_source: str | None = typer.Option(
        None, "--pathway-source", help="Use only pathways of this source."
    ),
    restart: float = typer.Option(
        0.5, "--restart", min=0.01, max=0.99, help="RWR restart probability."
    ),
    top_k: int = typer.Option(100, "--top-k", min=1, help="RWR module size."),
    as_json: bool = typer.Option(False, "--json", help="Print the run record as JSON."),
    dask: str | None = typer.Option(
        None,
        "--dask",
        envvar="NETMARKER_DASK_SCHEDULER",
        help="Run the proximity grid on this Dask scheduler (tcp://HOST:8786); rwr runs locally.",
    ),
) -> None:
    """Compute proximity (or RWR) modules for --drug NAME or --all and write them to the store."""
    from netmarker.modules import (
        compute_propagation,
        compute_proximity,
        p_resolution,
        proximal_mask,
        proximity_summary,
    )

    if bool(drug) == all_drugs:
        raise typer.BadParameter("give --drug NAME (one or more) or --all")
    z_cutoff, q_cutoff = _cutoffs(z_cutoff, q_cutoff)
    store = store_from(ctx, existing=True)
    drugs = None if all_drugs else list(drug or [])
    started = time.perf_counter()
    with progress_bar(f"{method.value} modules", total=None) as bar:

        def tick(done: int, total: int) -> None:
            bar.update(bar.task_ids[0], completed=done, total=total)

        if method is Method.proximity:
            run = compute_proximity(
                store,
                drugs=drugs,
                network=network,
                pathway_source=pathway_source,
                n_random=n_random,
                min_bin_size=min_bin_size,
                seed=seed,
                progress=tick,
                dask=dask,
                z_cutoff=z_cutoff,
                top=_TOP_ROWS,
            )
        else:
            run = compute_propagation(
                store, drugs=drugs, network=network, restart=restart, top_k=top_k, progress=tick
            )
    if as_json:
        print_json(run)
        return
    console.print(
        f"run [bold]{run.run}[/] ({run.method}) on network {run.network}: "
        f"{len(run.drugs)} drugs, {run.n_rows:,} rows written to {store.location}"
    )
    dropped = run.dropped.get("targets_dropped", [])
    if dropped:
        shown = ", ".join(f"{d['name']}:{d['gene']} ({d['reason']})" for d in dropped[:10])
        more = f" and {len(dropped) - 10} more" if len(dropped) > 10 else ""
        console.print(
            f"left out {len(dropped)} targets not in the largest component: {shown}{more}"
        )
    if run.dropped.get("drugs_skipped"):
        skipped = run.dropped["drugs_skipped"]
        more = f" and {len(skipped) - 10} more" if len(skipped) > 10 else ""
        console.print(
            f"skipped {len(skipped)} drugs (no target in the network): "
            f"{', '.join(skipped[:10])}{more}"
        )
    if method is Method.proximity and all_drugs:  # a summary and the best rows, not every drug
        _print_grid(run, z_cutoff, time.perf_counter() - started)
        console.print(
            f"all rows: in the store ({store.location}); per drug: "
            "`netmarker modules show --drug NAME`",
            highlight=False,
            soft_wrap=True,
        )
        return
    if method is Method.proximity:
        res = store.proximity(network=run.network)
        from scipy.stats import norm

        res = res[res["run"] == run.run]
        z_shown = DEFAULT_Z_CUTOFF if z_cutoff is None else z_cutoff
        q_shown = SUMMARY_Q_CUTOFF if q_cutoff is None else q_cutoff
        summary = proximity_summary(res, z_cutoff=z_shown, q_cutoff=q_shown)
        proximal = {
            d: int(proximal_mask(g, z_cutoff, q_cutoff).sum()) for d, g in res.groupby("drug")
        }
        summary.insert(2, "proximal", summary["drug"].map(proximal))
        if summary.empty:
            return
        columns = ["drug", "pathways", "proximal", "pass_z", "expected_z", "pass_q", "min_q"]
        print_frame(
            summary[columns],
            title=f"proximal pathways ({_rule(z_cutoff, q_cutoff)})",
        )
        console.print(
            f"pass_z: z <= {z_shown}; expected_z: how many would pass by chance (pathways x "
            f"P(Z <= {z_shown}) = {norm.cdf(z_shown):.3g}, z ~ N(0, 1) under the null). "
            f"pass_q: Benjamini-Hochberg q <= {q_shown}; "
            f"false_q_max: at most this many of them expected false ({q_shown} x pass_q). "
            f"Empirical p resolution 1/(n_random+1) = {p_resolution(n_random):.3g}: "
            "no p (and no q) below it is possible.",
            highlight=False,
            soft_wrap=True,
        )


def _print_grid(run: ModuleRun, z_cutoff: float | None, seconds: float) -> None:
    """The summary the run counted as its rows passed (they are not read back)."""
    import pandas as pd

    z = DEFAULT_Z_CUTOFF if z_cutoff is None else z_cutoff
    counts, best = run.summary, pd.DataFrame.from_records(run.best)
    console.print(
        f"{counts['drugs']:,} drugs x {counts['pathways']:,} pathways = {counts['pairs']:,} "
        f"pairs in {seconds:.1f} s; {counts['proximal_pairs']:,} pairs with z <= {z} "
        f"({counts['drugs_with_proximal']:,} drugs), {counts['expected_by_chance']:,.0f} "
        "expected by chance if z ~ N(0, 1) under the null",
        highlight=False,
        soft_wrap=True,
    )
    print_frame(best, title=f"run {run.run}: the {len(best)} pairs with the lowest z")


@app.command("show")
def show(
    ctx: typer.Context,
    drug: str | None = typer.Option(None, "--drug", "-d", help="Drug name."),
    pathway: str | None = typer.Option(
        None, "--pathway", "-p", help="Instead of --drug: the drugs proximal to this pathway."
    ),
    network: str | None = typer.Option(None, "--network", "-n", help="Network name."),
    method: Method = typer.Option(Method.proximity, "--method", "-m"),
    z_cutoff: float | None = ZCutOpt,
    q_cutoff: float | None = QCutOpt,
    all_rows: bool = typer.Option(False, "--all-rows", help="Show every pathway."),
    fmt: Format = typer.Option(Format.table, "--format", "-f"),
) -> None:
    """Show a drug's stored modules (proximal pathways, or the RWR gene module), or with
    --pathway the drugs a pathway is proximal to."""
    from netmarker.modules import (
        p_resolution,
        proximal_mask,
        proximity_summary,
        resolve_drug,
        resolve_network,
    )

    if (drug is None) == (pathway is None):
        raise typer.BadParameter("give --drug NAME or --pathway ID")
    z_cutoff, q_cutoff = _cutoffs(z_cutoff, q_cutoff)
    store = store_from(ctx, existing=True)
    if pathway is not None:
        _show_pathway(store, pathway, network, None if all_rows else z_cutoff, fmt)
        return
    assert drug is not None  # exactly one of --drug and --pathway, checked above
    name = resolve_drug(store, drug)
    net_name = resolve_network(store, network)
    chance = ""
    if method is Method.proximity:
        rows = store.proximity(name, net_name)
        if not rows.empty:
            s = proximity_summary(
                rows,
                z_cutoff=DEFAULT_Z_CUTOFF if z_cutoff is None else z_cutoff,
                q_cutoff=SUMMARY_Q_CUTOFF if q_cutoff is None else q_cutoff,
            ).iloc[0]
            chance = (
                f"{s['pass_z']} of {s['pathways']} pathways pass z <= {z_cutoff}, "
                f"{s['expected_z']:.1f} would by chance (z ~ N(0, 1) under the null)"
                if q_cutoff is None
                else f"{s['pass_q']} of {s['pathways']} pathways pass q <= {q_cutoff}; "
                f"at most {s['false_q_max']:.2f} of them expected false (Benjamini-Hochberg)"
            )
        if not all_rows and not rows.empty:
            rows = rows[proximal_mask(rows, z_cutoff, q_cutoff)]
        rows = rows.assign(p_resolution=[p_resolution(n) for n in rows["n_random"]])
        rule = _rule(z_cutoff, q_cutoff)
        title = f"{name}: pathways on {net_name}" + ("" if all_rows else f" ({rule})")
        hint = f"netmarker modules compute --drug {name} --network {net_name}"
    else:
        rows = store.propagation(name, net_name)
        title = f"{name}: RWR module on {net_name}"
        hint = f"netmarker modules compute --method rwr --drug {name} --network {net_name}"
    if rows.empty:
        stored = store.proximity(name, net_name) if method is Method.proximity else rows
        what = "none passes" if not stored.empty else "nothing stored"
        message = f"{title}: {what}" + ("" if not stored.empty else f"; run `{hint}`")
        if fmt is Format.table:
            console.print(message)
            return
        err_console.print(message, highlight=False, soft_wrap=True)
    if fmt is Format.table:  # the constant columns go into the title
        first = rows.iloc[0]
        title += f" (run {first['run']}"
        if method is Method.proximity:
            title += (
                f", {first['n_random']} draws, seed {first['seed']}; p: empirical one-sided, "
                f"resolution 1/(n+1) = {first['p_resolution']:.3g}; q: Benjamini-Hochberg "
                "over the drug's pathways)"
            )
            rows = rows[["pathway", "distance", "z", "p", "q"]]
        else:
            title += ")"
            rows = rows[["rank", "gene", "score"]]
    print_frame(rows.reset_index(drop=True), fmt=fmt.value, title=title)
    if chance and fmt is Format.table:
        console.print(chance, highlight=False, soft_wrap=True)


@app.command("explain")
def explain(
    ctx: typer.Context,
    drug: str = typer.Option(..., "--drug", "-d", help="Drug name."),
    pathway: str = typer.Option(..., "--pathway", "-p", help="Pathway id (gene set name)."),
    network: str | None = typer.Option(None, "--network", "-n", help="Network name."),
    max_paths: int | None = typer.Option(
        None, "--max-paths", "-k", min=1, help="Show the first K shortest paths per target."
    ),
    fmt: Format = typer.Option(Format.table, "--format", "-f", help="table, tsv (paths), json."),
    graphml: Path | None = typer.Option(None, "--graphml", help="Write the subnetwork (GraphML)."),
    cytoscape: Path | None = typer.Option(
        None, "--cytoscape", help="Write the subnetwork as Cytoscape.js JSON."
    ),
    png: Path | None = typer.Option(None, "--png", "--plot", help="Draw it (.png or .svg)."),
    show_cypher: bool = typer.Option(
        False, "--cypher", help="Print the Cypher query (with :param lines) for Neo4j Browser."
    ),
) -> None:
    """The shortest paths from each target of a drug to the pathway's nearest genes (why d_c)."""
    from netmarker.explain import explain_cypher, explain_proximity, write_subnetwork

    store = store_from(ctx)
    if show_cypher:
        sys.stdout.write(explain_cypher(store, drug, pathway, network))
        return
    expl = explain_proximity(store, drug, pathway, network=network, max_paths=max_paths)
    for path, kind in ((graphml, "graphml"), (cytoscape, "cytoscape")):
        if path is not None:
            write_subnetwork(expl, path, kind)
    if png is not None:
        from netmarker.plots import draw_explanation

        draw_explanation(expl, png)
    if fmt is Format.json:
        print_json(expl.to_dict())
        return
    if fmt is Format.tsv:
        print_frame(expl.paths, fmt="tsv")
        return
    s = expl.summary()
    stored = (
        "nothing stored (run `netmarker modules compute`)"
        if expl.stored is None
        else f"stored d_c = {s['stored_d_c']:.4g}, z = {s['z']:.3f}"
        + ("" if expl.matches_stored else "  [differs: the network or targets changed since]")
    )
    console.print(
        f"[bold]{expl.drug}[/] -> [bold]{expl.pathway}[/] on {expl.network}: "
        f"d_c = {expl.distance:.4g} from {s['targets_used']} target(s); {stored}",
        highlight=False,
    )
    print_frame(expl.targets, title="targets: hops to the nearest pathway gene (enter d_c)")
    shown = f"{len(expl.paths)} of {s['paths_total']}"
    print_frame(expl.paths, title=f"shortest paths ({shown})")
    print_frame(expl.genes, title="genes on the paths (degree in the network)")
    if expl.pathway_genes_left_out:
        console.print(
            f"pathway genes left out (outside the largest component or not in the network): "
            f"{len(expl.pathway_genes_left_out)}"
        )


def _show_pathway(
    store: GraphStore, pathway: str, network: str | None, z_cutoff: float | None, fmt: Format
) -> None:
    from netmarker.explain import resolve_pathway
    from netmarker.modules import resolve_network
    from netmarker.queries import drugs_near_pathway

    rows = drugs_near_pathway(store, pathway, network=network, z_cutoff=z_cutoff)
    net_name = resolve_network(store, network)
    name = resolve_pathway(store, pathway)
    title = f"drugs proximal to {name} on {net_name}" + (
        "" if z_cutoff is None else f" (z <= {z_cutoff})"
    )
    if fmt is Format.table:
        if rows.empty:
            console.print(f"{title}: none stored")
            return
        first = rows.iloc[0]
        title += f" (run {first['run']}, {first['n_random']} draws, seed {first['seed']})"
        rows = rows[[c for c in ("drug", "distance", "z", "p", "q") if c in rows.columns]]
    print_frame(rows, fmt=fmt.value, title=title)


@app.command("similar")
def similar(
    ctx: typer.Context,
    drug: str = typer.Option(..., "--drug", "-d", help="Drug name."),
    network: str | None = typer.Option(None, "--network", "-n", help="Network name."),
    z_cutoff: float = typer.Option(
        DEFAULT_Z_CUTOFF, "--z-cutoff", help="Pathways with z <= this are proximal."
    ),
    top: int | None = typer.Option(None, "--top", min=1, help="Show the first N drugs."),
    fmt: Format = typer.Option(Format.table, "--format", "-f"),
) -> None:
    """Other drugs ranked by how much their proximal modules overlap this drug's (Jaccard on
    proximal pathways, then the correlation of the z profiles)."""
    from netmarker.modules import resolve_drug
    from netmarker.queries import similar_drugs

    store = store_from(ctx)
    table = similar_drugs(store, drug, network=network, z_cutoff=z_cutoff)
    if top is not None:
        table = table.head(top)
    name = resolve_drug(store, drug)
    print_frame(table, fmt=fmt.value, title=f"drugs like {name} (z <= {z_cutoff})")
