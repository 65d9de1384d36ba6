"""The XSS corpus and the plant: payloads typed into every place users write text that others see, through
the same forms and services people use. Shared by the server checks and the Chromium check."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import jwt
import sqlalchemy as sa

from lms.extensions import db
from lms.testing import csrf_token, fresh_sso_claims, sign_in

PAYLOADS = (
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<a href=\"javascript:alert(1)\">ссылка</a>",
    "[x](javascript:alert(1))",
    "[данные](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "<svg onload=alert(1)>",
    "\"><script>alert(1)</script>",
    "</textarea><script>alert(1)</script>",
)
# Markdown-only forms of the dangerous links (autolinks, reference links, raw HTML blocks).
MARKDOWN_EXTRA = (
    "<javascript:alert(1)>",
    "[ref][evil]\n\n[evil]: javascript:alert(1)",
    "![img](javascript:alert(1))",
    "<div onmouseover=\"alert(1)\">наведи</div>",
    "[jsu](JaVaScRiPt:alert(1))",
    "[ent](&#106;avascript:alert(1))",
)
SSO_ISS = "https://xss-host.example"
SSO_AUDIENCE = "dealer-lms"
SSO_SECRET = "xss-corpus-shared-secret-of-32-bytes-at-least"
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "poster", "background"}


def marker(place: str, index: int) -> str:
    """A plain word next to each payload: proves the text really reached the page."""
    return f"xss-{place}-{index}"


def write_issuer(folder: Path) -> Path:
    path = folder / "xss-issuers.toml"
    path.write_text(f"""
