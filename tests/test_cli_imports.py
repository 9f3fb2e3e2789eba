"""`budgetkg --help` and `budgetkg load` import only what they use (issue #21: a seed
load as a user runs it costs what the data costs, not the web service's, PDF's or the
SHACL engine's import time), and a one-file load runs in its own process."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

#: Heavy libraries a load of text tables does not use.
NOT_FOR_LOAD = ("flask", "werkzeug", "waitress", "pdfplumber", "pdfminer", "docx", "openpyxl", "xlrd",
                "pandas", "SPARQLWrapper", "requests")

PROBE = """
import json, sys
from budgetkg.cli import main
try:
    main(sys.argv[1:], prog_name="budgetkg")
except SystemExit:
    pass
print(json.dumps(sorted(sys.modules)), file=sys.stderr)
"""


def imported(*args: str) -> set[str]:
    """The modules imported by `budgetkg ARGS` (in a fresh interpreter): top-level
    packages, and the full names of submodules."""
    done = subprocess.run([sys.executable, "-P", "-c", PROBE, *args], capture_output=True, text=True, timeout=120)
    names = json.loads(done.stderr.strip().splitlines()[-1])
    return {n.split(".")[0] for n in names} | set(names)


def test_help_imports_no_command_library():
    mods = imported("--help")
    assert not mods & {*NOT_FOR_LOAD, "pyshacl", "rdflib", "tqdm"}, mods


@pytest.mark.parametrize("validate", [False, True])
def test_load_imports_no_service_pdf_or_office_library(tmp_path, seed_path, validate):
    mods = imported("load", "--data-dir", str(tmp_path / "data"), str(seed_path),
                    *(() if validate else ("--no-validate",)))
    assert (tmp_path / "data" / "oxigraph").is_dir()  # it did load
    assert not mods & set(NOT_FOR_LOAD), mods
    # the other commands' modules are imported only when they run
    assert not {f"budgetkg.commands.{c}" for c in ("serve", "query", "generate", "publish", "parse")} & mods
    assert "tqdm" not in mods  # stderr is no terminal here: no progress bar to draw
    assert "tomllib" not in mods  # no config file given: none to parse
    # one file: processed in this process, no pool of workers started
    assert "concurrent.futures.process" not in mods
    # validation is the set-based engine's (loader/shacl_core.py): pySHACL only for shapes
    # it does not know, and the package's shapes have none
    assert "pyshacl" not in mods


OPEN_PROBE = """
import json, sys, threading
seen = []
start = threading.Thread.start
def recording_start(self):
    if self.name == "budgetkg-open-store":
        seen.append("rdflib" in sys.modules)  # the converter's library already imported?
    start(self)
threading.Thread.start = recording_start
from budgetkg.cli import main
try:
    main(sys.argv[1:], prog_name="budgetkg")
except SystemExit as exc:
    print(json.dumps({"seen": seen, "status": exc.code}), file=sys.stderr)
"""


def test_load_opens_the_store_before_importing_the_loader(tmp_path, seed_path):
    """Creating the store's database waits on the disk (fsyncs): `load` starts it in a
    thread before it imports the converter (rdflib and the loader), which then runs
    meanwhile. (Checked by what was imported when the opening thread was started: when
    its own first step runs is the scheduler's business, and a busy machine once let the
    main thread's imports come first.)"""
    done = subprocess.run([sys.executable, "-P", "-c", OPEN_PROBE, "load", "--data-dir", str(tmp_path / "data"),
                           str(seed_path)], capture_output=True, text=True, timeout=120)
    out = json.loads(done.stderr.strip().splitlines()[-1])
    assert out["status"] == 0, done.stderr
    assert out["seen"] == [False], out


def test_the_list_of_files_to_load_needs_no_converter():
    done = subprocess.run([sys.executable, "-P", "-c", "import sys, budgetkg.paths; print('rdflib' in sys.modules)"],
                          capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "False", done.stderr


ONTOLOGY_PROBE = """
import json, sys, threading
import budgetkg.ontology_graph as og
seen = []
load = og.load
def recording_load(store, **kwargs):
    seen.append(threading.current_thread().name)
    return load(store, **kwargs)
og.load = recording_load
from budgetkg.cli import main
try:
    main(sys.argv[1:], prog_name="budgetkg")
except SystemExit as exc:
    print(json.dumps({"seen": seen, "status": exc.code}), file=sys.stderr)
"""


def test_load_writes_the_ontology_in_the_thread_that_opens_the_store(tmp_path, seed_path):
    """Bulk-loading the ontology graph waits on the disk too: it is done in the opening
    thread, while the converter is imported, and needs no converter itself."""
    done = subprocess.run([sys.executable, "-P", "-c", ONTOLOGY_PROBE, "load", "--data-dir", str(tmp_path / "data"),
                           str(seed_path)], capture_output=True, text=True, timeout=120)
    out = json.loads(done.stderr.strip().splitlines()[-1])
    assert out == {"seen": ["budgetkg-open-store"], "status": 0}, done.stderr
    light = subprocess.run([sys.executable, "-P", "-c", "import sys, budgetkg.ontology_graph; print('rdflib' in sys.modules)"],
                           capture_output=True, text=True, timeout=60)
    assert light.stdout.strip() == "False", light.stderr


def test_an_ontology_that_cannot_be_loaded_closes_the_store(tmp_path, monkeypatch):
    """Opening succeeded, loading the ontology failed: the error goes to the caller of
    store() and the store is closed (its folder can be opened again)."""
    import budgetkg.ontology_graph as og
    from budgetkg.commands.load import _Opening
    from budgetkg.settings import load_settings
    from budgetkg.store import OxigraphStore, StoreError

    def failing(store, **kwargs):
        raise StoreError("cannot write the store: disk full")

    monkeypatch.setattr(og, "load", failing)
    settings = load_settings({"data_dir": tmp_path / "data"})
    with pytest.raises(StoreError, match="disk full"):
        _Opening(settings, lambda n: None).store()
    OxigraphStore(tmp_path / "data").close()  # not held by the failed load
