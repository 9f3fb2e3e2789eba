"""Organisation names across a document's tables (shared by every template)."""

from __future__ import annotations

from collections import Counter

from .records import Org, Project


def resolve_org_names(projects: list[Project]) -> None:
    """Unit names cut off by the PDF column: take the longest printed form of the code."""
    printed: dict[str, list[str]] = {}
    for p in projects:
        for org in (p.department, p.unit):
            if org is not None:
                printed.setdefault(org.code, []).append(org.printed_name)
    full: dict[str, str] = {}
    for code, names in printed.items():
        longest = max(names, key=len)
        full[code] = longest if all(longest.startswith(n) for n in names) else Counter(names).most_common(1)[0][0]
    for p in projects:
        if p.department is not None:
            p.department = Org(p.department.code, full[p.department.code], p.department.printed_name)
        if p.unit is not None:
            name = full[p.unit.code] if full[p.unit.code].startswith(p.unit.printed_name) else p.unit.printed_name
            p.unit = Org(p.unit.code, name, p.unit.printed_name)
