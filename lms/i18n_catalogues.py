"""Developer tool behind ``lms translations update``: one catalogue per domain and plugin.

Each catalogue folder gets the texts of its own code and templates, so domains and plugins keep
their translations beside them (as plugins must) and the core catalogue stays the core's.
"""
from __future__ import annotations

import copy
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None, "N_": None}
# The shared question fields and the storage service have no catalogue of their own: the core's.
CORE_PACKAGES = ("auth", "admin", "portal", "question_fields", "storage")
CORE_TEMPLATES = ("base.html", "_macros", "auth", "admin", "portal", "errors", "question_fields")
# Domains whose pages live in template folders of other names.
EXTRA_TEMPLATE_FOLDERS = {"sso": ("sso", "embed"), "api": ("api",), "webhooks": ("webhooks",)}


def catalogue_sources() -> dict[Path, list[tuple[Path, str]]]:
    """Catalogue folder → (file or folder, extraction method) pairs it is built from."""
    sources: dict[Path, list[tuple[Path, str]]] = {}
    core = ROOT / "lms" / "translations"
    sources[core] = [(path, "python") for path in (ROOT / "lms").glob("*.py")]
    sources[core] += [(ROOT / "lms" / name, "python") for name in CORE_PACKAGES]
    sources[core] += [(ROOT / "templates" / name, "jinja2") for name in CORE_TEMPLATES]
    for folder in sorted((ROOT / "lms").glob("*/translations")):
        domain = folder.parent.name
        templates = EXTRA_TEMPLATE_FOLDERS.get(domain, (domain,))
        sources[folder] = [(folder.parent, "python")] + [(ROOT / "templates" / t, "jinja2") for t in templates]
    for folder in sorted((ROOT / "plugins").glob("*/translations")):
        sources[folder] = [(folder.parent, "python"), (folder.parent / "templates", "jinja2")]
    return sources


def extract(paths: list[tuple[Path, str]]) -> Catalog:
    template = Catalog()
    for path, method in paths:
        if not path.exists():
            continue
        if path.is_file():
            entries = _extract_file(path, method)
        else:
            pattern = "**.py" if method == "python" else "**.html"
            entries = ((path / name, lineno, message, comments, context) for name, lineno, message, comments, context
                       in extract_from_dir(str(path), method_map=[(pattern, method)], keywords=KEYWORDS))
        for filename, lineno, message, comments, context in entries:
            if "/tests/" in str(filename) or "/translations/" in str(filename):
                continue
            template.add(message, None, [(str(Path(filename).relative_to(ROOT)), lineno)],
                         auto_comments=comments, context=context)
    return template


def _extract_file(path: Path, method: str):
    from babel.messages.extract import extract_from_file

    for lineno, message, comments, context in extract_from_file(method, str(path), keywords=KEYWORDS):
        yield path, lineno, message, comments, context


def known_translations(sources) -> dict[tuple[str, object], object]:
    """Every translation in any catalogue, by (locale, msgid)."""
    known = {}
    for folder in sources:
        for po_path in folder.glob("*/LC_MESSAGES/messages.po"):
            locale = po_path.parent.parent.name
            with po_path.open("rb") as po_file:
                for message in read_po(po_file, locale=locale):
                    if message.id and message.string:
                        known.setdefault((locale, message.id), message.string)
    return known


def update_catalogues() -> dict[Path, int]:
    """Merge new texts into every ``<locale>/LC_MESSAGES/messages.po``.

    Returns, per catalogue, how many of its texts have a Russian translation in no catalogue
    (the catalogues are merged at run time, so a text the core translates is covered).
    """
    untranslated = {}
    ru_catalogues = {}
    sources = catalogue_sources()
    known = known_translations(sources)
    for folder, paths in sources.items():
        template = extract(paths)
        for locale in ("ru", "en"):
            po_path = folder / locale / "LC_MESSAGES" / "messages.po"
            if po_path.exists():
                with po_path.open("rb") as po_file:
                    catalog = read_po(po_file, locale=locale)
            else:
                po_path.parent.mkdir(parents=True, exist_ok=True)
                catalog = Catalog(locale=locale)
            # A copy per locale: update() adds the template's new Message objects themselves, so the
            # Russian catalogue's filled-in strings would otherwise land in the English one too.
            catalog.update(copy.deepcopy(template), no_fuzzy_matching=True)
            # Nothing is dropped: many texts are plain strings in tables (error messages, token
            # problems) translated where they are shown, so the extractor never sees them; a text
            # that is really gone is deleted by hand.
            for message in list(catalog.obsolete.values()):
                catalog[message.id] = message
            catalog.obsolete.clear()
            for message in catalog:  # a text that moved from one catalogue to another keeps its translation
                if message.id and not message.string and (locale, message.id) in known:
                    message.string = known[locale, message.id]
            with po_path.open("wb") as po_file:
                write_po(po_file, catalog, width=100, no_location=True, sort_output=True, ignore_obsolete=True)
            if locale == "ru":
                ru_catalogues[folder] = catalog
    translated = {m.id for c in ru_catalogues.values() for m in c if m.id and m.string}
    for folder, catalog in ru_catalogues.items():
        untranslated[folder] = sum(1 for m in catalog if m.id and not m.string and m.id not in translated)
    return untranslated
