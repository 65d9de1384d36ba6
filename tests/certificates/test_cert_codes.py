"""Verification codes are unguessable and URL-safe; serials are readable; QR data URIs encode the URL."""

import base64
import re
import subprocess
from urllib.parse import quote, unquote

import pytest

from lms.certificates.codes import format_serial, new_verification_code
from lms.certificates.qr import qr_png_data_uri, qr_svg_data_uri


def test_verification_codes_carry_128_random_bits_and_are_url_safe():
    codes = {new_verification_code() for _ in range(2000)}
    assert len(codes) == 2000
    for code in codes:
        assert re.fullmatch(r"[a-z2-7]{26}", code)
        assert quote(code, safe="") == code
        decoded = base64.b32decode(code.upper() + "======")
        assert len(decoded) * 8 >= 80


def test_serials_are_zero_padded_by_year():
    assert format_serial(2026, 123) == "2026-000123"
    assert format_serial(2027, 1_234_567) == "2027-1234567"
    for year, number in ((2026, 0), (0, 1), (10_000, 1)):
        with pytest.raises(ValueError):
            format_serial(year, number)


def test_png_qr_data_uri_decodes_to_the_url(tmp_path):
    url = "https://lms.example.com/verify/" + new_verification_code()
    header, payload = qr_png_data_uri(url).split(",", 1)
    assert header == "data:image/png;base64"
    (tmp_path / "qr.png").write_bytes(base64.b64decode(payload))
    decoded = subprocess.run(
        ["zbarimg", "--quiet", "--raw", str(tmp_path / "qr.png")], capture_output=True, check=True
    ).stdout.decode().strip()
    assert decoded == url


def test_svg_qr_data_uri_is_a_scalable_svg():
    uri = qr_svg_data_uri("https://lms.example.com/verify/abc")
    assert uri.startswith("data:image/svg+xml")
    svg = unquote(uri.split(",", 1)[1])
    assert "viewBox" in svg and "width=" not in svg.split(">", 1)[0]
    with pytest.raises(ValueError):
        qr_svg_data_uri("")
