"""Every query of the library, on the embedded store and on Virtuoso: same rows?

    python -P bench/compare_backends.py --triples 100000      # generate, load both, compare
    python -P bench/compare_backends.py --nquads corpus.nq --data-dir store/ --store URL

Without ``--store`` a private Virtuoso is started (tests/conftest_virtuoso.py; needs
``virtuoso-t``) and the corpus's N-Quads are given to its bulk loader (``ld_dir``,
``rdf_loader_run``), as docs/stores.md advises for large corpora; without ``--data-dir``
the same N-Quads are bulk-loaded into a fresh embedded store. Each catalog query is bound
as ``GET /queries/NAME`` with no parameters binds it (latest year, the year before, the
first table: the defaults the store decides), run on both through the ``Store``
interface (the remote one as ``budgetkg serve --store`` runs it: the document graphs as
the union default graph), and the rows are compared as multisets, normalizing only
differences of form (numbers by value, Virtuoso's 1/0 booleans, blank node labels, the
order of GROUP_CONCAT's parts, which value SAMPLE picks).
Writes a table to stdout and ``--json`` if given. Exit status 1 when any query differs.
"""

from __future__ import annotations

import argparse
import collections
import json
import re
import subprocess
import sys
import tempfile
import time
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import pyoxigraph as ox

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:  # bench/rows.py (python -P keeps the script's folder off the path)
    sys.path.insert(0, str(HERE))

import rows as rows_module  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
BASE = "https://budgetkg.example.org/id/"
XSD = "http://www.w3.org/2001/XMLSchema#"
BUDGETKG = [sys.executable, "-P", "-c", "from budgetkg.cli import run; run()"]


def value(term: Any) -> object:
    if term is None:
        return None
    if isinstance(term, ox.BlankNode):
        return "_:b"
    if isinstance(term, ox.Literal):
        datatype = term.datatype.value
        if datatype == XSD + "boolean":
            return term.value in {"true", "1"}
        if datatype.startswith(XSD) and datatype[len(XSD):] in {"decimal", "integer", "double", "float", "int", "long"}:
            try:
                return Decimal(term.value).normalize()
            except InvalidOperation:
                return term.value
        return term.value
    return term.value


# As tests/test_remote_store.py: SAMPLE may pick any value of its group, and SPARQL
# leaves the order of GROUP_CONCAT's parts open (the engines differ). A joined value is
# often reworked before it is projected (REPLACE, BIND, MAX in an outer group), so every
# string holding one of the query's separators (found as bench/rows.py finds them) is
# compared with its parts sorted.
_SAMPLE = re.compile(r"SAMPLE\s*\(\s*(?:DISTINCT\s+)?\?\w+\s*\)\s*AS\s*\?(\w+)", re.IGNORECASE)
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def rows(results: Any, query: str) -> collections.Counter:
    if isinstance(results, (bool, ox.QueryBoolean)):
        return collections.Counter([bool(results)])
    if isinstance(results, ox.QueryTriples):
        return collections.Counter(tuple(value(x) for x in (t.subject, t.predicate, t.object)) for t in results)
    samples = set(_SAMPLE.findall(query))
    separators = rows_module.separators(query)
    names = [v.value for v in results.variables]

    def cell(name: str, term: Any) -> object:
        if name in samples:
            return "(a sample of the group)"
        if isinstance(term, ox.Literal) and not term.language and term.datatype.value == XSD_STRING:
            text = term.value
            for sep in filter(None, separators):
                if sep in text:
                    text = sep.join(sorted(text.split(sep)))
            return text
        return value(term)

    return collections.Counter(tuple(cell(n, s[n]) for n in names) for s in results)


def queries_for(store: Any) -> dict[str, str]:
    from budgetkg.queries.catalog import YEARS_QUERY, StoreFacts, load_catalog

    facts = StoreFacts.from_rows([{k: None if row[k] is None else row[k].value for k in ("year", "document", "first")}
                                  for row in store.query(YEARS_QUERY)])
    catalog = load_catalog()
    return {name: catalog[name].bind({}, facts) for name in sorted(catalog)}


def build_corpus(work: Path, triples: int, seed: int) -> Path:
    corpus, nquads = work / "corpus", work / "corpus.nq"
    subprocess.run([*BUDGETKG, "generate", "--seed", str(seed), "--triples", str(triples), str(corpus)], check=True)
    subprocess.run([*BUDGETKG, "load", "--out", str(nquads), "--no-validate", str(corpus)], check=True)
    return nquads


