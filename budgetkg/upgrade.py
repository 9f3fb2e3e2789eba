"""Documents loaded by older code get this code's load-time summaries, from their own triples.

A store's documents carry the summaries of the code that loaded them
(``bkg:summaryVersion``, docs/summaries.md); the library's queries refuse a store whose
documents lack this code's (409). The summaries are derived from a document's graph
alone, so the store can bring them up to date without the source files: each stale graph
is read back, its summaries derived afresh (``loader.summaries.complete``, as every
write of a graph does) and the difference written in one transaction.
A crash between two graphs leaves each of them wholly old or wholly new, and the next
run carries on with the ones still stale.

``budgetkg load`` does this first (a store's documents are checked by their summary
version: milliseconds at 10M triples), ``budgetkg upgrade`` on its own (``thorough``: also
tables in graphs without a document, as hand-made RDF loaded by code before 0.4.0 has).
"""

from __future__ import annotations

from collections.abc import Callable

import pyoxigraph as ox

from budgetkg.loader.namespaces import BKG, SUMMARY_VERSION
from budgetkg.store import Store

__all__ = ["stale_graphs", "upgrade"]

# The graphs whose document does not state this code's summary version.
_STALE_DOCUMENTS = f"""SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{
  ?d a <{BKG.SourceDocument}> FILTER NOT EXISTS {{ ?d <{BKG.summaryVersion}> "{SUMMARY_VERSION}" }}
}} }}"""

# ... and those with a table or a cost total lacking a summary of its own (what
# queries.catalog.SUMMARIES_QUERY counts, per graph).
_STALE_ANY = f"""SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{
  {{ ?d a <{BKG.SourceDocument}> FILTER NOT EXISTS {{ ?d <{BKG.summaryVersion}> "{SUMMARY_VERSION}" }} }}
  UNION {{ ?t <{BKG.isCarryover}> ?c FILTER NOT EXISTS {{ ?t <{BKG.tableRole}> ?x }} }}
  UNION {{ ?t <{BKG.isCarryover}> ?c FILTER NOT EXISTS {{ ?t <{BKG.indicatorCount}> ?x }} }}
  UNION {{ ?t <{BKG.isCarryover}> ?c FILTER NOT EXISTS {{ ?t <{BKG.tableYear}> ?x }} }}
  UNION {{ ?t <{BKG.costIndicatorTotal}> ?c FILTER NOT EXISTS {{ ?t <{BKG.costMismatch}> ?x }} }}
}} }}"""


def stale_graphs(store: Store, *, thorough: bool = False) -> list[str]:
    """The named graphs whose summaries are not this code's, sorted.

    By default the graphs of documents that do not state this code's summary version
    (every graph the loader writes has a document: ~5 ms at 10M triples); ``thorough``
    also finds tables without their summaries in any graph (~1 s at 10M)."""
    # (the default dataset: its named graphs are the documents' on every backend)
    rows = store.query(_STALE_ANY if thorough else _STALE_DOCUMENTS)
    return sorted(row["g"].value for row in rows)  # type: ignore[union-attr]


def upgrade(store: Store, graphs: list[str], *, on_graph: Callable[[str, int], None] | None = None) -> int:
    """Bring the summaries of each of ``graphs`` up to date, each graph atomically; the
    number of summary triples written. ``on_graph(graph, triples)`` follows each one.

    Only what changed is written (``Store.patch_graph``): the summaries a graph lacks
    added, stale ones removed. An on-disk store's dump loses its member of each graph
    before the graph changes (a document's member is known by its file's hash, which has
    not changed), and a document's new member is made from the triples in hand once the
    graph has changed (as the loader makes it): a crash in between leaves the member to
    the next ``refresh_dump``, which makes it from the store. Raises ``StoreError``,
    OSError."""
    from budgetkg.loader.summaries import complete
    from budgetkg.store.dumps import add_member, document_token, forget_member, member_of
    from budgetkg.store.journal import LoadJournal

    folder = getattr(store, "folder", None)  # an on-disk store keeps a dump there
    tokens = {} if folder is None else {e.graph: document_token(e.sha256)
                                        for e in LoadJournal.of(store).entries.values()}
    written = 0
    for graph in graphs:
        triples = [quad.triple for quad in store.graph_quads(graph)]
        now = set(triples)
        derived = complete(triples)
        remove = list(now - set(derived))
        add = [t for t in derived if t not in now]
        if folder is not None:
            forget_member(folder, graph)
        store.patch_graph(graph, remove, add)
        token = tokens.get(graph)
        # (a blank node's label in the store is not the one in hand)
        if token is not None and not any(isinstance(term, ox.BlankNode) for t in derived for term in t):
            add_member(folder, graph, token, *member_of(ox.serialize(derived, format=ox.RdfFormat.N_TRIPLES), graph))
        written += len(add)
        if on_graph is not None:
            on_graph(graph, len(add))
    return written
