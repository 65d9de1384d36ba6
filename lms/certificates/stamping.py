"""Prepared certificate pages (issue 21): lay a course's certificate out once, then per learner only
stamp the learner's own text and QR code onto the prepared page.

WeasyPrint lays the page out with placeholder values (``_SENTINELS``); the boxes that show a
placeholder are taken out before the page is drawn, and what each one needs (position, alignment,
font, size, colour, the room it has) is kept with the drawn page. Per learner the text is drawn
in those boxes with the same font file, embedded with every Latin and Cyrillic glyph (subset once
per process), so the name stays real, searchable text; the QR code is drawn as vector squares.
Both go into the same incremental update as the signature, so the PDF is parsed and written once.

Anything the prepared page cannot show exactly as a full render would — a line that would wrap or
outgrow its box, a glyph outside the embedded fonts, a template that uses a value elsewhere than
as a line of text or the QR image — makes ``prepared_page`` or ``stamp_values`` answer None, and the
caller renders the whole page with WeasyPrint as before.
"""
from __future__ import annotations

import datetime
import functools
import io
import re
import subprocess
import threading
import zlib
from collections import OrderedDict
from dataclasses import dataclass

from lms.certificates import render, stamp_fonts
from lms.certificates.qr import QUIET_ZONE_MODULES, _make_qr



class _PlaceholderDate(render.Placeholder, datetime.date):
    pass


class _PlaceholderScore(render.Placeholder, float):
    pass


def _placeholder(kind, value, shown):
    placeholder = kind(*value) if isinstance(value, tuple) else kind(value)
    placeholder.shown = shown
    return placeholder


# Placeholder values: short words no learner has, found again in the laid-out page. Short, so that a
# table laid out around them keeps the widths its CSS asks for, as the learner's values must.
_SENTINELS = {
    "learner_name": "Lmsqxa", "dealer_name": "Lmsqxb", "serial": "Lmsqxc",
    "issued_at": _placeholder(_PlaceholderDate, (1901, 2, 3), "Lmsqxe"),
    "expires_at": _placeholder(_PlaceholderDate, (1902, 4, 5), "Lmsqxf"),
    "score": _placeholder(_PlaceholderScore, 11.1, "Lmsqxg"),
    "verify_url": "https://lmsqxd.invalid/v",
}
PER_LEARNER = tuple(_SENTINELS)
PX = 0.75  # WeasyPrint lays out in CSS px; PDF user space is in points


@dataclass(frozen=True)
class Slot:
    """One line of text that shows per-learner values: ``template`` with placeholders in it."""

    template: str
    font_path: str
    size: float  # px
    color: tuple[float, float, float]
    align: str  # left, center, right
    box_x: float
    box_width: float  # the room on the line (px); a wider text would wrap or change the layout
    baseline_y: float
    names: tuple[str, ...] = ()  # the per-learner values it shows
    in_table: bool = False  # in a table cell, where the text's own width may move the columns
    width: float = 0.0  # the laid-out text's width (px), for a page laid out with real values


@dataclass(frozen=True)
class PreparedPage:
    pdf: bytes
    page_height: float
    slots: tuple[Slot, ...]
    qr_boxes: tuple[tuple[float, float, float, float], ...]  # x, y, width, height in px
    title: str | None
    description: str | None
    labels: dict  # per-learner value name -> its placeholder as shown
    exact: frozenset = frozenset()  # values laid out as their own text: a stamp must have the same width


def _shape(context: dict) -> tuple:
    """What changes the layout beyond the values themselves: which optional values are present."""
    return tuple(context.get(name) in (None, "") for name in ("dealer_name", "expires_at", "score"))


def _shown(name: str, context: dict) -> str:
    """A value as the template's filters show it (dates and scores formatted, placeholders as words)."""
    value = context.get(name)
    if isinstance(value, render.Placeholder):
        return value.shown
    if name in ("issued_at", "expires_at"):
        return render._format_date_filter(context, value)
    if name == "score":
        return render._format_score_filter(context, value)
    return "" if value is None else str(value)


