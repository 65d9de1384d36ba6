"""The PDF reader's parts (issue 25): PDF.js kept in the project at one exact version with its licence,
the update command documented, the files served as JavaScript, and the lesson page's policy unchanged.
The reader itself is tested in Chromium: tests/browser/test_browser_pdf_reader.py."""
import os
import re
from pathlib import Path

from course_helpers import import_demo_content

ROOT = Path(__file__).resolve().parents[2]
VENDOR = ROOT / "lms" / "static" / "vendor" / "pdfjs"
TOOL = ROOT / "tools" / "update-pdfjs"
SAFETY = "/courses/fertilizer-safety"


def test_pdfjs_is_kept_at_one_exact_version_with_its_licence():
    version = (VENDOR / "VERSION").read_text().strip()
    assert re.fullmatch(r"\d+\.\d+\.\d+", version)
    for name in ("pdf.min.mjs", "pdf.worker.min.mjs"):
        # The library and its worker refuse to work together at different versions.
        assert f'"{version}"' in (VENDOR / name).read_text(encoding="utf-8")
    assert "Apache License" in (VENDOR / "LICENSE").read_text()
    assert sorted(p.name for p in VENDOR.iterdir()) == ["LICENSE", "VERSION", "pdf.min.mjs", "pdf.worker.min.mjs"]


def test_the_update_command_exists_copies_those_files_and_is_documented():
    script = TOOL.read_text()
    assert os.access(TOOL, os.X_OK) and "npm install" in script and "pdfjs-dist@" in script
    assert "lms/static/vendor/pdfjs" in script and "pdf.worker.min.mjs" in script and "LICENSE" in script
    assert "cdn" not in script.lower().replace("no cdn", "")
    docs = (ROOT / "docs" / "features.md").read_text()
    assert "tools/update-pdfjs [VERSION]" in docs and "lms/static/vendor/pdfjs/" in docs
    assert "text/javascript mjs" in (ROOT / "docs" / "deploy" / "nginx-lms.conf").read_text()


def test_the_pdf_lesson_loads_the_reader_from_the_portal_under_its_usual_policy(app, login_as):
    import_demo_content(app)
    client = login_as("learner")
    page = client.get(f"{SAFETY}/lessons/pamyatka")
    html = page.get_data(as_text=True)
    policy = page.headers["Content-Security-Policy"]
    # 'self' is enough for the module, its worker and the PDF: nothing was widened for the reader.
    assert "default-src 'self'" in policy and "unsafe" not in policy and "blob:" not in policy
    assert 'data-counter="Страница {page} из {total}"' in html
    for attribute in ("data-library", "data-worker"):
        address = re.search(rf'{attribute}="(/static/[^"]+)"', html).group(1)
        with client.get(address) as script:
            assert script.status_code == 200 and "javascript" in script.mimetype
    assert re.search(r'<noscript><iframe class="pdf-viewer" src="/courses/fertilizer-safety/assets/', html)
    assert 'type="module" src="/static/pdf-reader.mjs' in html
    # Lessons without a PDF do not load the reader.
    assert "pdf-reader" not in client.get(f"{SAFETY}/lessons/vvedenie").get_data(as_text=True)
