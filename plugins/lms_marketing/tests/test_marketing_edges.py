"""Issue 17 at the marketing plugin's edges: ``next`` stays on the site, filter ids are bounded, CSV has one charset."""
import pytest

from test_marketing_workflow import act, place

OFF_SITE = ["//evil.example/x", "/\\evil.example", "https://evil.example/", "/%2F%2Fevil.example"]


def test_status_change_returns_to_the_queue(login_as, marketing):
    order_id = place(login_as("learner"), marketing["items"]["poster"], 5)
    response = act(login_as("manager"), order_id, "approve", next="/marketing/manage/orders?status=new")
    assert response.status_code == 302 and response.headers["Location"] == "/marketing/manage/orders?status=new"


@pytest.mark.parametrize("next_value", OFF_SITE)
def test_status_change_ignores_a_next_off_the_site(login_as, marketing, next_value):
    order_id = place(login_as("learner"), marketing["items"]["poster"], 5)
    response = act(login_as("manager"), order_id, "approve", next=next_value)
    assert response.status_code == 302 and response.headers["Location"] == f"/marketing/orders/{order_id}"


@pytest.mark.parametrize("value", [str(2**31), str(2**63), "9" * 5000, "\u00b2"])
def test_queue_filters_out_of_range_are_a_400(login_as, marketing, value):
    manager = login_as("manager")
    for name in ("dealer_id", "item_id"):
        response = manager.get(f"/marketing/manage/orders?{name}={value}")
        assert response.status_code == 400 and "Значение фильтра должно быть числом." in response.get_data(as_text=True)
    assert manager.get(f"/marketing/manage/orders?dealer_id={marketing['gold']}").status_code == 200


def test_orders_csv_names_its_charset_once(login_as, marketing):
    place(login_as("learner"), marketing["items"]["poster"], 5)
    response = login_as("manager").get("/marketing/manage/orders.csv")
    assert response.status_code == 200 and response.headers["Content-Type"] == "text/csv; charset=utf-8"
