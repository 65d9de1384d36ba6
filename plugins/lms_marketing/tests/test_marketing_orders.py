"""Dealers order marketing materials within per-order limits and their tier's quarterly quota."""
import re

import sqlalchemy as sa

from lms.testing import csrf_token
from lms.extensions import db
from lms_marketing.models import DealerProfile, Item, Order, OrderStatusChange


def order(client, item_id, quantity, comment=""):
    return client.post(f"/marketing/items/{item_id}", data={
        "quantity": quantity, "comment": comment, "csrf_token": csrf_token(client, "/marketing/")})


def text(response) -> str:
    return response.get_data(as_text=True)


def tab_labels(html):
    nav = re.search(r'<nav class="tabs".*?</nav>', html, re.S).group(0)
    return set(re.findall(r"<a [^>]*>([^<]+)</a>", nav))


def test_the_tab_shows_for_dealer_staff_and_managers_only(login_as, marketing):
    for role in ("learner", "dealer_admin", "manager", "admin"):
        assert "Маркетинговые материалы" in tab_labels(text(login_as(role).get("/"))), role
    assert "Маркетинговые материалы" not in tab_labels(text(login_as("author").get("/")))
    assert login_as("author").get("/marketing/").status_code == 403


def test_catalogue_lists_items_with_previews_and_the_quota(app, login_as, marketing, query_counter):
    client = login_as("learner")
    with query_counter() as statements:
        html = text(client.get("/marketing/"))
    assert "Листовка «Сеялки точного высева»" in html and "Плакат «Уход за комбайном»" in html
    assert "Квартальная квота вашего дилера: осталось 2000 из 2000 экз." in html  # gold
    assert len(statements) <= 8  # no query per item
    preview = re.search(r'src="(/marketing/previews/[0-9a-f]{64})"', html).group(1)
    image = client.get(preview)
    assert image.status_code == 200 and image.mimetype == "image/png"
    assert image.data.startswith(b"\x89PNG")
    image.close()
    assert client.get("/marketing/previews/" + "0" * 64).status_code == 404


def test_a_dealer_orders_leaflets_within_quota(app, login_as, marketing):
    client = login_as("learner")
    leaflet = marketing["items"]["leaflet"]
    response = order(client, leaflet, 300, "Для выставки в мае")
    assert response.status_code == 302
    page = text(client.get(response.headers["Location"]))
    assert "Заказ № " in page and "оформлен" in page and "Новый" in page
    assert "350000, Краснодар" in page and "Для выставки в мае" in page
    with app.app_context():
        placed = db.session.scalars(sa.select(Order)).one()
        assert (placed.quantity, placed.status, placed.dealer_id) == (300, "new", marketing["gold"])
        assert db.session.get(Item, leaflet).stock == 5000  # stock moves on approval, not on ordering
        history = db.session.scalars(sa.select(OrderStatusChange)).all()
        assert [(h.from_status, h.to_status) for h in history] == [(None, "new")]
    assert "осталось 1700 из 2000 экз." in text(client.get("/marketing/orders"))


def test_over_quota_is_refused_with_what_is_left(app, login_as, marketing):
    client = login_as("learner3")  # bronze: 500 a quarter
    leaflet = marketing["items"]["leaflet"]
    assert order(client, leaflet, 400).status_code == 302
    response = order(client, leaflet, 150)
    assert response.status_code == 422
    assert ("Заказ превышает квартальную квоту вашего дилера: в этом квартале осталось 100 из 500 экз."
            in text(response))
    assert order(client, leaflet, 100).status_code == 302  # exactly what is left still fits
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.sum(Order.quantity))) == 500


def test_rejected_orders_give_their_quota_back(app, login_as, marketing):
    client = login_as("learner3")
    leaflet = marketing["items"]["leaflet"]
    assert order(client, leaflet, 500).status_code == 302
    with app.app_context():
        order_id = db.session.scalar(sa.select(Order.id))
    manager = login_as("manager")
    manager.post(f"/marketing/manage/orders/{order_id}/reject",
                 data={"reason": "Нет выставки", "csrf_token": csrf_token(manager, "/marketing/")})
    client = login_as("learner3")
    assert order(client, leaflet, 200).status_code == 302


def test_quota_follows_the_configured_tiers(app_factory, marketing):
    from lms_marketing.services import quarter_quota

    app = app_factory(MARKETING_QUARTER_QUOTA={"gold": 10, "default": 3})
    with app.app_context():
        assert (quarter_quota("gold"), quarter_quota("silver"), quarter_quota("platinum")) == (10, 3, 3)


