"""Every text in the code and templates has a Russian translation: Russian is the default."""
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
# N_ marks a text for translation without translating it (pure modules that run without an app).
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None, "N_": None}


def extracted_ids() -> set[str]:
    method_map = [("lms/**.py", "python"), ("templates/**.html", "jinja2"),
                  ("plugins/**/templates/**.html", "jinja2"), ("plugins/**.py", "python")]
    ids = set()
    for _filename, _lineno, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map=method_map, keywords=KEYWORDS
    ):
        ids.add(message if isinstance(message, str) else message[0])
    return ids


def russian_catalogues():
    """The core catalogue and every domain's or plugin's own (``<pkg>/translations/ru/...``)."""
    yield from ROOT.glob("lms/translations/ru/LC_MESSAGES/messages.po")
    yield from ROOT.glob("lms/*/translations/ru/LC_MESSAGES/messages.po")
    yield from ROOT.glob("plugins/*/translations/ru/LC_MESSAGES/messages.po")


def test_every_text_has_a_russian_translation():
    translated = set()
    for path in russian_catalogues():
        with open(path, "rb") as po:
            catalog = read_po(po, locale="ru")
        translated |= {
            (m.id if isinstance(m.id, str) else m.id[0])
            for m in catalog
            if m.id and m.string and "fuzzy" not in m.flags
        }
    missing = sorted(extracted_ids() - translated)
    assert missing == [], "run `lms translations update` and translate: " + "; ".join(missing)


def test_english_catalogues_hold_no_russian():
    """An English catalogue entry in Russian shows Russian in the English interface (issue 25: the
    reports catalogue translated "Dealer", "Region", "Tier", "Name", "Role", "Tax ID" into Russian)."""
    import re

    russian = []
    for path in ROOT.glob("**/translations/en/LC_MESSAGES/messages.po"):
        with open(path, "rb") as po:
            catalog = read_po(po, locale="en")
        strings = (m.string if isinstance(m.string, tuple) else (m.string,) for m in catalog if m.id)
        russian += [f"{path.relative_to(ROOT)}: {text}" for texts in strings for text in texts
                    if text and re.search("[А-Яа-яЁё]", text)]
    assert russian == []



# One English text may honestly need two Russian ones: gender and number agree with what is meant.
CONTEXT_DEPENDENT = {
    "Published": "a course is «Опубликован», a survey «Опубликована»",
    "Delivered": "a webhook's delivery is «Доставлено», a leaflet order «Доставлен»",
    "Item": "a SCORM package's item is a «Раздел», a quiz's «Элемент»",
    "Kind": "a notification's «Вид», a lesson's «Тип»",
    "Remove": "«Убрать» takes a question out of a quiz, «Удалить» deletes a survey question",
    "Search": "«Найти» is a button, «Поиск» a field's label",
    "Audience": "«Кому адресовано» on a survey, «Аудитория» on an assignment",
    "Order": "a poll's questions in «Порядок», a leaflet «Заказ»",
}


def test_one_text_reads_the_same_in_every_catalogue():
    """Domains keep their own catalogues, so one term could drift: «Учебные программы» on one page
    and «Траектории обучения» on the next for the same learning paths."""
    renderings: dict[str, dict[str, str]] = {}
    for path in russian_catalogues():
        with open(path, "rb") as po:
            catalog = read_po(po, locale="ru")
        for m in catalog:
            if m.id and m.string and isinstance(m.id, str):
                renderings.setdefault(m.id, {})[str(path.relative_to(ROOT).parents[2])] = m.string
    drifted = {text: where for text, where in renderings.items()
               if len(set(where.values())) > 1 and text not in CONTEXT_DEPENDENT}
    assert drifted == {}, "translate alike, or say why in CONTEXT_DEPENDENT"
