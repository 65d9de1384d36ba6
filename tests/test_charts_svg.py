"""Server-side SVG charts: valid, escaped, accessible, deterministic, and rendered by WeasyPrint."""
import subprocess
import xml.etree.ElementTree as ET

import pytest
from weasyprint import HTML

from lms.charts import COVERAGE_COLOURS, PALETTE, bar_chart, line_chart, stacked_bar_chart

SVG = "{http://www.w3.org/2000/svg}"
EVIL = '<script>x()</script> & "Co"'


def _parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def _texts(root: ET.Element) -> list[str]:
    return [element.text for element in root.iter(f"{SVG}text")]


def _assert_accessible(root: ET.Element, title: str) -> None:
    assert root.tag == f"{SVG}svg" and root.get("role") == "img"
    assert root.get("viewBox").startswith("0 0 ") and root.get("width") is None  # scales with its container
    title_id, desc_id = root.get("aria-labelledby").split()
    children = {child.get("id"): child for child in root}
    assert children[title_id].tag == f"{SVG}title" and children[title_id].text == title
    assert children[desc_id].tag == f"{SVG}desc" and children[desc_id].text


def test_bar_chart_escapes_labels_and_writes_values_as_text():
    svg = bar_chart([EVIL, "Юг"], [4, 10], title="Сертифицировано <по> регионам", unit="%")
    root = _parse(svg)
    _assert_accessible(root, "Сертифицировано <по> регионам")
    assert not any(element.tag.endswith("script") for element in root.iter())
    assert "<script" not in svg and "&lt;script&gt;" in svg
    assert EVIL in _texts(root) and "4%" in _texts(root) and "10%" in _texts(root)
    widths = [float(rect.get("width")) for rect in root.iter(f"{SVG}rect")]
    assert widths[1] == pytest.approx(widths[0] * 10 / 4, abs=0.2)
    desc = root.find(f"{SVG}desc").text
    assert f"{EVIL}: 4%" in desc and "Юг: 10%" in desc


def test_characters_forbidden_in_xml_are_dropped_not_fatal():
    root = _parse(bar_chart(["bad\x00\x1bname"], [1], title="T\x07"))
    assert "badname" in _texts(root)


def test_long_labels_are_shortened_but_kept_whole_in_titles():
    label = "Официальный дилер " * 10
    root = _parse(bar_chart([label], [3], title="T"))
    shown = _texts(root)[0]
    assert shown.endswith("…") and len(shown) < len(label)
    assert root.find(f"{SVG}g/{SVG}title").text == f"{label}: 3"


def test_stacked_bar_chart_for_a_coverage_matrix():
    dealers = ["Альфа", EVIL]
    series = [("valid", [6, 1]), ("expiring", [2, 0]), ("expired", [1, 3]), ("never", [3, 0])]
    svg = stacked_bar_chart(dealers, series, title="Coverage", colours=list(COVERAGE_COLOURS.values()))
    root = _parse(svg)
    _assert_accessible(root, "Coverage")
    assert "<script" not in svg
    rects = [rect for rect in root.iter(f"{SVG}rect") if rect.find(f"{SVG}title") is not None]
    assert [rect.get("fill") for rect in rects[:4]] == list(COVERAGE_COLOURS.values())
    first_row = sum(float(rect.get("width")) for rect in rects[:4])
    second_row = sum(float(rect.get("width")) for rect in rects[4:])
    assert second_row == pytest.approx(first_row * 4 / 12, abs=0.5)
    texts = _texts(root)
    assert {"12", "4", "valid", "never", EVIL} <= set(texts)  # totals, legend and labels as text
    assert [rect.find(f"{SVG}title").text for rect in rects[:2]] == ["valid: 6", "expiring: 2"]


def test_line_chart_of_weekly_series():
    weeks = [f"2025-W{n:02d}" for n in range(1, 9)]
    active = [12, 15, 9, 20, 22, 18, 25, 24]
    done = [1, 0, 3, 2, 5, 4, 6, 7]
    root = _parse(line_chart(weeks, [("Активные", active), ("Завершили", done)], title="По неделям"))
    _assert_accessible(root, "По неделям")
    lines = list(root.iter(f"{SVG}polyline"))
    assert [line.get("stroke") for line in lines] == list(PALETTE[:2])
    assert lines[0].get("stroke-dasharray") is None and lines[1].get("stroke-dasharray")
    assert [len(line.get("points").split()) for line in lines] == [8, 8]
    ys = [float(point.split(",")[1]) for point in lines[0].get("points").split()]
    assert ys.index(min(ys)) == active.index(max(active))  # SVG y grows downwards
    texts = _texts(root)
    assert {"0", "25"} <= set(texts) and "2025-W01" in texts and "Завершили" in texts
    assert all(str(value) in texts for value in active + done)


def test_long_line_series_keep_the_last_value_written():
    labels = [f"W{n}" for n in range(52)]
    values = list(range(52))
    root = _parse(line_chart(labels, [("Weekly", values)], title="Year"))
    point_labels = [g.find(f"{SVG}text").text for g in root.iter(f"{SVG}g") if g.find(f"{SVG}circle") is not None
                    and g.find(f"{SVG}text") is not None]
    assert point_labels == ["51"]
    assert len([text for text in _texts(root) if text.startswith("W")]) < 52  # x labels thinned


def test_output_is_deterministic_and_ids_differ_between_charts():
    first = bar_chart(["a", "b"], [1, 2], title="T")
    assert first == bar_chart(["a", "b"], [1, 2], title="T")
    other = bar_chart(["a", "b"], [1, 3], title="T")
    assert _parse(first).get("aria-labelledby") != _parse(other).get("aria-labelledby")


def test_empty_data_still_makes_a_valid_chart():
    for svg in (bar_chart([], [], title="T"), stacked_bar_chart([], [], title="T"), line_chart([], [], title="T")):
        assert "No data" in _texts(_parse(svg))


@pytest.mark.parametrize("call", [
    lambda: bar_chart(["a"], [1, 2], title="T"),
    lambda: bar_chart(["a"], [-1], title="T"),
    lambda: bar_chart(["a"], [float("nan")], title="T"),
    lambda: stacked_bar_chart(["a", "b"], [("s", [1])], title="T"),
    lambda: line_chart(["a"], [("s", ["7"])], title="T"),
])
def test_bad_input_is_refused(call):
    with pytest.raises(ValueError):
        call()


def test_weasyprint_renders_the_charts_with_their_text(tmp_path):
    html = (f"<html><body>{stacked_bar_chart(['Дилер Север'], [('valid', [7]), ('never', [2])], title='T')}"
            f"{line_chart(['2025-W01', '2025-W02'], [('Активные', [3, 11])], title='L')}</body></html>")
    pdf = tmp_path / "charts.pdf"
    HTML(string=html).write_pdf(pdf)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    for expected in ("Дилер Север", "valid", "Активные", "2025-W02", "11", "9"):
        assert expected in text
