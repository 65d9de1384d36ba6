"""Hooks declared by the lms_polls plugin (added to the app's plugin manager when the plugin loads)."""
import pluggy

hookspec = pluggy.HookspecMarker("lms")


@hookspec
def lms_polls_reminder_sent(reminder):
    """A manager sent a reminder about an unanswered poll; ``reminder`` is a frozen ``PollReminder``.

    Fires after commit. ``reminder.user_ids`` are the people who had not answered yet: email or
    webhook plugins deliver the reminder to them. Implement with ``@hookimpl(optionalhook=True)``,
    since the spec only exists while lms_polls is loaded.
    """