def test_per_order_limits_are_enforced(login_as, marketing):
    client = login_as("learner")
    leaflet = marketing["items"]["leaflet"]  # 50..500 per order
    for quantity in (10, 501):
        response = order(client, leaflet, quantity)
        assert response.status_code == 422
        assert "В одном заказе можно заказать от 50 до 500 экз. этого материала." in text(response)
    response = order(client, leaflet, "много")
    assert response.status_code == 400


def test_missing_delivery_address_is_explained(app, login_as, marketing):
    with app.app_context():
        db.session.delete(db.session.get(DealerProfile, marketing["gold"]))
        db.session.commit()
    client = login_as("learner")
    page = text(client.get(f"/marketing/items/{marketing['items']['leaflet']}"))
    assert "У вашего дилера пока нет адреса доставки." in page
    assert "Попросите администратора вашего дилера заполнить профиль доставки." in page
    response = order(client, marketing["items"]["leaflet"], 100)
    assert response.status_code == 422
    assert "Попросите администратора дилера заполнить профиль доставки, прежде чем оформлять заказ." in text(response)


def test_dealer_admin_edits_own_profile_learner_cannot(app, login_as, marketing):
    learner = login_as("learner")
    assert "Изменить профиль доставки может администратор вашего дилера." in text(learner.get("/marketing/profile"))
    refused = learner.post("/marketing/profile", data={"address": "x", "csrf_token": csrf_token(learner, "/marketing/")})
    assert refused.status_code == 403
    admin = login_as("dealer_admin")
    saved = admin.post("/marketing/profile", data={"address": "Краснодар, ул. Новая, 1", "contact": "Ольга",
                                                   "csrf_token": csrf_token(admin, "/marketing/")})
    assert saved.status_code == 302
    empty = admin.post("/marketing/profile", data={"address": " ", "csrf_token": csrf_token(admin, "/marketing/")})
    assert empty.status_code == 400 and "Введите адрес доставки." in text(empty)
    with app.app_context():
        assert db.session.get(DealerProfile, marketing["gold"]).address == "Краснодар, ул. Новая, 1"
    # Dealer admins cannot reach other dealers' profiles; managers can edit any.
    assert admin.get(f"/marketing/dealers/{marketing['silver']}/profile").status_code == 403
    manager = login_as("manager")
    response = manager.post(f"/marketing/dealers/{marketing['silver']}/profile",
                            data={"address": "Воронеж, склад 5", "csrf_token": csrf_token(manager, "/marketing/")})
    assert response.status_code == 302
    assert "Воронеж, склад 5" in text(manager.get("/marketing/manage/profiles"))


def test_other_dealers_orders_are_404(app, login_as, marketing):
    client = login_as("learner")
    location = order(client, marketing["items"]["leaflet"], 100).headers["Location"]
    assert login_as("dealer_admin").get(location).status_code == 200  # same dealer
    assert login_as("learner2").get(location).status_code == 404
    assert login_as("learner2").get("/marketing/orders/999999").status_code == 404


def test_staff_cannot_order(login_as, marketing):
    manager = login_as("manager")
    response = order(manager, marketing["items"]["leaflet"], 100)
    assert response.status_code == 403
    assert "Заказывать маркетинговые материалы могут только сотрудники дилеров." in text(response)


def test_english_interface(login_as, marketing):
    client = login_as("learner")
    client.post("/locale", data={"locale": "en", "csrf_token": csrf_token(client, "/marketing/")})
    html = text(client.get("/marketing/"))
    assert "Marketing materials" in html and "2000 of 2000 copies left" in html


def test_pages_use_the_plugins_own_stylesheet(login_as, marketing):
    client = login_as("learner")
    html = text(client.get("/marketing/"))
    assert '<link rel="stylesheet" href="/marketing/static/marketing.css">' in html
    css = client.get("/marketing/static/marketing.css")
    assert css.status_code == 200 and b".mk-grid" in css.data
    css.close()


def test_only_managers_see_the_decision_buttons(login_as, marketing):
    client = login_as("learner")
    location = order(client, marketing["items"]["leaflet"], 100).headers["Location"]
    assert "Одобрить" not in text(client.get(location))
    page = text(login_as("manager").get(location))
    assert "Одобрить" in page and "Отклонить" in page and "На складе: 5000 экз." in page
