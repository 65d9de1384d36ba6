"""Preview images go through the core's file storage (``lms.storage``) on each backend: a local
folder and S3 object storage; a refused image stores nothing."""
import hashlib
import io

import pytest

from lms import storage
from lms.testing import csrf_token
from lms_marketing.previews import png_bytes

ITEM = {"title": "Плакат NPK", "description": "Для зала", "kind": "leaflet", "format": "A5", "language": "ru",
        "product_line": "NPK", "stock": "100", "min_per_order": "1", "max_per_order": "10", "active": "y"}


@pytest.fixture
def app(app_factory, storage_settings):
    return app_factory(**storage_settings)


def stored_previews(app) -> list[str]:
    with app.app_context():
        return sorted(storage.backend().keys("uploads/marketing/"))


def post_item(client, upload):
    data = dict(ITEM, csrf_token=csrf_token(client, "/marketing/"), preview=upload)
    with client.post("/marketing/manage/items/new", data=data, content_type="multipart/form-data") as response:
        return response.status_code


def test_a_preview_is_stored_and_served_from_the_configured_storage(app, login_as, marketing):
    before = stored_previews(app)
    image = png_bytes(32, 16, (10, 120, 40), (250, 250, 250))
    sha = hashlib.sha256(image).hexdigest()
    assert post_item(login_as("manager"), (io.BytesIO(image), "npk.png")) == 302
    assert stored_previews(app) == sorted(set(before) | {f"uploads/marketing/{sha[:2]}/{sha[2:4]}/{sha}"})
    learner = login_as("learner")
    with learner.get(f"/marketing/previews/{sha}") as response:
        assert response.status_code == 200 and response.mimetype == "image/png" and response.get_data() == image
        assert "immutable" in response.headers["Cache-Control"] and response.headers["ETag"] == f'"{sha}"'
    with learner.get(f"/marketing/previews/{sha}", headers={"If-None-Match": f'"{sha}"'}) as response:
        assert response.status_code == 304


def test_a_refused_preview_stores_nothing(app, login_as, marketing):
    before = stored_previews(app)
    assert post_item(login_as("manager"), (io.BytesIO(b"%PDF-1.4 not an image"), "leaflet.png")) == 422
    assert stored_previews(app) == before
