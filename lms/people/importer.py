"""Bulk import of dealers and users from CSV or XLSX: a plan first (what each row would change, every
problem with its row number), then, only when nothing is wrong, the same plan applied in one transaction.

One row per person; the dealer columns create or update the dealer named by its tax ID (a row with
no e-mail only touches the dealer). Importing the same file twice changes nothing the second time.
Services: never commit.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l

from lms.auth.models import Dealer, Role, User
from lms.events import emit
from lms.extensions import db

# Accepted headers (lower-cased) → field; Russian headers as our users' spreadsheets have them.
HEADERS = {
    "email": "email", "e-mail": "email", "почта": "email", "эл. почта": "email",
    "name": "name", "имя": "name", "фио": "name",
    "role": "role", "роль": "role",
    "active": "active", "активен": "active",
    "dealer_tax_id": "dealer_tax_id", "tax_id": "dealer_tax_id", "инн": "dealer_tax_id", "инн дилера": "dealer_tax_id",
    "dealer_name": "dealer_name", "dealer": "dealer_name", "дилер": "dealer_name",
    "tier": "tier", "уровень": "tier",
    "region": "region", "регион": "region",
}
TRUE_WORDS = {"1", "yes", "true", "да", "y", "+"}
FALSE_WORDS = {"0", "no", "false", "нет", "n", "-"}
CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"


class ImportFileError(ValueError):
    """The file as a whole cannot be read (format, encoding, size, no header)."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


@dataclass
class RowPlan:
    row: int
    email: str | None
    dealer_tax_id: str | None
    action: str                 # of the person (or of the dealer, on a dealer-only row)
    changes: list[str] = field(default_factory=list)


@dataclass
class ImportPlan:
    rows: list[RowPlan] = field(default_factory=list)
    problems: list[tuple[int, str]] = field(default_factory=list)   # (row number, translated message)
    dealers: dict = field(default_factory=dict)     # tax id → values to create or set
    dealer_actions: dict = field(default_factory=dict)
    users: dict = field(default_factory=dict)       # email → values to create or set

    def counts(self) -> dict[str, int]:
        result = {CREATED: 0, UPDATED: 0, UNCHANGED: 0}
        for row in self.rows:
            result[row.action] += 1
        return result

    @property
    def ok(self) -> bool:
        return not self.problems


def read_rows(data: bytes, filename: str, *, max_rows: int) -> list[tuple[int, dict]]:
    """(row number as the spreadsheet shows it, {field: text}) for every non-empty row after the header."""
    if filename.lower().endswith(".xlsx") or data[:2] == b"PK":
        table = _xlsx_rows(data)
    else:
        table = _csv_rows(data)
    try:
        header = next(table)
    except StopIteration:
        raise ImportFileError(_l("The file is empty.")) from None
    fields = [HEADERS.get(str(cell or "").strip().lower()) for cell in header]
    if "email" not in fields and "dealer_tax_id" not in fields:
        raise ImportFileError(_l("The first row must name the columns: email, name, role, dealer_tax_id, "
                                 "dealer_name, tier, region, active."))
    rows = []
    for number, cells in enumerate(table, start=2):
        values = {name: str(cell).strip() if cell is not None else "" for name, cell in zip(fields, cells) if name}
        if not any(values.values()):
            continue
        rows.append((number, values))
        if len(rows) > max_rows:
            raise ImportFileError(_l("The file has more than %(n)d rows: split it.", n=max_rows))
    return rows


