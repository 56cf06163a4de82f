"""Reader of DrugBank vocabulary CSVs: drug ids, common names and synonyms.

:func:`read_drugbank_synonyms` builds a :class:`netmarker.ids.drugs.DrugSynonyms` table from
one (the common name canonical; the DrugBank ID and every synonym mapped to it).
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

from netmarker.errors import InputError
from netmarker.ids.drugs import DrugSynonyms
from netmarker.io.common import open_text


def read_drugbank_synonyms(path: str | Path, *, builtin: bool = True) -> DrugSynonyms:
    """Read a DrugBank vocabulary CSV (``DrugBank ID``, ``Common name``, ``Synonyms``, ...).

    The common name is canonical; the DrugBank ID and every ``|``-separated synonym map to
    it. Built-in abbreviations are added first (``builtin=False`` skips them).
    """
    table = DrugSynonyms(builtin=builtin)
    for entry in iter_drugbank_vocabulary(path):
        table.add(entry.name, [entry.drugbank_id, *entry.synonyms])
    return table


class VocabularyEntry(NamedTuple):
    """One drug of a DrugBank vocabulary."""

    line: int
    drugbank_id: str
    name: str
    synonyms: list[str]


def iter_drugbank_vocabulary(path: str | Path) -> Iterator[VocabularyEntry]:
    """Yield each drug of a DrugBank vocabulary CSV; duplicate ids and empty names are errors."""
    required = ("DrugBank ID", "Common name", "Synonyms")
    with open_text(path) as fh:
        reader = csv.DictReader(fh)
        header = reader.fieldnames or []
        missing = [c for c in required if c not in header]
        if missing:
            raise InputError(
                path, f"not a DrugBank vocabulary: missing column(s) {', '.join(missing)}", 1
            )
        seen: dict[str, int] = {}
        for row in reader:
            line = reader.line_num
            drug_id = (row["DrugBank ID"] or "").strip()
            name = (row["Common name"] or "").strip()
            if not drug_id or not name:
                raise InputError(path, "empty 'DrugBank ID' or 'Common name'", line)
            if drug_id in seen:
                raise InputError(
                    path, f"duplicate DrugBank ID {drug_id} (first on line {seen[drug_id]})", line
                )
            seen[drug_id] = line
            syns = [s.strip() for s in (row["Synonyms"] or "").split(" | ") if s.strip()]
            yield VocabularyEntry(line, drug_id, name, syns)
