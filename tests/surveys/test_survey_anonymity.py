"""Anonymous surveys: no link to the person, one answer each, and groups under 5 stay hidden."""
import io

import sqlalchemy as sa
from openpyxl import load_workbook

from lms.testing import DEMO_PASSWORD, csrf_token
from lms.auth.models import Dealer
from lms.extensions import db
from lms.surveys.models import SurveyParticipation, SurveyResponse

QUESTIONS = [{"key": "score", "kind": "rating", "title": "Оценка", "required": True}]


def setup_people(app):
    """Dealer «Малый» with 4 staff and «Большой» with 5, in one region; returns (survey_id, emails)."""
    from lms.auth.services import create_user
    from lms.events import commit
    from lms.surveys.services import create_survey

    emails = {}
    with app.app_context():
        for name, size in (("Малый", 4), ("Большой", 5)):
            dealer = Dealer(name=name, tier="silver", region="Тестовая область")
            db.session.add(dealer)
            db.session.flush()
            emails[name] = []
            for n in range(size):
                email = f"{dealer.id}-{n}@anon.example.com"
                create_user(email=email, name=f"{name} {n}", role="learner", dealer_id=dealer.id,
                            password=DEMO_PASSWORD, source="admin")
                emails[name].append(email)
        survey = create_survey(title="Анонимный опрос", questions=QUESTIONS, anonymous=True, publish=True,
                               targeting={"region": ["Тестовая область"]})
        commit()
        return survey.id, emails


def answer_as(app, email, survey_id, score):
    client = app.test_client()
    client.post("/login", data={"email": email, "password": DEMO_PASSWORD, "csrf_token": csrf_token(client)})
    return client, client.post(f"/surveys/{survey_id}", data={
        "csrf_token": csrf_token(client, f"/surveys/{survey_id}"), "action": "submit", "q-score": str(score)})


def test_group_of_four_stays_hidden_on_the_page_and_in_the_export(app, login_as):
    survey_id, emails = setup_people(app)
    for email in emails["Малый"]:
        assert answer_as(app, email, survey_id, 1)[1].status_code == 302
    for email in emails["Большой"]:
        assert answer_as(app, email, survey_id, 5)[1].status_code == 302
    manager = login_as("manager")
    html = manager.get(f"/surveys/manage/{survey_id}/results").get_data(as_text=True)
    dealer_table = html[html.index('id="breakdown-table-dealer"'):]
    dealer_table = dealer_table[:dealer_table.index("</table>")]
    small_row = dealer_table[dealer_table.index("Малый"):]
    small_row = small_row[:small_row.index("</tr>")]
    assert "скрыто (меньше 5)" in small_row and "<td>4</td>" not in small_row
    # the complement rule hides the other dealer too: the total minus it would reveal the small one
    assert "<td>5</td>" not in dealer_table
    book = load_workbook(io.BytesIO(manager.get(f"/surveys/manage/{survey_id}/results.xlsx").data))
    assert book.sheetnames == ["Сводка", "По дилерам", "По регионам"]  # no per-person sheet
    rows = [list(row) for row in book["По дилерам"].iter_rows(values_only=True)][1:]
    small = [row for row in rows if row[0] == "Малый"]
    assert small == [["Малый", None, None, None, None, None]]
    assert all(cell is None for row in rows for cell in row[1:])
    region = [list(row) for row in book["По регионам"].iter_rows(values_only=True)][1:]
    mean = [row[5] for row in region if row[0] == "Тестовая область" and row[2] is None and row[3] == 9]
    assert mean == [round((4 * 1 + 5 * 5) / 9, 2)]


def test_anonymous_response_has_no_link_and_cannot_be_repeated_or_edited(app):
    survey_id, emails = setup_people(app)
    client, first = answer_as(app, emails["Малый"][0], survey_id, 3)
    assert first.status_code == 302
    with app.app_context():
        response = db.session.scalars(sa.select(SurveyResponse)).one()
        assert response.user_id is None
        assert (response.submitted_at.hour, response.submitted_at.minute) == (0, 0)
        assert db.session.scalar(sa.select(sa.func.count()).select_from(SurveyParticipation)) == 1
        assert set(SurveyParticipation.__table__.columns.keys()) == {"survey_id", "user_id"}
    page = client.get(f"/surveys/{survey_id}").get_data(as_text=True)
    assert "анонимные ответы нельзя изменить" in page and 'name="q-score"' not in page
    again = client.post(f"/surveys/{survey_id}", data={
        "csrf_token": csrf_token(client, "/"), "action": "submit", "q-score": "5"})
    assert again.status_code == 409
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(SurveyResponse)) == 1


def test_a_small_anonymous_survey_shows_no_figures_at_all(app, login_as):
    survey_id, emails = setup_people(app)
    for email in emails["Малый"][:3]:
        answer_as(app, email, survey_id, 2)
    html = login_as("manager").get(f"/surveys/manage/{survey_id}/results").get_data(as_text=True)
    assert '<strong id="respondents">меньше 5</strong>' in html
    assert "Слишком мало ответов" in html
