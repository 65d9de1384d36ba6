"""SCORM manifests: every fixture package reads, broken manifests are refused naming the problem."""
import io
import zipfile

import pytest

from lms.elearning.scorm_manifest import PackageRefused, parse_manifest
from lms.testing import shared_fixture

GOLF = ("elearning", "rustici-golf")


def read_fixture(app, name):
    archive = zipfile.ZipFile(io.BytesIO(shared_fixture(*GOLF, name).read_bytes()))
    names = {n for n in archive.namelist() if not n.endswith("/")}
    with app.test_request_context():
        return parse_manifest(archive.read("imsmanifest.xml"), names)


@pytest.mark.parametrize("name, version, leaves, types", [
    ("ContentPackagingSingleSCO_SCORM12.zip", "1.2", 1, {"sco"}),
    ("ContentPackagingOneFilePerSCO_SCORM20043rdEdition.zip", "2004 3rd", 18, {"asset"}),
    ("RuntimeMinimumCalls_SCORM12.zip", "1.2", 18, {"sco"}),
    ("RuntimeBasicCalls_SCORM12.zip", "1.2", 1, {"sco"}),
    ("RuntimeBasicCalls_SCORM20043rdEdition.zip", "2004 3rd", 1, {"sco"}),
    ("SequencingForcedSequential_SCORM20043rdEdition.zip", "2004 3rd", 5, {"sco"}),
])
def test_fixture_manifests_read(app, name, version, leaves, types):
    package = read_fixture(app, name)
    assert package.version == version
    assert len(package.leaves()) == leaves
    assert {item.scorm_type for item in package.leaves()} == types


def test_parameters_and_shared_sequencing_collection(app):
    package = read_fixture(app, "SequencingForcedSequential_SCORM20043rdEdition.zip")
    first, second = package.leaves()[:2]
    assert first.launch == "shared/launchpage.html?content=playing"
    # The item's own rules plus the collection's (IDRef) control mode.
    assert second.sequencing["preConditionRule"][0]["action"] == "disabled"
    assert "control" in package.root_sequencing or "control" in first.sequencing


MANIFEST_12 = """<?xml version="1.0"?>
<manifest identifier="m" xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2"
  xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2">
  <metadata><schema>ADL SCORM</schema><schemaversion>1.2</schemaversion></metadata>
  {organizations}
  <resources>
    <resource identifier="r1" type="webcontent" adlcp:scormtype="sco" href="index.html"/>
    <resource identifier="r2" type="webcontent" adlcp:scormtype="asset" href="page two.html"/>
  </resources>
</manifest>"""


def parse(app, text, names=("index.html", "page two.html")):
    app.config["BABEL_DEFAULT_LOCALE"] = "en"  # the messages are checked in English (Russian is the default)
    with app.test_request_context():
        return parse_manifest(text.encode() if isinstance(text, str) else text, set(names))


def test_without_organization_the_resources_become_items(app):
    package = parse(app, MANIFEST_12.format(organizations="<organizations/>"))
    assert [(i.identifier, i.launch, i.scorm_type) for i in package.items] == [
        ("r1", "index.html", "sco"), ("r2", "page two.html", "asset")]


@pytest.mark.parametrize("text, names, message", [
    ("", ("index.html",), "empty"),
    ("<manifest><resources>", ("index.html",), "not valid XML"),
    ("<?xml version='1.0'?><!DOCTYPE m [<!ENTITY x 'y'>]><manifest>&x;</manifest>", ("index.html",),
     "entities"),
    ("<html/>", ("index.html",), "<manifest>"),
    (MANIFEST_12.format(organizations="<organizations/>"), ("other.html",), "index.html"),
    ("<manifest><organizations/></manifest>", ("index.html",), "<resources>"),
    ("<manifest><organizations/><resources/></manifest>", ("index.html",), "nothing to launch"),
    (MANIFEST_12.format(organizations='<organizations default="o"><organization identifier="o"><title>T</title>'
                        '<item identifier="i" identifierref="missing"><title>I</title></item></organization>'
                        '</organizations>'), ("index.html",), "missing"),
])
def test_broken_manifests_are_refused_naming_the_problem(app, text, names, message):
    with pytest.raises(PackageRefused) as refused:
        parse(app, text, names)
    assert message in str(refused.value)
