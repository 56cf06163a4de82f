"""Fault injection on the embedded store: readers beside writers, kills at every step of a
write, bit flips and truncation of every kind of store file, odd ``CURRENT``, a full disk and a
read-only store. Each case asserts the store's guarantees: one complete state is read, damage
is detected (never used), nothing is deleted while ``CURRENT`` is missing or damaged, and the
next write (or ``db repair``) leaves the store usable without leftovers."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from netmarker.errors import StoreError
from netmarker.graph.embedded import EmbeddedStore
from netmarker.graph.store import Dataset

N_PROX = 300

#: the write steps the test-only hook (NETMARKER_TEST_KILL_AT) can kill at
STEPS = ["tables-written", "manifest-written", "renamed", "pointer-written", "published"]


def _ds(kind: str, name: str, checksum: str) -> Dataset:
    return Dataset(kind=kind, name=name, source_file=f"/x/{name}", checksum=checksum)


def _proximity(seed: int, drug: str = "D1") -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "drug": drug,
            "pathway": [f"P{i}" for i in range(N_PROX)],
            "network": "ppi",
            "distance": rng.random(N_PROX),
            "z": rng.normal(size=N_PROX),
            "p": rng.random(N_PROX),
            "n_random": 100,
            "seed": seed,
            "run": f"r{seed}",
        }
    )


def _fill(store: EmbeddedStore) -> None:
    """One of every table kind, so every kind of file exists."""
    edges = pd.DataFrame({"gene_a": ["A", "A", "B"], "gene_b": ["B", "C", "C"], "score": 1.0})
    genes = pd.DataFrame({"symbol": ["A", "B", "C"], "entrez": ["1", "2", "3"]})
    store.load_network("ppi", edges, genes, _ds("network", "ppi", "n1"))
    store.load_targets(
        pd.DataFrame({"drug": ["D1", "D2"], "gene": ["A", "B"], "source": "t"}),
        pd.DataFrame({"drug": ["D1", "D2"], "synonyms": ["X", ""]}),
        _ds("targets", "t", "t1"),
    )
    store.load_pathways(
        pd.DataFrame({"pathway": ["P1"], "source": "s", "url": ""}),
        pd.DataFrame({"pathway": ["P1", "P1"], "gene": ["A", "C"]}),
        _ds("pathways", "s", "p1"),
    )
    store.write_proximity(_proximity(0))
    store.write_propagation(
        pd.DataFrame(
            {"drug": "D1", "gene": ["A"], "network": "ppi", "score": 0.5, "rank": 1, "run": "x"}
        )
    )
    store.write_biomarkers(
        pd.DataFrame(
            {"drug": "D1", "feature": ["P1"], "coefficient": 0.1, "rank": 1, "model_id": "m"}
        )
    )


def _snapshot_dir(store: EmbeddedStore) -> Path:
    return store.path / (store.path / "CURRENT").read_text().split()[0]


def _entries(store: EmbeddedStore) -> set[str]:
    return {p.name for p in store.path.iterdir()} - {".lock", "CURRENT"}


def _state(store: EmbeddedStore) -> dict[str, int]:
    fresh = EmbeddedStore(store.path)
    return {
        "edges": len(fresh.edges("ppi")),
        "targets": len(fresh.targets()),
        "members": len(fresh.members()),
        "proximity": len(fresh.proximity()),
        "datasets": len(fresh.datasets()),
    }


@pytest.fixture
def full(tmp_path: Path) -> EmbeddedStore:
    store = EmbeddedStore(tmp_path / "store")
    _fill(store)
    return store


def _python(code: str, env: dict[str, str] | None = None, **kw) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=120,
        **kw,
    )


# -- guarantee 1: readers beside writers -------------------------------------------------------
def test_readers_see_one_complete_state_beside_writers(full: EmbeddedStore, tmp_path: Path) -> None:
    stop = tmp_path / "stop"
    writer = textwrap.dedent(
        f"""
        import sys, pathlib, numpy as np, pandas as pd
        from netmarker.graph.embedded import EmbeddedStore
        sys.path.insert(0, {str(Path(__file__).parent)!r})
        from test_store_faults import _proximity
        store = EmbeddedStore({str(full.path)!r})
        i = int(sys.argv[1]) * 100000
        while not pathlib.Path({str(stop)!r}).exists():
            i += 1
            store.write_proximity(_proximity(i))
        """
    )
    writers = [
        subprocess.Popen([sys.executable, "-c", writer, str(k)], stderr=subprocess.PIPE, text=True)
        for k in (1, 2)
    ]
    try:
        seen = set()
        for _ in range(200):
            reader = EmbeddedStore(full.path)  # as each CLI command does
            assert len(reader.proximity()) == N_PROX
            assert len(reader.targets()) == 2
            assert reader.networks() == ["ppi"]
            seen.add(int(reader.proximity()["seed"].iloc[0]))
        shared = EmbeddedStore(full.path)  # one long-lived reader, too
        for _ in range(100):
            prox = shared.proximity(drug="D1")
            assert len(prox) == N_PROX and prox["seed"].nunique() == 1
    finally:
        stop.touch()
        errors = [w.communicate(timeout=60)[1] for w in writers]
    assert all(w.returncode == 0 for w in writers), errors
    assert len(seen) > 1, "the writers published nothing while the readers read"
    found = EmbeddedStore(full.path).check()
    assert found.ok, found.damaged


# -- guarantee 2: a kill at any instant --------------------------------------------------------
@pytest.mark.parametrize("step", STEPS)
def test_kill_at_each_step_of_a_write(full: EmbeddedStore, step: str) -> None:
    before = _state(full)
    run = _python(
        f"""
        import pandas as pd
        from netmarker.graph.embedded import EmbeddedStore
        from netmarker.graph.store import Dataset
        EmbeddedStore({str(full.path)!r}).load_targets(
            pd.DataFrame({{"drug": ["D9"], "gene": ["C"], "source": "u"}}),
            pd.DataFrame({{"drug": ["D9"], "synonyms": [""]}}),
            Dataset("targets", "u", "/x/u", "u1"),
        )
        """,
        env={"NETMARKER_TEST_KILL_AT": step},
    )
    assert run.returncode == -signal.SIGKILL, run.stderr
    after = _state(full)  # readable, and either the old or the new state, never a mix
    published = step == "published"
    assert after == ({**before, "targets": 3, "datasets": 4} if published else before)
    # the next write works and removes what the killed one left
    full.write_proximity(_proximity(7))
    assert _state(full)["proximity"] == N_PROX
    assert _entries(full) == {_snapshot_dir(full).name}
    assert EmbeddedStore(full.path).check().ok


@pytest.mark.skipif(shutil.which("strace") is None, reason="strace is not installed")
def test_kill_between_snapshot_rename_and_pointer_switch_strace(full: EmbeddedStore) -> None:
    """The issue's reproduction: strace kills the writer at its second rename()."""
    before = _state(full)
    code = textwrap.dedent(
        f"""
        import pandas as pd
        from netmarker.graph.embedded import EmbeddedStore
        from netmarker.graph.store import Dataset
        edges = pd.DataFrame({{"gene_a": ["A"], "gene_b": ["D"], "score": [2.0]}})
        genes = pd.DataFrame({{"symbol": ["A", "D"], "entrez": ["1", "4"]}})
        EmbeddedStore({str(full.path)!r}).load_network(
            "ppi", edges, genes, Dataset("network", "ppi", "/x/n2", "n2"))
        """
    )
    strace = ["strace", "-f", "-o", os.devnull, "-e"]
    for when in (1, 2):
        run = subprocess.run(
            [*strace, f"inject=rename:signal=SIGKILL:when={when}", sys.executable, "-c", code],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert run.returncode != 0
        assert _state(full) == before
    full.write_proximity(_proximity(3))  # once "Directory not empty" forever; now it works
    assert _entries(full) == {_snapshot_dir(full).name}


def test_failed_write_changes_nothing(full: EmbeddedStore) -> None:
    before, files = _state(full), _entries(full)
    bad = _proximity(1).drop(columns="z")
    with pytest.raises(KeyError):
        full.write_proximity(bad)
    assert _state(full) == before and _entries(full) == files


# -- guarantee 3: damage is detected, never used -----------------------------------------------
def _kinds(store: EmbeddedStore) -> list[str]:
    return sorted(p.name for p in _snapshot_dir(store).iterdir())


def test_every_kind_of_store_file_is_present(full: EmbeddedStore) -> None:
    assert _kinds(full) == [
        "MANIFEST.json",
        "biomarkers.parquet",
        "datasets.parquet",
        "drugs.parquet",
        "edges-ppi.parquet",
        "genes.parquet",
        "members.parquet",
        "pathways.parquet",
        "propagation.parquet",
        "proximity.parquet",
        "targets.parquet",
    ]


def _read_everything(store: EmbeddedStore) -> None:
    fresh = EmbeddedStore(store.path)
    fresh.status()
    fresh.edges("ppi")
    fresh.biomarkers()


def _flip(file: Path, where: float) -> None:
    data = bytearray(file.read_bytes())
    i = min(int(len(data) * where), len(data) - 1)
    data[i] ^= 1 << (i % 8)
    file.write_bytes(bytes(data))


@pytest.mark.parametrize("damage", ["flip-start", "flip-middle", "flip-end", "truncate"])
def test_damage_to_every_store_file_is_detected(full: EmbeddedStore, damage: str) -> None:
    for name in _kinds(full):
        file = _snapshot_dir(full) / name
        good = file.read_bytes()
        if damage == "truncate":
            file.write_bytes(good[: len(good) // 2])
        else:
            _flip(file, {"flip-start": 0.0, "flip-middle": 0.5, "flip-end": 0.999}[damage])
        with pytest.raises(StoreError, match=f"{name}.*run `netmarker db check`") as err:
            _read_everything(full)
        assert "\n" not in str(err.value)
        found = EmbeddedStore(full.path).check()
        assert not found.ok and any(name in d for d in found.damaged), found
        files = _entries(full)
        with pytest.raises(StoreError, match=name):  # damage is never carried forward
            EmbeddedStore(full.path).write_proximity(_proximity(5))
        assert _entries(full) == files
        file.write_bytes(good)
        _read_everything(full)


def test_repair_drops_a_damaged_table_so_it_can_be_loaded_again(full: EmbeddedStore) -> None:
    _flip(_snapshot_dir(full) / "targets.parquet", 0.5)
    done = full.repair()
    assert any("targets" in line for line in done)
    fresh = EmbeddedStore(full.path)
    assert fresh.check().ok
    assert fresh.targets().empty and len(fresh.edges("ppi")) == 3
    assert set(fresh.datasets()["kind"]) == {"network", "pathways"}
    _fill(fresh)  # the same loads are no longer recognised as done: they load again
    assert len(fresh.targets()) == 2


def test_missing_table_file_is_damage_not_an_empty_table(full: EmbeddedStore) -> None:
    (_snapshot_dir(full) / "targets.parquet").unlink()
    with pytest.raises(StoreError, match=r"targets.parquet is missing"):
        EmbeddedStore(full.path).targets()


# -- guarantee 4: CURRENT validated; nothing deleted when it is missing or damaged -------------
@pytest.mark.parametrize(
    "content",
    [
        None,
        b"",
        b"\n",
        b"garbage\n",
        b"\xff\xfe\x00",
        b"../other/snap-000003\n",
        b"/tmp\n",
        b"snap-000001-0000000g 00\n",
    ],
    ids=["missing", "empty", "newline", "garbage", "binary", "outside", "absolute", "odd"],
)
def test_missing_or_odd_current(full: EmbeddedStore, tmp_path: Path, content: bytes | None) -> None:
    outside = tmp_path / "other" / "snap-000003"
    outside.mkdir(parents=True)
    (outside / "decoy.parquet").write_bytes(b"x")
    pointer = full.path / "CURRENT"
    good = pointer.read_bytes()
    files = _entries(full)
    if content is None:
        pointer.unlink()
    else:
        pointer.write_bytes(content)
    with pytest.raises(StoreError, match=r"CURRENT.*db repair") as err:
        EmbeddedStore(full.path).status()
    assert "\n" not in str(err.value)
    with pytest.raises(StoreError, match="CURRENT"):
        full.write_proximity(_proximity(9))
    with pytest.raises(StoreError, match="CURRENT"):
        full.clear()
    assert _entries(full) == files and (outside / "decoy.parquet").exists()
    assert not EmbeddedStore(full.path).check().ok
    done = full.repair()
    assert any("CURRENT now names" in line for line in done)
    assert pointer.read_bytes() == good
    assert _state(full)["proximity"] == N_PROX


def test_current_naming_a_symlink_out_of_the_store(full: EmbeddedStore, tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere"
    shutil.copytree(_snapshot_dir(full), outside)
    name = "snap-000099-00000000"
    (full.path / name).symlink_to(outside)
    digest = (full.path / "CURRENT").read_text().split()[1]
    (full.path / "CURRENT").write_text(f"{name} {digest}\n")
    with pytest.raises(StoreError, match="symbolic link"):
        EmbeddedStore(full.path).targets()
    assert outside.exists()


def test_repair_without_an_intact_snapshot_deletes_nothing(full: EmbeddedStore) -> None:
    (full.path / "CURRENT").unlink()
    _flip(_snapshot_dir_any(full) / "MANIFEST.json", 0.5)
    files = _entries(full)
    with pytest.raises(StoreError, match="no intact snapshot"):
        full.repair()
    assert _entries(full) == files


def _snapshot_dir_any(store: EmbeddedStore) -> Path:
    return next(p for p in store.path.iterdir() if p.name.startswith("snap-"))


def test_legacy_store_is_read_and_upgraded(tmp_path: Path) -> None:
    """A store written before manifests (CURRENT = bare snapshot name) stays readable."""
    store = EmbeddedStore(tmp_path / "s")
    _fill(store)
    snap = _snapshot_dir(store)
    legacy = store.path / "snap-000001"
    snap.rename(legacy)
    (legacy / "MANIFEST.json").unlink()
    (store.path / "CURRENT").write_text("snap-000001\n")
    assert _state(store)["proximity"] == N_PROX
    assert any("no checksums" in n for n in EmbeddedStore(store.path).check().notes)
    store.write_proximity(_proximity(4))
    assert (_snapshot_dir(store) / "MANIFEST.json").exists()
    assert _entries(store) == {_snapshot_dir(store).name}


# -- full disk and read-only store -------------------------------------------------------------
@contextlib.contextmanager
def _tmpfs(where: Path, size: str) -> Iterator[Path]:
    where.mkdir(parents=True, exist_ok=True)
    run = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)],
        capture_output=True,
        text=True,
    )
    if run.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({run.stderr.strip() or 'not root'})")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


def test_full_disk_leaves_the_store_readable_and_writable(tmp_path: Path) -> None:
    with _tmpfs(tmp_path / "mnt", "3m") as mnt:
        store = EmbeddedStore(mnt / "store")
        _fill(store)
        before, files = _state(store), _entries(store)
        filler = mnt / "filler"
        with open(filler, "wb") as fh, contextlib.suppress(OSError):
            while True:
                fh.write(b"\0" * 65536)
                fh.flush()
        big = pd.concat([_proximity(i, drug=f"X{i}") for i in range(50)])
        with pytest.raises(StoreError, match=r"no space left on device.*nothing was changed"):
            store.write_proximity(big)
        assert _state(store) == before and _entries(store) == files  # no .tmp-snap-* left
        filler.unlink()
        store.write_proximity(big)
        assert _state(store)["proximity"] == len(big) + N_PROX
        assert _entries(store) == {_snapshot_dir(store).name}


def test_read_only_store_reads_and_refuses_writes_in_one_line(tmp_path: Path) -> None:
    mnt = tmp_path / "ro"
    with _tmpfs(mnt, "4m"):
        store = EmbeddedStore(mnt / "store")
        _fill(store)
        before = _state(store)
        remount = subprocess.run(["mount", "-o", "remount,ro", str(mnt)], capture_output=True)
        assert remount.returncode == 0, remount.stderr
        assert _state(store) == before
        with pytest.raises(StoreError, match=r"cannot write to store .*Read-only") as err:
            store.write_proximity(_proximity(2))
        assert "\n" not in str(err.value)
        assert EmbeddedStore(store.path).check().ok


def test_store_path_under_a_regular_file(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    store = EmbeddedStore(tmp_path / "file" / "store")
    with pytest.raises(StoreError, match="not a directory"):
        store.targets()
    with pytest.raises(StoreError, match=r"cannot write to store .*Not a directory"):
        store.write_proximity(_proximity(1))
    assert (tmp_path / "file").read_text() == "x"


def test_snapshots_are_kept_while_a_reader_holds_them(full: EmbeddedStore) -> None:
    import fcntl

    held = _snapshot_dir(full)
    fd = os.open(held, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(fd, fcntl.LOCK_SH)
        full.write_proximity(_proximity(11))
        assert held.exists()  # a reader still reads it
    finally:
        os.close(fd)
    time.sleep(0)
    full.write_proximity(_proximity(12))
    assert not held.exists() and _entries(full) == {_snapshot_dir(full).name}
