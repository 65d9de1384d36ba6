"""The locks in requirements/ (what the README's commands and CI install) still satisfy
pyproject.toml: every direct dependency is pinned to a version its range allows, nothing is
pinned as direct that pyproject.toml no longer asks for, and the runtime and test locks agree.
When this fails, run ``tools/lock`` and commit the result."""
from __future__ import annotations

import re
import tomllib

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from lms.testing import PROJECT_ROOT

PIN = re.compile(r"^(?P<name>[A-Za-z0-9._-]+)(?:\[(?P<extras>[^\]]*)\])?==(?P<version>[^\s;\\]+)")
REFRESH = "run tools/lock and commit requirements/"


def read_lock(name: str) -> dict[str, dict]:
    """``{package: {"version", "extras", "via"}}`` of a uv-compiled lock file."""
    pins: dict[str, dict] = {}
    current = None
    for line in (PROJECT_ROOT / "requirements" / name).read_text(encoding="utf-8").splitlines():
        match = PIN.match(line)
        if match:
            current = pins.setdefault(canonicalize_name(match["name"]), {
                "version": match["version"], "extras": set(), "via": set()})
            current["extras"] |= {e.strip() for e in (match["extras"] or "").split(",") if e.strip()}
        elif current is not None and line.strip().startswith("#"):
            via = line.strip().lstrip("#").strip()
            current["via"].add(via.removeprefix("via ").strip())
    return pins


def project() -> dict:
    return tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def runtime_requirements() -> list[Requirement]:
    build = [line for line in (PROJECT_ROOT / "requirements" / "build.in").read_text().splitlines()
             if line.strip() and not line.startswith("#")]
    return [Requirement(r) for r in project()["project"]["dependencies"] + build]


def test_requirements_build_in_is_the_build_system_of_pyproject():
    build = [Requirement(line) for line in (PROJECT_ROOT / "requirements" / "build.in").read_text().splitlines()
             if line.strip() and not line.startswith("#")]
    assert sorted(map(str, build)) == sorted(project()["build-system"]["requires"])


@pytest.mark.parametrize("lock, extras", [("runtime.txt", ()), ("test.txt", ("test",))])
def test_the_lock_pins_every_requirement_of_pyproject_within_its_range(lock, extras):
    pins = read_lock(lock)
    wanted = runtime_requirements() + [Requirement(r) for extra in extras
                                        for r in project()["project"]["optional-dependencies"][extra]]
    problems = []
    for requirement in wanted:
        pin = pins.get(canonicalize_name(requirement.name))
        if pin is None:
            problems.append(f"{requirement} is not in requirements/{lock}")
        elif not requirement.specifier.contains(pin["version"], prereleases=True):
            problems.append(f"{requirement}: requirements/{lock} pins {pin['version']}")
        elif not requirement.extras <= pin["extras"]:
            problems.append(f"{requirement}: requirements/{lock} lacks the extras {requirement.extras - pin['extras']}")
    assert not problems, f"{REFRESH}: {problems}"


@pytest.mark.parametrize("lock, extras", [("runtime.txt", ()), ("test.txt", ("test",))])
def test_the_lock_pins_nothing_as_direct_that_pyproject_no_longer_asks_for(lock, extras):
    direct = {name for name, pin in read_lock(lock).items()
              if any("pyproject.toml" in via or "requirements/build.in" in via for via in pin["via"])}
    wanted = {canonicalize_name(r.name) for r in runtime_requirements()} | {
        canonicalize_name(Requirement(r).name) for extra in extras
        for r in project()["project"]["optional-dependencies"][extra]}
    assert direct == wanted, f"{REFRESH}: only in the lock {direct - wanted}, only in pyproject {wanted - direct}"


def test_the_runtime_and_test_locks_install_the_same_versions():
    runtime, test = read_lock("runtime.txt"), read_lock("test.txt")
    differ = {name: (pin["version"], test.get(name, {}).get("version")) for name, pin in runtime.items()
              if test.get(name, {}).get("version") != pin["version"]}
    assert not differ, f"{REFRESH}: {differ}"


def test_every_pin_carries_hashes():
    for lock in ("runtime.txt", "test.txt"):
        text = (PROJECT_ROOT / "requirements" / lock).read_text(encoding="utf-8")
        blocks = re.split(r"\n(?=[A-Za-z0-9])", text.split("\n", 2)[2])
        unhashed = [block.split()[0] for block in blocks if PIN.match(block) and "--hash=sha256:" not in block]
        assert not unhashed, f"requirements/{lock}: pins without hashes {unhashed}"
