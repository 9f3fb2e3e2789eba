"""The installed package carries every module and data file of the checkout.

CI installs the project as a wheel (not editable), so these checks fail there when a
folder is missing from ``packages`` or a data file from ``package-data``.
"""

from __future__ import annotations

import importlib
import importlib.resources
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# Checkout folder -> import name, as pyproject's package-dir maps them.
FOLDERS = {
    "budgetkg": "budgetkg",
    "loader": "budgetkg.loader",
    "ontology": "budgetkg.ontology",
    "service": "budgetkg.service",
    "queries": "budgetkg.queries",
}


def _modules():
    for folder, package in FOLDERS.items():
        for path in sorted((ROOT / folder).rglob("*.py")):
            parts = path.relative_to(ROOT / folder).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            yield ".".join((package, *parts))


@pytest.mark.parametrize("name", list(_modules()))
def test_every_module_is_installed(name):
    importlib.import_module(name)


def _installed_files(node, prefix=""):
    """Every file under an installed package folder, as paths relative to it."""
    for child in node.iterdir():
        if child.is_dir():
            yield from _installed_files(child, f"{prefix}{child.name}/")
        elif child.is_file():
            yield f"{prefix}{child.name}"


@pytest.mark.parametrize("package,pattern", [
    ("budgetkg.ontology", "*.ttl"),
    ("budgetkg.queries", "*.rq"),
    ("budgetkg.data", "*.txt"),
])
def test_every_data_file_is_installed(package, pattern):
    """Subfolders included (queries/statistics/ holds the texts that compute statistics)."""
    folder = ROOT / {"budgetkg.data": "budgetkg/data"}.get(package, package.split(".")[-1])
    expected = {p.relative_to(folder).as_posix() for p in folder.rglob(pattern)}
    installed = set(_installed_files(importlib.resources.files(package)))
    assert expected and expected <= installed, sorted(expected - installed)


@pytest.mark.parametrize("folder", ["templates", "static"])
def test_every_web_file_is_installed(folder):
    """Templates and the vendored editor (YASGUI) ship with the package: the site works offline."""
    source = ROOT / "service" / folder
    expected = {p.relative_to(source).as_posix() for p in source.rglob("*") if p.is_file()}
    installed_root = importlib.resources.files("budgetkg.service") / folder
    assert expected and expected <= set(_installed_files(installed_root))


def test_python_dash_m_runs_the_command_line():
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-P", "-m", "budgetkg", "--help"], capture_output=True, text=True, check=False)
    assert out.returncode == 0, out.stderr
    assert all(name in out.stdout for name in ("parse", "load", "validate", "serve", "query", "generate"))
