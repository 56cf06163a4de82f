"""Read PPI networks into edge and gene tables keyed by current HGNC symbols.

Formats: STRING ``protein.links`` / ``.detailed`` / ``.full`` (space-separated, ``combined_score``,
ids mapped with a ``protein.info`` / aliases file), plain TSV / CSV edge lists with a header
(symbols, Entrez ids or STRING ids; columns found by name), SIF, the Menche et al. 2015
interactome (``#`` comments, headerless Entrez pairs), and integer edge lists with a node list
(BioNEV). Every reader ends in the same steps, in this order: score filter, id mapping (edges
with an unmapped end dropped), self-loops dropped, one row per unordered pair (max score).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from itertools import repeat
from pathlib import Path

import numpy as np
import pandas as pd

from netmarker.errors import InputError
from netmarker.ids.genes import GeneMapper, MappingReport, StringIdMap
from netmarker.io.common import GZIP_ERRORS, open_text, read_problem
from netmarker.io.genemaps import default_gene_mapper, read_string_id_map
from netmarker.schema import EDGE_COLUMNS, GENE_COLUMNS

IdMapLike = str | Path | StringIdMap | Mapping[str, str] | Sequence[str | Path | StringIdMap]

FORMATS = ("auto", "string", "table", "tsv", "csv", "sif", "menche", "bionev")
ID_TYPES = ("auto", "symbol", "entrez", "string")

#: column-name pairs (normalised: lower case, letters and digits only), Entrez-named first
_ENTREZ_PAIRS = [
    ("geneid1", "geneid2"), ("id1", "id2"), ("entrezgeneida", "entrezgeneidb"),
    ("entrezgeneid1", "entrezgeneid2"), ("entrezid1", "entrezid2"), ("entrez1", "entrez2"),
    ("entrezida", "entrezidb"), ("entreza", "entrezb"), ("geneida", "geneidb"),
]  # fmt: skip
_SYMBOL_PAIRS = [
    ("symbol1", "symbol2"), ("symbola", "symbolb"), ("genesymbol1", "genesymbol2"),
    ("genesymbola", "genesymbolb"), ("gene1", "gene2"), ("genea", "geneb"),
    ("protein1", "protein2"), ("proteina", "proteinb"), ("interactora", "interactorb"),
    ("node1", "node2"), ("source", "target"), ("from", "to"), ("a", "b"),
]  # fmt: skip
_SCORES = ["combinedscore", "score", "weight", "confidence"]
#: interaction types seen in the second column of SIF files
_SIF_TYPES = {"pp", "pd", "pr", "rc", "cr", "gl", "pi", "ppi", "interacts", "interactswith"}
_NUMERIC = re.compile(r"^\d+$")
_STRING_ID = re.compile(r"^(\d+\.)?ENS[A-Z]*P\d+")


@dataclass
class NetworkReport:
    """What reading a network did (counts are of input rows unless named otherwise)."""

    fmt: str
    id_type: str
    weighted: bool
    rows_read: int = 0
    below_min_score: int = 0
    edges_dropped_unmapped: int = 0
    self_loops: int = 0
    duplicates_merged: int = 0
    edges: int = 0
    genes: int = 0
    ids: MappingReport = field(default_factory=MappingReport)

    def counts(self) -> dict[str, int]:
        """Flat integer counts (for the store's provenance record)."""
        out = {k: int(v) for k, v in asdict(self).items() if isinstance(v, int | bool)}
        ids = self.ids
        out |= {
            "ids_input": ids.n_input, "ids_mapped": ids.n_mapped,
            "ids_rescued": ids.n_rescued, "ids_dropped": ids.n_dropped,
        }  # fmt: skip
        return out


@dataclass
class ParsedNetwork:
    """Edges (EDGE_COLUMNS, sorted), genes (GENE_COLUMNS, sorted) and the report."""

    edges: pd.DataFrame
    genes: pd.DataFrame
    report: NetworkReport


@dataclass
class _Raw:
    """Edges as read: raw ids, float scores (NaN if unweighted), row -> file line."""

    a: pd.Series
    b: pd.Series
    score: pd.Series
    weighted: bool
    fmt: str
    id_type: str
    line_of: Callable[[int], int]


def read_network(
    path: str | Path,
    *,
    fmt: str = "auto",
    min_score: float | None = None,
    id_type: str = "auto",
    id_map: IdMapLike | None = None,
    node_list: str | Path | None = None,
    mapper: GeneMapper | None = None,
    strict: bool = False,
) -> ParsedNetwork:
    """Read a network file into symbol-keyed edges and genes.

    ``min_score`` keeps rows with ``score >= min_score`` (STRING scores are 0-1000).
    ``id_type`` (auto, symbol, entrez, string) says what the gene columns hold; STRING protein
    ids need ``id_map`` (protein.info, aliases file, 2-column id table, or a dict).
    ``node_list`` maps the integers of a headerless integer edge list to ids (BioNEV).
    ``strict`` turns any id that maps to no gene into an error.
    """
    if fmt not in FORMATS:
        raise ValueError(f"fmt must be one of {', '.join(FORMATS)}, not {fmt!r}")
    if id_type not in ID_TYPES:
        raise ValueError(f"id_type must be one of {', '.join(ID_TYPES)}, not {id_type!r}")
    raw = _read_raw(Path(path), fmt, id_type, node_list)
    return _finish(Path(path), raw, min_score, id_map, mapper or default_gene_mapper(), strict)


# -- reading ---------------------------------------------------------------------------------
def _head(path: Path) -> tuple[int, str]:
    """Number of leading comment/blank lines, and the first other line."""
    with open_text(path) as fh:
        try:
            for n, line in enumerate(fh):
                text = line.rstrip("\r\n")
                if text.strip() and not text.startswith("#"):
                    return n, text
        except UnicodeDecodeError as exc:
            raise InputError(path, f"not utf-8 text ({exc.reason})") from exc
    raise InputError(path, "no data lines (only comments or blank lines)")


def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def _split(line: str, sep: str) -> list[str]:
    return line.split() if sep == " " else line.split(sep)


def _read_raw(path: Path, fmt: str, id_type: str, node_list: str | Path | None) -> _Raw:
    skip, first = _head(path)
    is_sif = path.name.lower().removesuffix(".gz").endswith(".sif")
    if fmt == "auto":
        tokens = first.split("\t") if "\t" in first else first.split()
        if node_list is not None:
            fmt = "bionev"
        elif is_sif:
            fmt = "sif"
        elif first.startswith("protein1 "):
            fmt = "string"
        elif len(tokens) >= 2 and all(_NUMERIC.match(t.strip()) for t in tokens[:2]):
            fmt = "menche" if skip and "\t" in first else "bionev"
        elif len(tokens) >= 3 and _norm(tokens[1]) in _SIF_TYPES:
            fmt = "sif"
        else:
            fmt = "table"
    if fmt == "sif":
        return _read_sif(path, id_type)
    if fmt in ("menche", "bionev"):
        return _read_headerless(path, fmt, skip, first, id_type, node_list)
    sep = {"string": " ", "tsv": "\t", "csv": ","}.get(fmt) or _header_delimiter(first)
    return _read_table(path, "table" if fmt in ("tsv", "csv") else fmt, skip, first, sep, id_type)


def _header_delimiter(header: str) -> str:
    """Tab, comma or semicolon when the header has one (in that order), else whitespace: a
    space-split header like ``Entrez Gene IDA`` must not beat its tabs."""
    return next((d for d in "\t,;" if d in header), " ")


def _pick_columns(path: Path, header: list[str], id_type: str) -> tuple[int, int, int | None]:
    names = [_norm(h) for h in header]

    def find(pairs: list[tuple[str, str]]) -> tuple[int, int] | None:
        for x, y in pairs:
            if x in names and y in names:
                return names.index(x), names.index(y)
        return None

    order = (
        [_SYMBOL_PAIRS, _ENTREZ_PAIRS] if id_type == "symbol" else [_ENTREZ_PAIRS, _SYMBOL_PAIRS]
    )
    pair = find(order[0]) or find(order[1])
    if pair is None:
        raise InputError(
            path,
            f"no recognised gene columns in header {header[:6]} (expected e.g. gene1/gene2, "
            "symbol_1/symbol_2, gene_id_1/gene_id_2, source/target, protein1/protein2; "
            "wrong delimiter?)",
            None,
        )
    score = next((names.index(s) for s in _SCORES if s in names), None)
    return pair[0], pair[1], score


def _read_table(path: Path, fmt: str, skip: int, first: str, sep: str, id_type: str) -> _Raw:
    header = [h.strip() for h in _split(first, sep)]
    try:
        ia, ib, isc = _pick_columns(path, header, id_type)
    except InputError as exc:
        raise InputError(path, exc.problem, skip + 1) from None
    cols = [ia, ib] if isc is None else [ia, ib, isc]
    df = _read_csv(path, sep=sep, skiprows=skip, header=0, usecols=cols)
    df.columns = ["a", "b", "score"][: len(cols)]
    line_of = _Lines(path, skip + 1)
    if df.empty:
        raise InputError(path, "no edges (only a header line)", skip + 1)
    names = [header[i] for i in cols]
    _check_fields(path, df, names, len(header), line_of, sep, allow_empty=("a", "b"))
    score = _scores(path, df, line_of) if isc is not None else _nan(len(df))
    _check_lines(path, skip + 1, sep, len(header))
    kind = _id_kind(path, df, id_type, line_of)
    return _Raw(df["a"], df["b"], score, isc is not None, fmt, kind, line_of)


def _read_headerless(
    path: Path, fmt: str, skip: int, first: str, id_type: str, node_list: str | Path | None
) -> _Raw:
    sep = "\t" if "\t" in first else " "
    df = _read_csv(path, sep=sep, skiprows=skip, header=None, usecols=[0, 1])
    df.columns = ["a", "b"]
    line_of = _Lines(path, skip)
    _check_fields(path, df, ["column 1", "column 2"], 2, line_of, sep)
    for col in ("a", "b"):
        bad = ~df[col].str.match(_NUMERIC)
        if bad.any():
            row = int(np.flatnonzero(bad.to_numpy())[0])
            raise InputError(
                path, f"expected an integer id, found {df[col].iat[row]!r}", line_of(row)
            )
    _check_lines(path, skip, sep, len(_split(first, sep)))
    if node_list is not None:
        ids = _read_node_list(Path(node_list))
        ma, mb = df["a"].map(ids), df["b"].map(ids)
        unknown = _first_row(ma.isna() | mb.isna())
        if unknown is not None:
            side = "a" if pd.isna(ma.iat[unknown]) else "b"
            index: object = df[side].iat[unknown]
            raise InputError(path, f"node index {index} is not in {node_list}", line_of(unknown))
        df["a"], df["b"] = ma, mb
        kind = _id_kind(path, df, id_type, line_of)
    elif fmt == "menche" or id_type == "entrez":
        kind = "entrez"
    else:
        raise InputError(
            path,
            "headerless integer edge list: pass node_list (BioNEV) or id_type='entrez'",
            skip + 1,
        )
    return _Raw(df["a"], df["b"], _nan(len(df)), False, fmt, kind, line_of)


def _read_node_list(path: Path) -> dict[str, str]:
    """Index -> id table (2 columns, header optional)."""
    skip, first = _head(path)
    sep = "\t" if "\t" in first else " "
    has_header = not _NUMERIC.match(_split(first, sep)[0].strip())
    df = _read_csv(path, sep=sep, skiprows=skip, header=0 if has_header else None)
    if df.shape[1] < 2:
        raise InputError(path, "a node list needs 2 columns (index, id)", skip + 1)
    df = df.iloc[:, :2]
    df.columns = ["i", "id"]
    line_of = _Lines(path, skip + int(has_header))
    _check_fields(path, df, ["index", "id"], 2, line_of, sep)
    dup = df["i"].duplicated()
    if dup.any():
        row = int(np.flatnonzero(dup.to_numpy())[0])
        first_row = int(np.flatnonzero((df["i"] == df["i"].iat[row]).to_numpy())[0])
        raise InputError(
            path,
            f"duplicate node index {df['i'].iat[row]} (first on line {line_of(first_row)})",
            line_of(row),
        )
    return dict(zip(df["i"], df["id"], strict=True))


def _read_sif(path: Path, id_type: str) -> _Raw:
    """SIF: ``node type partner [partner ...]``; a line with one node only is skipped."""
    a: list[str] = []
    b: list[str] = []
    lines: list[int] = []
    seen: dict[str, int] = {}
    with open_text(path) as fh:
        for number, line in enumerate(fh, start=1):
            text = line.rstrip("\r\n")
            if not text.strip() or text.startswith("#"):
                continue
            tokens = text.split("\t") if "\t" in text else text.split()
            tokens = [t.strip() for t in tokens]
            if len(tokens) == 2 or (len(tokens) >= 3 and not all(tokens)):
                raise InputError(
                    path, f"SIF line needs 'node type partner ...', found {text[:60]!r}", number
                )
            if len(tokens) == 1:
                continue
            if text in seen:
                raise InputError(path, f"duplicate line (same as line {seen[text]})", number)
            seen[text] = number
            for partner in tokens[2:]:
                a.append(tokens[0])
                b.append(partner)
                lines.append(number)
    if not a:
        raise InputError(path, "no edges in SIF file")
    df = pd.DataFrame({"a": a, "b": b})
    line_of = lines.__getitem__
    kind = _id_kind(path, df, id_type, line_of)
    return _Raw(df["a"], df["b"], _nan(len(df)), False, "sif", kind, line_of)


def _read_csv(
    path: Path, sep: str, skiprows: int, header: int | None, usecols: list[int] | None = None
) -> pd.DataFrame:
    try:
        return pd.read_csv(
            path, sep=sep, dtype=str, keep_default_na=False, na_values=[""],
            skip_blank_lines=True, engine="c", skiprows=skiprows, header=header, usecols=usecols,
            # only CSV quotes fields; elsewhere a stray '"' must not swallow the following lines
            quoting=csv.QUOTE_MINIMAL if sep == "," else csv.QUOTE_NONE,
        )  # fmt: skip
    except pd.errors.ParserError as exc:
        m = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", str(exc))
        if m:
            raise InputError(path, f"row has {m[3]} fields, expected {m[1]}", int(m[2])) from None
        raise InputError(path, f"cannot parse: {str(exc).splitlines()[-1]}") from None
    except pd.errors.EmptyDataError:
        raise InputError(path, "no data") from None
    except (UnicodeDecodeError, *GZIP_ERRORS) as exc:
        raise InputError(path, read_problem(exc) or str(exc)) from None


class _Lines:
    """Finds the file lines of data rows (blank lines skipped, as pandas does) on demand:
    only error messages need them, so the file is scanned again only then."""

    def __init__(self, path: Path, lines_before: int) -> None:
        self.path, self.lines_before = path, lines_before

    def locate(self, rows: Iterable[int]) -> dict[int, tuple[int, str]]:
        """Row index -> (1-based line number, line text)."""
        wanted = {int(r) for r in rows}
        out: dict[int, tuple[int, str]] = {}
        seen = -1
        with open_text(self.path) as fh:
            for number, line in enumerate(fh, start=1):
                text = line.rstrip("\r\n")
                if number <= self.lines_before or not text:
                    continue
                seen += 1
                if seen in wanted:
                    out[seen] = (number, text)
                    if len(out) == len(wanted):
                        break
        return out

    def __call__(self, row: int) -> int:
        found = self.locate([row])
        return found[row][0] if row in found else self.lines_before + row + 1


def _first_row(mask: pd.Series | np.ndarray) -> int | None:
    idx = np.flatnonzero(np.asarray(mask))
    return int(idx[0]) if len(idx) else None


def _check_fields(
    path: Path,
    df: pd.DataFrame,
    names: list[str],
    need: int,
    line_of: _Lines,
    sep: str,
    *,
    allow_empty: tuple[str, ...] = (),
) -> None:
    """Rows with fewer than ``need`` fields are errors; so are empty cells, except in the
    ``allow_empty`` columns (an empty gene id there means "unmapped")."""
    missing = df.isna()
    rows = np.flatnonzero(missing.any(axis=1).to_numpy())
    if len(rows) == 0:
        return
    texts = line_of.locate(rows)
    for row in map(int, rows):
        number, text = texts[row]
        n_fields = len(_split(text, sep))
        if n_fields < need:
            raise InputError(path, f"row has {n_fields} field(s), expected {need}", number)
        for col, name in zip(df.columns, names, strict=True):
            if missing[col].iat[row] and col not in allow_empty:
                raise InputError(path, f"empty value in column {name!r}", number)


def _scores(path: Path, df: pd.DataFrame, line_of: Callable[[int], int]) -> pd.Series:
    score = pd.to_numeric(df["score"], errors="coerce")
    row = _first_row(score.isna() | ~np.isfinite(score))
    if row is not None:
        raise InputError(path, f"score {df['score'].iat[row]!r} is not a number", line_of(row))
    return score.astype(float)


def _nan(n: int) -> pd.Series:
    return pd.Series(np.full(n, np.nan))


def _check_lines(path: Path, lines_before: int, sep: str, n_fields: int) -> None:
    """Checks on the raw data lines that the parsed columns cannot show: more fields than
    the header (``usecols`` hides them), and the same line twice (an error; a reversed pair
    or a repeated pair with another score is merged instead)."""
    with open_text(path) as fh:
        text = fh.read()
    all_lines = text.splitlines()[lines_before:]
    # fast checks in plain Python (no per-line regex): the common case is a clean file; only
    # a file with a problem goes on to _locate_line_problem, which finds the first one
    lines = [line for line in all_lines if line]
    too_many = sep != "," and max(map(str.count, lines, repeat(sep)), default=0) + 1 > n_fields
    if too_many or len(set(lines)) < len(lines):
        _locate_line_problem(path, all_lines, lines_before, sep, n_fields)


def _locate_line_problem(
    path: Path, all_lines: list[str], lines_before: int, sep: str, n_fields: int
) -> None:
    """Raise for the first too-long line (CSV aside: fields may be quoted and hold commas),
    else the first repeated line; ``all_lines`` are the lines after the ``lines_before``."""
    lines = pd.Series(all_lines)
    lines = lines[lines != ""]
    if sep != ",":
        fields = lines.map(lambda line: line.count(sep)) + 1
        if (fields > n_fields).any():
            row = int((fields > n_fields).idxmax())
            raise InputError(
                path,
                f"row has {fields[row]} fields, expected {n_fields}",
                row + lines_before + 1,
            )
    dup = lines.duplicated()
    if not dup.any():
        return
    second = int(dup.idxmax())
    first = int((lines == lines[second]).idxmax())
    raise InputError(
        path, f"duplicate line (same as line {first + lines_before + 1})", second + lines_before + 1
    )


def _id_kind(path: Path, df: pd.DataFrame, id_type: str, line_of: Callable[[int], int]) -> str:
    """What the two id columns hold: entrez (digits), string (ENSP ids) or symbol."""
    sample = pd.concat([df["a"].head(2000), df["b"].head(2000)]).dropna()
    numeric = sample.str.match(_NUMERIC).mean()
    stringy = sample.str.match(_STRING_ID).mean()
    detected = "entrez" if numeric > 0.5 else "string" if stringy > 0.5 else "symbol"
    if id_type == "auto":
        return detected
    if id_type == "entrez":
        ok_a = df["a"].str.match(_NUMERIC).fillna(True).astype(bool)
        row = _first_row(~(ok_a & df["b"].str.match(_NUMERIC).fillna(True).astype(bool)))
        if row is not None:
            value = df["b"].iat[row] if ok_a.iat[row] else df["a"].iat[row]
            raise InputError(
                path, f"id_type='entrez' but {value!r} is not an Entrez id", line_of(row)
            )
    return id_type


# -- mapping and merging -----------------------------------------------------------------------
def _string_map(id_map: IdMapLike) -> StringIdMap:
    if isinstance(id_map, StringIdMap):
        return id_map
    if isinstance(id_map, str | Path):
        return read_string_id_map(id_map)
    if isinstance(id_map, Mapping):
        return StringIdMap({k: [("symbol", v)] for k, v in id_map.items()})
    merged = StringIdMap({})
    for item in id_map:
        merged.update(_string_map(item))
    return merged


def _map_ids(
    path: Path, raw: _Raw, ids: Iterable[str], id_map: IdMapLike | None, mapper: GeneMapper
) -> tuple[dict[str, str], MappingReport]:
    if raw.id_type == "entrez":
        return mapper.map_entrez(ids)
    if raw.id_type == "string":
        if id_map is None:
            raise InputError(
                path,
                "STRING protein ids need id_map (a protein.info or aliases file, or a "
                "2-column id/symbol table)",
                raw.line_of(0),
            )
        return _string_map(id_map).to_symbols(ids, mapper)
    return mapper.map_symbols(ids)


def _check_score_scale(path: Path, min_score: float, score: pd.Series) -> None:
    """Stop when ``min_score`` is on the other scale than the file's scores (0.7 on STRING's
    0-1000, or 700 on a 0-1 file): the first keeps every edge, the second none."""
    lo, hi = float(score.min()), float(score.max())
    if 0 < min_score <= 1 < hi:
        raise InputError(
            path,
            f"--min-score {min_score:g} is on a 0-1 scale but the file's scores range "
            f"{lo:g} to {hi:g} (0-1000, as STRING): give e.g. {min_score * 1000:g}",
        )
    if min_score > 1 >= hi:
        raise InputError(
            path,
            f"--min-score {min_score:g} is on a 0-1000 scale but the file's scores range "
            f"{lo:g} to {hi:g} (0-1): give e.g. {min_score / 1000:g}",
        )


def _finish(
    path: Path,
    raw: _Raw,
    min_score: float | None,
    id_map: IdMapLike | None,
    mapper: GeneMapper,
    strict: bool,
) -> ParsedNetwork:
    rep = NetworkReport(fmt=raw.fmt, id_type=raw.id_type, weighted=raw.weighted)
    rep.rows_read = len(raw.a)
    a, b, score = raw.a, raw.b, raw.score
    keep = np.ones(len(a), dtype=bool)
    if min_score is not None:
        if not raw.weighted:
            raise InputError(path, f"min_score={min_score} given but the file has no score column")
        _check_score_scale(path, min_score, score)
        keep = (score >= min_score).to_numpy()
        rep.below_min_score = int((~keep).sum())
        if not keep.any():
            raise InputError(
                path,
                f"min_score={min_score} keeps no edge (scores range {score.min():g} to "
                f"{score.max():g})",
            )
    a, b, score, rows = a[keep], b[keep], score[keep], np.flatnonzero(keep)
    raw_ids = pd.unique(pd.concat([a, b], ignore_index=True).dropna())
    clean = {r: r.strip() for r in raw_ids}
    by_clean, rep.ids = _map_ids(path, raw, clean.values(), id_map, mapper)
    mapping = {r: by_clean[c] for r, c in clean.items() if c in by_clean}
    sa, sb = a.map(mapping), b.map(mapping)
    mapped = (sa.notna() & sb.notna()).to_numpy()
    if strict and not mapped.all():
        row = int(np.flatnonzero(~mapped)[0])
        bad = a.iat[row] if pd.isna(sa.iat[row]) else b.iat[row]
        what = "empty gene id" if pd.isna(bad) else f"id {bad!r} matches no gene"
        raise InputError(
            path,
            f"{what} ({rep.ids.n_dropped} unmapped ids, e.g. "
            f"{', '.join(rep.ids.dropped_examples[:5])})",
            raw.line_of(int(rows[row])),
        )
    rep.edges_dropped_unmapped = int((~mapped).sum())
    ga, gb = sa[mapped].to_numpy(object), sb[mapped].to_numpy(object)
    loops = ga == gb
    rep.self_loops = int(loops.sum())
    edges = _merge_pairs(ga[~loops], gb[~loops], score[mapped].to_numpy(float)[~loops])
    rep.duplicates_merged = int((~loops).sum()) - len(edges)
    if edges.empty:
        why = [f"{rep.edges_dropped_unmapped} with an id that maps to no gene"]
        if rep.ids.dropped_examples:
            why[0] += f" (e.g. {', '.join(rep.ids.dropped_examples[:3])})"
        why.append(f"{rep.self_loops} self-loop(s)")
        raise InputError(path, f"no edges left of {rep.rows_read} row(s): {', '.join(why)}")
    symbols = pd.unique(pd.concat([edges["gene_a"], edges["gene_b"]], ignore_index=True))
    genes = pd.DataFrame({"symbol": np.sort(symbols.astype(str))})
    genes["entrez"] = genes["symbol"].map(mapper.entrez).fillna("")
    rep.edges, rep.genes = len(edges), len(genes)
    return ParsedNetwork(edges[EDGE_COLUMNS], genes[GENE_COLUMNS].reset_index(drop=True), rep)


def _merge_pairs(a: np.ndarray, b: np.ndarray, score: np.ndarray) -> pd.DataFrame:
    """One row per unordered pair, gene_a < gene_b, max score (NaN if all NaN), sorted."""
    if len(a) == 0:
        return pd.DataFrame({"gene_a": [], "gene_b": [], "score": []}).astype(
            {"gene_a": object, "gene_b": object, "score": float}
        )
    codes, cats = pd.factorize(np.concatenate([a, b]), sort=True)
    cats = np.asarray(cats, dtype=object)
    ca, cb = codes[: len(a)].astype(np.int64), codes[len(a) :].astype(np.int64)
    lo, hi = np.minimum(ca, cb), np.maximum(ca, cb)
    key = lo * len(cats) + hi
    merged = pd.Series(score).groupby(key, sort=True).max()
    k = merged.index.to_numpy()
    return pd.DataFrame(
        {
            "gene_a": cats[k // len(cats)].astype(object),
            "gene_b": cats[k % len(cats)].astype(object),
            "score": merged.to_numpy(float),
        }
    )