def embedded_store(nquads: Path, folder: Path) -> None:
    from budgetkg.store import OxigraphStore

    with OxigraphStore(folder) as store:
        # one graph at a time, as `budgetkg load` writes them
        for name, triples in _graphs(nquads).items():
            store.add_graph_bulk(name, ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES), "application/n-triples")


def _graphs(nquads: Path) -> dict[str, list[ox.Triple]]:
    out: dict[str, list[ox.Triple]] = {}
    for q in ox.parse(path=str(nquads), format=ox.RdfFormat.N_QUADS):
        out.setdefault(q.graph_name.value, []).append(q.triple)
    return out


def bulk_load_virtuoso(server: Any, nquads: Path) -> None:
    target = server.folder / nquads.name  # inside the server's DirsAllowed
    if target != nquads:
        target.write_bytes(nquads.read_bytes())
    server.isql(f"ld_dir('{server.folder}', '{nquads.name}', 'urn:budgetkg:unused')", "rdf_loader_run()", "checkpoint")
    errors = server.isql("SELECT ll_file, ll_error FROM DB.DBA.LOAD_LIST WHERE ll_error IS NOT NULL")
    if "0 Rows" not in errors:
        raise RuntimeError(f"Virtuoso's bulk loader failed: {errors}")


def compare(data_dir: Path, store_url: str, timeout: float) -> list[dict[str, Any]]:
    from budgetkg.store import OxigraphStore
    from budgetkg.store.remote import RemoteStore

    remote = RemoteStore(store_url, base_iri=BASE, timeout=timeout)
    report = []
    with OxigraphStore(data_dir, read_only=True) as embedded:
        print(f"{len(remote.graphs())} document graphs on Virtuoso, {len(embedded.graphs())} graphs embedded",
              file=sys.stderr)
        for name, text in queries_for(embedded).items():
            t = time.perf_counter()
            expected = rows(embedded.query(text), text)
            t_embedded = time.perf_counter() - t
            t = time.perf_counter()
            try:
                got, error = rows(remote.query(text), text), None
            except Exception as exc:  # noqa: BLE001 - the error is the finding
                got, error = collections.Counter(), f"{type(exc).__name__}: {exc}"
            t_remote = time.perf_counter() - t
            report.append({
                "query": name, "rows_embedded": sum(expected.values()), "rows_virtuoso": sum(got.values()),
                "same": error is None and got == expected, "error": error,
                "only_embedded": [list(map(str, r)) for r in list((expected - got).elements())[:3]],
                "only_virtuoso": [list(map(str, r)) for r in list((got - expected).elements())[:3]],
                "seconds_embedded": round(t_embedded, 3), "seconds_virtuoso": round(t_remote, 3),
            })
            print(f"{name:24} {report[-1]['rows_embedded']:>7} {report[-1]['rows_virtuoso']:>7} "
                  f"{'same' if report[-1]['same'] else 'DIFFERENT'} {error or ''}", file=sys.stderr)
    return report


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--triples", type=int, default=100_000, help="size of the generated corpus")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--nquads", type=Path, help="use this corpus (budgetkg load --out) instead of generating one")
    parser.add_argument("--data-dir", type=Path, help="an embedded store already holding the corpus")
    parser.add_argument("--store", help="a Virtuoso /sparql URL already holding the corpus")
    parser.add_argument("--timeout", type=float, default=120.0)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="budgetkg-compare-") as tmp:
        work = Path(tmp)
        nquads = args.nquads
        if nquads is None and (args.data_dir is None or args.store is None):
            nquads = build_corpus(work, args.triples, args.seed)
        data_dir = args.data_dir
        if data_dir is None:
            data_dir = work / "embedded"
            embedded_store(nquads, data_dir)
        process = None
        url = args.store
        if url is None:
            sys.path.insert(0, str(ROOT / "tests"))
            from conftest_virtuoso import start_virtuoso, stop_virtuoso

            server, process = start_virtuoso(work / "virtuoso")
            bulk_load_virtuoso(server, nquads)
            url = server.sparql
        try:
            report = compare(data_dir, url, args.timeout)
        finally:
            if process is not None:
                stop_virtuoso(process)
    print(f"| query | rows embedded | rows Virtuoso | same | s embedded | s Virtuoso |\n|---|---:|---:|---|---:|---:|")
    for r in report:
        print(f"| {r['query']} | {r['rows_embedded']} | {r['rows_virtuoso']} | "
              f"{'yes' if r['same'] else 'NO' + (' (' + r['error'][:80] + ')' if r['error'] else '')} | "
              f"{r['seconds_embedded']} | {r['seconds_virtuoso']} |")
    if args.json:
        args.json.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return 0 if all(r["same"] for r in report) else 1


if __name__ == "__main__":
    sys.exit(main())
