"""Server-side SVG charts (bars, stacked bars, lines) as strings: no JavaScript, fit for pages and PDFs.

Every label is XML-escaped, every chart is an accessible image (``role="img"``, ``<title>``,
``<desc>`` with the data in words) and shows its numbers as text, so it still reads in greyscale
print and for colour-blind readers. Output is deterministic: same data, same bytes.
"""
from __future__ import annotations

import hashlib
import math
import re

from markupsafe import Markup

# Okabe–Ito: distinguishable under the common colour-vision deficiencies.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000")
COVERAGE_COLOURS = {"valid": "#009E73", "expiring": "#E69F00", "expired": "#D55E00", "never": "#BBBBBB"}
# Lines also differ by dash pattern, so series stay apart in greyscale print.
DASHES = ("", "6 3", "2 3", "8 3 2 3", "1 2")
FONT = "DejaVu Sans, Liberation Sans, Arial, sans-serif"
FONT_SIZE = 12
CHAR_WIDTH = 0.66 * FONT_SIZE  # a generous average glyph width (DejaVu Cyrillic is wide) to lay labels out
ROW_HEIGHT, ROW_GAP = 22, 8
MAX_POINT_LABELS = 16
# Characters XML 1.0 forbids: one in a label would make the whole page unparsable.
XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def N_(msgid: str) -> str:
    """Mark a msgid for Babel extraction without translating it (no app is needed here)."""
    return msgid


NO_DATA = N_("No data")


def bar_chart(labels, values, *, title: str, description: str = "", unit: str = "",
              width: int = 640, colour: str = PALETTE[0], empty_text: str = NO_DATA) -> str:
    """A horizontal bar chart: one labelled bar per value, the value written at its end."""
    _check_lengths(labels, [values])
    numbers = [_non_negative(value) for value in values]
    label_width = _label_column(labels, width)
    plot_width = width - label_width - 16 - _value_width(numbers, unit)
    scale = plot_width / (max(numbers, default=0) or 1)
    parts = []
    for index, (label, value) in enumerate(zip(labels, numbers)):
        y = 8 + index * (ROW_HEIGHT + ROW_GAP)
        bar = value * scale
        parts.append(
            f'<g><title>{_esc(label)}: {_esc(_fmt(value, unit))}</title>'
            f'{_row_label(label, label_width, y)}'
            f'<rect x="{_n(label_width)}" y="{_n(y)}" width="{_n(bar)}" height="{ROW_HEIGHT}" fill="{colour}"/>'
            f'<text x="{_n(label_width + bar + 4)}" y="{_n(y + ROW_HEIGHT / 2)}" dominant-baseline="central">'
            f'{_esc(_fmt(value, unit))}</text></g>')
    height = _rows_height(len(numbers))
    summary = "; ".join(f"{label}: {_fmt(value, unit)}" for label, value in zip(labels, numbers))
    return _document("bar", width, height, title, _join(description, summary),
                     parts or [_empty(width, height, empty_text)])


def stacked_bar_chart(labels, series, *, title: str, description: str = "", unit: str = "",
                      colours=None, width: int = 640, empty_text: str = NO_DATA) -> str:
    """Horizontal stacked bars, e.g. a coverage matrix row: valid / expiring / expired / never.

    ``series`` is a list of ``(name, values)``, one value per label; a legend names the segments.
    """
    _check_lengths(labels, [values for _, values in series])
    colours = list(colours or PALETTE)
    numbers = [[_non_negative(value) for value in values] for _, values in series]
    totals = [sum(column) for column in zip(*numbers)] if numbers else [0] * len(labels)
    label_width = _label_column(labels, width)
    plot_width = width - label_width - 16 - _value_width(totals, unit)
    scale = plot_width / (max(totals, default=0) or 1)
    legend, legend_height = _legend([name for name, _ in series], colours, width)
    parts = [legend]
    for index, label in enumerate(labels):
        y = legend_height + 8 + index * (ROW_HEIGHT + ROW_GAP)
        x = label_width
        segments = []
        for serie, (name, _) in enumerate(series):
            value = numbers[serie][index]
            size = value * scale
            colour = colours[serie % len(colours)]
            segments.append(f'<rect x="{_n(x)}" y="{_n(y)}" width="{_n(size)}" height="{ROW_HEIGHT}" '
                            f'fill="{colour}"><title>{_esc(name)}: {_esc(_fmt(value, unit))}</title></rect>')
            text = _fmt(value, unit)
            if value and size >= len(text) * CHAR_WIDTH + 4:  # only where the number fits inside
                segments.append(f'<text x="{_n(x + size / 2)}" y="{_n(y + ROW_HEIGHT / 2)}" '
                                f'text-anchor="middle" dominant-baseline="central" '
                                f'fill="{_text_colour(colour)}">{_esc(text)}</text>')
            x += size
        parts.append(
            f'<g><title>{_esc(label)}</title>{_row_label(label, label_width, y)}{"".join(segments)}'
            f'<text x="{_n(x + 4)}" y="{_n(y + ROW_HEIGHT / 2)}" dominant-baseline="central" '
            f'font-weight="bold">{_esc(_fmt(totals[index], unit))}</text></g>')
    height = legend_height + _rows_height(len(labels))
    summary = "; ".join(
        f"{label}: " + ", ".join(f"{name} {_fmt(numbers[s][i], unit)}" for s, (name, _) in enumerate(series))
        for i, label in enumerate(labels))
    if not labels:
        parts.append(_empty(width, height, empty_text))
    return _document("stacked", width, height, title, _join(description, summary), parts)


