"""Certificate rendering: sandboxed HTML, escaped names, no file or network access, QR decodes to the verify URL."""

import datetime
import http.server
import subprocess
import threading
from decimal import Decimal
from io import BytesIO

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader

from lms.certificates.render import (
    ASSET_BASE_URL,
    CertificateTemplateError,
    certificate_context,
    default_labels,
    default_template_source,
    font_subsetting_backend,
    render_certificate,
    render_certificate_html,
    render_certificate_pdf,
)

VERIFY_URL = "https://lms.example.com/verify/k3mzq7x2c4vbn5a6s8d9f0g1hq"
HOSTILE_NAME = "<link rel=attachment href=file:///etc/passwd>"


def make_context(**overrides):
    values = dict(
        learner_name="Анастасия Кузнецова",
        dealer_name="ООО «Автоцентр Север»",
        course_title="Обслуживание гибридных силовых установок",
        course_version="2.1",
        issued_at=datetime.date(2026, 3, 15),
        expires_at=datetime.date(2028, 3, 15),
        score=Decimal("92.5"),
        serial="2026-000123",
        verify_url=VERIFY_URL,
        issuer_name="Обучение дилеров",
        locale="ru",
    )
    values.update(overrides)
    return certificate_context(**values)


def pdf_text(pdf: bytes) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode("utf-8")


def squashed(text: str) -> str:
    """Text without whitespace and case: pdftotext splits letter-spaced and upper-cased headings."""
    return "".join(text.split()).casefold()


def pdf_has_text(pdf_or_text, expected: str) -> bool:
    text = pdf_or_text if isinstance(pdf_or_text, str) else pdf_text(pdf_or_text)
    return squashed(expected) in squashed(text)


def pdf_page_count(pdf: bytes) -> int:
    return int(PdfFileReader(BytesIO(pdf)).root["/Pages"]["/Count"])


def iter_pages(node):
    if node["/Type"] == "/Pages":
        for kid in node["/Kids"]:
            yield from iter_pages(kid.get_object())
    else:
        yield node


def attachment_traces(pdf: bytes) -> list[str]:
    """Every place a PDF could carry a file: the EmbeddedFiles name tree and FileAttachment annotations."""
    root = PdfFileReader(BytesIO(pdf)).root
    found = []
    if "/Names" in root and "/EmbeddedFiles" in root["/Names"]:
        found.append("/EmbeddedFiles")
    for page in iter_pages(root["/Pages"]):
        for annot in page.get("/Annots", []):
            if annot.get_object().get("/Subtype") == "/FileAttachment":
                found.append("/FileAttachment")
    return found


@pytest.fixture(scope="module")
def russian_pdf() -> bytes:
    return render_certificate(default_template_source(), make_context())


def test_default_certificate_is_one_a4_landscape_page_with_russian_text(russian_pdf):
    reader = PdfFileReader(BytesIO(russian_pdf))
    page = next(iter_pages(reader.root["/Pages"]))
    media_box = page["/MediaBox"]
    width, height = float(media_box[2]), float(media_box[3])
    assert pdf_page_count(russian_pdf) == 1
    assert (round(width), round(height)) == (842, 595)  # A4 landscape in points
    text = pdf_text(russian_pdf)
    for expected in ("СЕРТИФИКАТ", "Анастасия Кузнецова", "Автоцентр Север", "Обслуживание гибридных",
                     "Версия 2.1", "Дата выдачи", "15 марта 2026", "15 марта 2028", "92,5%", "2026-000123"):
        assert pdf_has_text(text, expected), expected


def test_cyrillic_fonts_are_embedded_and_subset(russian_pdf):
    listing = subprocess.run(
        ["pdffonts", "-"], input=russian_pdf, capture_output=True, check=True
    ).stdout.decode()
    font_rows = listing.splitlines()[2:]
    assert font_rows and all(" yes yes yes " in row for row in font_rows), listing
    assert any("DejaVu" in row for row in font_rows)


