"""Prepared certificate pages (issue 21): a learner's values stamped on the course's page laid out
once read, scan, validate and look as the full WeasyPrint render of the same certificate does."""
import datetime
import subprocess
from decimal import Decimal
from io import BytesIO

import pytest
from asn1crypto import cms
from PIL import Image, ImageChops, ImageFilter
from pyhanko.pdf_utils.reader import PdfFileReader

from cert_support import pdfsig, qr_text
from lms.certificates import stamping
from lms.certificates.keys import ensure_dev_signing_identity, load_signing_identity
from lms.certificates.pdf_pipeline import signed_certificate_pdf
from lms.certificates.render import certificate_context, default_template_source, render_certificate
from lms.certificates.signing import build_pdf_signer, sign_pdf, validate_signed_pdf

VERIFY_URL = "https://lms.example.com/verify/k3mzq7x2c4vbn5a6s8d9f0g1hq"


def values(**changes):
    return {**dict(learner_name="Анастасия Владимировна Кузнецова", dealer_name="ООО «Автоцентр Север»",
                   course_title="Техническое обслуживание гибридных силовых установок", course_version="2.1",
                   issued_at=datetime.date(2026, 3, 15), expires_at=datetime.date(2028, 3, 15),
                   score=Decimal("92.5"), serial="2026-000123", verify_url=VERIFY_URL,
                   issuer_name="Обучение дилеров", locale="ru"), **changes}


@pytest.fixture(scope="module")
def identity(tmp_path_factory):
    paths = ensure_dev_signing_identity(tmp_path_factory.mktemp("instance"))
    return load_signing_identity(paths.key_path, paths.cert_path)


@pytest.fixture(scope="module")
def signer(identity):
    return build_pdf_signer(identity)


def stamped(signer, **changes):
    return stamping.stamp_and_sign(default_template_source(), certificate_context(qr=False, **values(**changes)),
                                   signer)


def full(signer, **changes):
    return sign_pdf(render_certificate(default_template_source(), certificate_context(**values(**changes))), signer)


def words(pdf: bytes) -> list[str]:
    return sorted(subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True)
                  .stdout.decode().split())


def page_image(pdf: bytes, tmp_path, name: str) -> Image.Image:
    subprocess.run(["pdftoppm", "-r", "100", "-png", "-singlefile", "-", str(tmp_path / name)],
                   input=pdf, check=True, capture_output=True)
    return Image.open(tmp_path / f"{name}.png").convert("L")


