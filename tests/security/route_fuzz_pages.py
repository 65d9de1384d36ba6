"""Pages read the way a browser reads them: the URLs a page points to, and its ``<form>``s with every field
as a browser would submit it (for the route fuzzer, test_fuzz_every_route.py)."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

URL_ATTRIBUTES = {"href", "src", "action", "formaction"}
BUTTON_TYPES = {"submit", "image", "button", "reset"}


@dataclass
class Field:
    name: str
    kind: str  # the input's type, or "select" / "textarea"
    value: str = ""
    options: tuple[str, ...] = ()
    checked: bool = False


@dataclass
class Form:
    method: str
    action: str
    enctype: str
    fields: list[Field] = field(default_factory=list)

    @property
    def has_files(self) -> bool:
        return any(f.kind == "file" for f in self.fields)

    def submission(self, tick: bool = False, press: int = 0) -> list[tuple[str, str]]:
        """What a browser sends when the ``press``-th submit button is pressed (counting round), empty fields
        filled in with a plausible value as a person would (``tick``: and the first box of each group ticked)."""
        pairs, radios = [], set()
        buttons = [f for f in self.fields if f.kind in ("submit", "image")]
        for f in self.fields:
            if f.kind in BUTTON_TYPES:
                if buttons and f is buttons[press % len(buttons)]:
                    pairs.append((f.name, f.value))
            elif f.kind in ("checkbox", "radio"):
                first_of_group = (f.kind == "radio" or tick) and f.name not in radios and not any(
                    g.name == f.name and g.checked for g in self.fields)
                if f.checked or first_of_group:
                    pairs.append((f.name, f.value or "on"))
                radios.add(f.name)
            elif f.kind == "select":
                pairs.append((f.name, f.value or next((o for o in f.options if o), "")))
            elif f.kind != "file":
                pairs.append((f.name, f.value or plausible(f)))
        return pairs


def plausible(f: Field) -> str:
    hint = next((value for word, value in PLAUSIBLE_BY_NAME.items() if word in f.name.lower()), None)
    return PLAUSIBLE.get(f.kind) if f.kind in PLAUSIBLE else hint or "Fuzz"


# What a person types into an empty field of each kind.
PLAUSIBLE = {"email": "fuzz@partner.example.com", "number": "1", "url": "https://partner.example.com/",
             "date": "2026-03-01", "datetime-local": "2026-03-01T10:00", "password": "fuzz-password-123",
             "hidden": "", "tel": "+7 900 000-00-00", "range": "1", "color": "#336699", "time": "10:00"}
PLAUSIBLE_BY_NAME = {"url": "https://partner.example.com/hook", "email": "fuzz@partner.example.com",
                     "slug": "fuzz-1", "tax": "7700000099"}


class PageParser(HTMLParser):
    """The URLs a page points to and its forms, with each field as a browser would submit it."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.urls: list[str] = []
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: Field | None = None
        self._option: list | None = None
        self._textarea: Field | None = None

    def handle_starttag(self, tag, attrs):
        attrs = {k: v or "" for k, v in attrs}
        for name, value in attrs.items():
            if (name in URL_ATTRIBUTES or name.startswith("data-")) and value.startswith(("/", "http://", "https://")):
                self.urls.append(value)
        if tag == "form":
            self._form = Form(attrs.get("method", "get").upper(), attrs.get("action", ""),
                              attrs.get("enctype", "application/x-www-form-urlencoded"))
            self.forms.append(self._form)
            return
        if self._form is None or ("name" not in attrs and tag != "option"):
            if tag == "option" and self._select is not None:
                self._option_start(attrs)
            return
        if tag == "input":
            self._form.fields.append(Field(attrs["name"], attrs.get("type", "text").lower(), attrs.get("value", ""),
                                           checked="checked" in attrs))
        elif tag == "button":
            self._form.fields.append(Field(attrs["name"], attrs.get("type", "submit").lower(), attrs.get("value", "")))
        elif tag == "textarea":
            self._textarea = Field(attrs["name"], "textarea")
            self._form.fields.append(self._textarea)
        elif tag == "select":
            self._select = Field(attrs["name"], "select")
            self._form.fields.append(self._select)
        elif tag == "option" and self._select is not None:
            self._option_start(attrs)

    def _option_start(self, attrs):
        self._option = [attrs.get("value"), "", "selected" in attrs]

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea.value += data
        if self._option is not None:
            self._option[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "textarea" and self._textarea is not None:
            # A browser drops the line break right after <textarea> (WTForms writes one there).
            self._textarea.value = re.sub(r"^\r?\n", "", self._textarea.value)
            self._textarea = None
        elif tag == "select":
            self._select = None
        elif tag == "option" and self._option is not None and self._select is not None:
            value, text, selected = self._option
            value = text.strip() if value is None else value
            self._select.options += (value,)
            if selected or not self._select.value and len(self._select.options) == 1:
                self._select.value = value
            self._option = None


def parse_page(html: str) -> PageParser:
    parser = PageParser()
    parser.feed(html)
    parser.close()
    return parser


def missing_described_by(html: str) -> list[list[str]]:
    """For each ``aria-describedby`` on the page, the ids it names that no element on the page has."""
    ids = set(re.findall(r'\bid="([^"]+)"', html))
    found = ([name for name in names.split() if name not in ids]
             for names in re.findall(r'aria-describedby="([^"]*)"', html))
    return [missing for missing in found if missing]
