"""Virtuoso 7.2.5 beside budgetkg, for bench/run.py: the same quads, every library query.

A private server is started with tests/conftest_virtuoso.py's configuration, sized for
a benchmark instead of a test (bigger buffers, no row cap, no time limit of its own:
the client's timeout stops a query, and the server is restarted after one). The store's
N-Quads are given to Virtuoso's bulk loader (``ld_dir`` + ``rdf_loader_run``), so each
document lands in its own graph. Queries go to Virtuoso's ``/sparql`` with no dataset,
i.e. on Virtuoso's own default graph (the union of all its graphs), as a Virtuoso user
would send them. ``budgetkg serve --store`` is then started on the same server (the
remote backend, store/remote.py, which sends the document graphs as the dataset) and
answers every library query over HTTP.

Rows are compared with the embedded store's (bench/rows.py: numbers as numbers, rows
as a multiset); a difference is reported per query, never hidden.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time

import proctree  # bench/proctree.py (bench/ is on sys.path: the scripts run from it)
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import requests

HERE = Path(__file__).resolve().parent
TESTS = HERE.parent / "tests"
for folder in (HERE, TESTS):  # rows.py, conftest_virtuoso.py (python -P keeps them off the path)
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

import conftest_virtuoso as cv  # noqa: E402
from rows import compare  # noqa: E402

#: Buffers of 8 KiB: ~1.3 GiB of page cache (Virtuoso's advice for a few GiB of RAM);
#: the test configuration's 10,000 would measure the disk at 10M triples.
BENCH_SETTINGS = {
    "NumberOfBuffers": "170000",
    "MaxDirtyBuffers": "130000",
    "MaxQueryMem": "2G",
    "ResultSetMaxRows": "100000000",
    "MaxQueryExecutionTime": "0",  # no "anytime" (cut) answers: a query runs to its end
    "CheckpointInterval": "0",  # no checkpoint in the middle of a timed query
}
RESULTS_JSON = "application/sparql-results+json"


def bench_ini(folder: Path, sql_port: int, http_port: int) -> str:
    """The test server's virtuoso.ini with ``BENCH_SETTINGS`` in place of its values."""
    text = cv.INI.format(db=folder, sql_port=sql_port, http_port=http_port, max_seconds=0)
    for key, value in BENCH_SETTINGS.items():
        text, n = re.subn(rf"(?m)^{key}\s*=.*$", f"{key} = {value}", text)
        if n != 1:
            raise RuntimeError(f"virtuoso.ini of tests/conftest_virtuoso.py has no single {key} line")
    return text


class Server:
    """One Virtuoso database folder, started and stopped as often as the cold runs need."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.process: subprocess.Popen[bytes] | None = None
        self.info: cv.Virtuoso | None = None

    def start(self) -> cv.Virtuoso:
        self.folder.mkdir(parents=True, exist_ok=True)
        sql_port, http_port = cv._free_port(), cv._free_port()  # noqa: SLF001 - the fixture's helpers
        ini = self.folder / "virtuoso.ini"
        ini.write_text(bench_ini(self.folder, sql_port, http_port), encoding="utf-8")
        self.info = cv.Virtuoso(http_port=http_port, sql_port=sql_port, folder=self.folder)
        self.process = subprocess.Popen([cv.VIRTUOSO, "+foreground", "+configfile", str(ini)], cwd=self.folder,
                                        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL)
        try:
            cv._wait_ready(self.info, self.process, timeout=600)  # noqa: SLF001 - a big database may recover first
        except BaseException:
            self.stop()
            raise
        return self.info

    def stop(self) -> None:
        if self.process is not None:
            cv.stop_virtuoso(self.process)
            self.process = None

    def restart(self) -> cv.Virtuoso:
        self.stop()
        return self.start()

    def disk_bytes(self) -> int:
        return sum(f.stat().st_size for f in self.folder.glob("virtuoso*.db") if f.is_file())


def bulk_load(server: cv.Virtuoso, nquads: Path) -> dict[str, Any]:
    """The N-Quads file through Virtuoso's bulk loader (each quad into its own graph), then
    a checkpoint: wall and the server's CPU seconds, and the quads Virtuoso then holds."""
    target = server.folder / nquads.name  # inside the server's DirsAllowed
    if not target.exists():
        try:
            os.link(nquads, target)
        except OSError:
            shutil.copyfile(nquads, target)
    cpu0 = _process_cpu(server)
    start = time.perf_counter()
    # no 60 s limit here: 10M quads take ~50 s on an idle machine, minutes on a busy one
    server.isql(f"ld_dir('{server.folder}', '{nquads.name}', 'urn:budgetkg:unused')", "rdf_loader_run()",
                "checkpoint", timeout=3600)
    seconds = time.perf_counter() - start
    cpu = _process_cpu(server) - cpu0
    errors = server.isql("SELECT ll_file, ll_error FROM DB.DBA.LOAD_LIST WHERE ll_error IS NOT NULL")
    if "0 Rows" not in errors:
        raise RuntimeError(f"Virtuoso's bulk loader failed: {errors}")
    target.unlink()
    return {"seconds": round(seconds, 2), "server_cpu_s": round(cpu, 2) if cpu is not None else None,
            "method": "ld_dir + rdf_loader_run (one loader) + checkpoint"}


