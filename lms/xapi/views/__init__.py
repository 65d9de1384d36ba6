"""The LRS's routing table: importing this package puts every /xapi route on ``bp``."""
from lms.xapi.views import credentials, documents, statements  # noqa: F401  (their routes go on bp)
from lms.xapi.views.blueprint import bp  # noqa: F401