def _csv_rows(data: bytes):
    for encoding in ("utf-8-sig", "cp1251"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    return iter(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


def _xlsx_rows(data: bytes):
    from zipfile import BadZipFile

    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (BadZipFile, KeyError, ValueError, OSError):
        raise ImportFileError(_l("This is not a readable XLSX file.")) from None
    sheet = workbook.worksheets[0]
    return iter(sheet.iter_rows(values_only=True))


def _flag(raw: str) -> bool | None:
    word = raw.strip().lower()
    return True if word in TRUE_WORDS or not word else False if word in FALSE_WORDS else None


def plan_import(rows: list[tuple[int, dict]]) -> ImportPlan:
    """What importing ``rows`` would do, and every problem; reads the database in two queries."""
    plan = ImportPlan()
    tax_ids = {values.get("dealer_tax_id") for _, values in rows if values.get("dealer_tax_id")}
    emails = {values.get("email", "").lower() for _, values in rows if values.get("email")}
    dealers = {dealer.tax_id: dealer for dealer in db.session.scalars(sa.select(Dealer).where(Dealer.tax_id.in_(tax_ids)))} \
        if tax_ids else {}
    users = {user.email: user for user in db.session.scalars(sa.select(User).where(User.email.in_(emails)))} \
        if emails else {}
    dealer_ids = {dealer.tax_id: dealer.id for dealer in dealers.values()}
    seen_emails: dict[str, int] = {}
    for number, values in rows:
        problems_before = len(plan.problems)
        tax_id = values.get("dealer_tax_id") or None
        if tax_id is not None:
            _plan_dealer(plan, number, tax_id, values, dealers.get(tax_id))
        raw_email = values.get("email", "")
        if not raw_email:
            if tax_id is None:
                plan.problems.append((number, str(_l("Give an e-mail or a dealer tax ID."))))
            elif len(plan.problems) == problems_before:
                plan.rows.append(RowPlan(number, None, tax_id, plan.dealer_actions.get(tax_id, UNCHANGED)))
            continue
        try:
            email = validate_email(raw_email, check_deliverability=False).normalized.lower()
        except EmailNotValidError:
            plan.problems.append((number, str(_l("“%(value)s” is not a valid e-mail address.", value=raw_email))))
            continue
        if email in seen_emails:
            plan.problems.append((number, str(_l("The e-mail %(email)s is already on row %(row)d.", email=email,
                                                  row=seen_emails[email]))))
            continue
        seen_emails[email] = number
        _plan_user(plan, number, email, values, users.get(email), tax_id, dealer_ids)
    return plan


def _plan_dealer(plan: ImportPlan, number: int, tax_id: str, values: dict, existing: Dealer | None) -> None:
    wanted = {key: values.get(source, "") for key, source in
              (("name", "dealer_name"), ("tier", "tier"), ("region", "region"))}
    wanted = {key: value for key, value in wanted.items() if value}
    if len(tax_id) > 32 or any(len(value) > limit for value, limit in
                               ((wanted.get("name", ""), 200), (wanted.get("tier", ""), 40),
                                (wanted.get("region", ""), 120))):
        plan.problems.append((number, str(_l("A dealer value is too long."))))
        return
    known = plan.dealers.get(tax_id)
    if known is not None:
        clash = [key for key, value in wanted.items() if known["values"].get(key, value) != value]
        if clash:
            plan.problems.append((number, str(_l("The dealer %(tax_id)s differs from row %(row)d.", tax_id=tax_id,
                                                  row=known["row"]))))
        return
    if existing is None:
        missing = [key for key in ("name", "tier", "region") if key not in wanted]
        if missing:
            plan.problems.append((number, str(_l("The dealer %(tax_id)s is new: give its name, tier and region.",
                                                  tax_id=tax_id))))
            return
        plan.dealers[tax_id] = {"row": number, "values": wanted, "existing": None}
        plan.dealer_actions[tax_id] = CREATED
        return
    changed = {key: value for key, value in wanted.items() if getattr(existing, key) != value}
    plan.dealers[tax_id] = {"row": number, "values": wanted, "existing": existing.id, "changed": changed}
    plan.dealer_actions[tax_id] = UPDATED if changed else UNCHANGED


def _plan_user(plan: ImportPlan, number: int, email: str, values: dict, existing: User | None, tax_id,
               dealer_ids: dict) -> None:
    role = (values.get("role") or (existing.role if existing else Role.LEARNER)).strip().lower()
    active = _flag(values.get("active", ""))
    name = values.get("name", "").strip()
    problems = []
    if role not in Role.ALL:
        problems.append(_l("Unknown role “%(role)s”: use one of %(roles)s.", role=role, roles=", ".join(Role.ALL)))
    if active is None:
        problems.append(_l("Write yes or no in the active column."))
    if not name and existing is None:
        problems.append(_l("Give the person's name."))
    if len(name) > 200 or len(email) > 254:
        problems.append(_l("A value is too long."))
    if tax_id is None and role in (Role.LEARNER, Role.DEALER_ADMIN) and (existing is None or existing.dealer_id is None):
        problems.append(_l("Learners and dealer admins must belong to a dealer."))
    if problems:
        plan.problems.extend((number, str(problem)) for problem in problems)
        return
    wanted = {"role": role, "active": active}
    if name:
        wanted["name"] = name
    if tax_id is not None:
        wanted["dealer"] = tax_id
    if existing is None:
        plan.users[email] = {"values": wanted, "existing": None}
        plan.rows.append(RowPlan(number, email, tax_id, CREATED))
        return
    changes = [key for key, value in wanted.items() if key != "dealer" and getattr(existing, key) != value]
    if tax_id is not None and dealer_ids.get(tax_id) != existing.dealer_id:
        changes.append("dealer")
    plan.users[email] = {"values": wanted, "existing": existing, "changes": changes}
    plan.rows.append(RowPlan(number, email, tax_id, UPDATED if changes else UNCHANGED, changes))


def apply_plan(plan: ImportPlan) -> dict[str, int]:
    """Write a plan without problems; returns the counts. New users have no password (they reset it)."""
    if not plan.ok:
        raise ValueError("a plan with problems is never applied")
    dealer_ids = {}
    new_dealers = []
    for tax_id, entry in plan.dealers.items():
        if entry["existing"] is None:
            dealer = Dealer(tax_id=tax_id, **entry["values"])
            new_dealers.append((tax_id, dealer))
        else:
            dealer_ids[tax_id] = entry["existing"]
            if entry.get("changed"):
                db.session.execute(sa.update(Dealer).where(Dealer.id == entry["existing"]).values(**entry["changed"]))
    db.session.add_all(dealer for _, dealer in new_dealers)
    db.session.flush()
    dealer_ids.update({tax_id: dealer.id for tax_id, dealer in new_dealers})
    created = []
    for email, entry in plan.users.items():
        values = dict(entry["values"])
        if "dealer" in values:
            values["dealer_id"] = dealer_ids[values.pop("dealer")]
        if entry["existing"] is None:
            user = User(email=email, password_hash=None, **values)
            created.append(user)
        elif entry["changes"]:
            for key, value in values.items():
                setattr(entry["existing"], key, value)
    db.session.add_all(created)
    db.session.flush()
    for user in created:
        emit("lms_user_provisioned", user_id=user.id, source="import")
    return plan.counts()
