"""A private Virtuoso Open Source server for the remote-store tests (a pytest plugin).

The session fixture ``virtuoso`` starts ``virtuoso-t`` on two free loopback ports
(SQL and HTTP) with its own database in a temporary folder and a generated
virtuoso.ini, creates a user allowed to run SPARQL Update (digest auth at
``/sparql-auth``), waits until the HTTP endpoint answers and stops the server after
the session. The anonymous ``/sparql`` endpoint stays read-only, as a public
deployment would run it. Tests that use it are skipped, saying why, when the
Debian package ``virtuoso-opensource`` is not installed.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from skip_policy import missing_tool

VIRTUOSO = "virtuoso-t"
ISQL = "isql-vt"
USER = "budgetkg_test"
PASSWORD = "s3cret-Pa55word-do-not-log"
#: Server-side backstop; the service's own timeouts are much shorter.
MAX_QUERY_SECONDS = 20

INI = """\
[Database]
DatabaseFile = {db}/virtuoso.db
ErrorLogFile = {db}/virtuoso.log
LockFile = {db}/virtuoso.lck
TransactionFile = {db}/virtuoso.trx
xa_persistent_file = {db}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {db}/virtuoso-temp.db
TransactionFile = {db}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
DisableTcpSocket = 0
MaxClientConnections = 10
CheckpointInterval = 60
CaseMode = 2
AllowOSCalls = 0
DirsAllowed = ., {db}
ThreadsPerQuery = 2
AsyncQueueMaxThreads = 4
; small buffers: the test data is tiny and the machine is shared
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
MaxQueryMem = 200M

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {db}
ServerThreads = 8
MaxClientConnections = 8
KeepAliveTimeout = 10
Charset = UTF-8
EnabledGzipContent = 0

[Client]
SQL_QUERY_TIMEOUT = 0
SQL_TXN_TIMEOUT = 0

[SPARQL]
ResultSetMaxRows = 100000
; 0: never refuse a query on its cost estimate, so that slow queries really run
; and the service's timeout is what stops them
MaxQueryCostEstimationTime = 0
MaxQueryExecutionTime = {max_seconds}
"""


@dataclass(frozen=True)
class Virtuoso:
    """A running test server: its endpoints and the update user's credentials."""

    http_port: int
    sql_port: int
    folder: Path
    user: str = USER
    password: str = PASSWORD

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    @property
    def sparql(self) -> str:
        """Anonymous, read-only endpoint (what ``budgetkg serve --store`` fronts)."""
        return self.base + "/sparql"

    @property
    def sparql_auth(self) -> str:
        """Digest-authenticated endpoint where the test user may update."""
        return self.base + "/sparql-auth"

    def isql(self, *statements: str, timeout: float = 60) -> str:
        """Run SQL statements as dba (the test database's default password)."""
        script = "".join(s.rstrip().rstrip(";") + ";\n" for s in statements)
        done = subprocess.run(
            [ISQL, f"127.0.0.1:{self.sql_port}", "dba", "dba"],
            input=script, capture_output=True, text=True, timeout=timeout, check=False,
        )
        if done.returncode != 0 or "*** Error" in done.stdout:
            raise RuntimeError(f"isql failed: {done.stdout}\n{done.stderr}")
        return done.stdout

    def clear(self) -> None:
        """Drop every graph the tests may have written (keeps Virtuoso's own)."""
        self.isql(
            "DELETE FROM DB.DBA.RDF_QUAD WHERE id_to_iri(G) LIKE 'https://budgetkg%' "
            "OR id_to_iri(G) LIKE 'urn:budgetkg%' OR id_to_iri(G) LIKE 'file:%'"
        )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_ready(server: Virtuoso, process: subprocess.Popen[bytes], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    query = urllib.parse.urlencode({"query": "ASK {}"})
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"virtuoso-t exited with status {process.returncode}: "
                               + _log_tail(server.folder))
        try:
            with urllib.request.urlopen(f"{server.sparql}?{query}", timeout=2) as r:
                if r.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.3)
    raise RuntimeError(f"Virtuoso did not answer within {timeout:g} s: " + _log_tail(server.folder))


def _log_tail(folder: Path) -> str:
    try:
        return (folder / "virtuoso.log").read_text(errors="replace")[-2000:]
    except OSError:
        return "(no log)"