def _process_cpu(server: cv.Virtuoso) -> float | None:
    """CPU seconds of the virtuoso-t process serving ``server`` (from /proc)."""
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            cmd = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
            if str(server.folder / "virtuoso.ini").encode() not in cmd:
                continue
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, ValueError, IndexError):
            continue
    return None


def count_graphs(server: cv.Virtuoso, base_iri: str) -> dict[str, int]:
    """Quads and graphs Virtuoso holds under ``base_iri`` (what the bulk load brought)."""
    text = ("SELECT (COUNT(DISTINCT ?g) AS ?graphs) (COUNT(*) AS ?quads) WHERE { GRAPH ?g { ?s ?p ?o } "
            f'FILTER(STRSTARTS(STR(?g), "{base_iri}")) }}')
    row = _get(requests.Session(), server.sparql, text, 600)["results"]["bindings"][0]
    return {"graphs": int(row["graphs"]["value"]), "quads": int(row["quads"]["value"])}


def _get(session: requests.Session, url: str, text: str, timeout: float) -> dict[str, Any]:
    # POST as a form: the same request whatever the query's length (GET URLs have limits)
    r = session.post(url, data={"query": text}, headers={"Accept": RESULTS_JSON}, timeout=timeout)
    if r.status_code != 200:
        raise RuntimeError(f"HTTP {r.status_code}: {r.text[:300]}")
    if r.headers.get("X-Results-Truncated"):
        raise RuntimeError(f"the service cut the results at its row cap ({r.headers.get('X-Results-Limit')})")
    return r.json()


def timed(run: Callable[[], Any], budget: float, max_runs: int = 50, min_runs: int = 3) -> dict[str, Any]:
    """Repeats after a first (warming) run until ``budget`` seconds or ``max_runs``."""
    times: list[float] = []
    spent = 0.0
    while len(times) < max_runs and (len(times) < min_runs or spent < budget):
        t = time.perf_counter()
        run()
        times.append(time.perf_counter() - t)
        spent += times[-1]
    times.sort()
    return {"p50_ms": round(statistics.median(times) * 1000, 2),
            "p95_ms": round(times[min(len(times) - 1, int(0.95 * len(times)))] * 1000, 2), "runs": len(times)}


def row_check(expected: dict[str, Any] | None, got: dict[str, Any], text: str) -> dict[str, Any]:
    """bench/rows.py's comparison, kept whole when the rows differ (the report shows it)."""
    if expected is None:
        return {"same": None, "rows": len(got.get("results", {}).get("bindings", []))}
    check = compare(expected, got, text)
    out = {"same": check["same"], "rows": check["got_rows"], "expected_rows": check["rows"]}
    if not check["same"]:
        out["row_check"] = check
    return out


def virtuoso_queries(server: Server, texts: dict[str, str], expected: dict[str, Any], *, budget: float,
                     timeout: float, drop_caches: Callable[[], bool],
                     log: Callable[[str], None]) -> dict[str, Any]:
    """Each query on Virtuoso's own default graph: cold (the first query after a restart,
    the OS cache dropped before it), then warm p50 (``budget`` seconds of repeats); rows
    compared with ``expected`` (the embedded store's SPARQL JSON)."""
    out: dict[str, Any] = {}
    for name, text in texts.items():
        entry: dict[str, Any] = {}
        server.stop()
        entry["os_cache_dropped"] = drop_caches()
        info = server.start()
        try:
            with requests.Session() as s:
                start = time.perf_counter()
                body = _get(s, info.sparql, text, timeout)
                entry["cold_ms"] = round((time.perf_counter() - start) * 1000, 2)
                entry.update(row_check(expected.get(name), body, text))
                entry.update(timed(lambda: _get(s, info.sparql, text, timeout), budget))
        except requests.Timeout:
            entry["timeout_s"] = timeout
        except (RuntimeError, requests.RequestException, ValueError) as exc:
            entry["error"] = str(exc)[:300]
        out[name] = entry
        log(f"virtuoso {name}: " + (f"cold {entry['cold_ms']} ms, p50 {entry.get('p50_ms')} ms, "
                                    f"same rows: {entry.get('same')}" if "cold_ms" in entry
                                    else entry.get("error") or f"> {timeout:g} s"))
    return out


