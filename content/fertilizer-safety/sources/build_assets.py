"""Rebuild the course's generated assets (PDF memo, PNG diagrams) from the HTML sources in this folder.

Run from the repository root: ``.venv/bin/python content/fertilizer-safety/sources/build_assets.py``.
Needs WeasyPrint, pdftoppm (poppler-utils) and Pillow; DejaVu fonts make the output reproducible.
"""
import subprocess
import tempfile
from pathlib import Path

from PIL import Image
from weasyprint import HTML

SOURCES = Path(__file__).resolve().parent
ASSETS = SOURCES.parent / "assets"
DIAGRAMS = ("sklad-skhema", "sovmestimost")


def build_pdf(name: str) -> None:
    HTML(filename=SOURCES / f"{name}.html").write_pdf(ASSETS / f"{name}.pdf")


def build_png(name: str) -> None:
    """Render a one-page HTML to PNG at 1 CSS px = 1 pixel, then cut the palette to keep the file small."""
    with tempfile.TemporaryDirectory() as scratch:
        pdf = Path(scratch) / "page.pdf"
        HTML(filename=SOURCES / f"{name}.html").write_pdf(pdf)
        # A CSS px is 1/96 inch, so 96 dpi gives the page's CSS size in pixels.
        subprocess.run(["pdftoppm", "-r", "96", "-singlefile", "-png", pdf, Path(scratch) / "page"], check=True)
        image = Image.open(Path(scratch) / "page.png").convert("RGB")
    image.quantize(colors=64, method=Image.Quantize.MEDIANCUT).save(ASSETS / f"{name}.png", optimize=True)

if __name__ == "__main__":
    ASSETS.mkdir(exist_ok=True)
    build_pdf("pamyatka-razliv")
    for diagram in DIAGRAMS:
        build_png(diagram)
    for path in sorted(ASSETS.iterdir()):
        print(f"{path.name}: {path.stat().st_size} bytes")