def start_virtuoso(folder: Path) -> tuple[Virtuoso, subprocess.Popen[bytes]]:
    """Start a fresh server in ``folder``; the caller stops the returned process."""
    folder.mkdir(parents=True, exist_ok=True)
    sql_port, http_port = _free_port(), _free_port()
    ini = folder / "virtuoso.ini"
    ini.write_text(INI.format(db=folder, sql_port=sql_port, http_port=http_port,
                              max_seconds=MAX_QUERY_SECONDS), encoding="utf-8")
    server = Virtuoso(http_port=http_port, sql_port=sql_port, folder=folder)
    process = subprocess.Popen(
        [VIRTUOSO, "+foreground", "+configfile", str(ini)],
        cwd=folder, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        _wait_ready(server, process, timeout=120)
        server.isql(
            f"DB.DBA.USER_CREATE('{USER}', '{PASSWORD}')",
            f'GRANT SPARQL_UPDATE TO "{USER}"',
            # graph-level security: the update user may read and write every graph
            f"DB.DBA.RDF_DEFAULT_USER_PERMS_SET('{USER}', 3)",
        )
    except BaseException:
        stop_virtuoso(process)
        raise
    return server, process


def stop_virtuoso(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()  # SIGTERM: Virtuoso shuts down cleanly
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="session")
def virtuoso(tmp_path_factory) -> Iterator[Virtuoso]:
    if shutil.which(VIRTUOSO) is None or shutil.which(ISQL) is None:
        pytest.skip(missing_tool("virtuoso", "Debian package virtuoso-opensource: "
                                 "`apt-get install virtuoso-opensource`, which .ci/run does as root"))
    if HEALTH.dead:  # it failed to start once this session: do not wait another 120 s
        pytest.fail(f"Virtuoso is not usable: {HEALTH.dead}", pytrace=False)
    folder = tmp_path_factory.mktemp("virtuoso")
    try:
        server, process = start_virtuoso(folder)
    except Exception as exc:
        HEALTH.dead = f"it did not start: {exc}"
        raise
    HEALTH.server = server
    try:
        yield server
    finally:
        HEALTH.server = None
        stop_virtuoso(process)
        if os.environ.get("BUDGETKG_KEEP_VIRTUOSO") is None:
            shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def loaded_both_ways(server: Virtuoso, documents: list[str], folder: Path) -> Iterator[tuple]:
    """``documents`` loaded by ``budgetkg load`` into ``server`` (emptied first and after)
    and into an embedded store in ``folder``; yields (embedded store, remote store)."""
    from click.testing import CliRunner

    from budgetkg.cli import main as cli
    from budgetkg.store import OxigraphStore
    from budgetkg.store.remote import RemoteStore

    server.clear()
    env = {"BUDGETKG_STORE_USER": server.user, "BUDGETKG_STORE_PASSWORD": server.password}
    result = CliRunner(env=env).invoke(cli, ["load", "--store", server.sparql_auth, *documents])
    assert result.exit_code == 0, result.output
    result = CliRunner().invoke(cli, ["load", "--data-dir", str(folder), *documents])
    assert result.exit_code == 0, result.output
    try:
        with OxigraphStore(folder, read_only=True) as embedded:
            yield embedded, RemoteStore(server.sparql, base_iri="https://budgetkg.example.org/id/", timeout=20)
    finally:
        server.clear()


# -- fail fast when it stops answering ----------------------------------------------

#: Seconds a readiness probe may take: far less than the remote store's own timeouts.
PROBE_SECONDS = 5.0


@dataclass
class _Health:
    server: Virtuoso | None = None  # the running server, once the fixture started it
    dead: str | None = None  # why it is unusable, once a probe or the start failed


HEALTH = _Health()


def probe(server: Virtuoso, timeout: float = PROBE_SECONDS) -> str | None:
    """None when the server answers ``ASK {}`` within ``timeout``; else why not."""
    url = f"{server.sparql}?{urllib.parse.urlencode({'query': 'ASK {}'})}"
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            return None if r.status == 200 else f"/sparql answered {r.status}"
    except (urllib.error.URLError, OSError) as exc:
        return f"/sparql did not answer ASK {{}} within {timeout:g} s ({exc})"


def uses_virtuoso(item: pytest.Item) -> bool:
    """The test asks for the server, directly or through a backend-parametrized fixture."""
    params = getattr(getattr(item, "callspec", None), "params", {})
    return "virtuoso" in getattr(item, "fixturenames", ()) or "virtuoso" in params.values()


def pytest_runtest_setup(item: pytest.Item) -> None:
    """Before each test that uses the running server, check once (in ≤5 s) that it still
    answers; once it did not, every later test fails at once instead of waiting out its
    own 20-60 s timeouts."""
    if not uses_virtuoso(item):
        return
    if HEALTH.dead:
        pytest.fail(f"Virtuoso is not usable (not waiting again): {HEALTH.dead}", pytrace=False)
    if HEALTH.server is not None:
        why = probe(HEALTH.server, PROBE_SECONDS)
        if why:
            HEALTH.dead = f"{why}; the server log ends: {_log_tail(HEALTH.server.folder)[-500:]}"
            pytest.fail(f"Virtuoso stopped answering: {HEALTH.dead}", pytrace=False)


# -- the same app over either backend ------------------------------------------------

#: Parameters of an app fixture that runs its module's tests on both stores.
BACKENDS = ("embedded", "virtuoso")


def load_into_virtuoso(server: Virtuoso, data: bytes, media_type: str = "application/trig") -> None:
    """Replace the test server's data by ``data``, through the remote store's loader."""
    from budgetkg.store.remote import RemoteStore

    server.clear()
    with RemoteStore(server.sparql_auth, user=server.user, password=server.password) as store:
        store.replace_graphs(data, media_type)


def app_on_backend(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
                   trig: bytes, config: dict) -> object:
    """``create_app(config)`` over the TriG data, in the embedded store or, fronting the
    test Virtuoso, as `budgetkg serve --store` runs it (``request.param`` says which)."""
    from budgetkg.service import create_app
    from budgetkg.store import OxigraphStore

    folder = tmp_path_factory.mktemp(request.param) / "data"
    if request.param == "embedded":
        with OxigraphStore(folder) as store:
            store.replace_graphs(trig, "application/trig")
        return create_app({"data_dir": folder, **config})
    server: Virtuoso = request.getfixturevalue("virtuoso")
    load_into_virtuoso(server, trig)
    return create_app({"data_dir": folder, "store_url": server.sparql, **config})
