"""Shared helpers for the end-to-end browser flows: full demo data, an HS256 SSO issuer, quiz answers."""
from __future__ import annotations

import subprocess
from pathlib import Path

import jwt
import sqlalchemy as sa

from lms.extensions import db
from lms.testing import PROJECT_ROOT, fresh_sso_claims

SCREENSHOTS = PROJECT_ROOT / "tests" / "screenshots"
SSO_ISS = "https://partners.example"
SSO_AUDIENCE = "dealer-lms"
SSO_SECRET = "browser-flows-shared-secret-of-32-bytes-at-least"
FERTILIZER = "fertilizer-safety"


def shot(page, name: str) -> None:
    """A full-page screenshot of a key step, kept in tests/screenshots/ (ignored by git)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def load_full_demo(app) -> None:
    """What ``lms init --demo`` loads: core accounts, then every plugin's demo data (courses, surveys…)."""
    from lms.demo import load_core_demo_data
    from lms.events import commit

    with app.app_context():
        load_core_demo_data()
        app.extensions["lms"].hook.lms_load_demo_data()
        commit()


def write_hs_issuer(folder: Path) -> Path:
    path = folder / "issuers.toml"
    path.write_text(f"""
[[issuer]]
name = "partner-portal"
iss = "{SSO_ISS}"
audience = "{SSO_AUDIENCE}"
algorithms = ["HS256"]
secret = "{SSO_SECRET}"
[issuer.roles]
employee = "learner"
""")
    return path


def sso_token(**claims) -> str:
    payload = fresh_sso_claims(**{
        "iss": SSO_ISS, "aud": SSO_AUDIENCE, "sub": "dealer-emp-1", "email": "petr.dealer@yug.example",
        "name": "Пётр Дилеров", "locale": "ru", "roles": ["employee"],
        "dealer": {"id": "D-501", "name": "Агро-Юг Партнёр", "tier": "gold", "region": "Ростовская область"},
        **claims})
    return jwt.encode(payload, SSO_SECRET, algorithm="HS256")


def attempt_slots(app, attempt_id: int) -> list[tuple[int, str, dict]]:
    """(position, qtype, definition) of every slot of the attempt, read from the database."""
    from lms.quizzes.models import AttemptSlot, QuestionVersion

    with app.app_context():
        rows = db.session.execute(
            sa.select(AttemptSlot.position, QuestionVersion.qtype, QuestionVersion.definition)
            .join(QuestionVersion, QuestionVersion.id == AttemptSlot.question_version_id)
            .where(AttemptSlot.attempt_id == attempt_id).order_by(AttemptSlot.position)).all()
        return [(p, q, d) for p, q, d in rows]


def answer_slot(page, position: int, qtype: str, definition: dict) -> dict:
    """Give the right answer to one question as a person would; returns what to expect after a reload."""
    from lms.quizzes.grading import as_decimal

    box = page.locator(f"fieldset#q{position}")
    name = f"s{position}"
    if qtype == "single_choice":
        best = max(definition["options"], key=lambda o: as_decimal(o["fraction"]))
        box.locator(f"input[name={name}][value='{best['id']}']").check()
        return {"checked": [best["id"]]}
    if qtype == "multiple_choice":
        right = [o["id"] for o in definition["options"] if as_decimal(o["fraction"]) > 0]
        for option_id in right:
            box.locator(f"input[name={name}][value='{option_id}']").check()
        return {"checked": right}
    if qtype == "true_false":
        value = "true" if definition["correct"] else "false"
        box.locator(f"input[name={name}][value={value}]").check()
        return {"checked": [value]}
    if qtype == "short_answer":
        text = next(a["text"] for a in definition["answers"] if as_decimal(a["fraction"]) == 1)
        box.locator(f"#{name}").fill(text)
        box.locator(f"#{name}").blur()
        return {"text": text}
    if qtype == "numerical":
        value = next(str(a["value"]) for a in definition["answers"]
                     if a["value"] != "*" and as_decimal(a["fraction"]) == 1)
        box.locator(f"#{name}").fill(value)
        box.locator(f"#{name}").blur()
        return {"text": value}
    if qtype == "matching":
        chosen = {}
        for pair in definition["pairs"]:
            select = box.locator(f"select[name='{name}-{pair['id']}']")
            select.select_option(label=pair["answer"])
            chosen[pair["id"]] = pair["answer"]
        return {"matches": chosen}
    raise AssertionError(f"no browser answer for question type {qtype}")


def assert_answer_shown(page, position: int, expected: dict) -> None:
    """After a reload the page shows the saved answer again."""
    box = page.locator(f"fieldset#q{position}")
    name = f"s{position}"
    for value in expected.get("checked", ()):
        assert box.locator(f"input[name={name}][value='{value}']").is_checked(), (position, value)
    if "text" in expected:
        assert box.locator(f"#{name}").input_value() == expected["text"], position
    for pair_id, label in expected.get("matches", {}).items():
        select = box.locator(f"select[name='{name}-{pair_id}']")
        shown = select.evaluate("s => s.options[s.selectedIndex].text")
        assert shown == label, (position, pair_id, shown)


def qr_payload(pdf_path: Path, tmp_path: Path) -> str:
    """Render the PDF's first page and decode its QR code (poppler's pdftoppm + zbar's zbarimg)."""
    subprocess.run(["pdftoppm", "-r", "150", "-png", "-singlefile", str(pdf_path), str(tmp_path / "page")],
                   check=True, capture_output=True)
    result = subprocess.run(["zbarimg", "--quiet", "--raw", str(tmp_path / "page.png")],
                            capture_output=True, check=True, text=True)
    return result.stdout.strip()


def tab_to(page, selector: str, name: str | None = None, limit: int = 300) -> None:
    """Press Tab (only the keyboard, as someone without a mouse) until the focused element matches
    ``selector`` and, if given, has ``name`` as its text or aria-label; the focus may already be there."""
    focused = """([selector, name]) => { const e = document.activeElement;
        return !!e && e.matches(selector) && (name === null || e.getAttribute('aria-label') === name
                                              || e.textContent.trim() === name); }"""
    for _ in range(limit):
        if page.evaluate(focused, [selector, name]):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {selector} {name or ''}")