def _substitute(text: str, context: dict, labels: dict[str, str]) -> str:
    for name, shown in labels.items():
        if shown in text:
            text = text.replace(shown, _shown(name, context))
    return text


_cache: OrderedDict = OrderedDict()
_cache_lock = threading.Lock()
_CACHE_SIZE = 64


def prepared_page(template_source: str, context: dict, baked: tuple[str, ...] = (),
                  exact: tuple[str, ...] = ()) -> PreparedPage | None:
    """The laid-out page for this template, course and shape (cached per process), or None when the
    template shows a per-learner value in a way a stamp cannot reproduce.

    The values named in ``baked`` are drawn in the page as they are (``BAKEABLE``); those in
    ``exact`` are laid out as their own text, then stamped, and the page serves every learner whose
    values have the same digit pattern (digits are all as wide as each other in the fonts used, which
    ``_lines`` checks).
    """
    course_part = {k: v for k, v in context.items() if k not in PER_LEARNER and k != "qr_data_uri"}
    key = (template_source, repr(sorted(course_part.items(), key=lambda item: item[0])), _shape(context),
           tuple((name, context.get(name)) for name in baked),
           tuple((name, re.sub(r"\d", "0", _shown(name, context))) for name in exact))
    with _cache_lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    page = _prepare(template_source, context, baked, exact)
    with _cache_lock:
        _cache[key] = page
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return page


def clear_prepared_pages() -> None:
    """Forget every prepared page (for the benchmark, which times preparing one)."""
    with _cache_lock:
        _cache.clear()


def _prepare(template_source: str, context: dict, baked: tuple[str, ...], exact: tuple[str, ...]) -> PreparedPage | None:
    from weasyprint import HTML

    placeholder = dict(context)
    for name in PER_LEARNER:
        if context.get(name) not in (None, "") and name not in baked and name not in exact:
            placeholder[name] = _SENTINELS[name]
    placeholder["qr_data_uri"] = qr_uri = render.qr_svg_data_uri(_SENTINELS["verify_url"])
    labels = {name: _shown(name, placeholder) for name in PER_LEARNER
              if placeholder.get(name) is _SENTINELS[name] or name in exact and name != "verify_url"}
    if len(set(labels.values())) != len(labels) or "" in labels.values():
        return None  # two values shown alike cannot be told apart
    html = render.render_certificate_html(template_source, placeholder)
    html, css_text = render._split_stylesheet(html)
    root = str(render.DEFAULT_ASSET_ROOT.resolve())
    fetcher = render._cached_fetcher(render.ASSET_BASE_URL, root)
    stylesheets = ([render._parsed_stylesheet(css_text, render.ASSET_BASE_URL, root)]
                   if css_text is not None else None)
    document = HTML(string=html, base_url=render.ASSET_BASE_URL, url_fetcher=fetcher).render(
        font_config=render._shared_font_config(), stylesheets=stylesheets)
    if len(document.pages) != 1:
        return None
    page = document.pages[0]
    slots, qr_boxes, found = [], [], 0
    for ancestors, box in _walk(page._page_box, ()):
        parent = ancestors[-1]
        text = getattr(box, "text", None)
        if text is not None and any(shown in text for shown in labels.values()):
            slot = _slot(ancestors, box, labels)
            if slot is None:
                return None
            slots.append(slot)
            found += sum(text.count(shown) for shown in labels.values())
            parent.children = [child for child in parent.children if child is not box]
        elif box.element is not None and box.element_tag == "img" and box.element.get("src") == qr_uri \
                and type(box).__name__.endswith("ReplacedBox"):
            qr_boxes.append((box.content_box_x(), box.content_box_y(), box.width, box.height))
            found += 1
            parent.children = [child for child in parent.children if child is not box]
    title, description = document.metadata.title, document.metadata.description
    in_metadata = sum((value or "").count(shown) for value in (title, description) for shown in labels.values())
    in_html = sum(html.count(shown) for shown in labels.values()) + html.count(qr_uri)
    if found + in_metadata != in_html or any(_SENTINELS["verify_url"] in str(link) for link in page.links):
        return None  # a value is used somewhere else (an attribute, a link, CSS): not stampable
    document.metadata.attachments = []
    page.links = [link for link in page.links if link[0] != "attachment"]
    return PreparedPage(pdf=document.write_pdf(), page_height=page.height, slots=tuple(slots),
                        qr_boxes=tuple(qr_boxes), title=title, description=description, labels=labels,
                        exact=frozenset(exact))


