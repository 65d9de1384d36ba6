"""A plugin question type brings its own editor form through the question-type hook (issue 19)."""
import sqlalchemy as sa
from quiz_testkit import load_demo, login

from lms.extensions import db
from lms.quizzes.models import Question, QuestionVersion
from lms.testing import csrf_token
from tests.plugin_fixtures import rating_question_plugin


def test_a_plugin_types_form_creates_edits_and_refuses(app_factory):
    app = app_factory(plugins=[rating_question_plugin])
    load_demo(app)
    from lms.events import commit
    from lms.quizzes.bank import ensure_category

    with app.app_context():
        category_id = ensure_category(["Plugin"]).id
        commit()
    client = login(app.test_client(), "author")
    assert "Scale point" in client.get(f"/quizzes/bank?category={category_id}").get_data(as_text=True)
    url = f"/quizzes/bank/{category_id}/new/scale_point"
    page = client.get(url).get_data(as_text=True)
    assert 'name="right"' in page and 'name="text"' in page
    token = csrf_token(client, url)
    common = {"csrf_token": token, "name": "Шкала", "text": "Сколько?", "text_format": "plain"}
    off_scale = client.post(url, data={**common, "low": "1", "high": "5", "right": "9"})
    assert off_scale.status_code == 422 and "The right point must lie on the scale." in off_scale.get_data(as_text=True)
    assert 'value="9"' in off_scale.get_data(as_text=True)
    created = client.post(url, data={**common, "low": "1", "high": "5", "right": "4"})
    assert created.status_code == 303
    with app.app_context():
        question = db.session.scalar(sa.select(Question).where(Question.qtype == "scale_point"))
        version = db.session.scalar(sa.select(QuestionVersion).where(QuestionVersion.question_id == question.id))
        assert version.definition == {"low": 1, "high": 5, "right": 4}
    edit = client.get(f"/quizzes/bank/questions/{question.id}").get_data(as_text=True)
    assert 'value="4"' in edit
    preview = client.post("/quizzes/bank/preview/scale_point", data={**common, "low": "1", "high": "5", "right": "3"})
    assert preview.status_code == 200 and "Сколько?" in preview.get_data(as_text=True)
