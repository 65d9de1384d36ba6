"""Days typed as Russians write them (issue 25): ``lms.forms_fields.DayField`` and ``parse_day``."""
import datetime as dt

import pytest
from werkzeug.datastructures import MultiDict

from lms.forms_fields import parse_day


@pytest.mark.parametrize("typed,day", [
    ("31.12.2026", dt.date(2026, 12, 31)), (" 1.2.2026 ", dt.date(2026, 2, 1)), ("31,12,2026", dt.date(2026, 12, 31)),
    ("31122026", dt.date(2026, 12, 31)), ("2026-12-31", dt.date(2026, 12, 31)),
    ("31.02.2026", None), ("12/31/2026", None), ("31.12.26", None), ("завтра", None), ("", None),
])
def test_parse_day_reads_day_month_year_and_iso_only(typed, day):
    assert parse_day(typed) == day


def test_the_field_is_text_shows_the_russian_format_and_keeps_what_was_typed(app):
    from lms.forms import PortalForm
    from lms.forms_fields import DayField

    class Form(PortalForm):
        class Meta:
            csrf = False
        day = DayField("Day")

    with app.test_request_context(headers={"Accept-Language": "ru"}):
        shown = Form(data={"day": dt.date(2026, 3, 8)}).day()
        assert 'type="text"' in shown and 'value="08.03.2026"' in shown and 'placeholder="дд.мм.гггг"' in shown
        typed = Form(formdata=MultiDict({"day": "30.02.2026"}))
        assert not typed.validate() and typed.day.errors == ["Введите дату в виде дд.мм.гггг, например 31.12.2026."]
        assert 'value="30.02.2026"' in typed.day()