[[issuer]]
name = "xss-host"
iss = "{SSO_ISS}"
audience = "{SSO_AUDIENCE}"
algorithms = ["HS256"]
secret = "{SSO_SECRET}"
[issuer.roles]
employee = "learner"
boss = "dealer_admin"
""")
    return path


def sso_token(sub: str, name: str, dealer_name: str, roles: list[str], email: str) -> str:
    return jwt.encode(fresh_sso_claims(
        iss=SSO_ISS, aud=SSO_AUDIENCE, sub=sub, email=email, name=name, roles=roles, locale="ru",
        dealer={"id": "XSS-1", "name": dealer_name, "tier": "gold", "region": "Регион <b>x</b>"}),
        SSO_SECRET, algorithm="HS256")


def signed_in(app, role: str):
    return sign_in(app.test_client(), role)


def post_form(client, form_page: str, action: str | None = None, **data):
    response = client.post(action or form_page, data={"csrf_token": csrf_token(client, form_page), **data})
    assert response.status_code in (200, 302, 303), (action or form_page, response.status_code,
                                                     response.get_data(as_text=True)[:800])
    return response


def gift_escape(text: str) -> str:
    return re.sub(r"([~=#{}:\\])", r"\\\1", text)


@dataclass
class Planted:
    """What the plant created, and which pages show it to whom (role → paths)."""

    pages: dict[str, list[str]] = field(default_factory=dict)

    def add(self, who: str, *paths: str) -> None:
        self.pages.setdefault(who, []).extend(paths)


def plant(app) -> Planted:
    """Type every payload into every place; returns the pages to look at per viewer.

    Needs the demo accounts. Issues a certificate (PDF signing runs asyncio.run), so call it from a
    thread where no event loop runs.
    """
    from lms.auth.models import Dealer, User
    from lms.courses.models import Course, Lesson

    planted = Planted()
    author, admin, manager = signed_in(app, "author"), signed_in(app, "admin"), signed_in(app, "manager")

    # Courses: the title, the Markdown description and a Markdown lesson, through the author's forms.
    for i, payload in enumerate(PAYLOADS):
        body = "\n\n".join([f"{marker('lesson', i)} {payload}", *MARKDOWN_EXTRA, f"Текст `{payload}` и {payload}"])
        post_form(author, "/courses/manage/new", title=f"{marker('course', i)} {payload}", slug=f"xss-{i}",
                  description=f"{marker('desc', i)} {payload}", language="ru", targets_all="y",
                  certificate="y", validity_months="12")
        with app.app_context():
            course_id = db.session.scalar(sa.select(Course.id).where(Course.slug == f"xss-{i}"))
        post_form(author, f"/courses/manage/{course_id}/lessons/new", title=f"{marker('ltitle', i)} {payload}",
                  slug="lesson", kind="markdown", section_id=_first_section(app, course_id), required="y",
                  body=body)
        post_form(author, f"/courses/manage/{course_id}", f"/courses/manage/{course_id}/publish")
        with app.app_context():
            lesson_id = db.session.scalar(sa.select(Lesson.id).where(Lesson.course_id == course_id))
        planted.add("learner", f"/courses/xss-{i}", f"/courses/xss-{i}/lessons/lesson")
        planted.add("author", f"/courses/manage/{course_id}", f"/courses/manage/{course_id}/lessons/{lesson_id}")
    planted.add("learner", "/courses/", "/")

    # Questions and feedback from a GIFT file, in every text format GIFT knows, in a published quiz.
    post_form(author, "/quizzes/bank", name="XSS", parent_id="0")
    from lms.quizzes.models import Question, QuestionCategory

    with app.app_context():
        category_id = db.session.scalar(sa.select(QuestionCategory.id).where(QuestionCategory.name == "XSS"))
    blocks = []
    for i, payload in enumerate(PAYLOADS):
        p = gift_escape(payload)
        fmt = ("[html]", "[markdown]", "[moodle]", "[plain]")[i % 4]
        blocks.append(f"::{marker('q', i)}::{fmt}{marker('qtext', i)} {p} {{\n"
                      f"={marker('right', i)} {p}#{marker('fb', i)} {p}\n"
                      f"~{marker('wrong', i)} {p}#{marker('fbw', i)} {p}\n"
                      f"####{marker('general', i)} {p}\n}}")
    gift = "\n\n".join(blocks).encode()
    from io import BytesIO

    response = author.post(f"/quizzes/bank/{category_id}/import", content_type="multipart/form-data", data={
        "gift-csrf_token": csrf_token(author, f"/quizzes/bank?category={category_id}"),
        "gift-file": (BytesIO(gift), "xss.gift")})
    assert response.status_code == 303, response.get_data(as_text=True)[-1500:]
    post_form(author, "/quizzes/manage", title=f"Тест {PAYLOADS[0]}", description=f"{PAYLOADS[1]} {PAYLOADS[3]}",
              published="y", random_category_id="0", random_count="0", shuffle_options="y",
              time_limit_minutes="0", attempts_allowed="0", cooldown_minutes="0", pass_percent="50",
              grading_method="highest", review="with_answers")
    from lms.quizzes.models import Quiz

    with app.app_context():
        quiz_id = db.session.scalar(sa.select(Quiz.id).where(Quiz.title == f"Тест {PAYLOADS[0]}"))
        question_ids = db.session.scalars(sa.select(Question.id).where(Question.category_id == category_id)
                                          .order_by(Question.id)).all()
    for question_id in question_ids:
        response = author.post(f"/quizzes/{quiz_id}/questions", data={
            "add-csrf_token": csrf_token(author, f"/quizzes/{quiz_id}/edit"), "add-question_ids": str(question_id),
            "add-max_mark": "1"})
        assert response.status_code == 303
    learner = signed_in(app, "learner")
    response = learner.post(f"/quizzes/{quiz_id}/start", data={"csrf_token": csrf_token(learner, f"/quizzes/{quiz_id}")})
    attempt_path = response.headers["Location"]
    html = learner.get(attempt_path).get_data(as_text=True)
    # Answer every question with its first real option, so option feedback shows on the result page.
    answers = {}
    for name, value in re.findall(r'name="(s\d+)" value="([^"]+)"', html):
        answers.setdefault(name, value)
    slots = re.findall(r'name="slots" value="(\d+)"', html)
    response = learner.post(attempt_path, data={"csrf_token": csrf_token(learner, attempt_path), "slots": slots,
                                                "action": "finish", **answers})
    assert response.status_code == 303, (attempt_path, slots, answers, response.status_code,
                                          response.get_data(as_text=True)[-1500:])
    planted.add("learner", f"/quizzes/{quiz_id}", f"{attempt_path}/result")
    # A second attempt stays open, so the attempt page itself is checked too.
    response = learner.post(f"/quizzes/{quiz_id}/start", data={"csrf_token": csrf_token(learner, f"/quizzes/{quiz_id}")})
    planted.add("learner", response.headers["Location"])
    planted.add("author", f"/quizzes/bank?category={category_id}", f"/quizzes/{quiz_id}/edit",
                f"/quizzes/bank/questions/{question_ids[0]}", f"/quizzes/{quiz_id}/analysis")

    # Survey question titles (and the survey's title and description), through the surveys service.
    from lms.events import commit
    from lms.surveys.services import create_survey

    with app.app_context():
        survey = create_survey(
            title=f"{marker('survey', 0)} {PAYLOADS[6]}", description=f"{PAYLOADS[1]} {PAYLOADS[3]}", publish=True,
            targeting={"role": ["learner", "dealer_admin"]},
            questions=[{"key": f"q{i}", "kind": ("rating", "long_text", "nps", "short_text")[i % 4],
                        "title": f"{marker('squestion', i)} {payload}"} for i, payload in enumerate(PAYLOADS)])
        survey_id = survey.id
        commit()
    planted.add("learner", "/surveys/", f"/surveys/{survey_id}")
    planted.add("manager", f"/surveys/manage/{survey_id}/results", "/surveys/manage/")

    # Names of users and dealers: from SSO claims, and from the admin's forms.
    for i, payload in enumerate(PAYLOADS[:4]):
        sso = app.test_client()
        token = sso_token(f"xss-user-{i}", f"{marker('ssoname', i)} {payload}",
                          f"{marker('ssodealer', 0)} {PAYLOADS[6]}", ["boss" if i == 0 else "employee"],
                          f"xss{i}@host.example")
        response = sso.get("/sso/jwt", query_string={"token": token})
        assert response.status_code == 302, response.get_data(as_text=True)[-1200:]
    for i, payload in enumerate(PAYLOADS[4:], start=4):
        post_form(admin, "/admin/dealers", name=f"{marker('dealer', i)} {payload}", tax_id=f"99{i}",
                  tier="silver", region="Тест")
        with app.app_context():
            dealer_id = db.session.scalar(sa.select(Dealer.id).where(Dealer.tax_id == f"99{i}"))
        post_form(admin, "/admin/users", email=f"xss-admin-{i}@demo.example.com",
                  name=f"{marker('username', i)} {payload}", role="learner", dealer_id=str(dealer_id),
                  password="a-long-password-123")
    with app.app_context():
        sso_dealer = db.session.scalar(sa.select(Dealer.id).where(Dealer.name.startswith(marker("ssodealer", 0))))
        sso_user = db.session.scalar(sa.select(User.id).where(User.email == "xss1@host.example"))
        xss_course_id = db.session.scalar(sa.select(Course.id).where(Course.slug == "xss-0"))
    planted.add("admin", "/admin/users", "/admin/dealers")
    planted.add("manager", "/reports/", "/reports/coverage", f"/reports/dealers/{sso_dealer}",
                f"/reports/coverage/people?key={xss_course_id}", "/reports/courses", f"/reports/courses/{xss_course_id}",
                "/certificates/manage/")
    boss = app.test_client()
    boss.get("/sso/jwt", query_string={"token": sso_token(
        "xss-user-0", f"{marker('ssoname', 0)} {PAYLOADS[0]}", f"{marker('ssodealer', 0)} {PAYLOADS[6]}",
        ["boss"], "xss0@host.example")})
    planted.boss = boss
    planted.add("boss", "/", f"/reports/dealers/{sso_dealer}")

    # A certificate for a learner whose name and dealer are payloads: the public verify page shows both.
    from lms.certificates.models import Certificate
    from lms.courses.contracts import CourseCompletion
    from lms.courses.models import CourseCompletionRecord
    from lms.events import emit
    from lms.timeutil import utcnow

    with app.app_context():
        course = db.session.scalar(sa.select(Course).where(Course.slug == "xss-0"))
        completion = CourseCompletion(user_id=sso_user, course_id=course.id, course_version=course.version,
                                      score_percent=100.0, completed_at=utcnow())
        db.session.add(CourseCompletionRecord(user_id=sso_user, course_id=course.id, course_version=course.version,
                                              score_percent=100.0, completed_at=completion.completed_at))
        emit("lms_course_completed", completion=completion)
        commit()
        code = db.session.scalar(sa.select(Certificate.code).where(Certificate.user_id == sso_user))
    assert code, "the certificate for the SSO learner was not issued"
    planted.add("public", f"/verify/{code}")

    # Marketing materials: the title and description, through the manager's item form (the plugin
    # may be disabled: CI also runs the suite without the partner plugins).
    if "lms_marketing" in app.blueprints:
        plant_marketing_items(app, manager, planted)
    return planted


def _first_section(app, course_id: int) -> str:
    from lms.courses.models import CourseSection

    with app.app_context():
        return str(db.session.scalar(sa.select(CourseSection.id).where(CourseSection.course_id == course_id)))


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            value = value or ""
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=…> event handler attribute")
            if name in URL_ATTRIBUTES or name == "srcdoc":
                scheme = re.sub(r"[\s\x00-\x1f]+", "", value).lower()
                if name == "srcdoc" or scheme.startswith(("javascript:", "vbscript:", "data:text/html")):
                    self.problems.append(f"<{tag} {name}={value[:60]!r}> dangerous URL")
        if tag == "script":
            src = dict(attrs).get("src") or ""
            if not src.startswith("/static/"):
                self.problems.append(f"<script src={src!r}> not one of ours")
        if tag in ("object", "embed", "base") or (tag == "iframe" and not (dict(attrs).get("src") or "").startswith("/")):
            self.problems.append(f"<{tag}> element")

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)


def inert_problems(html: str) -> list[str]:
    """Everything in the page that could run script: inline/foreign scripts, on* attributes, javascript:/data:
    URLs, embedded documents. The portal's own pages have none of these."""
    parser = _Tags()
    parser.feed(html)
    parser.close()
    return parser.problems


def plant_marketing_items(app, manager, planted) -> None:
    for i, payload in enumerate(PAYLOADS):
        post_form(manager, "/marketing/manage/items/new", title=f"{marker('item', i)} {payload}",
                  description=f"{payload} {PAYLOADS[3]}", kind="leaflet", format="A4", language="ru",
                  stock="10", min_per_order="1", max_per_order="5", active="y")
    from lms_marketing.models import Item

    with app.app_context():
        item_ids = db.session.scalars(sa.select(Item.id).where(Item.title.startswith("xss-item-"))).all()
    assert len(item_ids) == len(PAYLOADS)
    planted.add("learner", "/marketing/", *[f"/marketing/items/{item_id}" for item_id in item_ids])
    planted.add("manager", f"/marketing/manage/items/{item_ids[0]}")
