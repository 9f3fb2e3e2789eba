"""The SPARQL 1.1 Service Description answered to a GET without a query."""

from __future__ import annotations

from collections.abc import Sequence

import pyoxigraph as ox

from budgetkg.loader import namespaces

from .formats import GRAPH_FORMATS, RESULT_FORMATS

SD = str(namespaces.SD)
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
RDFS_COMMENT = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#comment")
DCT_TITLE = ox.NamedNode("http://purl.org/dc/terms/title")
ENTAILMENT_SIMPLE = ox.NamedNode("http://www.w3.org/ns/entailment/Simple")
PREFIXES = namespaces.prefixes("sd", "rdfs", "dcterms", "formats")


def _sd(term: str) -> ox.NamedNode:
    return ox.NamedNode(SD + term)


def service_description(
    endpoint: str,
    graphs: Sequence[str],
    *,
    query_timeout: float,
    max_rows: int,
) -> list[ox.Triple]:
    """Triples describing the endpoint at ``endpoint`` over named graphs ``graphs``."""
    service, dataset, default_graph = ox.BlankNode("service"), ox.BlankNode("dataset"), ox.BlankNode("default")
    t = ox.Triple
    triples = [
        t(service, RDF_TYPE, _sd("Service")),
        t(service, DCT_TITLE, ox.Literal("budgetkg SPARQL endpoint", language="en")),
        t(service, _sd("endpoint"), ox.NamedNode(endpoint)),
        t(service, _sd("supportedLanguage"), _sd("SPARQL11Query")),
        t(service, _sd("feature"), _sd("UnionDefaultGraph")),
        t(service, _sd("defaultEntailmentRegime"), ENTAILMENT_SIMPLE),
        t(service, RDFS_COMMENT, ox.Literal(
            "Read-only: SPARQL Update and SERVICE are refused; FROM and the dataset "
            "parameters only select graphs held here, nothing is fetched. "
            f"Queries stop after {query_timeout:g} s; results are cut at {max_rows} rows.",
            language="en",
        )),
        t(service, _sd("defaultDataset"), dataset),
        t(dataset, RDF_TYPE, _sd("Dataset")),
        t(dataset, _sd("defaultGraph"), default_graph),
        t(default_graph, RDF_TYPE, _sd("Graph")),
        t(default_graph, RDFS_COMMENT, ox.Literal(
            "The union of all named graphs (one per loaded document, plus the ontology).",
            language="en",
        )),
    ]
    for fmt in RESULT_FORMATS + GRAPH_FORMATS:
        triples.append(t(service, _sd("resultFormat"), ox.NamedNode(fmt.w3c_iri)))
    for i, iri in enumerate(graphs):
        node = ox.BlankNode(f"graph{i}")
        triples += [
            t(dataset, _sd("namedGraph"), node),
            t(node, RDF_TYPE, _sd("NamedGraph")),
            t(node, _sd("name"), ox.NamedNode(iri)),
        ]
    return triples