def line_chart(labels, series, *, title: str, description: str = "", unit: str = "",
               colours=None, width: int = 640, height: int = 280, empty_text: str = NO_DATA) -> str:
    """A line chart of one or more series over the same x labels (e.g. weeks), with a y grid."""
    _check_lengths(labels, [values for _, values in series])
    colours = list(colours or PALETTE)
    numbers = [[_finite(value) for value in values] for _, values in series]
    legend, top = _legend([name for name, _ in series], colours, width)
    summary = "; ".join(f"{name}: " + ", ".join(f"{label} {_fmt(v, unit)}" for label, v in zip(labels, values))
                        for (name, _), values in zip(series, numbers))
    if not labels or not series:
        return _document("line", width, height, title, _join(description, summary),
                         [legend, _empty(width, height, empty_text)])
    flat = [value for values in numbers for value in values]
    low, high, step = _axis(min(0, min(flat)), max(0, max(flat)))
    ticks = [low + i * step for i in range(round((high - low) / step) + 1)]
    half_label = max(len(str(label)) for label in labels) * CHAR_WIDTH / 2 + 4
    left = max(12 + max(len(_fmt(t, unit)) for t in ticks) * CHAR_WIDTH, half_label)
    right, bottom = max(24, half_label), 28
    # Room above the top grid line for the value written over the highest point.
    plot_top, plot_height, plot_width = top + 20, height - top - 20 - bottom, width - left - right

    def x_at(i: int) -> float:
        return left + (plot_width * i / (len(labels) - 1) if len(labels) > 1 else plot_width / 2)

    def y_at(value: float) -> float:
        return plot_top + plot_height * (high - value) / (high - low)

    parts = [legend]
    for tick in ticks:
        y = y_at(tick)
        parts.append(f'<line x1="{_n(left)}" y1="{_n(y)}" x2="{_n(width - right)}" y2="{_n(y)}" '
                     f'stroke="#DDDDDD"/><text x="{_n(left - 6)}" y="{_n(y)}" text-anchor="end" '
                     f'dominant-baseline="central" fill="#555555">{_esc(_fmt(tick, unit))}</text>')
    longest = max(len(str(label)) for label in labels) * CHAR_WIDTH + 8
    every = max(1, math.ceil(len(labels) * longest / plot_width))  # skip x labels that would overlap
    for i, label in enumerate(labels):
        if i % every == 0:
            parts.append(f'<text x="{_n(x_at(i))}" y="{_n(height - 10)}" text-anchor="middle" '
                         f'fill="#555555">{_esc(label)}</text>')
    for serie, ((name, _), values) in enumerate(zip(series, numbers)):
        colour, dash = colours[serie % len(colours)], DASHES[serie % len(DASHES)]
        points = " ".join(f"{_n(x_at(i))},{_n(y_at(v))}" for i, v in enumerate(values))
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2"{dash_attr}/>')
        for i, value in enumerate(values):
            labelled = len(labels) <= MAX_POINT_LABELS or i == len(values) - 1
            text = (f'<text x="{_n(x_at(i))}" y="{_n(y_at(value) - 8)}" text-anchor="middle">'
                    f'{_esc(_fmt(value, unit))}</text>') if labelled else ""
            parts.append(f'<g><circle cx="{_n(x_at(i))}" cy="{_n(y_at(value))}" r="3" fill="{colour}">'
                         f'<title>{_esc(name)}, {_esc(labels[i])}: {_esc(_fmt(value, unit))}</title>'
                         f'</circle>{text}</g>')
    return _document("line", width, height, title, _join(description, summary), parts)


