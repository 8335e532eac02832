"""The packages import downwards only: the pure core imports nothing but itself and
``errors``; the composition root (``mailbot.app``) sits below the command line and the
review pages, and those two never import each other. Read from the source, not run."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import pytest

import mailbot

pytestmark = pytest.mark.database_incidental("reads mailbot's source")

ROOT = Path(mailbot.__file__).parent

# Each package (or top-level module) of mailbot and its layer: an import may only go to a
# lower layer or within the package itself.
LAYERS: dict[str, int] = {
    "mailbot": 0,  # __init__: the version
    "errors": 0,
    "demo": 0,  # the demo's sample data, no code
    "tokens": 1,
    "logs": 1,
    "allocator": 1,  # the C allocator's settings, for every process
    "forking": 1,  # children forked from a copy of the worker made at its start
    "core": 1,
    "config": 2,
    "ports": 3,
    "i18n": 3,
    "storage": 4,
    "datasources": 5,
    "sources": 5,
    "sending": 5,
    "systemd": 5,
    "documents": 5,  # the text of attached letters (pypdf, python-docx)
    "letters": 6,  # the letters: templates, their facts, copies of the data
    "service": 7,
    "worker": 8,
    "app": 9,
    "cli": 10,
    "web": 10,
    "__main__": 11,
}


def _package(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "mailbot"


def imports() -> dict[str, set[str]]:
    """Which packages each package imports (migrations left out: they are Alembic's)."""
    found: dict[str, set[str]] = defaultdict(set)
    for path in ROOT.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        module = ".".join(path.relative_to(ROOT.parent).with_suffix("").parts)
        source = _package(module.removesuffix(".__init__"))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
                if node.module == "mailbot":  # its modules, or what __init__ holds
                    names = [f"mailbot.{alias.name}" for alias in node.names
                             if alias.name in LAYERS] or ["mailbot"]  # fmt: skip
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            else:
                continue
            for name in names:
                if name == "mailbot" or name.startswith("mailbot."):
                    target = _package(name)
                    if target != source:
                        found[source].add(target)
    return found


def test_every_package_has_a_layer() -> None:
    packages = {_package(".".join(p.relative_to(ROOT.parent).with_suffix("").parts)
                         .removesuffix(".__init__"))
                for p in ROOT.glob("*.py")} | {p.name for p in ROOT.iterdir()
                if (p / "__init__.py").exists()}  # fmt: skip
    assert sorted(packages - set(LAYERS)) == []


def test_imports_go_down_the_layers_only() -> None:
    against = sorted(
        f"{source} -> {target}"
        for source, targets in imports().items()
        for target in targets
        if LAYERS[target] >= LAYERS[source]
    )
    assert against == []


def test_the_core_imports_only_itself_and_errors() -> None:
    assert imports()["core"] <= {"errors"}


def test_the_command_line_and_the_review_pages_do_not_import_each_other() -> None:
    found = imports()
    assert "web" not in found["cli"]
    assert "cli" not in found["web"]


def _third_party(package: str) -> dict[str, set[str]]:
    """The third-party top-level modules each module of ``package`` imports."""
    found: dict[str, set[str]] = {}
    for path in (ROOT / package).rglob("*.py"):
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module.split(".")[0])
            elif isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
        found[str(path.relative_to(ROOT))] = names
    return found


def test_only_the_stores_speak_sql() -> None:
    """The services reach the database through the stores in ``storage/`` (and the
    ``Session`` it exports), never with queries of their own."""
    speaking = sorted(
        module
        for module, names in _third_party("service").items()
        if names & {"sqlmodel", "sqlalchemy"}
    )
    assert speaking == []
