"""Managers approve, reject, ship and deliver orders; stock never oversold under concurrent approvals."""
import csv
import io
import threading

import pytest
import sqlalchemy as sa

from lms import hookimpl
from lms.extensions import db
from lms.testing import DEMO_EMAILS, DEMO_PASSWORD, csrf_token
from lms_marketing.models import Item, Order, OrderStatusChange


def place(client, item_id, quantity, comment=""):
    response = client.post(f"/marketing/items/{item_id}", data={
        "quantity": quantity, "comment": comment, "csrf_token": csrf_token(client, "/marketing/")})
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])


def act(client, order_id, action, **data):
    data["csrf_token"] = csrf_token(client, "/marketing/")
    return client.post(f"/marketing/manage/orders/{order_id}/{action}", data=data)


def stock(app, item_id):
    with app.app_context():
        return db.session.scalar(sa.select(Item.stock).where(Item.id == item_id))


def status(app, order_id):
    with app.app_context():
        return db.session.scalar(sa.select(Order.status).where(Order.id == order_id))


def test_manager_approves_ships_and_the_dealer_confirms_delivery(app, login_as, marketing):
    poster = marketing["items"]["poster"]  # stock 300
    order_id = place(login_as("learner"), poster, 20, "В сервисную зону")
    manager = login_as("manager")
    assert act(manager, order_id, "approve").status_code == 302
    assert stock(app, poster) == 280
    missing = act(manager, order_id, "ship", tracking_number="")
    assert missing.status_code == 422 and "Введите трек-номер." in missing.get_data(as_text=True)
    assert act(manager, order_id, "ship", tracking_number="RA123456789RU").status_code == 302
    dealer = login_as("dealer_admin")
    page = dealer.get(f"/marketing/orders/{order_id}").get_data(as_text=True)
    assert "RA123456789RU" in page and "Отправлен" in page and "Подтвердить получение" in page
    confirmed = dealer.post(f"/marketing/orders/{order_id}/delivered",
                            data={"csrf_token": csrf_token(dealer, "/marketing/")})
    assert confirmed.status_code == 302
    assert status(app, order_id) == "delivered"
    assert stock(app, poster) == 280  # only approval takes stock
    with app.app_context():
        steps = db.session.execute(
            sa.select(OrderStatusChange.from_status, OrderStatusChange.to_status, OrderStatusChange.note)
            .where(OrderStatusChange.order_id == order_id).order_by(OrderStatusChange.id)
        ).all()
    assert steps == [(None, "new", ""), ("new", "approved", ""), ("approved", "shipped", "RA123456789RU"),
                     ("shipped", "delivered", "")]
    history = dealer.get(f"/marketing/orders/{order_id}").get_data(as_text=True)
    assert "История статусов" in history and "Сергей Волков" in history and "Ольга Смирнова" in history


def test_rejection_needs_a_reason_and_keeps_the_stock(app, login_as, marketing):
    poster = marketing["items"]["poster"]
    order_id = place(login_as("learner2"), poster, 10)
    manager = login_as("manager")
    without = act(manager, order_id, "reject", reason=" ")
    assert without.status_code == 422 and "Укажите причину отказа." in without.get_data(as_text=True)
    assert act(manager, order_id, "reject", reason="Плакаты закончились в регионе").status_code == 302
    assert status(app, order_id) == "rejected" and stock(app, poster) == 300
    page = login_as("learner2").get(f"/marketing/orders/{order_id}").get_data(as_text=True)
    assert "Плакаты закончились в регионе" in page and "Отклонён" in page


@pytest.mark.parametrize("first,then", [
    (None, "ship"),            # new → shipped skips approval
    (None, "deliver"),
    ("approve", "approve"),    # approving twice
    ("approve", "reject"),     # an approved order can no longer be rejected
])
def test_invalid_transitions_are_refused_clearly(app, login_as, marketing, first, then):
    order_id = place(login_as("learner"), marketing["items"]["poster"], 5)
    manager = login_as("manager")
    if first:
        assert act(manager, order_id, first).status_code == 302
    before = status(app, order_id)
    response = act(manager, order_id, then, tracking_number="X1", reason="нет")
    assert response.status_code == 409
    assert "нельзя перевести в статус" in response.get_data(as_text=True)
    assert status(app, order_id) == before
    assert stock(app, marketing["items"]["poster"]) == (295 if first == "approve" else 300)


