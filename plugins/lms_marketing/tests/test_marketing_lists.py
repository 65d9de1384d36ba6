"""The managers' marketing lists search (``?q=``) and page (``?page=``) through lms.listing:
the delivery profiles, and the order queue, whose page links keep its filters (the CSV stays complete)."""
import csv
import io
import re

from lms.auth.models import Dealer
from lms.extensions import db
from lms.listing import PER_PAGE
from lms.testing import DEMO_EMAILS
from lms_marketing.models import DealerProfile, Order

STATUS_CELL = 'class="mk-status mk-status-'


def add_dealers(app, count):
    with app.app_context():
        for n in range(count):
            dealer = Dealer(name=f"Bulk dealer {n:03d}", tier="bronze", region="Тверь")
            db.session.add(dealer)
            db.session.flush()
            db.session.add(DealerProfile(dealer_id=dealer.id, address=f"Тверь, склад {n:03d}", contact="+7 900"))
        db.session.add(Dealer(name="Needle Agro", tier="gold", region="Курск"))
        db.session.commit()


def add_orders(app, marketing, count, *, item="poster", tracking=None):
    with app.app_context():
        db.session.add_all(Order(dealer_id=marketing["gold"], user_id=marketing["users"][DEMO_EMAILS["learner"]],
                                 item_id=marketing["items"][item], quantity=1, quarter="2026-Q4",
                                 delivery_address="Краснодар", delivery_contact="+7 900", tracking_number=tracking)
                           for _ in range(count))
        db.session.commit()


def test_more_than_a_page_of_profiles_shows_the_page_bar(app, login_as, marketing):
    add_dealers(app, PER_PAGE + 1)
    manager = login_as("manager")
    first = manager.get("/marketing/manage/profiles").get_data(as_text=True)
    assert 'rel="next"' in first and "Needle Agro" not in first
    last = manager.get("/marketing/manage/profiles?page=99").get_data(as_text=True)
    assert "Needle Agro" in last and 'rel="prev"' in last


def test_profile_search_narrows_by_dealer_or_address(app, login_as, marketing):
    add_dealers(app, PER_PAGE + 1)
    manager = login_as("manager")
    found = manager.get("/marketing/manage/profiles?q=NEEDLE").get_data(as_text=True)
    assert "Needle Agro" in found and "Bulk dealer" not in found and 'rel="next"' not in found
    by_address = manager.get("/marketing/manage/profiles?q=склад 007").get_data(as_text=True)
    assert "Bulk dealer 007" in by_address and "Bulk dealer 001<" not in by_address
    assert 'href="/marketing/manage/profiles?page=2&amp;q=bulk"' in manager.get("/marketing/manage/profiles?q=bulk").get_data(as_text=True)
    assert "Нет дилеров, подходящих под запрос." in manager.get("/marketing/manage/profiles?q=zz-none").get_data(as_text=True)


def test_queue_pages_instead_of_capping_and_keeps_its_filters(app, login_as, marketing):
    add_orders(app, marketing, PER_PAGE + 5)
    manager = login_as("manager")
    first = manager.get(f"/marketing/manage/orders?status=new&item_id={marketing['items']['poster']}").get_data(as_text=True)
    assert first.count(STATUS_CELL) == PER_PAGE
    link = re.search(r'<a rel="next" href="([^"]+)"', first).group(1).replace("&amp;", "&")
    assert "page=2" in link and "status=new" in link and f"item_id={marketing['items']['poster']}" in link
    second = manager.get(link).get_data(as_text=True)
    assert second.count(STATUS_CELL) == 5 and 'rel="prev"' in second
    export = manager.get("/marketing/manage/orders.csv?status=new").data.decode("utf-8-sig")
    assert len(list(csv.reader(io.StringIO(export)))) == PER_PAGE + 5 + 1  # every row, not one page


def test_queue_search_narrows_and_the_csv_follows_it(app, login_as, marketing):
    add_orders(app, marketing, PER_PAGE + 1)
    add_orders(app, marketing, 1, item="leaflet", tracking="TRK-NEEDLE-1")
    manager = login_as("manager")
    found = manager.get("/marketing/manage/orders?q=trk-needle").get_data(as_text=True)
    assert found.count(STATUS_CELL) == 1 and 'rel="next"' not in found
    assert 'value="trk-needle"' in found and "q=trk-needle" in found  # the box and the CSV link keep it
    export = manager.get("/marketing/manage/orders.csv?q=trk-needle").data.decode("utf-8-sig")
    assert len(list(csv.reader(io.StringIO(export)))) == 2
    with app.app_context():
        number = db.session.scalar(db.select(Order.id).where(Order.tracking_number == "TRK-NEEDLE-1"))
    by_number = manager.get(f"/marketing/manage/orders?q=№ {number}").get_data(as_text=True)
    assert f"№ {number}<" in by_number
    assert "Нет заказов, подходящих под фильтры." in manager.get("/marketing/manage/orders?q=zz-none").get_data(as_text=True)