def _walk(box, ancestors):
    for child in getattr(box, "children", ()):
        yield (*ancestors, box), child
        yield from _walk(child, (*ancestors, box))


def _rgb(color) -> tuple[float, float, float]:
    return tuple(round(float(c), 4) for c in tuple(color)[:3])


def _slot(ancestors, box, labels: dict[str, str]) -> Slot | None:
    """A text box alone on its line, plainly styled, in a block: what its per-learner line needs."""
    style = box.style
    if len(ancestors) < 2 or type(ancestors[-1]).__name__ != "LineBox" or len(ancestors[-1].children) != 1:
        return None
    if style["text_transform"] != "none" or style["letter_spacing"] != "normal" \
            or style["word_spacing"] not in (0, "normal") or style["direction"] != "ltr":
        return None
    font = _font_file(tuple(style["font_family"]), int(style["font_weight"]), style["font_style"])
    if font is None:
        return None
    embedded = stamp_fonts.embedded_font(font)
    if not embedded.covers(box.text) or abs(embedded.width(box.text, float(style["font_size"])) - box.width) > 0.01:
        return None  # not the font WeasyPrint drew with (or it kerns): a stamp would not match
    block = ancestors[-2]
    align = {"start": "left", "end": "right", "justify": "left"}.get(style["text_align_all"], style["text_align_all"])
    if align not in ("left", "center", "right"):
        return None
    return Slot(template=box.text, font_path=font, size=float(style["font_size"]), color=_rgb(style["color"]),
                align=align, box_x=block.content_box_x(), box_width=block.width,
                baseline_y=box.position_y + box.baseline,
                names=tuple(name for name, shown in labels.items() if shown in box.text),
                in_table=any(type(ancestor).__name__ == "TableCellBox" for ancestor in ancestors),
                width=float(box.width))


