"""The banner every page shows while the store holds synthetic (generated) documents.

A generated document says so in its header block; the loader turns that into
``bkg:synthetic true`` on the document (``loader/rdf.py``). Pages ask the store once per
data version which documents those are, and ``layout.html`` prints the banner.
"""

from __future__ import annotations

from typing import Any

from .querying import select_py
from .state import get_state
from .web_state import get_web

SYNTHETIC_DOCUMENTS = """
SELECT ?year ?file WHERE { ?d bkg:synthetic true ; bkg:fiscalYear ?year . OPTIONAL { ?d bkg:fileName ?file } }
ORDER BY ?year ?file"""


def synthetic_documents() -> list[dict[str, Any]]:
    """``[{"year", "file"}]`` of the store's synthetic documents (cached per data version)."""
    state = get_state()
    return get_web().cached("synthetic-documents", lambda: select_py(state, SYNTHETIC_DOCUMENTS))


def banner_context() -> dict[str, Any]:
    """Template context: ``synthetic_documents`` for the layout's banner."""
    try:
        return {"synthetic_documents": synthetic_documents()}
    except Exception:  # noqa: BLE001  (an unreachable store must not break the error pages)
        return {"synthetic_documents": []}
