"""Hooks of the surveys domain (see docs/hooks.md)."""
from lms.hookspecs import hookspec


@hookspec
def lms_survey_submitted(response):
    """A survey response was submitted or edited; ``response`` is a frozen ``SurveySubmission``.

    Fires after commit. Anonymous surveys carry no user id.
    """
