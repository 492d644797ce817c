"""The layers, read from the source (``lint-imports`` in ``make check`` holds
the import graph itself; see pyproject.toml):

* an app imports another app's modules at the top of the file, where the
  reader (and the import contracts) see the dependency; an import inside a
  function is allowed only when something forces it, and then says so with a
  ``# late import: <why>`` comment on the line above or on the same line;
* each choice set and each role check has one home (``<app>/choices.py``,
  ``cdt/accounts/roles.py``): nobody imports it through another module.

"Another app" is another top-level package (``cases``, ``measures``...) or,
inside the ground floor, another ``cdt.<package>``.
"""

from __future__ import annotations

import ast
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
LATE = "# late import:"

#: The first-party packages: those of the installed apps (the test app aside).
PACKAGES = sorted({name.split(".")[0] for name in settings.INSTALLED_APPS if (ROOT / name.split(".")[0]).is_dir()} - {"tests"})


def _app(module: str) -> str:
    parts = module.split(".")
    return ".".join(parts[:2]) if parts[0] == "cdt" and len(parts) > 1 else parts[0]


def _module_of(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _sources(packages=PACKAGES):
    for package in packages:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def undocumented_late_imports(source: str, module: str) -> list[str]:
    """``line: statement`` for each import of another app inside a function
    without a ``# late import:`` comment."""
    lines = source.splitlines()
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for statement in ast.walk(node):
            if isinstance(statement, ast.ImportFrom) and statement.level == 0 and statement.module:
                imported = [statement.module]
            elif isinstance(statement, ast.Import):
                imported = [alias.name for alias in statement.names]
            else:
                continue
            others = [name for name in imported if name.split(".")[0] in PACKAGES and _app(name) != _app(module)]
            said = LATE in lines[statement.lineno - 1] or (statement.lineno > 1 and LATE in lines[statement.lineno - 2])
            if others and not said:
                found.append(f"{statement.lineno}: {lines[statement.lineno - 1].strip()}")
    return found


def test_the_check_sees_an_undocumented_late_import():
    """The scan below is not vacuous: it flags a function-local import from
    another app, and accepts one that says why, and one from the same app."""
    source = (
        "def f():\n    from council.models import Meeting\n\n"
        "def g():\n    # late import: a real cycle\n    from council.models import Meeting\n\n"
        "def h():\n    from cases.models import Case\n"
    )
    assert undocumented_late_imports(source, "cases.views") == ["2: from council.models import Meeting"]


def test_no_undocumented_function_local_import_between_apps():
    found = {
        str(path.relative_to(ROOT)): late for path in _sources() if (late := undocumented_late_imports(path.read_text(), _module_of(path)))
    }
    assert not found, (
        "Import other apps at the top of the module; if a real cycle forbids it, break the cycle "
        f"or say why on the line above with '{LATE} <why>': {found}"
    )


def _defined(tree: ast.Module) -> set[str]:
    names = set()
    for node in tree.body:
        if isinstance(node, ast.ClassDef | ast.FunctionDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names |= {target.id for target in node.targets if isinstance(target, ast.Name)}
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
    return names


def test_choices_and_role_checks_are_imported_from_their_home():
    homes = [ROOT / "cdt" / "accounts" / "roles.py", *sorted(ROOT.glob("*/choices.py"))]
    home_of = {name: _module_of(path) for path in homes for name in _defined(ast.parse(path.read_text()))}
    assert {"is_chair", "is_secretariat", "NoteStatus", "DeliberationStatus"} <= home_of.keys()
    defined_in: dict[str, set[str]] = {}

    def defines(module: str, name: str) -> bool:
        if module not in defined_in:
            candidates = [ROOT / f"{module.replace('.', '/')}.py", ROOT / module.replace(".", "/") / "__init__.py"]
            defined_in[module] = next((_defined(ast.parse(c.read_text())) for c in candidates if c.is_file()), set())
        return name in defined_in[module]

    found = []
    for path in [*_sources(), *_sources(["tests", "bench"])]:
        module = _module_of(path)
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.ImportFrom):
                continue
            if node.level:
                base = module.split(".")[: len(module.split(".")) - node.level + (path.name == "__init__.py")]
                source = ".".join([*base, node.module] if node.module else base)
            else:
                source = node.module or ""
            for alias in node.names:
                home = home_of.get(alias.name)
                first_party = source.split(".")[0] in [*PACKAGES, "tests", "bench"]
                if home and first_party and source != home and not defines(source, alias.name):
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {alias.name} from {source}, not {home}")
    assert not found, found
