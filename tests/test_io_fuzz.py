"""Mutation fuzzing of the readers: garbled input is a NetmarkerError, never a traceback.

Each reader gets the head of a real example file (``data/demo``) or a small hand-written one,
mutated at random (cut, duplicated or shuffled lines, changed delimiters, stray quotes,
NA markers, NUL bytes, ...) with a fixed seed. Reading must either succeed or raise
:class:`NetmarkerError` (which the CLI prints as one line); any other exception is a bug.
Two such bugs were found this way and are pinned in the readers' own bad-input tests.
"""

from __future__ import annotations

import gzip
import logging
import random
import warnings
from collections.abc import Callable
from pathlib import Path

import pytest

from netmarker.errors import NetmarkerError
from netmarker.io.expression import read_expression
from netmarker.io.genesets import read_gmt
from netmarker.io.network import read_network
from netmarker.io.response import read_response
from netmarker.io.targets import read_targets

DEMO = Path(__file__).resolve().parents[1] / "data" / "demo"
INSERTS = ["\t", ",", ";", " ", "\n", "NA", "-1", "1e999", "nan", "x", '"', "#", "\x00", "é"]
MUTATIONS_PER_READER = 150


def _head(path: Path, lines: int, width: int = 400) -> str:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as fh:
        return "".join(fh.readline()[:width].rstrip("\n") + "\n" for _ in range(lines))


def _mutate(text: str, rng: random.Random) -> str:
    for _ in range(rng.randint(1, 4)):
        if not text:
            break
        i = rng.randrange(len(text))
        lines = text.splitlines(keepends=True)
        match rng.randrange(6):
            case 0:
                text = text[:i] + text[i + rng.randint(1, 20) :]
            case 1:
                text = text[:i] + rng.choice(INSERTS) + text[i:]
            case 2:
                rng.shuffle(lines)
                text = "".join(lines)
            case 3:
                text = text[:i]
            case 4:
                j = rng.randrange(len(lines))
                text = "".join([*lines[: j + 1], lines[j], *lines[j + 1 :]])
            case _:
                text = text.replace("\t", rng.choice([",", " ", ";"]), rng.randint(1, 5))
    return text


SEEDS: dict[str, tuple[Callable[[], str], Callable[[Path], object], str]] = {
    "network": (lambda: _head(DEMO / "string_v12_700_ntm.tsv.gz", 40), read_network, ".tsv"),
    "sif": (lambda: "TP53 pp MDM2\nEGFR pp GRB2 SOS1\nKRAS pp BRAF\n", read_network, ".sif"),
    "gmt": (lambda: _head(DEMO / "reactome_msigdb_v6.1.gmt", 4, 2000), read_gmt, ".gmt"),
    "targets": (lambda: _head(DEMO / "drug_targets_kong2020.tsv", 30), read_targets, ".tsv"),
    "targets_csv": (lambda: "X,TYMS,s\nY,EGFR,s\nZ,KRAS,t\n", read_targets, ".csv"),
    "expression": (
        lambda: _head(DEMO / "organoid_expression_GSE64392.tsv.gz", 30),
        read_expression,
        ".tsv",
    ),
    "response": (
        lambda: _head(DEMO / "organoid_ic50_vandewetering2015.tsv", 30),
        read_response,
        ".tsv",
    ),
}


@pytest.mark.parametrize("name", sorted(SEEDS))
def test_garbled_input_is_a_netmarker_error(name: str, tmp_path: Path) -> None:
    make_seed, reader, suffix = SEEDS[name]
    seed_text = make_seed()
    reader(_write(tmp_path / f"seed{suffix}", seed_text))  # the unmutated seed reads
    rng = random.Random(name)
    logging.disable(logging.CRITICAL)
    try:
        for k in range(MUTATIONS_PER_READER):
            case = _mutate(seed_text, rng)
            path = _write(tmp_path / f"case{suffix}", case)
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    reader(path)
            except NetmarkerError:
                pass
            except Exception as exc:  # anything else is the bug this test looks for
                pytest.fail(f"mutation {k} of {name}: {type(exc).__name__}: {exc}\n{case!r}")
    finally:
        logging.disable(logging.NOTSET)


def _write(path: Path, text: str) -> Path:
    path.write_bytes(text.encode("utf-8"))
    return path
