"""One self-contained ``report.html`` for a run folder (Jinja2; figures embedded as data URIs).

A run folder is what ``netmarker demo`` writes (``run.json``, TSV tables, PNG plots, the
run's embedded store); any folder with TSV tables and figures works, with what it has.
``write_report`` first draws the figures the folder's results allow (z vs pathway size,
model coefficients, the paths behind the most proximal pathways) into ``figures/``, then
renders every table (long ones cut, with the number of rows), every figure, the inputs
with their checksums, the parameters, the software versions, the checksum of every file
of the run and, where any part of the run is simulated, the SIMULATED notice. The HTML
needs no server and no network: it opens in any browser.
"""

from __future__ import annotations

import base64
import hashlib
import json
import platform
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import pandas as pd

from netmarker import plots
from netmarker._version import __version__
from netmarker.errors import InputError
from netmarker.explain import explain_proximity
from netmarker.graph import EmbeddedStore
from netmarker.io.output import write_text

#: rows of a table shown in the report (the TSV file keeps them all)
MAX_ROWS = 50
#: folders of a run that are not report material
_SKIP_DIRS = {"store", "cache"}
_MIME = {".png": "image/png", ".svg": "image/svg+xml"}
_PACKAGES = (
    "numpy",
    "pandas",
    "scipy",
    "scikit-learn",
    "networkx",
    "lifelines",
    "matplotlib",
    "numba",
    "jinja2",
    "neo4j",
)
_CAPTIONS = {
    "summary.tsv": "the run's headline numbers",
    "proximity.tsv": "network proximity of the drug to every pathway (distance d_c, z, p)",
    "biomarkers.tsv": "the model's modules and coefficients",
    "baselines_loocv.tsv": "leave-one-out CV of the network model next to its baselines",
    "simulated_planted_patients.tsv": "SIMULATED cohort with a planted effect: predictions",
    "simulated_null_patients.tsv": "SIMULATED cohort without an effect: predictions",
    "km_simulated_planted.png": "Kaplan-Meier, SIMULATED cohort with a planted effect",
    "km_simulated_null.png": "Kaplan-Meier, SIMULATED cohort without an effect",
    "proximity_z_vs_size.png": "z against pathway size; proximal pathways labelled",
    "coefficients.png": "the model's coefficients (standardised module scores)",
}


@dataclass
class _Figure:
    name: str
    caption: str
    uri: str


@dataclass
class _Table:
    name: str
    caption: str
    frame: pd.DataFrame
    rows: int
    shown: int

    @property
    def truncated(self) -> bool:
        return self.shown < self.rows


def write_report(run_dir: str | Path, out: str | Path | None = None, *, draw: bool = True) -> Path:
    """Render ``run_dir`` into one self-contained HTML file (default ``run_dir/report.html``).

    With ``draw`` the figures the run's results allow are drawn into ``run_dir/figures``
    first. Returns the written path (written atomically).
    """
    run = Path(run_dir)
    if not run.is_dir():
        raise InputError(run, "not a run folder (give the folder `netmarker demo` wrote)")
    target = Path(out) if out is not None else run / "report.html"
    meta = _read_meta(run)
    if draw:
        draw_figures(run, meta)
    html = render_report(run, meta, exclude={target.resolve()})
    return write_text(html, target)


def _read_meta(run: Path) -> dict[str, Any]:
    path = run / "run.json"
    if not path.exists():
        return {}
    try:
        meta = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputError(path, f"not valid JSON ({exc})") from None
    if not isinstance(meta, dict):
        raise InputError(path, "expected a JSON object")
    return meta


def draw_figures(run: Path, meta: dict[str, Any]) -> list[Path]:
    """Figures from the run's results: z vs pathway size and the paths behind the most
    proximal pathways (needs ``proximity.tsv`` and the run's ``store/``), coefficients
    (needs ``biomarkers.tsv``). Returns the files drawn."""
    out = run / "figures"
    drawn: list[Path] = []
    prox_file, store_dir = run / "proximity.tsv", run / "store"
    if prox_file.exists() and store_dir.is_dir():
        prox = pd.read_csv(prox_file, sep="\t")
        store = EmbeddedStore(store_dir)
        drug = str(meta.get("drug") or prox["drug"].iloc[0])
        cutoff = float(meta.get("z_cutoff", -1.2816))
        sizes = store.members().groupby("pathway").size()
        drawn.append(
            plots.plot_z_vs_size(
                prox, sizes, out / "proximity_z_vs_size.png", drug=drug, z_cutoff=cutoff
            )
        )
        mine = prox[prox["drug"] == drug].sort_values("z")
        # the most proximal pathway, and the most proximal one reached over at least one hop
        picks = [*mine["pathway"].head(1), *mine.loc[mine["distance"] > 0, "pathway"].head(1)]
        for pathway in dict.fromkeys(picks):
            expl = explain_proximity(store, drug, pathway, network=meta.get("network"), max_paths=3)
            name = f"explain_{pathway}.png"
            drawn.append(plots.draw_explanation(expl, out / name))
            _CAPTIONS.setdefault(
                name,
                f"why {pathway} is close to {drug}: shortest paths from each target to the "
                f"nearest pathway genes (up to 3 per target; d_c = {expl.distance:.3g})",
            )
    coef_file = run / "biomarkers.tsv"
    if coef_file.exists():
        coef = pd.read_csv(coef_file, sep="\t")
        if {"feature", "coefficient"} <= set(coef.columns) and coef["coefficient"].notna().any():
            title = f"{meta.get('drug', '')} model coefficients".strip()
            drawn.append(plots.plot_coefficients(coef, out / "coefficients.png", title=title))
    return drawn