@pytest.mark.parametrize("changes", [
    {},
    {"issued_at": datetime.date(2026, 12, 6), "expires_at": datetime.date(2028, 12, 6), "score": None},
    {"locale": "en", "dealer_name": "", "learner_name": "José Müller-Łukasiewicz"},
    {"expires_at": None, "serial": "2026-123456789"},
], ids=["sample", "long-month-baked", "english-no-dealer", "no-expiry"])
def test_a_stamped_certificate_reads_scans_validates_and_looks_like_the_full_render(signer, identity, tmp_path,
                                                                                    changes):
    pdf, reference = stamped(signer, **changes), full(signer, **changes)
    assert pdf is not None
    assert words(pdf) == words(reference)  # the name, dates, serial and score are real text
    assert qr_text(pdf, tmp_path) == VERIFY_URL
    assert validate_signed_pdf(pdf, identity.certificate).ok
    report = pdfsig(pdf, tmp_path)
    assert "Signature is Valid." in report and "Total document signed" in report
    fonts = subprocess.run(["pdffonts", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    assert all(" yes yes yes " in line for line in fonts.splitlines()[2:])  # embedded, subset, ToUnicode
    info = PdfFileReader(BytesIO(pdf)).trailer["/Info"]
    assert values(**changes)["serial"] in str(info["/Title"])
    # The same page but for anti-aliasing: blurred by a pixel, no pixel differs by more than a
    # quarter of the range (a moved line, a missing letter or module differs by far more).
    stamped_page, full_page = page_image(pdf, tmp_path, "stamped"), page_image(reference, tmp_path, "full")
    difference = ImageChops.difference(stamped_page.filter(ImageFilter.BoxBlur(1)), full_page.filter(ImageFilter.BoxBlur(1)))
    assert max(index for index, count in enumerate(difference.histogram()) if count) <= 64


def test_a_long_date_is_laid_out_once_for_every_learner_of_that_day(signer, tmp_path):
    """A date too wide for its column moves the table's columns: the page is laid out with the date
    in it, and serves every learner issued that day whose serial and score have the same digits."""
    day = dict(issued_at=datetime.date(2026, 12, 6), expires_at=datetime.date(2028, 12, 6), score=None)
    stamping.clear_prepared_pages()
    first = stamped(signer, serial="2026-000123", **day)
    prepared = len(stamping._cache)
    second = stamped(signer, serial="2026-004567", learner_name="Мария Соколова", **day)
    assert len(stamping._cache) == prepared == 2  # the plain page and the one with the day's dates
    assert "2026-004567" in words(second) and "2026-000123" not in words(second)
    assert "2026-000123" in words(first) and words(second) == words(full(
        signer, serial="2026-004567", learner_name="Мария Соколова", **day))
    assert qr_text(second, tmp_path) == VERIFY_URL


def test_a_name_that_would_wrap_is_rendered_in_full(signer, identity):
    long_name = "Анастасия Владимировна Кузнецова-Преображенская-Величественная"
    assert stamped(signer, learner_name=long_name) is None
    pdf = signed_certificate_pdf(default_template_source(), values(learner_name=long_name), signer)
    assert validate_signed_pdf(pdf, identity.certificate).ok
    assert "Преображенская" in " ".join(words(pdf))


def test_a_letter_outside_the_embedded_fonts_is_rendered_in_full(signer):
    assert stamped(signer, learner_name="Ἀλέξανδρος") is None  # Greek: not in the stamp's cut-down fonts
    assert "Ἀλέξανδρος" in " ".join(words(signed_certificate_pdf(
        default_template_source(), values(learner_name="Ἀλέξανδρος"), signer)))


def test_a_template_that_uses_a_value_elsewhere_is_not_prepared():
    template = default_template_source().replace('<div class="signed-note">',
                                                 '<div class="signed-note" data-serial="{{ serial }}">')
    context = certificate_context(qr=False, **values())
    assert stamping.prepared_page(template, context) is None
    assert stamping.prepared_page(default_template_source(), context) is not None


def test_the_templated_cms_is_what_pyhanko_builds(signer, identity):
    """The container is built by pyHanko once; later ones differ from pyHanko's only in digest and signature."""
    from pyhanko.sign import signers

    plain = build_pdf_signer(identity)
    plain.signer.__class__ = signers.SimpleSigner  # pyHanko's own container builder
    unsigned = render_certificate(default_template_source(), certificate_context(**values()))
    ours, theirs = sign_pdf(unsigned, signer), sign_pdf(unsigned, plain)
    sign_pdf(unsigned, signer)  # the second of a signer comes from the template
    ours = sign_pdf(unsigned, signer)

    def container(pdf):
        return PdfFileReader(BytesIO(pdf)).embedded_signatures[0].signed_data

    mine, reference = container(ours), container(theirs)
    assert isinstance(mine, cms.SignedData)
    for part in ("version", "digest_algorithms", "encap_content_info", "certificates"):
        assert mine[part].dump() == reference[part].dump()
    [mine_info], [reference_info] = mine["signer_infos"], reference["signer_infos"]
    assert [a["type"].native for a in mine_info["signed_attrs"]] == [a["type"].native for a in reference_info["signed_attrs"]]
    assert mine_info["signature_algorithm"].dump() == reference_info["signature_algorithm"].dump()
    assert validate_signed_pdf(ours, identity.certificate).ok and validate_signed_pdf(theirs, identity.certificate).ok
