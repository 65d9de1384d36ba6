"""A tiny SCORM 1.2 package built in code: for ``lms demo``, the route fuzzer and the benchmark."""
from __future__ import annotations

import io
import zipfile

MANIFEST = """<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="lms.demo.scorm12" version="1" xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2"
  xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2">
  <metadata><schema>ADL SCORM</schema><schemaversion>1.2</schemaversion></metadata>
  <organizations default="org"><organization identifier="org"><title>{title}</title>
    <item identifier="intro" identifierref="sco"><title>{title}</title><adlcp:masteryscore>70</adlcp:masteryscore></item>
  </organization></organizations>
  <resources><resource identifier="sco" type="webcontent" adlcp:scormtype="sco" href="index.html">
    <file href="index.html"/></resource></resources>
</manifest>"""

PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}</title></head><body>
<h1>{title}</h1><p><button id="pass">Pass</button></p>
<script>
function findAPI(w) {{ while (w && !w.API && w.parent !== w) {{ w = w.parent; }} return w && w.API; }}
var api = findAPI(window.parent);
api.LMSInitialize("");
api.LMSSetValue("cmi.core.lesson_status", "incomplete");
document.getElementById("pass").onclick = function () {{
  api.LMSSetValue("cmi.core.score.raw", "100");
  api.LMSSetValue("cmi.core.lesson_status", "passed");
  api.LMSCommit("");
  api.LMSFinish("");
}};
</script></body></html>"""


def demo_scorm_zip(title: str = "SCORM demo") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("imsmanifest.xml", MANIFEST.format(title=title))
        archive.writestr("index.html", PAGE.format(title=title))
    return buffer.getvalue()