def test_qr_code_in_the_pdf_decodes_to_the_verify_url(russian_pdf, tmp_path):
    subprocess.run(
        ["pdftoppm", "-r", "150", "-png", "-singlefile", "-", str(tmp_path / "page")],
        input=russian_pdf, check=True,
    )
    decoded = subprocess.run(
        ["zbarimg", "--quiet", "--raw", str(tmp_path / "page.png")], capture_output=True, check=True
    ).stdout.decode().strip()
    assert decoded == VERIFY_URL


def test_english_certificate_uses_english_labels_and_dates():
    pdf = render_certificate(default_template_source(), make_context(locale="en", expires_at=None))
    text = pdf_text(pdf)
    for expected in ("Certificate", "Issued on", "March 15, 2026", "Valid until", "Does not expire", "92.5%"):
        assert pdf_has_text(text, expected), expected
    assert not pdf_has_text(text, "Дата выдачи")


def test_hostile_name_is_escaped_and_nothing_is_embedded():
    context = make_context(learner_name=HOSTILE_NAME, dealer_name=HOSTILE_NAME)
    html = render_certificate_html(default_template_source(), context)
    assert "&lt;link rel=attachment href=file:///etc/passwd&gt;" in html
    assert "<link rel=attachment" not in html
    pdf = render_certificate_pdf(html)
    assert pdf_has_text(pdf, HOSTILE_NAME)
    assert attachment_traces(pdf) == []
    assert "root:" not in pdf_text(pdf)


def test_template_referencing_local_files_renders_without_them():
    template = """<html><head>
      <link rel="stylesheet" href="file:///etc/passwd">
      <link rel="attachment" href="file:///etc/passwd">
      <style>body::after { content: url(file:///etc/passwd); }</style></head>
      <body><p>{{ learner_name }}</p><img src="file:///etc/passwd">
      <a rel="attachment" href="file:///etc/passwd">passwd</a>
      <object data="file:///etc/passwd"></object></body></html>"""
    pdf = render_certificate(template, {"learner_name": "Иван Петров"})
    text = pdf_text(pdf)
    assert "Иван Петров" in text
    assert "root:" not in text
    assert attachment_traces(pdf) == []
    assert b"root:x:0:0" not in pdf


def test_no_outbound_request_is_made_for_remote_urls():
    requests = []

    class RecordingHandler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            requests.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "text/css")
            self.end_headers()
            self.wfile.write(b"body { color: red }")

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), RecordingHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}"
        template = f"""<html><head><link rel="stylesheet" href="{base}/style.css">
          <style>@import url("{base}/import.css"); @font-face {{ font-family: X; src: url({base}/f.ttf); }}</style>
          </head><body style="font-family: X"><img src="{base}/logo.png">
          <link rel="attachment" href="{base}/leak"><p>{{{{ learner_name }}}}</p></body></html>"""
        pdf = render_certificate(template, {"learner_name": "Ivan"})
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
    assert requests == []
    assert "Ivan" in pdf_text(pdf)


def test_assets_under_the_asset_root_load_and_nothing_outside_does(tmp_path):
    assets = tmp_path / "assets"
    assets.mkdir()
    (assets / "theme.css").write_text("p.marked::after { content: 'ASSET-LOADED'; }", encoding="utf-8")
    (assets / "notes.txt").write_text("ATTACHED-SECRET", encoding="utf-8")
    (tmp_path / "outside.css").write_text("p.marked::before { content: 'ESCAPED-ROOT'; }", encoding="utf-8")
    template = """<html><head><link rel="stylesheet" href="theme.css">
      <link rel="stylesheet" href="../outside.css">
      <link rel="stylesheet" href="%2e%2e/outside.css">
      <link rel="attachment" href="notes.txt"></head>
      <body><p class="marked">x</p><a rel="attachment" href="notes.txt">notes</a></body></html>"""
    pdf = render_certificate(template, {}, allowed_asset_root=assets)
    text = pdf_text(pdf)
    assert "ASSET-LOADED" in text
    assert "ESCAPED-ROOT" not in text
    assert attachment_traces(pdf) == []
    assert b"ATTACHED-SECRET" not in pdf


