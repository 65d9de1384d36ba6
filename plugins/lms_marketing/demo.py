"""Demo catalogue and delivery profiles for the demo dealers; running it twice changes nothing."""
from __future__ import annotations

import sqlalchemy as sa

from lms.auth.models import Dealer
from lms.extensions import db
from lms_marketing.models import DealerProfile, Item
from lms_marketing.previews import png_bytes, save_png

DEMO_ITEMS = (
    # title, kind, format, language, product line, stock, min, max, colours, description
    ("Листовка «Сеялки точного высева»", "leaflet", "A4", "ru", "Сеялки", 5000, 50, 500,
     ((46, 125, 50), (255, 255, 255)), "Двусторонняя листовка для стойки в шоуруме."),
    ("Плакат «Уход за комбайном»", "poster", "A2", "ru", "Комбайны", 300, 1, 20,
     ((21, 101, 192), (255, 235, 59)), "Плакат для сервисной зоны: ежедневное обслуживание."),
    ("Брошюра «Линейка тракторов 2025»", "brochure", "A5, 24 с.", "ru", "Тракторы", 1200, 10, 200,
     ((183, 28, 28), (255, 255, 255)), "Каталог моделей с техническими характеристиками."),
    ("Banner “Precision seeding”", "banner", "2 × 1 m", "en", "Сеялки", 40, 1, 2,
     ((56, 56, 56), (129, 199, 132)), "Roll-up banner for exhibitions."),
)

DEMO_PROFILES = {
    "2310000001": ("350000, Краснодар, ул. Северная, 310, склад 2", "Ольга Смирнова, +7 861 200-00-01"),
    "3620000002": ("394000, Воронеж, Московский пр-т, 97", "Мария Соколова, +7 473 200-00-02"),
    "5400000003": ("630000, Новосибирск, ул. Станционная, 38", "Дмитрий Новиков, +7 383 200-00-03"),
}


def load_demo_data() -> None:
    """Add the demo materials and profiles that are missing; the caller commits."""
    for number, (title, kind, fmt, language, line, stock, low, high, colours, text) in enumerate(DEMO_ITEMS, 1):
        if db.session.scalar(sa.select(Item.id).where(Item.title == title)) is not None:
            continue
        sha256, mime = save_png(png_bytes(160, 110, *colours), f"demo-{number}.png")
        db.session.add(Item(title=title, kind=kind, format=fmt, language=language, product_line=line,
                            stock=stock, min_per_order=low, max_per_order=high, active=True, description=text,
                            preview_sha256=sha256, preview_mime=mime))
    dealers = db.session.execute(
        sa.select(Dealer.tax_id, Dealer.id).where(Dealer.tax_id.in_(DEMO_PROFILES))
    ).all()
    for tax_id, dealer_id in dealers:
        if db.session.get(DealerProfile, dealer_id) is None:
            address, contact = DEMO_PROFILES[tax_id]
            db.session.add(DealerProfile(dealer_id=dealer_id, address=address, contact=contact))
    db.session.flush()
