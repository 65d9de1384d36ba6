"""``lms translations update`` on a copy of the project: it may add and sort, never lose or mix up.

Run on the real catalogues it once wrote Russian into English catalogues (one Message object shared
by both locales) and dropped ~150 texts the extractor cannot see (error tables translated where
they are shown), which would have shown English in the Russian interface.
"""
import re
import shutil
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]


def translations(root: Path) -> dict[tuple[str, str, str], str]:
    found = {}
    for path in root.glob("**/translations/*/LC_MESSAGES/messages.po"):
        locale = path.parent.parent.name
        with open(path, "rb") as po:
            for message in read_po(po, locale=locale):
                if message.id and message.string:
                    key = message.id if isinstance(message.id, str) else message.id[0]
                    found[(str(path.relative_to(root)), locale, key)] = str(message.string)
    return found


def test_update_keeps_every_translation_and_writes_english_in_english(tmp_path, monkeypatch):
    from lms import i18n_catalogues

    copy = tmp_path / "project"
    ignore = shutil.ignore_patterns("vendor", "__pycache__", "*.mo", "*.png", "*.pdf", "*.zip")
    for name in ("lms", "templates", "plugins"):
        shutil.copytree(ROOT / name, copy / name, ignore=ignore)
    before = translations(copy)
    monkeypatch.setattr(i18n_catalogues, "ROOT", copy)

    i18n_catalogues.update_catalogues()
    after = translations(copy)
    lost = {key: text for key, text in before.items() if after.get(key) != text}
    assert lost == {}
    russian_in_english = [key for key, text in after.items() if key[1] == "en" and re.search("[А-Яа-яЁё]", text)]
    assert russian_in_english == []

    written = {path: path.read_bytes() for path in copy.glob("**/translations/*/LC_MESSAGES/messages.po")}
    i18n_catalogues.update_catalogues()
    again = {path: path.read_bytes() for path in written}
    changed = [str(path.relative_to(copy)) for path in written
               if re.sub(rb'"POT-Creation-Date: [^"]*"', b"", written[path])
               != re.sub(rb'"POT-Creation-Date: [^"]*"', b"", again[path])]
    assert changed == []  # a second run on its own output changes nothing
