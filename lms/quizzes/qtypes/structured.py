"""Structured answers: matching, ordering and the hand-graded essay."""
from __future__ import annotations

import hashlib
from decimal import Decimal

from ..grading import clamp_fraction, seeded_shuffle
from .base import MAX_ESSAY_RESPONSE, ResponseError, _blank, _check, _text_response, _unwrap, _view_items


def matching_choice_id(answer_text: str) -> str:
    """The public id of a matching answer: derived from its text, so equal texts share one choice."""
    return "c" + hashlib.sha256(answer_text.strip().encode()).hexdigest()[:10]


class MatchingType:
    """``{"pairs": [{"id", "premise", "premise_format"?, "answer"}], "distractors"?: [str], "shuffle"?}``;
    response ``{"matches": {pair_id: choice_id}}``. Each correctly matched premise earns 1/len(pairs)."""

    name = "matching"
    needs_manual_grading = False

    def validate(self, definition):
        spec = {"id": "id", "premise": "text", "premise_format": "format?", "answer": "text"}
        top = {"pairs": "list", "distractors": "texts?", "shuffle": "flag?"}
        return _check(definition, top, "pairs", spec, 2)[0]

    def _choices(self, definition) -> dict[str, str]:
        texts = [p["answer"] for p in definition["pairs"]] + list(definition.get("distractors") or [])
        return {matching_choice_id(t): t.strip() for t in texts}

    def public_view(self, definition, *, shuffle_seed=None):
        premises = _view_items(definition["pairs"], "premise", shuffle_seed, "premises",
                               definition.get("shuffle", True))
        choices = [{"id": cid, "text": text} for cid, text in self._choices(definition).items()]
        # Choices listed in pair order would give the answers away, so they are never left in it.
        if shuffle_seed is None:
            choices.sort(key=lambda c: (c["text"].casefold(), c["id"]))
        else:
            choices = seeded_shuffle(choices, shuffle_seed, salt="choices")
        return {"type": self.name, "premises": premises, "choices": choices}

    def normalize_response(self, definition, raw):
        matches = _unwrap(raw, "matches")
        if _blank(matches):
            return {"matches": {}}
        pair_ids, choice_ids = {p["id"] for p in definition["pairs"]}, self._choices(definition)
        if not isinstance(matches, dict) or not all(
                k in pair_ids and (v is None or v in choice_ids) for k, v in matches.items()):
            raise ResponseError("The answer refers to an item that is not in this question.")
        return {"matches": {k: v for k, v in matches.items() if v is not None}}

    def grade(self, definition, response):
        matches = (response or {}).get("matches") or {}
        pairs = definition["pairs"]
        right = sum(matches.get(p["id"]) == matching_choice_id(p["answer"]) for p in pairs)
        return clamp_fraction(Decimal(right) / len(pairs))

    def feedback(self, definition, response):
        return []

    def summarize_response(self, definition, response):
        matches, choices = (response or {}).get("matches") or {}, self._choices(definition)
        return [f"{p['premise']} → {choices[matches[p['id']]]}" for p in definition["pairs"] if p["id"] in matches]


class OrderingType:
    """``{"items": [{"id", "text", "text_format"?}] in the correct order, "grading"?: rule}``;
    response ``{"order": [item_id, ...]}`` (all ids). Rules: ``adjacent_pairs`` (default) gives
    one point per correct-order neighbour pair kept next to each other, out of n-1, so one item
    misplaced costs little; ``absolute_position`` gives one point per item in its exact place, out of n."""

    name = "ordering"
    needs_manual_grading = False

    def validate(self, definition):
        spec = {"id": "id", "text": "text", "text_format": "format?"}
        return _check(definition, {"items": "list", "grading": "rule?"}, "items", spec, 2)[0]

    def public_view(self, definition, *, shuffle_seed=None):
        items = definition["items"]
        # Shown order must never be the answer, so there is always a shuffle, and never the identity.
        seed = shuffle_seed if shuffle_seed is not None else "|".join(i["id"] for i in items)
        view = _view_items(items, "text", seed, "items", True)
        if [v["id"] for v in view] == [i["id"] for i in items]:
            view = view[1:] + view[:1]
        return {"type": self.name, "items": view}

    def normalize_response(self, definition, raw):
        order = _unwrap(raw, "order")
        if _blank(order):
            return {"order": []}
        ids = [i["id"] for i in definition["items"]]
        if (not isinstance(order, list) or not all(isinstance(i, str) for i in order)
                or sorted(order) != sorted(ids)):
            raise ResponseError("Put every item in order exactly once.")
        return {"order": list(order)}

    def grade(self, definition, response):
        order = (response or {}).get("order") or []
        correct = [i["id"] for i in definition["items"]]
        if not order:
            return clamp_fraction(0)
        if definition.get("grading") == "absolute_position":
            return clamp_fraction(Decimal(sum(a == b for a, b in zip(order, correct))) / len(correct))
        position = {item_id: n for n, item_id in enumerate(order)}
        kept = sum(position[b] == position[a] + 1 for a, b in zip(correct, correct[1:]))
        return clamp_fraction(Decimal(kept) / (len(correct) - 1))

    def feedback(self, definition, response):
        return []

    def summarize_response(self, definition, response):
        texts = {i["id"]: i["text"] for i in definition["items"]}
        order = (response or {}).get("order") or []
        return [" | ".join(texts[i] for i in order)] if order else []


class EssayType:
    """``{"grader_info"?: str, "grader_info_format"?, "response_template"?: str}``; response
    ``{"text": str}``. ``grade`` returns None (a human grades it, see grading.make_manual_grade);
    a blank essay is graded 0 at once so nobody has to mark empty answers."""

    name = "essay"
    needs_manual_grading = True

    def validate(self, definition):
        spec = {"grader_info": "note?", "grader_info_format": "format?", "response_template": "note?"}
        return _check(definition, spec, "", {}, 0)[0]

    def normalize_response(self, definition, raw):
        return {"text": _text_response(raw, MAX_ESSAY_RESPONSE).strip()}

    def grade(self, definition, response):
        return None if response and (response.get("text") or "").strip() else clamp_fraction(0)

    def feedback(self, definition, response):
        return []

    def public_view(self, definition, *, shuffle_seed=None):
        return {"type": self.name, "response_template": definition.get("response_template") or ""}

    def summarize_response(self, definition, response):
        return []
