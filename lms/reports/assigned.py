"""Assigned and overdue people per dealer, from the assignments domain when it is loaded (else nothing)."""
from __future__ import annotations

from datetime import date


def assigned_by_dealer(dealer_ids: list[int], today: date) -> dict[int, tuple[int, int]] | None:
    """{dealer id: (people with an assignment, people overdue)} in one query; None without assignments."""
    from lms.plugins import plugin_manager

    if plugin_manager().get_plugin("lms.assignments.hooks") is None:
        return None
    if not dealer_ids:
        return {}
    from lms.assignments.queries import dealer_counts

    return dealer_counts(today, dealer_ids)
