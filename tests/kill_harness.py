"""SIGKILL during `budgetkg load`, then check that nothing is half-written.

Shared by ``test_kill_loads.py`` (3 kills on a small corpus) and
``bench/kill_loads.py`` (50 kills on a generated corpus). The scenario:

1. ``corpus/docN.txt`` hold the *old* versions; ``budgetkg load corpus`` fills a
   pristine store. Its graphs are the expected old state.
2. The same paths get the *new* versions; loading them into a copy of the pristine
   store gives the expected new state.
3. Each round copies the pristine store, starts ``budgetkg load corpus`` (new
   versions), SIGKILLs its process group at a random moment, then starts
   ``budgetkg serve`` on the store (which finishes or undoes an interrupted load)
   and asks it a query, stops it, and reads every graph back.

A round is consistent when the store opens, the service answers, its dump is the
store's quads (record true), and each document is entirely old (old graph equal, triple for triple, to the expected one and no new
graph) or entirely new (the reverse), the ontology is intact and there is no other
graph.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

from live_server import BUDGETKG, LiveServer  # noqa: E402

BASE = "https://budgetkg.example.org/id/"
_BNODE = re.compile(r"_:\S+")

Dump = dict[str, Counter[str]]


def graph_of(data: bytes) -> str:
    """The named graph of a table document: minted from its content."""
    return f"{BASE}graph/{hashlib.sha256(data).hexdigest()[:16]}"


def dump(folder: Path) -> Dump:
    """Every named graph of the store in ``folder``: graph IRI -> multiset of triples."""
    import pyoxigraph as ox

    store = ox.Store.read_only(str(folder / "oxigraph"))
    out: Dump = {}
    for quad in store:
        g = quad.graph_name
        name = g.value if isinstance(g, ox.NamedNode) else str(g)
        out.setdefault(name, Counter())[_BNODE.sub("_:b", str(quad.triple))] += 1
    del store
    return out


def dump_file_problems(folder: Path, store: Dump) -> list[str]:
    """What is wrong with the store's dump file after the service started (which brings it
    up to date): its record must state its true size and SHA-256 and the store's version,
    and it must decompress to exactly the store's quads."""
    import gzip
    import json

    import pyoxigraph as ox

    path = folder / "dumps" / "budgetkg.nq.gz"
    try:
        blob = path.read_bytes()
        meta = json.loads((folder / "dumps" / "budgetkg.nq.gz.json").read_text(encoding="utf-8"))
        version = (folder / "version").read_text(encoding="ascii").strip()
    except (OSError, ValueError) as exc:
        return [f"no dump: {exc}"]
    bad = []
    if (meta.get("size"), meta.get("sha256")) != (len(blob), hashlib.sha256(blob).hexdigest()):
        bad.append("the dump's record does not state its size and SHA-256")
    if meta.get("version") != version:
        bad.append("the dump is of another store version")
    quads: Dump = {}
    for quad in ox.parse(gzip.decompress(blob), format=ox.RdfFormat.N_QUADS):
        g = quad.graph_name
        quads.setdefault(g.value if isinstance(g, ox.NamedNode) else str(g), Counter())[
            _BNODE.sub("_:b", str(quad.triple))] += 1
    if quads != store:
        bad.append(f"the dump's quads are not the store's (graphs only in the dump: "
                   f"{sorted(set(quads) - set(store))[:2]}, only in the store: {sorted(set(store) - set(quads))[:2]})")
    return bad


def load(corpus: Path, data_dir: Path, *extra: str, timeout: float = 900) -> subprocess.CompletedProcess:
    return subprocess.run([*BUDGETKG, "load", str(corpus), "--data-dir", str(data_dir), *extra],
                          capture_output=True, text=True, timeout=timeout)


