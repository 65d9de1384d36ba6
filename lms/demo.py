"""Demo dealers and one account per role, so a new user can try every part of the portal."""
from __future__ import annotations

import functools
from dataclasses import dataclass

import sqlalchemy as sa

from lms.auth.models import Dealer, Role, User
from lms.auth.passwords import hash_password
from lms.auth.services import create_user
from lms.extensions import db

DEMO_PASSWORD = "demo-password"

DEMO_DEALERS = (
    # name, tax id, tier, region
    ("АгроСнаб-Юг", "2310000001", "gold", "Краснодарский край"),
    ("Поле и Сад", "3620000002", "silver", "Воронежская область"),
    ("СибАгроТорг", "5400000003", "bronze", "Новосибирская область"),
)


@dataclass(frozen=True)
class DemoAccount:
    email: str
    name: str
    role: str
    dealer_tax_id: str | None


DEMO_ACCOUNTS = (
    DemoAccount("learner@demo.example.com", "Иван Петров", Role.LEARNER, "2310000001"),
    DemoAccount("dealer-admin@demo.example.com", "Ольга Смирнова", Role.DEALER_ADMIN, "2310000001"),
    DemoAccount("author@demo.example.com", "Анна Кузнецова", Role.AUTHOR, None),
    DemoAccount("manager@demo.example.com", "Сергей Волков", Role.MANAGER, None),
    DemoAccount("admin@demo.example.com", "Администратор портала", Role.ADMIN, None),
    # Staff of other dealers, so reports and targeting have something to tell apart.
    DemoAccount("learner2@demo.example.com", "Мария Соколова", Role.LEARNER, "3620000002"),
    DemoAccount("learner3@demo.example.com", "Дмитрий Новиков", Role.LEARNER, "5400000003"),
)


def load_core_demo_data() -> list[DemoAccount]:
    """Add the demo dealers and accounts that are missing; existing ones are left as they are."""
    dealers = {}
    for name, tax_id, tier, region in DEMO_DEALERS:
        dealer = db.session.scalar(sa.select(Dealer).where(Dealer.tax_id == tax_id))
        if dealer is None:
            dealer = Dealer(name=name, tax_id=tax_id, tier=tier, region=region)
            db.session.add(dealer)
            db.session.flush()
        dealers[tax_id] = dealer
    for account in DEMO_ACCOUNTS:
        if db.session.scalar(sa.select(User.id).where(User.email == account.email)) is None:
            user = create_user(
                email=account.email,
                name=account.name,
                role=account.role,
                dealer_id=dealers[account.dealer_tax_id].id if account.dealer_tax_id else None,
                password=None,
                source="demo",
            )
            user.password_hash = demo_password_hash()
    return list(DEMO_ACCOUNTS)


@functools.cache
def demo_password_hash() -> str:
    """One scrypt hash of the published demo password for every demo account: hashing it per
    account cost 0.1 s each, seven times for every test that loads the demo."""
    return hash_password(DEMO_PASSWORD)
