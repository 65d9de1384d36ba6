"""What views show and read: safe question text, form fields ↔ responses, review of a finished attempt."""
from __future__ import annotations

import re

from flask import current_app
from markupsafe import Markup, escape

from lms.quizzes.grading import as_decimal
from lms.quizzes.qtypes import ResponseError

# Moodle/HTML texts keep only plain formatting tags without attributes; everything else is escaped.
_SAFE_TAGS = re.compile(r"&lt;(/?)(b|i|em|strong|u|sub|sup|code|p|br|ul|ol|li|pre)\s*/?&gt;", re.I)


def render_text(text: str, text_format: str = "moodle") -> Markup:
    """Question, option or feedback text as safe HTML in its format."""
    text = text or ""
    if text_format == "markdown":
        from lms.courses.markdown import make_renderer, render_markdown

        md = current_app.extensions.get("lms_markdown") or make_renderer()
        # render_markdown output is sanitised: raw HTML off, URLs allow-listed
        return Markup(render_markdown(text, renderer=md, resolve_asset=lambda name: None))  # nosec B704
    if text_format == "plain":
        return Markup("<br>").join(escape(text).split("\n"))
    html = str(escape(text)).replace("\n", "<br>")
    # the text was escaped first; only attribute-free tags from a fixed list are restored
    return Markup(_SAFE_TAGS.sub(lambda m: f"<{m[1]}{m[2].lower()}>", html))  # nosec B704


def fields_from_form(form) -> dict[str, list[str]]:
    """A posted form as name → list of values."""
    return {key: form.getlist(key) for key in form.keys()}


def fields_from_json(data) -> dict[str, list[str]]:
    """``{"fields": {name: value | [values]}}`` sent by quizzes.js as name → list of strings."""
    fields = data.get("fields") if isinstance(data, dict) else None
    if not isinstance(fields, dict):
        raise ResponseError("The answer could not be read.")
    out = {}
    for key, value in fields.items():
        values = value if isinstance(value, list) else [value]
        if not isinstance(key, str) or not all(isinstance(v, str) for v in values):
            raise ResponseError("The answer could not be read.")
        out[key] = values
    return out


def response_from_fields(qtype, definition: dict, position: int, fields: dict):
    """Turn the fields of slot ``position`` (named ``s<position>`` / ``s<position>-<item>``) into the
    raw response the type's normalize_response accepts. Plugin types may define ``response_from_fields``."""
    prefix = f"s{position}"
    if hasattr(qtype, "response_from_fields"):
        return qtype.response_from_fields(definition, prefix, fields)

    def get(name):
        values = [v for v in fields.get(name, ()) if v != ""]
        return values[0] if values else None

    name = qtype.name
    if name == "single_choice":
        return {"choice": get(prefix)}
    if name == "multiple_choice":
        return {"choices": [v for v in fields.get(prefix, ()) if v]}
    if name == "true_false":
        return {"value": get(prefix)}
    if name in ("short_answer", "essay"):
        return {"text": get(prefix) or ""}
    if name == "numerical":
        return {"value": get(prefix)}
    if name == "matching":
        return {"matches": {p["id"]: get(f"{prefix}-{p['id']}") for p in definition["pairs"]
                            if get(f"{prefix}-{p['id']}")}}
    if name == "ordering":
        ranks = {i["id"]: get(f"{prefix}-{i['id']}") for i in definition["items"]}
        if not any(ranks.values()):
            return {"order": []}
        try:
            numbers = {item_id: int(rank) for item_id, rank in ranks.items()}
        except (TypeError, ValueError):
            raise ResponseError("Put every item in order exactly once.") from None
        if sorted(numbers.values()) != list(range(1, len(numbers) + 1)):
            raise ResponseError("Put every item in order exactly once.")
        return {"order": sorted(numbers, key=numbers.get)}
    return {"value": get(prefix)}


def chosen_values(qtype_name: str, response: dict | None) -> dict:
    """The saved response as what the form shows: {"values": set, "text": str, "matches": {}, "ranks": {}}."""
    response = response or {}
    out = {"values": set(), "text": "", "matches": {}, "ranks": {}}
    if qtype_name == "single_choice" and response.get("choice"):
        out["values"] = {response["choice"]}
    elif qtype_name == "multiple_choice":
        out["values"] = set(response.get("choices") or ())
    elif qtype_name == "true_false" and response.get("value") is not None:
        out["values"] = {"true" if response["value"] else "false"}
    elif qtype_name in ("short_answer", "essay"):
        out["text"] = response.get("text") or ""
    elif qtype_name == "numerical":
        out["text"] = response.get("value") or ""
    elif qtype_name == "matching":
        out["matches"] = dict(response.get("matches") or {})
    elif qtype_name == "ordering":
        out["ranks"] = {item_id: n for n, item_id in enumerate(response.get("order") or (), 1)}
    else:
        value = response.get("value")
        out["text"] = value if isinstance(value, str) else ""
    return out


def correct_answer(qtype, definition: dict) -> list[str]:
    """The right answer in words, for review once the quiz's review option allows it."""
    if hasattr(qtype, "correct_answer"):
        return list(qtype.correct_answer(definition))
    name = qtype.name
    if name == "single_choice":
        return [o["text"] for o in definition["options"] if as_decimal(o["fraction"]) == 1]
    if name == "multiple_choice":
        return [o["text"] for o in definition["options"] if as_decimal(o["fraction"]) > 0]
    if name == "true_false":
        return ["True" if definition["correct"] else "False"]
    if name == "short_answer":
        return [a["text"] for a in definition["answers"] if as_decimal(a["fraction"]) == 1]
    if name == "numerical":
        return [f"{a['value']} ± {a.get('tolerance') or 0}" for a in definition["answers"]
                if a["value"] != "*" and as_decimal(a["fraction"]) == 1]
    if name == "matching":
        return [f"{p['premise']} → {p['answer']}" for p in definition["pairs"]]
    if name == "ordering":
        return [" | ".join(i["text"] for i in definition["items"])]
    return []
