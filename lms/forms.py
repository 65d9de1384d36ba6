"""The base of every portal form (core and plugins): ``PortalForm``.

Flask-WTF fills a form from a JSON body when a POST has no form fields, so a number, a list or
``true`` sent as JSON reached validators that expect text and raised (a 500 on every form route).
Pages post forms; the portal's JSON endpoints read JSON themselves. So a form reads only the
submitted form fields and files, and a JSON body leaves it empty: the usual "required" errors.
"""
from __future__ import annotations

from flask import request
from flask_wtf import FlaskForm
from flask_wtf.form import _Auto, _is_submitted  # Flask-WTF's own "not given" marker and submit test
from werkzeug.datastructures import CombinedMultiDict


class PortalForm(FlaskForm):
    """``FlaskForm`` (CSRF, translations) that never reads a JSON body as form data."""

    class Meta(FlaskForm.Meta):
        def wrap_formdata(self, form, formdata):
            if formdata is not _Auto:  # a view passed its own data
                return formdata
            if not _is_submitted():
                return None
            if request.files:
                return CombinedMultiDict((request.files, request.form))
            return request.form