@dataclass
class Result:
    rounds: int = 0
    inconsistent: int = 0
    killed: int = 0  # the load was still running when killed
    finished_first: int = 0  # the load ended before the kill came
    documents: Counter[str] = field(default_factory=Counter)  # old / new / mixed
    serve_failures: int = 0
    problems: list[str] = field(default_factory=list)
    kill_times: list[float] = field(default_factory=list)
    full_load_s: float = 0.0
    journal_states: Counter[str] = field(default_factory=Counter)  # what the journal said when killed
    missed: int = 0  # mid-change kills that came too late (the change had ended)


class KillHarness:
    def __init__(self, workdir: Path, old: list[bytes], new: list[bytes], load_args: tuple[str, ...] = ()) -> None:
        assert len(old) == len(new) and all(a != b for a, b in zip(old, new))
        self.workdir = workdir
        self.corpus = workdir / "corpus"
        self.pristine = workdir / "pristine"
        self.old, self.new = old, new
        self.load_args = load_args
        self.corpus.mkdir(parents=True)
        self._write(old)
        r = load(self.corpus, self.pristine, *load_args)
        if r.returncode not in (0, 1):
            raise RuntimeError(f"loading the old versions failed ({r.returncode}):\n{r.stderr[-2000:]}")
        self.expected_old = dump(self.pristine)
        self._write(new)
        full = workdir / "full"
        shutil.copytree(self.pristine, full)
        started = time.monotonic()
        r = load(self.corpus, full, *load_args)
        self.full_load_s = time.monotonic() - started
        if r.returncode not in (0, 1):
            raise RuntimeError(f"loading the new versions failed ({r.returncode}):\n{r.stderr[-2000:]}")
        self.expected_new = dump(full)
        self.kill_window = self.full_load_s  # kills fall in [0, kill_window] seconds
        shutil.rmtree(full)
        self.docs = [(graph_of(a), graph_of(b)) for a, b in zip(old, new)]
        for g_old, g_new in self.docs:
            assert g_old in self.expected_old and g_new in self.expected_new, "graph names are not the expected ones"
        # (the statistics of the years are checked against the documents the store holds)
        self.other_graphs = {g for g in self.expected_old if g not in {d[0] for d in self.docs} and not _statistics(g)}
        assert self.other_graphs == {g for g in self.expected_new
                                     if g not in {d[1] for d in self.docs} and not _statistics(g)}

    def _write(self, versions: list[bytes]) -> None:
        for i, data in enumerate(versions):
            (self.corpus / f"doc{i}.txt").write_bytes(data)

    def one_round(self, rng: random.Random, result: Result) -> None:
        work = self.workdir / "work"
        if work.exists():
            shutil.rmtree(work)
        shutil.copytree(self.pristine, work)
        delay = rng.uniform(0.05, self.kill_window)
        started = time.monotonic()
        proc = subprocess.Popen([*BUDGETKG, "load", str(self.corpus), "--data-dir", str(work), *self.load_args],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        try:
            proc.wait(delay)
            result.finished_first += 1
            # the load is quicker than the first measure: aim the next kills inside it
            self.kill_window = max(0.5, min(self.kill_window, 0.95 * (time.monotonic() - started)))
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)  # the loader and its worker processes, as in a power cut
            proc.wait()
            result.killed += 1
        try:  # reap any worker left behind by the group kill
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        result.kill_times.append(round(delay, 2))
        result.rounds += 1
        bad = self.check(work, result)
        if bad:
            result.inconsistent += 1
            result.problems.append(f"round {result.rounds} (kill after {delay:.2f} s): " + "; ".join(bad))

    def kill_mid_change(self, result: Result, *, attempts: int = 20) -> None:
        """One round whose kill lands while a document is being changed: the load is
        SIGKILLed as soon as its crash journal (``journal.json``, written before the store
        is touched and removed once the change is complete) appears. The round counts only
        if the journal is still there after the kill, i.e. the store was left mid-change;
        a kill that came too late is retried (``result.missed``)."""
        from budgetkg.store.journal import JOURNAL_FILE

        work = self.workdir / "work"
        for _ in range(attempts):
            if work.exists():
                shutil.rmtree(work)
            shutil.copytree(self.pristine, work)
            journal = work / JOURNAL_FILE
            proc = subprocess.Popen([*BUDGETKG, "load", str(self.corpus), "--data-dir", str(work), *self.load_args],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
            started = time.monotonic()
            while proc.poll() is None and not journal.exists():
                time.sleep(0.0005)
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            proc.wait()
            try:
                state = json.loads(journal.read_text(encoding="utf-8"))["state"]
            except (OSError, ValueError, KeyError):
                result.missed += 1
                continue
            result.killed += 1
            result.journal_states[state] += 1
            result.kill_times.append(round(time.monotonic() - started, 3))
            result.rounds += 1
            bad = self.check(work, result)
            if not bad and journal.exists():
                bad.append("the next start left the journal in place (nothing recovered)")
            if bad:
                result.inconsistent += 1
                result.problems.append(f"round {result.rounds} (killed with the journal {state!r}): " + "; ".join(bad))
            return
        raise AssertionError(f"no kill landed mid-change in {attempts} attempts: the load never left a journal")

    def check(self, work: Path, result: Result) -> list[str]:
        bad: list[str] = []
        try:  # the next start: recovers, then serves
            with LiveServer(work, "--workers", "1", startup=300) as server:
                url = server.url + "?" + urllib.parse.urlencode(
                    {"query": "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }", "format": "csv"})
                with urllib.request.urlopen(url, timeout=60) as r:
                    if r.status != 200:
                        bad.append(f"the service answered {r.status}")
        except Exception as exc:  # noqa: BLE001 - any failure to start or answer is the finding
            result.serve_failures += 1
            return [f"the service did not start or answer: {type(exc).__name__}: {str(exc)[-500:]}"]
        try:
            got = dump(work)
        except Exception as exc:  # noqa: BLE001
            return [f"the store does not open: {exc}"]
        bad.extend(dump_file_problems(work, got))
        for i, (g_old, g_new) in enumerate(self.docs):
            old_ok = got.get(g_old) == self.expected_old[g_old] and g_new not in got
            new_ok = got.get(g_new) == self.expected_new[g_new] and g_old not in got
            if old_ok:
                result.documents["old"] += 1
            elif new_ok:
                result.documents["new"] += 1
            else:
                result.documents["mixed"] += 1
                bad.append(f"doc{i}: old graph {sum(got.get(g_old, Counter()).values())} triples "
                           f"(expected {sum(self.expected_old[g_old].values())}), new graph "
                           f"{sum(got.get(g_new, Counter()).values())} (expected {sum(self.expected_new[g_new].values())})")
        for g in self.other_graphs:
            if got.get(g) != self.expected_old[g]:
                bad.append(f"graph {g} changed")
        extra = {g for g in got if not _statistics(g)} - self.other_graphs - {g for d in self.docs for g in d}
        if extra:
            bad.append(f"unexpected graphs {sorted(extra)[:3]}")
        bad.extend(statistics_problems(work, got))
        return bad


def _statistics(graph: str) -> bool:
    return "/graph/statistics/" in graph


def statistics_problems(folder: Path, got: Dump) -> list[str]:
    """The statistics of each year must be those of the documents the store holds after
    the next start (budgetkg.year_statistics): computed again here, triple for triple."""
    from budgetkg import year_statistics
    from budgetkg.loader.iris import DEFAULT_BASE
    from budgetkg.store import OxigraphStore

    bad: list[str] = []
    with OxigraphStore(folder, read_only=True) as store:
        held = {y for y, g in year_statistics.statistics_graphs(store, DEFAULT_BASE).items()}
        data = set().union(*year_statistics.graph_years(store).values())
        computed = year_statistics.compute(store, DEFAULT_BASE, held | data)
    for year, triples in computed.items():
        stored = got.get(year_statistics.graph_iri(DEFAULT_BASE, year), Counter())
        if Counter(str(t) for t in triples) != stored:
            bad.append(f"the statistics of {year} are not its documents' ({sum(stored.values())} triples stored, "
                       f"{len(triples)} computed)")
    return bad