def test_dealers_cannot_use_the_managers_queue(login_as, marketing):
    order_id = place(login_as("learner"), marketing["items"]["poster"], 5)
    client = login_as("dealer_admin")
    assert client.get("/marketing/manage/orders").status_code == 403
    assert act(client, order_id, "approve").status_code == 403
    assert client.post(f"/marketing/orders/{order_id}/delivered",
                       data={"csrf_token": csrf_token(client, "/marketing/")}).status_code == 409


def test_approval_refused_when_stock_is_short(app, login_as, marketing):
    banner = marketing["items"]["banner"]  # stock 40, max 2 per order
    with app.app_context():
        db.session.get(Item, banner).stock = 2
        db.session.commit()
    first = place(login_as("learner"), banner, 2)
    second = place(login_as("learner2"), banner, 2)
    manager = login_as("manager")
    assert act(manager, first, "approve").status_code == 302
    refused = act(manager, second, "approve")
    assert refused.status_code == 409
    assert ("Недостаточно на складе, чтобы одобрить заказ: осталось 0 экз., заказано 2 экз."
            in refused.get_data(as_text=True))
    assert status(app, second) == "new" and stock(app, banner) == 0


def signed_in_manager(app):
    client = app.test_client()
    response = client.post("/login", data={"email": DEMO_EMAILS["manager"], "password": DEMO_PASSWORD,
                                           "csrf_token": csrf_token(client)})
    assert response.status_code == 302
    return client


