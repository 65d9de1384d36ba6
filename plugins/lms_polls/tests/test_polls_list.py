"""The managers' poll list searches by title (``?q=``) and pages (``?page=``) through lms.listing."""
from lms.extensions import db
from lms.listing import PER_PAGE
from lms.surveys.api import create_survey
from lms.testing import sign_in
from lms_polls.models import Poll

QUESTION = {"key": "ok", "kind": "short_text", "title": "?", "required": False}


def add_polls(app, *titles):
    with app.app_context():
        for title in titles:
            db.session.add(Poll(survey_id=create_survey(title=title, questions=[QUESTION], owner="lms_polls")))
        db.session.commit()


def test_more_than_a_page_of_polls_shows_the_page_bar(app, client, demo):
    add_polls(app, "Needle poll", *(f"Bulk poll {n:03d}" for n in range(PER_PAGE + 1)))
    sign_in(client, "manager")
    first = client.get("/polls/").get_data(as_text=True)
    assert 'rel="next"' in first and "Bulk poll 050" in first and "Needle poll" not in first
    second = client.get("/polls/?page=2").get_data(as_text=True)
    assert "Needle poll" in second and 'rel="prev"' in second


def test_search_narrows_the_polls_and_keeps_the_term_in_the_page_links(app, client, demo):
    add_polls(app, "Needle poll", *(f"Bulk poll {n:03d}" for n in range(PER_PAGE + 1)))
    sign_in(client, "manager")
    found = client.get("/polls/?q=NEEDLE").get_data(as_text=True)
    assert "Needle poll" in found and "Bulk poll 001" not in found and 'rel="next"' not in found
    paged = client.get("/polls/?q=bulk").get_data(as_text=True)
    assert 'href="/polls/?page=2&amp;q=bulk"' in paged
    assert "Нет опросов, подходящих под запрос." in client.get("/polls/?q=zz-none").get_data(as_text=True)