def _document(kind: str, width: int, height: float, title: str, description: str, parts) -> Markup:
    """The finished SVG, as Markup: every text in it went through ``_esc``, so templates can embed it."""
    body = "".join(parts)
    # Ids from the content keep output deterministic yet distinct for several charts on one page.
    chart_id = f"chart-{kind}-" + hashlib.sha256(f"{title}\x00{description}\x00{body}".encode()).hexdigest()[:12]
    return Markup(f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {_n(height)}" role="img" '
            f'aria-labelledby="{chart_id}-title {chart_id}-desc" font-family="{FONT}" '
            f'font-size="{FONT_SIZE}" class="chart chart-{kind}">'
            f'<title id="{chart_id}-title">{_esc(title)}</title>'
            f'<desc id="{chart_id}-desc">{_esc(description)}</desc>{body}</svg>')  # nosec B704 - all text escaped


def _legend(names, colours, width: int) -> tuple[str, float]:
    if not names:
        return "", 0
    items, x, y = [], 0.0, 4
    for index, name in enumerate(names):
        item_width = 22 + len(str(name)) * CHAR_WIDTH + 16
        if x and x + item_width > width:
            x, y = 0.0, y + 20
        items.append(f'<rect x="{_n(x)}" y="{_n(y)}" width="14" height="14" fill="{colours[index % len(colours)]}"/>'
                     f'<text x="{_n(x + 20)}" y="{_n(y + 7)}" dominant-baseline="central">{_esc(name)}</text>')
        x += item_width
    return f'<g class="legend">{"".join(items)}</g>', y + 22


def _row_label(label, label_width: float, y: float) -> str:
    max_chars = max(1, int((label_width - 8) / CHAR_WIDTH))
    text = str(label)
    if len(text) > max_chars:  # the full label stays in the row's <title> and the <desc>
        text = text[: max_chars - 1] + "…"
    return (f'<text x="{_n(label_width - 8)}" y="{_n(y + ROW_HEIGHT / 2)}" text-anchor="end" '
            f'dominant-baseline="central">{_esc(text)}</text>')


def _label_column(labels, width: int) -> float:
    longest = max((len(str(label)) for label in labels), default=0)
    return min(longest * CHAR_WIDTH + 12, width * 0.4)


def _value_width(values, unit: str) -> float:
    return max((len(_fmt(value, unit)) for value in values), default=1) * CHAR_WIDTH + 8


def _rows_height(count: int) -> float:
    return max(count, 1) * (ROW_HEIGHT + ROW_GAP) + 8


def _empty(width: int, height: float, text: str) -> str:
    return (f'<text x="{_n(width / 2)}" y="{_n(height / 2)}" text-anchor="middle" dominant-baseline="central" '
            f'fill="#555555">{_esc(text)}</text>')


def _axis(low: float, high: float) -> tuple[float, float, float]:
    """A 'nice' axis (steps of 1, 2, 2.5 or 5 × 10ⁿ) covering low..high in about four steps."""
    span = (high - low) or 1
    magnitude = 10 ** math.floor(math.log10(span / 4))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= span / 4)
    return math.floor(low / step) * step, math.ceil(high / step) * step or step, step


def _check_lengths(labels, value_lists) -> None:
    for values in value_lists:
        if len(values) != len(labels):
            raise ValueError(f"{len(labels)} labels but {len(values)} values")


def _finite(value) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ValueError(f"chart values must be finite numbers, not {value!r}")
    return value


def _non_negative(value) -> float:
    if _finite(value) < 0:
        raise ValueError(f"bar lengths cannot be negative: {value!r}")
    return value


def _text_colour(background: str) -> str:
    """Black or white, whichever contrasts more with the background (WCAG relative luminance)."""
    channels = [int(background[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    return "#000000" if (luminance + 0.05) / 0.05 >= 1.05 / (luminance + 0.05) else "#FFFFFF"


def _fmt(value, unit: str = "") -> str:
    if isinstance(value, float) and not value.is_integer():
        text = f"{value:.2f}".rstrip("0").rstrip(".")
    else:
        text = str(int(value))
    return text + unit


def _n(number: float) -> str:
    """A coordinate with at most one decimal: compact and identical across runs."""
    text = f"{number:.1f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _join(description: str, summary: str) -> str:
    return f"{description.strip()} {summary}".strip() if description else summary


def _esc(text) -> str:
    text = XML_INVALID.sub("", str(text))
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;").replace("'", "&#39;"))
