"""Question editors in the bank: one form per type, a live preview, no JSON typed anywhere."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from lms.auth.permissions import roles_required
from lms.events import commit
from lms.extensions import db
from lms.question_fields import apply_list_action
from lms.quizzes import bank
from lms.quizzes.editors import BUILTIN_FORMS, QuestionEditorForm, editor_form_class, type_label
from lms.quizzes.models import Question, QuestionCategory
from lms.quizzes.present import chosen_values, render_text
from lms.quizzes.registry import question_types
from lms.quizzes.views import bp
from lms.quizzes.views.author import AUTHORS
from lms.quizzes.views.learner import translate

COMMON_FIELDS = ("csrf_token", "name", "text", "text_format", "general_feedback", "tags")


def editable_types() -> list[tuple[str, str]]:
    """(name, translated label) of every type that has an editor, in registration order."""
    registry = question_types()
    return [(name, type_label(registry.get(name))) for name in registry.names()
            if editor_form_class(registry.get(name)) is not None]


def _qtype_and_form_class(qtype_name: str):
    if qtype_name not in question_types():
        abort(404)
    qtype = question_types().get(qtype_name)
    return qtype, (editor_form_class(qtype) or abort(404))


def _posted_form(form_class) -> tuple[QuestionEditorForm, bool]:
    """The form from what was posted, with an add/remove/move button's change applied."""
    formdata, list_button = apply_list_action(request.form)
    return form_class(formdata=formdata), list_button


def _checked_content(form: QuestionEditorForm, qtype) -> dict | None:
    """The question's content when the form and the type's own checks accept it; else None, with
    the type's problems on ``form.problems``."""
    if not form.validate_on_submit():
        return None
    definition = form.definition()
    problems = [translate(p) for p in qtype.validate(definition)]
    if problems:
        form.problems.extend(problems)
        return None
    return {"name": form.name.data.strip(), "text": form.text.data, "text_format": form.text_format.data,
            "general_feedback": (form.general_feedback.data or "").strip(), "definition": definition}


def _preview(qtype, content: dict | None) -> dict | None:
    """The question as ``quizzes/_slot.html`` shows it to a learner (same view, same fields)."""
    if content is None:
        return None
    return {"position": 1, "qtype": qtype.name, "text": render_text(content["text"], content["text_format"]),
            "view": qtype.public_view(content["definition"], shuffle_seed=None),
            "chosen": chosen_values(qtype.name, None)}


def _page(form, qtype, *, category, question=None, version=None, content=None, status=200):
    editor = f"quizzes/editors/{qtype.name}.html" if qtype.name in BUILTIN_FORMS else "quizzes/editors/_plugin.html"
    action = (url_for("quizzes.edit_question", question_id=question.id) if question
              else url_for("quizzes.new_question", category_id=category.id, qtype=qtype.name))
    return render_template("quizzes/question_editor.html", form=form, qtype_name=qtype.name,
                           type_label=type_label(qtype), editor_template=editor, category=category,
                           question=question, version=version, action=action, common_fields=COMMON_FIELDS,
                           preview=_preview(qtype, content)), status


@bp.route("/bank/<int:category_id>/new/<qtype>", methods=["GET", "POST"])
@roles_required(*AUTHORS)
def new_question(category_id: int, qtype: str):
    category = db.session.get(QuestionCategory, category_id) or abort(404)
    qtype_obj, form_class = _qtype_and_form_class(qtype)
    if request.method == "GET":
        return _page(form_class(), qtype_obj, category=category)
    form, list_button = _posted_form(form_class)
    if list_button:
        return _page(form, qtype_obj, category=category)
    content = _checked_content(form, qtype_obj)
    if content is not None:
        try:
            question = bank.create_question(category.id, qtype_obj.name, content)
            bank.set_tags(question.id, form.tags.data)
        except bank.BankError as error:
            db.session.rollback()
            form.problems.extend(translate(p) for p in error.problems)
        else:
            question_id = question.id
            commit()
            flash(_("Question saved."), "success")
            return redirect(url_for("quizzes.edit_question", question_id=question_id), 303)
    return _page(form, qtype_obj, category=category, status=422)


@bp.route("/bank/questions/<int:question_id>", methods=["GET", "POST"])
@roles_required(*AUTHORS)
def edit_question(question_id: int):
    question = db.session.get(Question, question_id) or abort(404)
    version = bank.current_version(question_id)
    category = db.session.get(QuestionCategory, question.category_id)
    qtype, form_class = _qtype_and_form_class(question.qtype)
    if request.method == "GET":
        form = form_class(formdata=None, obj=version)
        form.load(version.definition)
        form.tags.data = bank.tags_text(question.tags)
        return _page(form, qtype, category=category, question=question, version=version,
                     content=bank.version_content(version))
    form, list_button = _posted_form(form_class)
    if list_button:
        return _page(form, qtype, category=category, question=question, version=version)
    content = _checked_content(form, qtype)
    if content is not None:
        try:
            _question, new_version = bank.edit_question(question_id, content)
            bank.set_tags(question_id, form.tags.data)
        except bank.BankError as error:
            db.session.rollback()
            form.problems.extend(translate(p) for p in error.problems)
        else:
            commit()
            flash(_("Saved as a new version: attempts keep the version they showed.") if new_version
                  else _("Question saved."), "success")
            return redirect(url_for("quizzes.edit_question", question_id=question_id), 303)
    return _page(form, qtype, category=category, question=question, version=version, status=422)


@bp.route("/bank/preview/<qtype>", methods=["POST"])
@roles_required(*AUTHORS)
def preview_question(qtype: str):
    """The editor's form rendered as the learner's question (an HTML fragment for the preview panel)."""
    qtype_obj, form_class = _qtype_and_form_class(qtype)
    form, _list_button = _posted_form(form_class)
    content = _checked_content(form, qtype_obj)
    problems = list(form.problems)
    if content is None and not problems:
        problems = [_("Fix the fields marked in the form.")]
    status = 200 if content is not None else 422
    return render_template("quizzes/_preview.html", preview=_preview(qtype_obj, content),
                           preview_problems=problems), status
