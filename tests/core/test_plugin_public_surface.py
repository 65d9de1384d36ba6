"""Plugins use only the core's public surface, as docs/plugins.md lists it (module and names)."""
import ast
import fnmatch
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EVERYTHING = None  # a module whose public names are all part of the surface


def public_surface() -> tuple[dict, set]:
    """docs/plugins.md's table: {module pattern: allowed names or EVERYTHING}, and the tests-only modules."""
    text = (ROOT / "docs" / "plugins.md").read_text(encoding="utf-8")
    surface, tests_only = {}, set()
    for module, names in re.findall(r"^\| `(lms[\w.*]*)` \| ([^|]+) \|", text, re.M):
        surface[module] = EVERYTHING if names.startswith("everything") else set(re.findall(r"`(\w+)`", names))
        if "tests only" in names:
            tests_only.add(module)
    return surface, tests_only


def surface_entry(module: str, surface: dict):
    """The pattern of ``surface`` that covers ``module``, or None."""
    return next((pattern for pattern in surface if fnmatch.fnmatchcase(module, pattern)), None)


def is_test_file(relative: Path) -> bool:
    return "tests" in relative.parts or relative.name.startswith(("test_", "conftest"))


def core_imports(tree: ast.AST):
    """(line, module, name or None) for every import of ``lms`` or a module under it."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == "lms" or alias.name.startswith("lms."):
                    yield node.lineno, alias.name, None
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module == "lms" or node.module.startswith("lms."):
                for alias in node.names:
                    yield node.lineno, node.module, alias.name


def refusals(path: Path, surface: dict, tests_only: set, root: Path = ROOT) -> list[str]:
    """What the plugin file at ``path`` uses of the core beyond ``surface``, one line each."""
    where = path.relative_to(root)
    allowed = {pattern: names for pattern, names in surface.items()
               if is_test_file(where) or pattern not in tests_only}
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    found = []
    for line, module, name in core_imports(tree):
        if name is not None and surface_entry(f"{module}.{name}", allowed):
            continue  # ``from lms.surveys import api``: the name is a public module
        pattern = surface_entry(module, allowed)
        if pattern is None:
            found.append(f"{where}:{line} imports {module}" if name is None else
                         f"{where}:{line} imports {name} from {module}")
        elif name is None and allowed[pattern] is not EVERYTHING:
            found.append(f"{where}:{line} imports the whole of {module}; import its public names")
        elif name is not None and allowed[pattern] is not EVERYTHING and name not in allowed[pattern]:
            found.append(f"{where}:{line} imports {name} from {module}, which is not public")
        elif name is not None and name.startswith("_"):
            found.append(f"{where}:{line} imports the private {name} from {module}")
    # In a plugin's code a core module named in a string is a lookup by name (get_plugin, import_module)
    # past the surface; tests may name core plugins, as LMS_DISABLED_PLUGINS does.
    for node in ast.walk(tree) if not is_test_file(where) else ():
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and re.fullmatch(r"lms(\.\w+)+", node.value):
            if surface_entry(node.value, allowed) is None:
                found.append(f"{where}:{node.lineno} names the core module {node.value!r}")
    return found


def plugin_sources() -> list[Path]:
    return sorted(path for path in ROOT.glob("plugins/*/**/*.py") if ".venv" not in path.parts)


def test_the_public_surface_is_documented():
    surface, tests_only = public_surface()
    assert {"lms", "lms.storage", "lms.surveys.api", "lms.testing"} <= set(surface)
    assert tests_only == {"lms.testing"}
    # Every documented module exists, so the table cannot promise what is not there.
    for pattern in surface:
        if "*" not in pattern:
            relative = Path(*pattern.split("."))
            assert (ROOT / relative).with_suffix(".py").is_file() or (ROOT / relative / "__init__.py").is_file(), pattern


def test_plugins_import_only_the_public_surface():
    surface, tests_only = public_surface()
    sources = plugin_sources()
    assert any(path.match("plugins/lms_marketing/previews.py") for path in sources)
    found = [refusal for path in sources for refusal in refusals(path, surface, tests_only)]
    assert found == []


def test_the_check_refuses_internals(tmp_path):
    surface, tests_only = public_surface()
    plugin = tmp_path / "plugins" / "lms_sample" / "services.py"
    plugin.parent.mkdir(parents=True)
    plugin.write_text(
        "from lms.courses.uploads import store_upload\n"
        "from lms.extensions import db, migrate\n"
        "from lms.surveys import api, models\n"
        "from lms.testing import csrf_token\n"
        "import lms.storage\n"
        "import lms.timeutil\n"
        "NAME = 'lms.certificates.hooks'\n"
        "from lms.courses.contracts import CourseCompletion\n", encoding="utf-8")
    assert refusals(plugin, surface, tests_only, root=tmp_path) == [
        "plugins/lms_sample/services.py:1 imports store_upload from lms.courses.uploads",
        "plugins/lms_sample/services.py:2 imports migrate from lms.extensions, which is not public",
        "plugins/lms_sample/services.py:3 imports models from lms.surveys",
        "plugins/lms_sample/services.py:4 imports csrf_token from lms.testing",
        "plugins/lms_sample/services.py:6 imports the whole of lms.timeutil; import its public names",
        "plugins/lms_sample/services.py:7 names the core module 'lms.certificates.hooks'",
    ]
