"""The storage tests run on each backend: ``app`` (and so ``client``, ``login_as``, ``demo``) uses a
fresh local folder, then a fresh bucket on the suite's real S3 server (``storage_settings``)."""
import pytest


@pytest.fixture
def app(app_factory, storage_settings):
    return app_factory(**storage_settings)
