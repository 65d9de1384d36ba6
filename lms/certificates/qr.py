"""QR codes (segno) that link a printed certificate to its public verification page."""

import segno

# Level M survives a crease or a smudge on a printed sheet without making the code much denser.
ERROR_CORRECTION = "m"
# The quiet zone the QR spec asks for; readers fail more often without it.
QUIET_ZONE_MODULES = 4
QR_MASK = 0


def _make_qr(url: str) -> segno.QRCode:
    """Encode ``url`` as a regular (non-micro) QR code, which every phone camera reads."""
    if not url:
        raise ValueError("QR code URL must not be empty")
    # A fixed mask: choosing the best of eight scores every mask (about 17 ms of a ~20 ms encode, issue 21);
    # any mask decodes the same, and the quiet zone and level M keep it easy to scan.
    return segno.make_qr(url, error=ERROR_CORRECTION, mask=QR_MASK)


def qr_svg_data_uri(url: str, *, dark: str = "#1b2a4a") -> str:
    """Return a ``data:image/svg+xml`` URI of a QR code for ``url``: vector, so it prints sharp at any size."""
    return _make_qr(url).svg_data_uri(
        dark=dark, light="#ffffff", border=QUIET_ZONE_MODULES, omitsize=True
    )


def qr_png_data_uri(url: str, *, scale: int = 8) -> str:
    """Return a ``data:image/png`` URI of a QR code for ``url``, for e-mails and viewers without SVG."""
    return _make_qr(url).png_data_uri(scale=scale, border=QUIET_ZONE_MODULES)
