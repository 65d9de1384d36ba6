"""Form fields point ``aria-describedby`` only at messages that are on the page (issue 25).

Every field once carried ``aria-describedby="None"``; the route fuzzer checks every page it
reaches, this checks the two states of one form directly.
"""
from route_fuzz_pages import missing_described_by

from lms.testing import csrf_token


def test_a_field_without_an_error_names_nothing(client, demo):
    html = client.get("/login").get_data(as_text=True)
    assert 'aria-describedby="None"' not in html
    assert 'aria-describedby' not in html.split('name="email"')[1].split(">")[0]
    assert missing_described_by(html) == []


def test_a_field_with_an_error_names_its_message(client, demo):
    response = client.post("/login", data={"email": "not an address", "password": "", "csrf_token": csrf_token(client)})
    html = response.get_data(as_text=True)
    assert 'aria-describedby="None"' not in html
    assert 'aria-describedby="' in html
    assert missing_described_by(html) == []
