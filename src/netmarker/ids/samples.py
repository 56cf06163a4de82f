"""Matching sample / patient ids between tables that spell them differently.

Expression columns, response rows and clinical records name the same models in slightly
different ways: organoids ``P19A`` vs ``P19a``, TCGA aliquot barcodes
``TCGA-AA-3492-01A-01R-...`` vs patient barcodes ``TCGA-AA-3492``. :func:`match_ids` pairs
them with increasingly loose rules and lists every id it could not pair, on both sides.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Literal, TypeVar

import pandas as pd

IdKind = Literal["sample", "patient"]

#: a Series or a DataFrame indexed by sample id (what ``to_available`` re-indexes)
_Table = TypeVar("_Table", pd.Series, pd.DataFrame)
_TCGA_BARCODE = re.compile(r"^TCGA-[A-Z0-9]{2}-[A-Z0-9]{4}", re.IGNORECASE)
_NOT_ALNUM = re.compile(r"[^0-9a-z]")

#: Matching rules, from strict to loose, in the order they are tried.
RULES: tuple[str, ...] = ("exact", "case", "punctuation")


def tcga_patient(barcode: str) -> str | None:
    """The 12-character patient part (``TCGA-XX-XXXX``, upper case) of a TCGA barcode, or None.

    Accepts dots or underscores instead of hyphens (as written by R's ``make.names``).
    """
    candidate = re.sub(r"[._]", "-", barcode.strip())
    m = _TCGA_BARCODE.match(candidate)
    return m.group(0).upper() if m else None


def tcga_sample_type(barcode: str) -> int | None:
    """The TCGA sample-type code (01 primary tumour, 11 solid normal, ...) or None."""
    candidate = re.sub(r"[._]", "-", barcode.strip())
    m = re.match(r"^TCGA-[A-Z0-9]{2}-[A-Z0-9]{4}-(\d{2})", candidate, re.IGNORECASE)
    return int(m.group(1)) if m else None


@dataclass
class IdMatch:
    """Result of :func:`match_ids`.

    ``pairs`` are ``(wanted, available)`` in the order of ``wanted``; ``rule`` says which rule
    paired each wanted id. ``ambiguous`` lists wanted ids that several available ids fit
    equally (left unmatched unless a TCGA tumour sample could be preferred). Every id of
    either side that is not in a pair is in ``unmatched_wanted`` / ``unmatched_available``.
    """

    kind: str
    pairs: list[tuple[str, str]]
    rule: dict[str, str]
    unmatched_wanted: list[str]
    unmatched_available: list[str]
    ambiguous: dict[str, list[str]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @property
    def mapping(self) -> dict[str, str]:
        """wanted id -> available id."""
        return dict(self.pairs)

    @property
    def n_matched(self) -> int:
        return len(self.pairs)

    def to_available(self, obj: _Table) -> _Table:
        """``obj`` indexed by wanted ids -> its matched rows re-indexed by the available ids."""
        m = self.mapping
        kept = obj[obj.index.astype(str).isin(list(m))]
        return kept.rename(index=lambda i: m[str(i)])

    def counts(self) -> dict[str, int]:
        """Number of pairs made by each rule."""
        c = Counter(self.rule.values())
        return {r: c.get(r, 0) for r in (*RULES, "tcga_patient") if c.get(r, 0)}

    def summary(self, max_examples: int = 10) -> str:
        """One paragraph for logs and reports."""
        parts = [f"{self.n_matched} {self.kind} ids matched ({self.counts()})"]
        for label, ids in (
            ("unmatched wanted", self.unmatched_wanted),
            ("unmatched available", self.unmatched_available),
        ):
            if ids:
                shown = ", ".join(ids[:max_examples]) + (" ..." if len(ids) > max_examples else "")
                parts.append(f"{len(ids)} {label}: {shown}")
        if self.ambiguous:
            parts.append(
                f"{len(self.ambiguous)} ambiguous: {sorted(self.ambiguous)[:max_examples]}"
            )
        return "; ".join(parts)


def _key_case(s: str) -> str:
    return s.strip().casefold()


def _key_punct(s: str) -> str:
    return _NOT_ALNUM.sub("", s.casefold())


def match_ids(
    wanted: Iterable[str], available: Iterable[str], *, kind: IdKind = "sample"
) -> IdMatch:
    """Pair ``wanted`` ids with ``available`` ids, one to one.

    Rules, each applied only to ids still unpaired: exact; case-insensitive; ignoring case
    and punctuation (``P19A`` = ``p19-a``). With ``kind="patient"`` both sides are first
    reduced to the 12-character TCGA patient barcode when they look like TCGA barcodes; when
    one patient has several available barcodes the primary tumour (lowest sample-type code
    below 10) is preferred and the choice is recorded in ``notes``. Duplicate wanted ids are
    matched once.
    """
    want = list(dict.fromkeys(str(w) for w in wanted))
    avail = list(dict.fromkeys(str(a) for a in available))
    pairs: dict[str, str] = {}
    rule: dict[str, str] = {}
    ambiguous: dict[str, list[str]] = {}
    notes: list[str] = []
    free_avail = dict.fromkeys(avail)

    if kind == "patient":
        _match_tcga(want, free_avail, pairs, rule, ambiguous, notes)

    rule_keys: tuple[tuple[str, Callable[[str], str]], ...] = (
        ("exact", lambda s: s),
        ("case", _key_case),
        ("punctuation", _key_punct),
    )
    for name, keyf in rule_keys:
        index: dict[str, list[str]] = defaultdict(list)
        for a in free_avail:
            index[keyf(a)].append(a)
        by_key: dict[str, list[str]] = defaultdict(list)
        for w in want:
            if w not in pairs and w not in ambiguous:
                by_key[keyf(w)].append(w)
        for key, ws in by_key.items():
            cands = [a for a in index.get(key, []) if a in free_avail]
            if not cands:
                continue
            if len(cands) == 1 and len(ws) == 1:
                pairs[ws[0]] = cands[0]
                rule[ws[0]] = name
                del free_avail[cands[0]]
            else:
                for w in ws:
                    ambiguous[w] = sorted(cands)

    ordered = [(w, pairs[w]) for w in want if w in pairs]
    return IdMatch(
        kind=kind,
        pairs=ordered,
        rule=rule,
        unmatched_wanted=[w for w in want if w not in pairs],
        unmatched_available=list(free_avail),
        ambiguous=ambiguous,
        notes=notes,
    )


def _match_tcga(
    want: list[str],
    free_avail: dict[str, None],
    pairs: dict[str, str],
    rule: dict[str, str],
    ambiguous: dict[str, list[str]],
    notes: list[str],
) -> None:
    """Pair TCGA barcodes on their 12-character patient part (mutates the arguments)."""
    by_patient: dict[str, list[str]] = defaultdict(list)
    for a in free_avail:
        p = tcga_patient(a)
        if p is not None:
            by_patient[p].append(a)
    for w in want:
        p = tcga_patient(w)
        if p is None or p not in by_patient:
            continue
        cands = [a for a in by_patient[p] if a in free_avail]
        if not cands:
            continue
        exact = [a for a in cands if a == w]
        if exact:
            chosen = exact[0]
        elif len(cands) == 1:
            chosen = cands[0]
        else:
            tumour = sorted(
                (a for a in cands if (tcga_sample_type(a) or 99) < 10),
                key=lambda a: (tcga_sample_type(a) or 99, a),
            )
            if not tumour:
                ambiguous[w] = sorted(cands)
                continue
            chosen = tumour[0]
            notes.append(f"{w}: chose tumour sample {chosen} among {sorted(cands)}")
        pairs[w] = chosen
        rule[w] = "tcga_patient"
        del free_avail[chosen]
