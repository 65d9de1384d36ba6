"""Upload checks: kinds sniffed from real files, abuse refused with nothing written, hash storage."""
import hashlib
import io
import stat
import subprocess
import zipfile

import pytest
from PIL import Image
from weasyprint import HTML

from lms.courses.uploads import (
    ATTACHMENT_KINDS,
    ArchiveLimits,
    UploadError,
    check_upload,
    detect_file_kind,
    detect_kind,
    store_upload,
)

MB = 1024 * 1024
LIMITS = {kind: 5 * MB for kind in ATTACHMENT_KINDS | {"mp4", "webm"}}
# Real container headers: an ISO-BMFF ftyp box and an EBML header with DocType "webm".
MP4_HEAD = b"\x00\x00\x00\x20ftypisom\x00\x00\x02\x00isomiso2avc1mp41" + b"\x00\x00\x00\x08free"
WEBM_HEAD = bytes.fromhex("1a45dfa39f4286810142f7810142f2810442f381084282847765626d42878104428581021853806701")


@pytest.fixture(scope="module")
def samples(tmp_path_factory):
    """Real files of each kind, made by the same tools the project uses."""
    folder = tmp_path_factory.mktemp("samples")
    pdf = folder / "sample.pdf"
    HTML(string="<h1>Памятка</h1><p>Хранение удобрений</p>").write_pdf(pdf)
    subprocess.run(["pdftoppm", "-r", "20", "-singlefile", "-png", pdf, folder / "page"], check=True)
    subprocess.run(["pdftoppm", "-r", "20", "-singlefile", "-jpeg", pdf, folder / "page"], check=True)
    image = Image.open(folder / "page.png")
    image.save(folder / "page.gif")
    image.save(folder / "page.webp")
    (folder / "clip.mp4").write_bytes(MP4_HEAD + b"\x00" * 512)
    (folder / "clip.webm").write_bytes(WEBM_HEAD + b"\x00" * 512)
    (folder / "notes.txt").write_text("Азотные удобрения: хранить отдельно.\n", encoding="utf-8")
    for name, parts in {
        "slides.pptx": ["[Content_Types].xml", "ppt/presentation.xml", "ppt/slides/slide1.xml"],
        "letter.docx": ["[Content_Types].xml", "word/document.xml"],
        "table.xlsx": ["[Content_Types].xml", "xl/workbook.xml"],
        "bundle.zip": ["readme.txt"],
    }.items():
        with zipfile.ZipFile(folder / name, "w", zipfile.ZIP_DEFLATED) as archive:
            for part in parts:
                archive.writestr(part, "<xml/>")
    return folder


def upload(path_or_bytes, name, tmp_path, allowed=ATTACHMENT_KINDS | {"mp4", "webm"}, limits=LIMITS, **kwargs):
    data = path_or_bytes if isinstance(path_or_bytes, bytes) else path_or_bytes.read_bytes()
    temp_dir = tmp_path / "tmp"
    temp_dir.mkdir(exist_ok=True)
    return check_upload(io.BytesIO(data), declared_name=name, allowed_kinds=allowed, size_limits=limits, temp_dir=temp_dir, **kwargs)


def refused(tmp_path, *args, **kwargs):
    """Run a refused upload and prove nothing was left behind."""
    with pytest.raises(UploadError) as caught:
        upload(*args, tmp_path=tmp_path, **kwargs)
    assert list((tmp_path / "tmp").iterdir()) == []
    assert caught.value.message and str(caught.value)
    return caught.value


@pytest.mark.parametrize(
    ("file", "kind"),
    [
        ("sample.pdf", "pdf"), ("page.png", "png"), ("page.jpg", "jpeg"), ("page.gif", "gif"),
        ("page.webp", "webp"), ("clip.mp4", "mp4"), ("clip.webm", "webm"), ("notes.txt", "txt"),
        ("slides.pptx", "pptx"), ("letter.docx", "docx"), ("table.xlsx", "xlsx"), ("bundle.zip", "zip"),
    ],
)
def test_kinds_are_detected_from_content(samples, tmp_path, file, kind):
    assert detect_file_kind(samples / file) == kind
    check = upload(samples / file, file, tmp_path)
    assert check.kind == kind
    assert check.sha256 == hashlib.sha256((samples / file).read_bytes()).hexdigest()
    assert check.size == (samples / file).stat().st_size
    check.discard()


def test_unknown_bytes_and_matroska_are_not_recognised():
    assert detect_kind(b"\x00\x01\x02binary") is None
    assert detect_kind(WEBM_HEAD.replace(b"webm", b"mkvx")) is None
    assert detect_kind(b"\x00\x00\x00\x18ftypheic") is None


def test_pdf_extension_on_html_is_refused(tmp_path):
    error = refused(tmp_path, b"<html><script>alert(1)</script></html>", "report.pdf", allowed={"pdf"})
    assert error.code == "kind_not_allowed"


def test_wrong_content_behind_allowed_extension_is_refused(samples, tmp_path):
    error = refused(tmp_path, samples / "page.png", "manual.pdf")
    assert error.code == "extension_mismatch"
    assert error.params == {"extension": ".pdf", "kind": "png"}


def test_pptx_renamed_to_docx_is_refused(samples, tmp_path):
    assert refused(tmp_path, samples / "slides.pptx", "slides.docx").code == "extension_mismatch"


