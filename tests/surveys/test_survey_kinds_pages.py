"""Every question kind renders, accepts form answers, and shows up in the results and charts."""
import io
import re

import sqlalchemy as sa
from openpyxl import load_workbook

from lms.testing import csrf_token
from lms.extensions import db
from lms.surveys.models import Survey, SurveyResponse

ALL_KINDS = [
    {"key": "one", "kind": "single_choice", "title": "Один", "options": ["a", "b"]},
    {"key": "many", "kind": "multiple_choice", "title": "Несколько", "options": ["x", "y", "z"], "max_choices": 2},
    {"key": "grid", "kind": "likert", "title": "Согласны ли вы", "required": True,
     "rows": [{"key": "clear", "label": "Понятно"}, {"key": "useful", "label": "Полезно"}],
     "scale": ["Нет", "Скорее нет", "Скорее да", "Да"]},
    {"key": "stars", "kind": "rating", "title": "Звёзды"},
    {"key": "nps", "kind": "nps", "title": "NPS"},
    {"key": "short", "kind": "short_text", "title": "Коротко"},
    {"key": "long", "kind": "long_text", "title": "Подробно", "show_if": {"question": "many", "equals": "y"}},
    {"key": "staff", "kind": "number", "title": "Сотрудников", "integer": True, "min": 0},
]


def make_survey(app, **options):
    from lms.events import commit
    from lms.surveys.services import create_survey

    with app.app_context():
        survey = create_survey(title="Все типы", questions=ALL_KINDS, publish=True, **options)
        commit()
        return survey.id


def submit(client, survey_id, data):
    payload = {"csrf_token": csrf_token(client, f"/surveys/{survey_id}"), "action": "submit"}
    payload.update(data)
    return client.post(f"/surveys/{survey_id}", data=payload)


def test_every_kind_round_trips_through_the_form(app, login_as):
    survey_id = make_survey(app)
    client = login_as("learner")
    page = client.get(f"/surveys/{survey_id}").get_data(as_text=True)
    assert 'name="q-grid-clear"' in page and 'type="checkbox" name="q-many"' in page
    assert 'data-show-if="{&#34;equals&#34;: &#34;y&#34;, &#34;question&#34;: &#34;many&#34;}"' in page
    assert 'src="/static/surveys.js"' in page
    bad = submit(client, survey_id, {"q-many": ["x", "y", "z"], "q-grid-clear": "2", "q-staff": "2,5"})
    html = bad.get_data(as_text=True)
    assert bad.status_code == 422
    assert "Выберите не больше 2 вариантов." in html
    assert "Ответьте на каждую строку этого вопроса." in html
    assert "Введите целое число." in html
    assert 'value="2,5"' in html  # what was typed stays in the field
    good = submit(client, survey_id, {"q-one": "b", "q-many": ["y"], "q-grid-clear": "3", "q-grid-useful": "4",
                                      "q-stars": "4", "q-nps": "9", "q-short": "  коротко  ", "q-long": "Текст",
                                      "q-staff": "1 200"})
    assert good.status_code == 302
    with app.app_context():
        answers = db.session.scalars(sa.select(SurveyResponse.answers)).one()
    assert answers == {"one": "b", "many": ["y"], "grid": {"clear": 3, "useful": 4}, "stars": 4, "nps": 9,
                       "short": "коротко", "long": "Текст", "staff": 1200}
    again = client.get(f"/surveys/{survey_id}").get_data(as_text=True)
    assert re.search(r'name="q-grid-useful" value="4"[^>]*checked', again)
    assert re.search(r'name="q-many" value="y"[^>]*checked', again)


def test_results_page_charts_every_kind(app, login_as):
    survey_id = make_survey(app)
    for role, many in (("learner", ["y"]), ("dealer_admin", ["x"])):
        assert submit(login_as(role), survey_id, {"q-one": "a", "q-many": many, "q-grid-clear": "1",
                                                  "q-grid-useful": "2", "q-stars": "5", "q-nps": "10",
                                                  "q-staff": "3", "q-long": "Мало примеров"}).status_code == 302
    manager = login_as("manager")
    html = manager.get(f"/surveys/manage/{survey_id}/results").get_data(as_text=True)
    assert html.count("<svg") == 5  # two choices, the Likert matrix, the rating and NPS
    assert "chart-stacked" in html
    assert "Мало примеров" in html  # non-anonymous: text answers are listed
    assert "Понятно: среднее" in html
    book = load_workbook(io.BytesIO(manager.get(f"/surveys/manage/{survey_id}/results.xlsx").data))
    summary = list(book["Сводка"].iter_rows(values_only=True))
    assert ("Все респонденты", "Согласны ли вы: Понятно", None, 2, None, 1) in summary
    assert ("Все респонденты", "Сотрудников", None, 2, None, 3) in summary


def form_fields(html: str) -> dict:
    """The fields of the page's question form as a browser would send them (no button pressed)."""
    from html.parser import HTMLParser

    form_html = html.split('id="question-form"', 1)[1].split("</form>", 1)[0]
    fields: dict = {}

    class Reader(HTMLParser):
        select = textarea = None

        def handle_starttag(self, tag, attrs):
            a = dict(attrs)
            if tag == "input" and a.get("name") and a.get("type") not in ("submit",):
                if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                    return
                fields.setdefault(a["name"], []).append(a.get("value", "y" if a.get("type") == "checkbox" else ""))
            elif tag == "select":
                self.select = a.get("name")
            elif tag == "option" and self.select and "selected" in a:
                fields.setdefault(self.select, []).append(a.get("value", ""))
            elif tag == "textarea":
                self.textarea = a.get("name")
                fields.setdefault(self.textarea, [""])

        def handle_endtag(self, tag):
            if tag == "select":
                self.select = None
            if tag == "textarea":
                self.textarea = None

        def handle_data(self, data):
            if self.textarea:
                fields[self.textarea] = [fields[self.textarea][0] + data]

    Reader(convert_charrefs=True).feed(form_html)
    return fields


def test_the_editor_round_trips_a_survey(app, login_as):
    survey_id = make_survey(app, targeting={"tier": ["gold"], "role": ["learner"]})
    client = login_as("manager")
    page = client.get(f"/surveys/manage/{survey_id}/edit").get_data(as_text=True)
    assert re.search(r'<option selected value="gold">|<option value="gold" selected>', page)
    assert "Согласны ли вы" in page and "Матрица Лайкерта" in page
    token = csrf_token(client, f"/surveys/manage/{survey_id}/edit")
    with app.app_context():
        before = db.session.get(Survey, survey_id).questions
    for number in range(1, len(ALL_KINDS) + 1):
        # Each kind's editor, sent back as it was filled in, saves the same question (survey not yet answered).
        editor = client.get(f"/surveys/manage/{survey_id}/questions/{number}").get_data(as_text=True)
        fields = form_fields(editor)
        assert not any("json" in name.lower() for name in fields)
        saved = client.post(f"/surveys/manage/{survey_id}/questions/{number}", data={**fields, "csrf_token": token})
        assert saved.status_code == 303, (number, saved.get_data(as_text=True)[-3000:])
    with app.app_context():
        assert db.session.get(Survey, survey_id).questions == before
    listing = client.get("/surveys/manage/").get_data(as_text=True)
    assert "Все типы" in listing
    with app.app_context():
        assert db.session.get(Survey, survey_id).status == "published"
