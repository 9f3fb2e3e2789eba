"""The shape of the installed package: its import graph and who touches the store's files.

Checked on the source of the *installed* modules (AST, not text): every ``import`` and
``from … import`` anywhere in a module, at the top or inside a function, counts.

- no cycle between modules (state apart from routes: a blueprint imports state, never
  the module that registers it);
- no package imports a private name (``_x``) of another package;
- no module outside ``budgetkg.store`` opens or writes the store's files (the database,
  its version and lock files, the load journal, the dumps).
"""

from __future__ import annotations

import ast
import importlib.util
import pkgutil
from dataclasses import dataclass
from pathlib import Path

ROOT = "budgetkg"


@dataclass(frozen=True)
class Module:
    name: str
    path: Path
    is_package: bool

    @property
    def package(self) -> str:
        return self.name if self.is_package else self.name.rpartition(".")[0]

    def tree(self) -> ast.Module:
        return ast.parse(self.path.read_text(encoding="utf-8"), str(self.path))


def installed_modules() -> dict[str, Module]:
    """Every module of the installed ``budgetkg`` package, by dotted name.

    Found from the package down and along the imports, so that subpackages mapped from
    other folders (``budgetkg.loader`` is ``loader/``; an editable install keeps them
    apart) are walked too."""
    out: dict[str, Module] = {}
    todo = [ROOT]
    while todo:
        name = todo.pop()
        if name in out:
            continue
        try:
            spec = importlib.util.find_spec(name)
        except (ImportError, ValueError):
            spec = None
        if spec is None or spec.origin is None or not spec.origin.endswith(".py"):
            continue
        mod = Module(name, Path(spec.origin), spec.submodule_search_locations is not None)
        out[name] = mod
        if mod.is_package:
            todo.extend(info.name for info in pkgutil.iter_modules(spec.submodule_search_locations, name + "."))
        for target, imported in imports_of(mod, out):
            todo.append(target)
            if imported:
                todo.append(f"{target}.{imported}")
    return out


def imports_of(module: Module, known: dict[str, Module]) -> list[tuple[str, str | None]]:
    """``(imported module, imported name or None)`` for every import in ``module``."""
    out: list[tuple[str, str | None]] = []
    for node in ast.walk(module.tree()):
        if isinstance(node, ast.Import):
            out.extend((alias.name, None) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            for alias in node.names:
                sub = f"{target}.{alias.name}"
                if sub in known:  # `from pkg import module`
                    out.append((sub, None))
                else:
                    out.append((target, alias.name))
    return [(m, n) for m, n in out if m == ROOT or m.startswith(ROOT + ".")]


def import_graph(modules: dict[str, Module]) -> dict[str, set[str]]:
    return {name: {m for m, _ in imports_of(mod, modules) if m in modules and m != name}
            for name, mod in modules.items()}


def find_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []
    counter = 0

    def visit(v: str) -> None:
        nonlocal counter
        index[v] = low[v] = counter
        counter += 1
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return cycles


def test_the_walk_sees_every_stage():
    modules = installed_modules()
    for stage in ("budgetkg.loader.reader", "budgetkg.store.base", "budgetkg.store.remote",
                  "budgetkg.service.app", "budgetkg.queries.catalog", "budgetkg.pipeline"):
        assert stage in modules
    assert len(modules) > 60


def test_no_import_cycle_between_modules():
    assert find_cycles(import_graph(installed_modules())) == []


def test_the_cycle_finder_finds_a_cycle():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert find_cycles(graph) == [["a", "b", "c"]]


def test_no_package_imports_a_private_name_of_another():
    modules = installed_modules()
    bad = []
    for name, mod in modules.items():
        for target, imported in imports_of(mod, modules):
            owner = modules.get(target)
            other_package = owner is not None and owner.package != mod.package
            private_module = any(part.startswith("_") and part != "__init__" for part in target.split("."))
            if other_package and ((imported or "").startswith("_") or private_module):
                bad.append(f"{name} imports {target}.{imported}")
    assert bad == []


#: Names of the store's files and folders (``budgetkg.store.oxigraph``, ``journal``, ``dumps``).
STORE_FILES = ("oxigraph", "version", "budgetkg.lock", "documents.json", "documents.log", "journal.json", "dumps",
               "budgetkg.nq.gz")
FILE_CALLS = {"open", "read_text", "read_bytes", "write_text", "write_bytes", "unlink", "rmtree", "mkdir",
              "is_dir", "exists", "is_file", "replace", "rename", "remove", "glob", "stat", "Store", "read_only"}


def store_file_touches(module: Module) -> list[str]:
    """Lines where ``module`` names one of the store's files in a call that opens, probes
    or changes a path (``folder / "oxigraph"``, ``open(… "journal.json")``, …)."""
    found = []
    for node in ast.walk(module.tree()):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
        if name not in FILE_CALLS:
            continue
        for part in ast.walk(node):
            if isinstance(part, ast.Constant) and part.value in STORE_FILES:
                found.append(f"{module.name}:{node.lineno}: {ast.unparse(node)[:100]}")
                break
    return found


def test_only_the_store_package_touches_the_store_files():
    modules = installed_modules()
    outside = [hit for name, mod in modules.items() if not name.startswith("budgetkg.store")
               for hit in store_file_touches(mod)]
    assert outside == []
    inside = [hit for name, mod in modules.items() if name.startswith("budgetkg.store")
              for hit in store_file_touches(mod)]
    assert inside == []  # the store names its files once, as constants ...
    constants = {node.value for name, mod in modules.items() if name.startswith("budgetkg.store")
                 for node in ast.walk(mod.tree()) if isinstance(node, ast.Constant)}
    assert set(STORE_FILES) <= constants  # ... all of them in budgetkg.store


def test_the_file_check_sees_a_folder_probe(tmp_path):
    probe = tmp_path / "probe.py"
    probe.write_text('from pathlib import Path\n\ndef f(d):\n    return (Path(d) / "oxigraph").is_dir()\n')
    assert store_file_touches(Module("x.probe", probe, False)) == [
        'x.probe:4: (Path(d) / \'oxigraph\').is_dir()']


BACKENDS = {"OxigraphStore", "RemoteStore", "SparqlTransport", "FolderLock"}
BACKEND_MODULES = {f"budgetkg.store.{m}" for m in ("oxigraph", "remote", "transport", "staging", "virtuoso")}
#: The SPARQL client set-up, shared with the API and `budgetkg query` (one home for it).
SHARED = {("budgetkg.store.transport", "sparql_client")}


def test_backends_are_chosen_only_by_open_store():
    """A new storage backend touches only budgetkg.store: outside it, code opens a store
    with ``open_store(settings)`` and talks to the ``Store`` interface, never to a
    backend class or module."""
    modules = installed_modules()
    outside = [f"{name} imports {target}.{imported}"
               for name, mod in modules.items() if not name.startswith("budgetkg.store")
               for target, imported in imports_of(mod, modules)
               if (target, imported) not in SHARED and (imported in BACKENDS or target in BACKEND_MODULES)]
    assert outside == []