def test_kind_not_in_allowed_kinds_is_refused(samples, tmp_path):
    error = refused(tmp_path, samples / "slides.pptx", "slides.pptx", allowed={"pdf"})
    assert error.code == "kind_not_allowed" and error.params["kind"] == "pptx"
    assert refused(tmp_path, b"\x00\x01binary", "x.bin").code == "unsupported_type"


@pytest.mark.parametrize(
    "name",
    ["../etc/passwd.pdf", "dir/file.pdf", "dir\\file.pdf", "/abs.pdf", "C:report.pdf", "a\x00.pdf",
     "a\nb.pdf", ".hidden.pdf", "", " spaced.pdf", "x" * 300 + ".pdf", "a\u0085b.pdf"],
)
def test_path_like_names_are_refused(samples, tmp_path, name):
    assert refused(tmp_path, samples / "sample.pdf", name).code == "unsafe_name"


def test_empty_file_is_refused(tmp_path):
    assert refused(tmp_path, b"", "empty.txt").code == "empty"


def test_oversize_stops_reading_early(tmp_path):
    class EndlessPdf(io.RawIOBase):
        def __init__(self):
            self.served = 0

        def readable(self):
            return True

        def read(self, size=-1):
            chunk = (b"%PDF-1.7\n" if self.served == 0 else b"") + b"0" * (size if size > 0 else 65536)
            self.served += len(chunk)
            return chunk

    stream = EndlessPdf()
    (tmp_path / "tmp").mkdir()
    with pytest.raises(UploadError) as caught:
        check_upload(stream, declared_name="big.pdf", allowed_kinds={"pdf"}, size_limits={"pdf": MB}, temp_dir=tmp_path / "tmp")
    assert caught.value.code == "too_large" and caught.value.params == {"limit_mb": "1"}
    assert stream.served <= MB + 2 * 65536
    assert list((tmp_path / "tmp").iterdir()) == []


def test_per_kind_limits_apply(samples, tmp_path):
    limits = dict(LIMITS, pptx=100)
    assert refused(tmp_path, samples / "slides.pptx", "slides.pptx", limits=limits).code == "too_large"
    upload(samples / "bundle.zip", "bundle.zip", tmp_path, limits=limits).discard()


def zip_bytes(entries):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, data in entries:
            archive.writestr(info, data)
    return buffer.getvalue()


def test_zip_bomb_is_refused(tmp_path):
    data = zip_bytes([("[Content_Types].xml", "<x/>"), ("ppt/presentation.xml", b"\0" * (4 * MB))])
    assert len(data) < 64 * 1024
    assert refused(tmp_path, data, "slides.pptx").code == "archive_ratio"


def test_archive_with_too_many_entries_or_too_big_is_refused(tmp_path):
    many = zip_bytes([(f"f{i}.txt", "x") for i in range(20)])
    assert refused(tmp_path, many, "many.zip", archive_limits=ArchiveLimits(max_entries=10)).code == "archive_entries"
    big = zip_bytes([("a.txt", b"abc" * 200_000)])
    limits = ArchiveLimits(max_total_uncompressed=100_000, max_ratio=10_000)
    assert refused(tmp_path, big, "big.zip", archive_limits=limits).code == "archive_too_big"


@pytest.mark.parametrize("entry", ["../evil.txt", "/etc/cron.d/x", "a/../../b", "C:/x.txt"])
def test_archive_with_unsafe_entry_paths_is_refused(tmp_path, entry):
    data = zip_bytes([(zipfile.ZipInfo(entry), "x")])
    assert refused(tmp_path, data, "bundle.zip").code == "archive_unsafe_path"


def test_archive_with_symlink_is_refused(tmp_path):
    link = zipfile.ZipInfo("link")
    link.create_system = 3
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    data = zip_bytes([("[Content_Types].xml", "<x/>"), ("word/document.xml", "<x/>"), (link, "/etc/passwd")])
    assert refused(tmp_path, data, "letter.docx").code == "archive_symlink"


def test_broken_zip_is_refused(tmp_path):
    assert refused(tmp_path, b"PK\x03\x04" + b"\x00" * 100, "bundle.zip").code == "archive_corrupt"


def test_store_by_hash_is_idempotent_and_keeps_no_client_name(samples, tmp_path):
    storage = tmp_path / "storage"
    first = upload(samples / "sample.pdf", "Памятка  по хранению.pdf", tmp_path)
    assert first.display_name == "Памятка по хранению.pdf"
    relative = store_upload(first, storage)
    sha = hashlib.sha256((samples / "sample.pdf").read_bytes()).hexdigest()
    assert relative == f"{sha[:2]}/{sha[2:4]}/{sha}"
    assert (storage / relative).read_bytes() == (samples / "sample.pdf").read_bytes()
    second = upload(samples / "sample.pdf", "copy.pdf", tmp_path)
    assert store_upload(second, storage) == relative
    assert [p.name for p in storage.rglob("*") if p.is_file()] == [sha]
    assert list((tmp_path / "tmp").iterdir()) == []


def test_refused_upload_leaves_storage_empty(samples, tmp_path):
    storage = tmp_path / "storage"
    storage.mkdir()
    with pytest.raises(UploadError):
        check = upload(samples / "page.png", "photo.pdf", tmp_path)
        store_upload(check, storage)
    assert list(storage.iterdir()) == []
    assert list((tmp_path / "tmp").iterdir()) == []
