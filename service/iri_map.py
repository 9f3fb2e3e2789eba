"""Where the dataset's IRIs live on this service.

The loader mints IRIs under the base IRI (``https://budgetkg.example.org/id/`` by
default) and the ontology lives under the permanent ``https://w3id.org/budgetkg/def/``
(``DEF``). The service serves an instance IRI at the same *path* on its own address,
whatever the host of the IRI: ``https://budgetkg.example.org/id/department/303`` is
served at ``/id/department/303``. The vocabulary is documented locally at ``/def/``
(``DEF_PATH``): w3id.org redirects its terms to wherever the documentation is
published (``docs/w3id/.htaccess``), so its path on w3id.org means nothing here. Deployed at the base IRI's own host, the IRI and the URL are
the same; anywhere else (``http://127.0.0.1:5000``) the path still finds it. Any other
IRI (including one under a ``#`` base, which cannot be dereferenced by path) is
served at ``/resource?iri=…``.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, urlsplit

from budgetkg.loader.namespaces import DEF

#: Where this service (and a static site) documents the vocabulary's terms.
DEF_PATH = "/def/"
from budgetkg.loader.rdf_files import RDF_FILES

#: Extensions that pick a format for a dereferenced IRI (the IRIs themselves never end so).
EXTENSIONS: dict[str, str] = {
    ".html": "html",
    **{f.extension: f.service_format for f in RDF_FILES if f.service_format},
}
FORMAT_EXTENSIONS: dict[str, str] = {name: ext for ext, name in EXTENSIONS.items()}

#: File name of a namespace's own documents (``/def/index.ttl``).
INDEX = "index"

# Characters left as they are when an IRI path is put into a URL (RFC 3986 pchar + /).
_PATH_SAFE = "/:@!$&'()*+,;=-._~"


@dataclass(frozen=True)
class Namespace:
    iri: str  # e.g. https://budgetkg.example.org/id/
    path: str  # e.g. /id/


class IriMapper:
    """Maps IRIs under the served namespaces to service paths and back."""

    def __init__(self, base_iri: str, extra: tuple[tuple[str, str], ...] = ((DEF, DEF_PATH),)) -> None:
        spaces = [Namespace(iri, path) for iri, path in extra]
        parts = urlsplit(base_iri)
        # fragment IRIs (…#) cannot be served by path: only /resource?iri=
        if not base_iri.endswith("#") and parts.scheme and parts.path.startswith("/"):
            spaces.append(Namespace(base_iri, parts.path))
        # Longest path first, so /id/ wins over / when both are served.
        self.namespaces = tuple(sorted(spaces, key=lambda n: len(n.path), reverse=True))
        self.base_iri = base_iri

    def route_prefixes(self) -> list[str]:
        """The URL paths under which resources are served (distinct, longest first)."""
        seen: list[str] = []
        for ns in self.namespaces:
            if ns.path not in seen:
                seen.append(ns.path)
        return seen

    def iri_for_path(self, path: str) -> str | None:
        """The IRI served at URL ``path`` (decoded), or None."""
        for ns in self.namespaces:
            if path.startswith(ns.path):
                return ns.iri + quote(path[len(ns.path):], safe=_PATH_SAFE)
        return None

    def path_for_iri(self, iri: str) -> str | None:
        """The service path of ``iri`` when it is under a served namespace."""
        for ns in self.namespaces:
            if iri.startswith(ns.iri):
                rest = iri[len(ns.iri):]
                if "#" in rest or "?" in rest:
                    return None
                return ns.path + rest
        return None

    def local_url(self, iri: str) -> str:
        """Where a page links to show ``iri``: its path, or ``/resource?iri=``."""
        path = self.path_for_iri(iri)
        if path is not None:
            return path
        return "/resource?iri=" + quote(iri, safe="")

    def is_local(self, iri: str) -> bool:
        return any(iri.startswith(ns.iri) for ns in self.namespaces) or iri.startswith(self.base_iri)


def split_extension(path: str) -> tuple[str, str | None]:
    """``/id/x.ttl`` -> (``/id/x``, ``turtle``); no known extension -> (path, None).

    A namespace's own documents are ``/def/index.ttl`` (``/def/.ttl`` is also read), so a
    static site can hold them as files."""
    for ext, name in EXTENSIONS.items():
        if path.endswith(ext) and len(path) > len(ext):
            stem = path[: -len(ext)]
            if stem.endswith("/" + INDEX):
                stem = stem[: -len(INDEX)]
            return stem, name
    return path, None


def document_path(path: str, extension: str) -> str:
    """The path of the document describing the resource at ``path`` with ``extension``
    (``.ttl``): ``/id/x.ttl``, ``/def/index.ttl``."""
    return path + (INDEX if path.endswith("/") else "") + extension