def render_report(run: Path, meta: dict[str, Any], exclude: set[Path] | None = None) -> str:
    """The report's HTML for run folder ``run`` and its ``run.json`` contents ``meta``."""
    import jinja2
    from markupsafe import Markup

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("netmarker", "templates"),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        undefined=jinja2.StrictUndefined,
    )

    def table(frame: pd.DataFrame) -> Markup:
        # to_html escapes every cell; Markup only marks that already-escaped text as safe
        return Markup(frame.to_html(index=False, escape=True, na_rep="", float_format=_num))

    env.globals["table"] = table
    files = _files(run, exclude or set())
    tables = _tables(run)
    summary = next((t.frame for t in tables if t.name == "summary.tsv"), None)
    return env.get_template("report.html.j2").render(
        title=_title(meta),
        rendered_at=datetime.now(UTC).isoformat(timespec="seconds"),
        run_dir=str(run.resolve()),
        simulated=_simulated(meta, files, tables),
        summary=summary,
        figures=_figures(run),
        tables=[t for t in tables if t.name != "summary.tsv"],
        inputs=meta.get("input_checksums", {}),
        parameters=_parameters(meta),
        versions=_versions(meta),
        files=files,
    )


def _num(x: float) -> str:
    return f"{x:.4g}"


def _title(meta: dict[str, Any]) -> str:
    what = " x ".join(str(meta[k]) for k in ("drug", "network") if k in meta)
    return f"netmarker report: {what}" if what else "netmarker report"


def _figures(run: Path) -> list[_Figure]:
    found = [p for p in sorted(run.glob("*")) + sorted((run / "figures").glob("*"))]
    out = []
    for path in found:
        mime = _MIME.get(path.suffix.lower())
        if mime is None or not path.is_file():
            continue
        data = base64.b64encode(path.read_bytes()).decode("ascii")
        caption = _CAPTIONS.get(path.name, path.stem.replace("_", " "))
        out.append(_Figure(path.name, caption, f"data:{mime};base64,{data}"))
    return out


def _tables(run: Path) -> list[_Table]:
    out = []
    for path in sorted(run.glob("*.tsv")):
        try:
            frame = pd.read_csv(path, sep="\t")
        except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
            raise InputError(path, f"cannot read the table ({exc})") from None
        caption = _CAPTIONS.get(path.name, "")
        shown = min(len(frame), MAX_ROWS)
        out.append(_Table(path.name, caption, frame.head(MAX_ROWS), len(frame), shown))
    return out


def _files(run: Path, exclude: set[Path]) -> list[dict[str, Any]]:
    out = []
    for path in sorted(run.rglob("*")):
        rel = path.relative_to(run)
        if not path.is_file() or rel.parts[0] in _SKIP_DIRS or path.resolve() in exclude:
            continue
        if path.name.startswith("."):
            continue
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        out.append({"name": str(rel), "size": f"{path.stat().st_size:,}", "sha256": digest})
    return out


def _simulated(meta: dict[str, Any], files: list[dict[str, Any]], tables: list[_Table]) -> str:
    """The SIMULATED notice's text, or "" when nothing in the run is simulated."""
    flagged = [f["name"] for f in files if "simulated" in f["name"].lower()]
    flagged += [
        t.name
        for t in tables
        if "simulated" in t.frame.columns and t.frame["simulated"].astype(str).eq("True").any()
    ]
    if not flagged and "simulated_patients" not in meta:
        return ""
    names = ", ".join(sorted(set(flagged))) or "the patient step"
    return (
        "Parts of this run use simulated patients, not real ones (no real patient expression "
        "ships with netmarker): they show that the pipeline finds a planted effect and does "
        f"not invent one, and say nothing about real patients. Simulated: {names}."
    )


def _parameters(meta: dict[str, Any]) -> dict[str, str]:
    skip = {"input_checksums", "netmarker_version", "python", "machine"}
    out = {}
    for key, value in meta.items():
        if key in skip:
            continue
        text = value if isinstance(value, str) else json.dumps(value, sort_keys=True)
        out[key] = text if len(text) <= 400 else text[:397] + "..."
    return out


def _versions(meta: dict[str, Any]) -> dict[str, str]:
    out = {"netmarker": __version__}
    if "netmarker_version" in meta:
        out["netmarker (the run)"] = str(meta["netmarker_version"])
    out["python"] = platform.python_version()
    if "python" in meta:
        out["python (the run)"] = str(meta["python"])
    if "machine" in meta:
        out["machine (the run)"] = str(meta["machine"])
    for name in _PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out
