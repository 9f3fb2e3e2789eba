"""The ontology and concept schemes into their named graph of a store.

Light on purpose (pyoxigraph, no rdflib, no converter): ``budgetkg load`` runs it in
the thread that opens the store, while the loader's modules are imported
(``budgetkg.commands.load``). ``budgetkg.pipeline.load_ontology`` is its public face.
"""

from __future__ import annotations

import hashlib
import re
import time
from dataclasses import dataclass
from importlib import resources

from budgetkg.ontology import ONTOLOGY_FILES
from budgetkg.store.base import N_TRIPLES, Store
from budgetkg.store.journal import LoadJournal


@dataclass(frozen=True)
class OntologyLoad:
    graph: str
    sha256: str  # of the Turtle files
    triples: int
    action: str  # "loaded" or "unchanged"
    seconds: float


def graph_name(base: str) -> str:
    """The ontology graph's IRI (``loader.iris.ontology_graph_iri``, as a string)."""
    if not re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", base) or not base.endswith(("/", "#")):
        raise ValueError(f"base IRI must be absolute and end with '/' or '#': {base!r}")
    return f"{base}graph/ontology"


def load(store: Store, *, base: str) -> OntologyLoad:
    """(Re)load the graph from the package's Turtle files, parsed by the store's engine.
    Whether they changed is told by their bytes, so an unchanged ontology costs a hash.
    Raises ``StoreError``, ValueError (the files do not parse)."""
    import pyoxigraph as ox

    started = time.perf_counter()
    name = graph_name(base)
    pkg = resources.files("budgetkg.ontology")
    files = [(f, (pkg / f).read_bytes()) for f in ONTOLOGY_FILES]
    digest = hashlib.sha256(b"ontology turtle files 1\0")
    for f, data in files:
        digest.update(f.encode("utf-8") + b"\0" + hashlib.sha256(data).digest())
    sha = digest.hexdigest()
    journal = LoadJournal.of(store)
    if journal.graph_hashes.get(name) == sha and store.has_graph(name):
        # Unchanged: leave the store (and its version, hence caches and dumps) alone.
        count = store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{name}> {{ ?s ?p ?o }} }}",
                            default_graph_union=False)
        return OntologyLoad(name, sha, int(next(iter(count))["n"].value), "unchanged",  # type: ignore[index]
                            time.perf_counter() - started)
    try:
        # (rdflib's base for each file was file:///NAME: the same relative IRIs)
        triples = [q.triple for f, data in files
                   for q in ox.parse(data, format=ox.RdfFormat.TURTLE, base_iri=f"file:///{f}")]
    except SyntaxError as exc:
        raise ValueError(f"the package's ontology does not parse: {exc}") from None
    data = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
    if store.has_graph(name):
        count = store.replace_graph(name, data, N_TRIPLES)
    else:
        # Absent (a new store): the bulk loader, as documents go in. Not atomic, but the
        # hash is recorded only once it is complete, so a graph cut short by a crash is
        # replaced whole at the next load. (A SPARQL update would leave it in RocksDB's
        # memtables, which the first document's bulk load then has to flush.) What
        # replace_graph would write: the ontology has no tables, hence no load-time
        # summaries (tests/test_pipeline.py checks it).
        store.add_graph_bulk(name, data, N_TRIPLES)
        count = len(triples)  # (as replace_graph counts)
    journal.record_graph(name, sha)
    return OntologyLoad(name, sha, count, "loaded", time.perf_counter() - started)
