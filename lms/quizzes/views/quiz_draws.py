"""The quiz's random draws: "N random questions from category X", several per quiz (3 from
"Storage" and 2 from "Safety"), each added and removed in the quiz editor; attempts draw from each."""
from __future__ import annotations

import sqlalchemy as sa
from flask import abort, flash, redirect, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from lms.auth.permissions import roles_required
from lms.events import commit
from lms.extensions import db
from lms.quizzes import bank
from lms.quizzes.forms import AddQuestionsForm, DrawForm
from lms.quizzes.models import Question, QuestionCategory, Quiz, QuizRandomDraw
from lms.quizzes.views import bp
from lms.quizzes.views.author import AUTHORS, _edit_page, stored_settings_form


def new_draw_form() -> DrawForm:
    return DrawForm(prefix="draw", categories=bank.category_tree())


def bank_pools() -> dict[int, int]:
    """Questions in each category with its subcategories: what a draw from it can take."""
    parents = dict(db.session.execute(sa.select(QuestionCategory.id, QuestionCategory.parent_id)).all())
    own = dict(db.session.execute(sa.select(Question.category_id, sa.func.count()).group_by(Question.category_id)).all())
    pools = dict.fromkeys(parents, 0)
    for category_id, count in own.items():
        seen = set()
        while category_id is not None and category_id not in seen:  # every ancestor counts it too
            seen.add(category_id)
            pools[category_id] = pools.get(category_id, 0) + count
            category_id = parents.get(category_id)
    return pools


def draw_rows(quiz: Quiz) -> list[tuple[QuizRandomDraw, str]]:
    """The quiz's draws with their category's full path ("Products / Storage")."""
    paths = {c.id: path for c, _depth, path in bank.category_tree()}
    return [(draw, paths.get(draw.category_id, "")) for draw in quiz.draws]


def _back(quiz_id: int):
    return redirect(url_for("quizzes.edit_quiz", quiz_id=quiz_id) + "#draws", 303)


@bp.route("/<int:quiz_id>/draws", methods=["POST"])
@roles_required(*AUTHORS)
def add_draw(quiz_id: int):
    """Add one draw; a bad value is shown next to its field, with what was typed kept."""
    quiz = db.session.get(Quiz, quiz_id) or abort(404)
    form = new_draw_form()
    if form.validate_on_submit():
        pool = bank_pools().get(form.category_id.data, 0)
        if form.count.data > pool:
            form.count.errors.append(ngettext("This category holds only %(num)d question.",
                                              "This category holds only %(num)d questions.", pool))
        else:
            quiz.draws.append(QuizRandomDraw(category_id=form.category_id.data, count=form.count.data,
                                             mark=form.mark.data, position=len(quiz.draws) + 1))
            commit()
            flash(_("Random questions added."), "success")
            return _back(quiz_id)
    return _edit_page(quiz, stored_settings_form(quiz), AddQuestionsForm(prefix="add"), draw_form=form, status=422)


@bp.route("/<int:quiz_id>/draws/<int:draw_id>/remove", methods=["POST"])
@roles_required(*AUTHORS)
def remove_draw(quiz_id: int, draw_id: int):
    quiz = db.session.get(Quiz, quiz_id) or abort(404)
    draw = next((d for d in quiz.draws if d.id == draw_id), None) or abort(404)
    quiz.draws.remove(draw)
    for position, item in enumerate(quiz.draws, 1):
        item.position = position
    commit()
    flash(_("Random questions removed."), "success")
    return _back(quiz_id)
