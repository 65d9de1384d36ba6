"""CSV and XLSX exports: read back with csv and openpyxl, values and types survive, formulas do not."""
import csv
import io
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from lms.exports import neutralize_formula, rows_to_csv, rows_to_xlsx

HEADERS = ["Дилер", "Сотрудник", "Баллы", "Доля", "Выдан", "Проверен", "Активен", "Комментарий"]
ROWS = [
    ["ООО «Альфа»", "Иванов, Пётр", 87, 0.935, date(2025, 3, 1), datetime(2025, 3, 1, 14, 5, 9), True, None],
    ["Beta \"Motors\"", "Smith", -5, Decimal("12.50"), date(2024, 12, 31), datetime(2024, 1, 2, 3, 4, 5), False,
     "line 1\nline 2"],
]
ATTACKS = ["=HYPERLINK(\"http://evil\")", "+7 912 000-00-00", "-2+3", "@SUM(A1)", "\tTAB", "\rCR"]


def _read_csv(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_csv_has_a_bom_crlf_and_reads_back_value_for_value():
    data = rows_to_csv(HEADERS, ROWS)
    assert data.startswith(b"\xef\xbb\xbf")  # Excel needs it to read UTF-8 Cyrillic
    assert data.split(b"\r\n")[0].decode("utf-8-sig") == ",".join(HEADERS)
    header, first, second = _read_csv(data)
    assert header == HEADERS
    assert first == ["ООО «Альфа»", "Иванов, Пётр", "87", "0.935", "2025-03-01", "2025-03-01 14:05:09", "TRUE", ""]
    assert second == ["Beta \"Motors\"", "Smith", "-5", "12.50", "2024-12-31", "2024-01-02 03:04:05", "FALSE",
                      "line 1\nline 2"]


def test_csv_neutralizes_formulas_but_not_numbers():
    header, row = _read_csv(rows_to_csv(["=cmd|' /C calc'!A0", "n"] + ATTACKS, [["ok", -3] + ATTACKS]))
    assert header[0] == "'=cmd|' /C calc'!A0"
    assert row[1] == "-3"  # a real number stays a number
    assert row[2:] == ["'" + attack for attack in ATTACKS]


def test_neutralize_formula_leaves_plain_text_alone():
    assert neutralize_formula("Москва") == "Москва"
    assert neutralize_formula("a=b") == "a=b"
    assert neutralize_formula("=1") == "'=1"


def test_xlsx_reads_back_with_types_kept():
    book = load_workbook(io.BytesIO(rows_to_xlsx([("Покрытие", HEADERS, ROWS)])))
    sheet = book["Покрытие"]
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert values[0] == HEADERS
    first = values[1]
    assert first[:4] == ["ООО «Альфа»", "Иванов, Пётр", 87, 0.935]
    assert first[4] == datetime(2025, 3, 1) and sheet["E2"].is_date  # a date cell, not text
    assert first[5] == datetime(2025, 3, 1, 14, 5, 9) and sheet["F2"].is_date
    assert first[6] is True and first[7] is None
    assert values[2][2] == -5 and isinstance(values[2][2], int)
    assert values[2][3] == pytest.approx(12.5) and sheet["D3"].data_type == "n"
    assert values[2][7] == "line 1\nline 2"
    assert sheet.freeze_panes == "A2" and sheet["A1"].font.bold


def test_xlsx_neutralizes_formulas():
    data = rows_to_xlsx([("Attacks", ["=1+1", "n"] + [f"h{i}" for i in range(len(ATTACKS))], [["x", -3] + ATTACKS])])
    sheet = load_workbook(io.BytesIO(data))["Attacks"]
    assert sheet["A1"].value == "'=1+1" and sheet["A1"].data_type == "s"
    assert sheet["B2"].value == -3
    stored = [cell.value for cell in sheet[2][2:]]
    assert stored == ["'" + attack for attack in ATTACKS]
    assert all(cell.data_type == "s" for cell in sheet[2][2:])  # text, never a formula


def test_xlsx_sheet_titles_are_made_valid_and_unique():
    long_title = "Отчёт по сертификации дилеров за квартал"
    sheets = [("a/b:c?", ["x"], [[1]]), ("A/B:C?", ["x"], [[2]]), (long_title, ["x"], [[3]]), ("", ["x"], [])]
    book = load_workbook(io.BytesIO(rows_to_xlsx(sheets)))
    titles = book.sheetnames
    assert titles[:2] == ["a_b_c_", "A_B_C_ (2)"]
    assert titles[2] == long_title[:31] and titles[3] == "Sheet 4"
    assert [book[title]["A2"].value for title in titles[:3]] == [1, 2, 3]


def test_xlsx_cleans_values_excel_cannot_hold():
    moscow = timezone(timedelta(hours=3))
    rows = [["bell\x07text", float("nan"), datetime(2025, 5, 1, 9, 30, tzinfo=moscow), "x" * 40000]]
    sheet = load_workbook(io.BytesIO(rows_to_xlsx([("S", ["a", "b", "c", "d"], rows)])))["S"]
    assert sheet["A2"].value == "belltext"
    assert sheet["B2"].value is None
    assert sheet["C2"].value == datetime(2025, 5, 1, 9, 30)  # the wall-clock time the reader saw
    assert len(sheet["D2"].value) == 32767


def test_an_empty_export_is_still_a_workbook():
    assert load_workbook(io.BytesIO(rows_to_xlsx([]))).sheetnames == ["Sheet"]
    assert _read_csv(rows_to_csv(["only header"], [])) == [["only header"]]


def test_rows_of_the_wrong_width_are_refused():
    with pytest.raises(ValueError):
        rows_to_csv(["a", "b"], [[1]])
    with pytest.raises(ValueError):
        rows_to_xlsx([("S", ["a"], [[1, 2]])])