@contextmanager
def serve_store(server: cv.Virtuoso, data_dir: Path, env: dict[str, str], log_file: Path,
                timeout: float) -> Iterator[tuple[str, subprocess.Popen[bytes], float]]:
    """``budgetkg serve --store`` on ``server``'s anonymous endpoint (read-only, as a public
    deployment runs it); yields its URL, its process and the seconds it took to answer."""
    port = cv._free_port()  # noqa: SLF001
    cmd = [sys.executable, "-P", "-c", "from budgetkg.cli import run; run()", "serve", "--store", server.sparql,
           "--data-dir", str(data_dir), "--host", "127.0.0.1", "--port", str(port), "--timeout", str(timeout)]
    with open(log_file, "ab") as errors:
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=errors, env=env, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        start = time.perf_counter()
        deadline = start + 1800  # it writes the full dump (every quad read over SPARQL) first
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"budgetkg serve --store exited with {proc.returncode} (see {log_file})")
            if time.perf_counter() > deadline:
                raise RuntimeError("budgetkg serve --store did not start")
            try:
                requests.get(url + "/sparql", timeout=2)
                break
            except requests.RequestException:
                time.sleep(0.5)
        yield url, proc, time.perf_counter() - start
    finally:
        proctree.stop_group(proc, grace=30)


def remote_queries(url: str, texts: dict[str, str], expected: dict[str, Any], *, budget: float,
                   timeout: float, log: Callable[[str], None]) -> dict[str, Any]:
    """Every library query through ``budgetkg serve --store`` (the SPARQL protocol's POST
    form): the first answer's time and rows, then warm p50. A truncated answer (the
    service's row cap) is an error, not fewer rows."""
    out: dict[str, Any] = {}
    with requests.Session() as s:
        for name, text in texts.items():
            entry: dict[str, Any] = {}
            try:
                start = time.perf_counter()
                body = _get(s, url + "/sparql", text, timeout)
                entry["first_ms"] = round((time.perf_counter() - start) * 1000, 2)
                entry.update(row_check(expected.get(name), body, text))
                entry.update(timed(lambda text=text: _get(s, url + "/sparql", text, timeout), budget, max_runs=20))
            except (RuntimeError, requests.RequestException, ValueError) as exc:
                entry["error"] = str(exc)[:300]
            out[name] = entry
            log(f"serve --store {name}: " + (f"{entry.get('p50_ms')} ms, same rows: {entry.get('same')}"
                                             if "first_ms" in entry else entry["error"]))
    return out


def run(nquads: Path, folder: Path, texts: dict[str, str], expected: dict[str, Any], *, base_iri: str,
        budget: float, timeout: float, env: dict[str, str], drop_caches: Callable[[], bool],
        log: Callable[[str], None], serve_log: Path) -> dict[str, Any]:
    """Load, time every query on Virtuoso, then through ``budgetkg serve --store``."""
    if shutil.which(cv.VIRTUOSO) is None or shutil.which(cv.ISQL) is None:
        return {"error": "virtuoso-t / isql-vt are not installed (Debian: virtuoso-opensource)"}
    shutil.rmtree(folder, ignore_errors=True)
    server = Server(folder)
    out: dict[str, Any] = {}
    try:
        info = server.start()
        out["version"] = _version(info)
        log(f"virtuoso {out['version']}: bulk load of {nquads.name}")
        out["load"] = bulk_load(info, nquads)
        out["load"].update(count_graphs(info, base_iri))
        out["disk_mib"] = round(server.disk_bytes() / 2**20, 1)
        out["settings"] = dict(BENCH_SETTINGS)
        out["queries"] = virtuoso_queries(server, texts, expected, budget=budget, timeout=timeout,
                                          drop_caches=drop_caches, log=log)
        info = server.restart()  # the last query's timeout (if any) may still run
        store_dir = folder / "serve-store-data"
        with serve_store(info, store_dir, env, serve_log, timeout) as (url, _proc, started_s):
            out["serve_store"] = {"start_s": round(started_s, 2), "graphs": out["load"]["graphs"],
                                  "queries": remote_queries(url, texts, expected, budget=budget, timeout=timeout,
                                                            log=log)}
    except (RuntimeError, OSError, requests.RequestException) as exc:
        out["error"] = f"{type(exc).__name__}: {str(exc)[:500]}"
        log(f"virtuoso side: {out['error']}")
    finally:
        server.stop()
    return out


def _version(server: cv.Virtuoso) -> str:
    """The server's version as ``virtuoso-t -?`` prints it (7.2.5.3229), else its DBMS one."""
    done = subprocess.run([cv.VIRTUOSO, "-?"], capture_output=True, text=True, check=False)
    m = re.search(r"Version (\d+\.\d+\.\d+[.\w]*)", done.stdout + done.stderr)
    if m:
        return m.group(1)
    m = re.search(r"\b\d+\.\d+\.\d+\S*", server.isql("SELECT sys_stat('st_dbms_ver')"))
    return m.group(0) if m else "unknown"
