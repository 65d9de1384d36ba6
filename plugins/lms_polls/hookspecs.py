"""Hooks declared by the lms_polls plugin (added to the app's plugin manager by its ``lms_add_hookspecs``)."""
from lms.hookspecs import hookspec


@hookspec
def lms_polls_reminder_sent(reminder):
    """A manager sent a reminder about an unanswered poll; ``reminder`` is a frozen ``PollReminder``.

    Fires after commit. ``reminder.user_ids`` are the people who had not answered yet: email or
    webhook plugins deliver the reminder to them. Returns nothing.
    """