def test_concurrent_approvals_never_oversell(app, login_as, marketing):
    """Two managers approve, at the same moment, two orders that together exceed the stock."""
    poster = marketing["items"]["poster"]
    managers = [signed_in_manager(app), signed_in_manager(app)]
    tokens = [csrf_token(client, "/marketing/") for client in managers]
    for round_number in range(5):
        with app.app_context():
            db.session.get(Item, poster).stock = 30
            db.session.commit()
        orders = [place(login_as("learner"), poster, 20), place(login_as("learner2"), poster, 20)]
        barrier = threading.Barrier(2)
        results = [None, None]

        def approve(index):
            barrier.wait()
            results[index] = managers[index].post(
                f"/marketing/manage/orders/{orders[index]}/approve", data={"csrf_token": tokens[index]}
            ).status_code

        threads = [threading.Thread(target=approve, args=(i,)) for i in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert sorted(results) == [302, 409], (round_number, results)
        assert stock(app, poster) == 10
        assert sorted(status(app, order_id) for order_id in orders) == ["approved", "new"]


def test_concurrent_approvals_of_one_order_take_stock_once(app, login_as, marketing):
    poster = marketing["items"]["poster"]
    managers = [signed_in_manager(app), signed_in_manager(app)]
    tokens = [csrf_token(client, "/marketing/") for client in managers]
    order_id = place(login_as("learner"), poster, 15)
    barrier = threading.Barrier(2)
    results = [None, None]

    def approve(index):
        barrier.wait()
        results[index] = managers[index].post(f"/marketing/manage/orders/{order_id}/approve",
                                              data={"csrf_token": tokens[index]}).status_code

    threads = [threading.Thread(target=approve, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(results) == [302, 409]
    assert stock(app, poster) == 285


def test_queue_filters_and_csv_export(app, login_as, marketing, query_counter):
    leaflet, poster = marketing["items"]["leaflet"], marketing["items"]["poster"]
    first = place(login_as("learner"), leaflet, 100, "=HYPERLINK(\"http://evil\")")
    place(login_as("learner2"), poster, 3)
    place(login_as("learner3"), poster, 4)
    manager = login_as("manager")
    act(manager, first, "approve")
    with query_counter() as statements:
        page = manager.get("/marketing/manage/orders").get_data(as_text=True)
    assert page.count('class="mk-status mk-status-') == 3
    assert len(statements) <= 8  # one query for the orders with their dealer, item and orderer
    by_status = manager.get("/marketing/manage/orders?status=approved").get_data(as_text=True)
    assert by_status.count('class="mk-status mk-status-') == 1 and "АгроСнаб-Юг" in by_status
    by_dealer = manager.get(f"/marketing/manage/orders?dealer_id={marketing['silver']}").get_data(as_text=True)
    assert by_dealer.count('class="mk-status mk-status-') == 1
    by_item = manager.get(f"/marketing/manage/orders?item_id={poster}").get_data(as_text=True)
    assert by_item.count('class="mk-status mk-status-') == 2
    later = manager.get("/marketing/manage/orders?date_from=2999-01-01").get_data(as_text=True)
    assert "Нет заказов, подходящих под фильтры." in later
    today = manager.get("/marketing/manage/orders?date_from=2000-01-01&date_to=2999-12-31").get_data(as_text=True)
    assert today.count('class="mk-status mk-status-') == 3
    # Days are typed as Russians write them (the fields are text: a native date input follows the
    # browser's language, mm/dd/yyyy in an English Chromium); ISO still works for old links.
    russian = manager.get("/marketing/manage/orders?date_from=01.01.2000&date_to=31.12.2999").get_data(as_text=True)
    assert russian.count('class="mk-status mk-status-') == 3
    assert 'value="01.01.2000"' in russian and 'value="31.12.2999"' in russian
    for bad in ("status=lost", "dealer_id=x", "date_from=12/31/2025", "date_to=31.02.2025"):
        assert manager.get(f"/marketing/manage/orders?{bad}").status_code == 400
    export = manager.get(f"/marketing/manage/orders.csv?item_id={poster}")
    assert export.status_code == 200 and export.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(export.data.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Заказ", "Оформлен", "Статус"] and len(rows) == 3
    assert {row[3] for row in rows[1:]} == {"Поле и Сад", "СибАгроТорг"}
    everything = list(csv.reader(io.StringIO(manager.get("/marketing/manage/orders.csv").data.decode("utf-8-sig"))))
    assert any(row[9] == "'=HYPERLINK(\"http://evil\")" for row in everything)  # no formula injection
    assert login_as("learner").get("/marketing/manage/orders.csv").status_code == 403


class Recorder:
    """A plugin listening to the marketing events, as a notification module would."""

    def __init__(self):
        self.events = []

    @hookimpl
    def lms_marketing_order_status_changed(self, order):
        self.events.append(order)


def test_hook_lms_marketing_order_status_changed(app_factory, marketing):
    from lms.events import commit
    from lms.auth.models import User
    from lms_marketing.contracts import OrderEvent
    from lms_marketing.services import MarketingError, change_status, place_order

    recorder = Recorder()
    app = app_factory(plugins=[recorder])
    with app.test_request_context():
        learner = db.session.scalar(sa.select(User).where(User.email == DEMO_EMAILS["learner"]))
        manager_id = db.session.scalar(sa.select(User.id).where(User.email == DEMO_EMAILS["manager"]))
        order = place_order(learner, marketing["items"]["banner"], 2, "")
        assert recorder.events == []  # not before the commit
        commit()
        placed = recorder.events.pop()
        assert placed == OrderEvent(order_id=order.id, dealer_id=marketing["gold"], item_id=marketing["items"]["banner"],
                                    user_id=learner.id, quantity=2, old_status=None, new_status="new",
                                    changed_by_id=learner.id, note="")
        change_status(order.id, "approved", actor_id=manager_id)
        commit()
        assert [(e.old_status, e.new_status, e.changed_by_id) for e in recorder.events] == [("new", "approved", manager_id)]
        recorder.events.clear()
        with pytest.raises(MarketingError):
            change_status(order.id, "delivered", actor_id=manager_id)
        db.session.rollback()
        commit()
        assert recorder.events == []  # a refused change announces nothing


def test_a_misspelt_marketing_hook_stops_start_up(app_factory):
    import pluggy

    class Misspelt:
        @hookimpl
        def lms_marketing_order_status_change(self, order):
            return None

    with pytest.raises(pluggy.PluginValidationError, match="lms_marketing_order_status_change"):
        app_factory(plugins=[Misspelt()])
