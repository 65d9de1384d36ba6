"""People's pages: my certificates, the managers' register (search, re-issue, ZIP), access rules, admin notices."""
import io
import zipfile

from cert_support import certificates, complete, make_course, user_id
from lms.testing import DEMO_EMAILS, csrf_token


def issue_three(app):
    course_id = make_course(app)
    for role in ("learner", "learner2", "learner3"):
        complete(app, user_id(app, DEMO_EMAILS[role]), course_id)
    return {c.learner_name: c for c in certificates(app)}


def test_my_certificates_tab_lists_only_mine_with_links(app, login_as, demo):
    issued = issue_three(app)
    client = login_as("learner")
    home = client.get("/").get_data(as_text=True)
    assert 'href="/certificates/"' in home and "Мои сертификаты" in home
    page = client.get("/certificates/").get_data(as_text=True)
    mine = issued["Иван Петров"]
    assert mine.serial in page and issued["Мария Соколова"].serial not in page
    assert f"/verify/{mine.code}" in page and f"/certificates/{mine.id}/badge.jwt" in page
    assert client.get(f"/certificates/{issued['Мария Соколова'].id}/download").status_code == 404
    assert client.get(f"/certificates/{issued['Мария Соколова'].id}/badge.jwt").status_code == 404
    assert client.get("/certificates/manage/").status_code == 403


def test_manager_searches_by_person_dealer_course_and_status_without_n_plus_one(app, login_as, demo, query_counter):
    issued = issue_three(app)
    client = login_as("manager")
    page = client.get("/certificates/manage/?q=соколова").get_data(as_text=True)
    assert issued["Мария Соколова"].serial in page and issued["Иван Петров"].serial not in page
    page = client.get(f"/certificates/manage/?dealer_id={issued['Иван Петров'].dealer_id}").get_data(as_text=True)
    assert issued["Иван Петров"].serial in page and issued["Дмитрий Новиков"].serial not in page
    page = client.get("/certificates/manage/?status=revoked").get_data(as_text=True)
    assert "Подходящих сертификатов нет" in page
    with query_counter() as few:
        client.get("/certificates/manage/?status=valid")
    complete(app, user_id(app, DEMO_EMAILS["dealer_admin"]), make_course(app, slug="second"))
    with query_counter() as more:
        page = client.get("/certificates/manage/?status=valid").get_data(as_text=True)
    assert "Ольга Смирнова" in page and len(more) == len(few)


def test_reissue_revokes_the_old_certificate_and_issues_a_new_serial(app, login_as, demo):
    old = issue_three(app)["Иван Петров"]
    client = login_as("manager")
    response = client.post(f"/certificates/manage/{old.id}/reissue",
                           data={"csrf_token": csrf_token(client, "/certificates/manage/")})
    assert response.status_code == 302
    history = certificates(app, user_id=old.user_id)
    assert len(history) == 2 and history[0].revoked_at is not None and history[1].revoked_at is None
    assert history[1].edition == 1 and history[1].serial != old.serial
    assert history[1].serial in history[0].revoke_reason


def test_dealer_zip_holds_that_dealers_pdfs_and_dealer_admins_see_only_their_dealer(app, login_as, demo):
    issued = issue_three(app)
    mine, other = issued["Иван Петров"], issued["Мария Соколова"]
    client = login_as("manager")
    response = client.get(f"/certificates/manage/dealers/{mine.dealer_id}.zip")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(response.get_data())).namelist()
    assert names == [f"{mine.serial} Иван Петров.pdf"]

    admin_of_dealer = login_as("dealer_admin")
    assert admin_of_dealer.get(f"/certificates/manage/dealers/{other.dealer_id}.zip").status_code == 404
    page = admin_of_dealer.get("/certificates/manage/").get_data(as_text=True)
    assert mine.serial in page and other.serial not in page
    assert admin_of_dealer.get(f"/certificates/{mine.id}/download").status_code == 200
    assert admin_of_dealer.post(f"/certificates/manage/{mine.id}/revoke",
                                data={"reason": "x", "csrf_token": csrf_token(admin_of_dealer, "/")}).status_code == 403


def test_admin_sees_the_development_key_warning_and_the_font_backend(app, login_as, demo):
    client = login_as("admin")
    assert "development key" in client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True) \
        or "тестовым ключом" in client.get("/").get_data(as_text=True)
    page = client.get("/certificates/manage/settings").get_data(as_text=True)
    assert 'data-font-backend="harfbuzz"' in page or 'data-font-backend="fonttools"' in page
    assert "тестовым ключом" in page
    assert login_as("manager").get("/certificates/manage/settings").status_code == 403
    assert "тестовым ключом" not in login_as("learner").get("/").get_data(as_text=True)
