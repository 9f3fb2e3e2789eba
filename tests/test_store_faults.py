"""Faults of the data folder: unwritable, full, damaged. Each gives a clear message and
exit status 2, never a traceback; a damaged store says how to rebuild, and
`budgetkg load --rebuild` does it."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from budgetkg.cli import main
from budgetkg.store import OxigraphStore, StoreCorruptError

FIXTURE = Path(__file__).parent / "fixtures" / "small.trig"
SEED = Path(__file__).parents[1] / "budgetkg" / "data" / "000_aa5de0a37e870aea.txt"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"


def run(*args: str):
    result = CliRunner().invoke(main, list(args))
    # a SystemExit is the CLI's own exit; anything else escaped as a traceback
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert "Traceback" not in result.output
    return result


@contextlib.contextmanager
def tmpfs(path: Path, options: str):
    """A tiny tmpfs (root only): the honest way to get a read-only or full disk as root."""
    path.mkdir()
    if os.geteuid() != 0 or not shutil.which("mount"):
        pytest.skip("mounting a tmpfs needs root")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(path)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode(errors='replace').strip()}")
    try:
        yield path
    finally:
        subprocess.run(["umount", str(path)], check=False)


# -- unwritable and full ------------------------------------------------------------


def test_data_folder_that_cannot_be_created(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    for command in ("load", "serve"):
        args = [command, "--data-dir", str(blocker / "data"), *([str(SEED)] if command == "load" else [])]
        result = run(*args)
        assert result.exit_code == 2, result.output
        assert "cannot open the store" in result.output and str(blocker) in result.output


def test_read_only_data_folder(tmp_path):
    with tmpfs(tmp_path / "ro", "ro,size=1m") as ro:
        for command in ("load", "serve"):
            args = [command, "--data-dir", str(ro / "data"), *([str(SEED)] if command == "load" else [])]
            result = run(*args)
            assert result.exit_code == 2, result.output
            assert "Read-only file system" in result.output


def test_full_disk(tmp_path):
    with tmpfs(tmp_path / "full", "size=1m") as full:
        result = run("load", "--workers", "0", "--no-validate", "--data-dir", str(full / "data"), str(SEED))
        assert result.exit_code == 2, result.output
        assert "No space left on device" in result.output


# -- damaged store -------------------------------------------------------------------


def garble(path: Path) -> None:
    data = bytearray(path.read_bytes())
    for i in range(0, len(data), 7):
        data[i] ^= 0xFF
    path.write_bytes(bytes(data))


DAMAGE = {
    "current-garbled": lambda db: garble(db / "CURRENT"),
    "manifest-garbled": lambda db: [garble(p) for p in db.glob("MANIFEST-*")],
    "table-truncated": lambda db: [os.truncate(p, p.stat().st_size // 2) for p in db.glob("*.sst")],
    "table-deleted": lambda db: [p.unlink() for p in db.glob("*.sst")],
}


@pytest.fixture
def damaged(tmp_path, request):
    folder = tmp_path / "data"
    with OxigraphStore(folder) as s:
        s.replace_graphs(FIXTURE.read_bytes(), "application/trig")
        s._store.optimize()  # write the tables out (else the data is in the log alone)
    DAMAGE[request.param](folder / "oxigraph")
    return folder


@pytest.mark.parametrize("damaged", list(DAMAGE), indirect=True)
def test_a_damaged_store_is_detected_at_start_with_the_way_to_rebuild(damaged):
    for read_only in (False, True):
        with pytest.raises(StoreCorruptError) as err:
            OxigraphStore(damaged, read_only=read_only)
        assert "budgetkg load --rebuild" in str(err.value) and str(damaged) in str(err.value)
    result = run("serve", "--data-dir", str(damaged), "--port", "0")
    assert result.exit_code == 2
    assert "damaged" in result.output and "--rebuild" in result.output


@pytest.mark.parametrize("damaged", ["table-truncated"], indirect=True)
def test_load_rebuild_makes_a_new_store(damaged):
    result = run("load", "--data-dir", str(damaged), str(FIXTURE))
    assert result.exit_code == 2 and "--rebuild" in result.output  # a plain load refuses too
    result = run("load", "--rebuild", "--workers", "0", "--data-dir", str(damaged), str(FIXTURE))
    assert result.exit_code == 0, result.output
    with OxigraphStore(damaged, read_only=True) as s:
        n = int(next(iter(s.query(COUNT)))["n"].value)
    with OxigraphStore(None) as fresh:
        fresh.replace_graphs(FIXTURE.read_bytes(), "application/trig")
        expected = int(next(iter(fresh.query(COUNT)))["n"].value)
    assert n >= expected > 0  # the fixture's triples (and the ontology the loader adds)


def test_rebuild_refuses_while_the_store_is_in_use(tmp_path):
    folder = tmp_path / "data"
    with OxigraphStore(folder) as s:
        s.replace_graphs(FIXTURE.read_bytes(), "application/trig")
    with OxigraphStore(folder, read_only=True):  # as a running server holds it
        result = run("load", "--rebuild", "--data-dir", str(folder), str(FIXTURE))
        assert result.exit_code == 2 and "in use" in result.output
    assert (folder / "oxigraph").is_dir()