@functools.cache
def _font_file(families: tuple, weight: int, style: str) -> str | None:
    """The font file fontconfig (as Pango) picks for the first family, weight and style."""
    pattern = f"{families[0]}:{'bold' if weight >= 600 else 'regular'}{':italic' if style == 'italic' else ''}"
    try:
        path = subprocess.run(["fc-match", "-f", "%{file}", pattern], capture_output=True, text=True,
                              check=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return path if path.endswith((".ttf", ".otf")) else None


# --- per learner: the stamp, in the signature's incremental update --------------------------------


# Values the same for every learner issued on one day: when one does not fit its placeholder's room
# (a long month name widens its table column), the page is laid out with it, once per day and course.
BAKEABLE = frozenset({"issued_at", "expires_at"})


def stamp_and_sign(template_source: str, context: dict, signer) -> bytes | None:
    """The signed PDF of the template's prepared page with this learner's values stamped on, or None
    when it cannot show them exactly as a full render would (the caller then renders in full)."""
    page = prepared_page(template_source, context)
    if page is None:
        return None
    lines = _lines(page, context)
    if isinstance(lines, set) and lines <= BAKEABLE:
        # A long date widens its table column and so moves the others: lay the page out with the
        # date drawn in, and the table's other values as their own text (``prepared_page``).
        baked = tuple(sorted(lines))
        exact = tuple(sorted({name for slot in page.slots if slot.in_table for name in slot.names} - lines))
        page = prepared_page(template_source, context, baked, exact)
        lines = _lines(page, context) if page is not None else None
    return _stamp(page, lines, context, signer) if isinstance(lines, list) else None


def _lines(page: PreparedPage, context: dict):
    """Where each line of per-learner text goes; else the set of values that do not fit their room,
    or None when a letter is not in the embedded fonts."""
    lines, overflowing = [], set()
    for slot in page.slots:
        text = _substitute(slot.template, context, page.labels)
        font = stamp_fonts.embedded_font(slot.font_path)
        if not font.covers(text):
            return None
        width = font.width(text, slot.size)
        if page.exact.intersection(slot.names) and abs(width - slot.width) > 0.01:
            return None  # laid out around text of another width
        if width > slot.box_width + 0.01:  # it would wrap, or widen its table column
            overflowing.update(name for name, shown in page.labels.items() if shown in slot.template)
            continue
        x = slot.box_x + {"left": 0, "center": (slot.box_width - width) / 2, "right": slot.box_width - width}[slot.align]
        lines.append((font, slot, text, x))
    return lines if not overflowing else overflowing


def _stamp(page: PreparedPage, lines: list, context: dict, signer) -> bytes:
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    from lms.certificates.signing import sign_pdf

    writer = IncrementalPdfFileWriter(io.BytesIO(page.pdf))
    names, fonts = {}, generic.DictionaryObject()
    for font, _slot_, _text, _x in lines:
        if font.postscript_name not in names:
            names[font.postscript_name] = f"/LMS{len(names)}"
            used = {font.gids[ord(char)] for other, _slot_, text, _x in lines if other is font for char in text}
            fonts[generic.NameObject(names[font.postscript_name])] = stamp_fonts.font_objects(writer, font, used)
    height = page.page_height
    ops = ["Q"]
    for font, slot, text, x in lines:
        glyphs = "".join(f"{font.gids[ord(char)]:04X}" for char in text)
        ops.append(f"BT {names[font.postscript_name]} {slot.size * PX:.4f} Tf {_color(slot.color)} rg "
                   f"1 0 0 1 {x * PX:.3f} {(height - slot.baseline_y) * PX:.3f} Tm <{glyphs}> Tj ET")
    if page.qr_boxes:
        qr_ops = _qr_ops(context["verify_url"], page, height)
        ops.extend(qr_ops)
    before = writer.add_object(generic.StreamObject(stream_data=b"q\n"))
    after = writer.add_object(generic.StreamObject(
        {generic.NameObject("/Filter"): generic.NameObject("/FlateDecode")},
        encoded_data=zlib.compress("\n".join(ops).encode("ascii"), 6)))
    writer.add_stream_to_page(0, before, prepend=True)
    writer.add_stream_to_page(0, after, resources=generic.DictionaryObject({generic.NameObject("/Font"): fonts}))
    meta = writer.document_meta
    if page.title is not None:
        meta.title = _substitute(page.title, context, page.labels)
    if page.description is not None:
        meta.subject = _substitute(page.description, context, page.labels)
    return sign_pdf(page.pdf, signer, writer=writer)


def _color(rgb) -> str:
    return " ".join(f"{channel:.4f}" for channel in rgb)


_QR_DARK = (0x1b / 255, 0x2a / 255, 0x4a / 255)  # qr.qr_svg_data_uri's default colour


def _qr_ops(url: str, page: PreparedPage, height: float) -> list[str]:
    matrix = _make_qr(url).matrix
    total = len(matrix) + 2 * QUIET_ZONE_MODULES
    ops = []
    for x, y, width, box_height in page.qr_boxes:
        module = min(width, box_height) / total * PX
        left, top = x * PX, (height - y) * PX
        ops.append(f"q 1 1 1 rg {left:.3f} {top - total * module:.3f} {total * module:.3f} {total * module:.3f} re f")
        ops.append(f"{_color(_QR_DARK)} rg")
        for row_index, row in enumerate(matrix):
            row_top = top - (row_index + QUIET_ZONE_MODULES + 1) * module
            start = None
            for column, dark in enumerate([*row, 0]):
                if dark and start is None:
                    start = column
                elif not dark and start is not None:
                    ops.append(f"{left + (start + QUIET_ZONE_MODULES) * module:.3f} {row_top:.3f} "
                               f"{(column - start) * module:.3f} {module:.3f} re")
                    start = None
        ops.append("f Q")
    return ops