def test_non_image_data_urls_are_refused():
    template = """<html><head><link rel="stylesheet"
      href="data:text/css,p::after%7Bcontent:'FROM-DATA-CSS'%7D"></head><body><p>x</p></body></html>"""
    assert "FROM-DATA-CSS" not in pdf_text(render_certificate(template, {}))


def test_absolute_asset_urls_load_only_from_the_exact_asset_origin(tmp_path):
    (tmp_path / "a.css").write_text("p.a::after { content: 'EXACT-ORIGIN'; }", encoding="utf-8")
    (tmp_path / "b.css").write_text("p.b::after { content: 'OTHER-PORT'; }", encoding="utf-8")
    (tmp_path / "c.css").write_text("p.c::after { content: 'OTHER-HOST'; }", encoding="utf-8")
    other_port = ASSET_BASE_URL.rstrip("/") + ":8443/"
    other_host = ASSET_BASE_URL.replace(".invalid/", ".invalid.example.com/")
    template = f"""<html><head><link rel="stylesheet" href="{ASSET_BASE_URL}a.css">
      <link rel="stylesheet" href="{other_port}b.css"><link rel="stylesheet" href="{other_host}c.css">
      </head><body><p class="a">1</p><p class="b">2</p><p class="c">3</p></body></html>"""
    text = pdf_text(render_certificate(template, {}, allowed_asset_root=tmp_path))
    assert "EXACT-ORIGIN" in text
    assert "OTHER-PORT" not in text and "OTHER-HOST" not in text


def test_very_long_names_still_fit_on_one_page():
    pdf = render_certificate(
        default_template_source(),
        make_context(learner_name="Константинопольский " * 20, course_title="Очень длинный курс " * 30),
    )
    assert pdf_page_count(pdf) == 1


@pytest.mark.parametrize("bad_value", [object(), b"bytes", {1: "int key"}, [set()]])
def test_context_accepts_plain_values_only(bad_value):
    with pytest.raises(TypeError):
        render_certificate_html("{{ x }}", {"x": bad_value})


def test_context_accepts_nested_plain_values():
    html = render_certificate_html(
        "{{ d.names[0] }} {{ d.when }} {{ d.n }}",
        {"d": {"names": ["<b>", None], "when": datetime.datetime(2026, 1, 2, 3, 4), "n": Decimal("1.5")}},
    )
    assert html == "&lt;b&gt; 2026-01-02 03:04:00 1.5"


@pytest.mark.parametrize(
    "template",
    [
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{% include '/etc/passwd' %}",
        "{% for x in %}",
        "{{ labels.append(1) }}",
        "{{ 'not a date' | format_date }}",
        "{{ 'ninety' | format_score }}",
    ],
)
def test_template_escapes_and_errors_become_certificate_template_errors(template):
    with pytest.raises(CertificateTemplateError) as caught:
        render_certificate_html(template, {"labels": []})
    assert caught.value.message.startswith("Certificate template")


def test_date_and_score_filters_follow_the_locale_and_survive_unknown_ones():
    template = "{{ when | format_date }} / {{ score | format_score }}"
    values = {"when": datetime.date(2026, 3, 15), "score": 92.5}
    assert render_certificate_html(template, {**values, "locale": "ru"}) == "15 марта 2026\u202fг. / 92,5%"
    assert render_certificate_html(template, {**values, "locale": "en-GB"}) == "15 March 2026 / 92.5%"
    assert render_certificate_html(template, {**values, "locale": "xx"}) == "March 15, 2026 / 92.5%"


def test_default_labels_cover_both_languages_with_the_same_keys():
    russian, english = default_labels("ru"), default_labels("en")
    assert russian.keys() == english.keys()
    assert russian["heading"] == "Сертификат" and english["heading"] == "Certificate"
    assert default_labels("ru_RU") == russian
    assert default_labels("de") == english


def test_font_subsetting_backend_is_reported():
    assert font_subsetting_backend() in ("harfbuzz", "fonttools")
