"""Survey results: counts, percentages, means, NPS, breakdowns and the anonymity rule."""
import random

from lms.surveys.questions import validate_response, validate_survey
from lms.surveys.results import (
    SUMMARY_HEADERS, breakdown, breakdown_table, summarize, summary_table, suppressed_groups,
)

QUESTIONS = validate_survey([
    {"key": "uses", "kind": "single_choice", "title": "Uses the configurator", "required": True,
     "options": ["yes", "no"]},
    {"key": "why_not", "kind": "short_text", "title": "Why not", "show_if": {"question": "uses", "equals": "no"}},
    {"key": "topics", "kind": "multiple_choice", "title": "Topics", "options": ["sales", "service", "parts"]},
    {"key": "score", "kind": "rating", "title": "Score"},
    {"key": "nps", "kind": "nps", "title": "Recommend"},
    {"key": "matrix", "kind": "likert", "title": "Agree", "rows": [{"key": "clear", "label": "Clear"}],
     "scale": ["1", "2", "3", "4", "5"]},
    {"key": "staff", "kind": "number", "title": "Staff", "integer": True, "min": 0},
])


def _response(dealer, region, **raw):
    clean, errors = validate_response(QUESTIONS, raw)
    assert errors == {}
    return {"dealer": dealer, "region": region, "answers": clean}


def _sample():
    return [
        _response("Альфа", "Север", uses="yes", topics=["sales", "service"], score="5", nps="10",
                  matrix={"clear": "4"}, staff="12"),
        _response("Альфа", "Север", uses="no", why_not="Too slow", topics=["sales"], score="3", nps="9",
                  matrix={"clear": "2"}, staff="8"),
        _response("Бета", "Юг", uses="yes", why_not="hidden: not stored", topics=["parts"], score="4",
                  nps="6", staff="3"),
        _response("Бета", "Юг", uses="no", why_not="No licence", score="1", nps="0", matrix={"clear": "5"}),
        _response("Гамма", "Юг", uses="yes", topics=["sales"], nps="8"),
    ]


def test_counts_percentages_and_means_match_hand_counts():
    result = summarize(QUESTIONS, _sample())
    assert result["respondents"] == 5
    uses = result["questions"]["uses"]
    assert [(o["value"], o["count"], o["percent"]) for o in uses["options"]] == [("yes", 3, 60.0), ("no", 2, 40.0)]
    topics = result["questions"]["topics"]
    # Base is the 4 people who answered; the percentages add up to more than 100.
    assert [(o["count"], o["percent"]) for o in topics["options"]] == [(3, 75.0), (1, 25.0), (1, 25.0)]
    score = result["questions"]["score"]
    assert score["answered"] == 4 and score["mean"] == 3.25
    assert [b["count"] for b in score["distribution"]] == [1, 0, 1, 1, 1]
    assert result["questions"]["matrix"]["rows"][0]["mean"] == 3.67
    staff = result["questions"]["staff"]
    assert (staff["answered"], staff["mean"], staff["min"], staff["max"]) == (3, 7.67, 3, 12)


def test_nps_is_promoters_minus_detractors_in_percent():
    nps = summarize(QUESTIONS, _sample())["questions"]["nps"]
    # Scores 10, 9, 6, 0, 8: two promoters, two detractors, one passive.
    assert (nps["promoters"]["count"], nps["passives"]["count"], nps["detractors"]["count"]) == (2, 1, 2)
    assert nps["nps"] == 0.0
    rows = [_response("X", "R", uses="yes", nps=str(score)) for score in (10, 10, 9, 7, 3, 10, 8)]
    assert summarize(QUESTIONS, rows)["questions"]["nps"]["nps"] == round(100 * (4 - 1) / 7, 1)


def test_hidden_questions_are_not_counted_and_texts_are_listed():
    why_not = summarize(QUESTIONS, _sample())["questions"]["why_not"]
    assert why_not["answered"] == 2
    assert why_not["answers"] == ["Too slow", "No licence"]
    anonymous = summarize(QUESTIONS, _sample(), anonymous=True, min_group=2)
    assert anonymous["questions"]["why_not"]["answers"] == ["No licence", "Too slow"]  # sorted, not in order


def test_breakdown_by_dealer_without_anonymity_shows_every_group():
    result = breakdown(QUESTIONS, _sample(), "dealer")
    assert [g["group"] for g in result["groups"]] == ["Альфа", "Бета", "Гамма"]
    alpha = result["groups"][0]
    assert alpha["respondents"] == 2 and alpha["questions"]["score"]["mean"] == 4.0
    assert result["groups"][2]["questions"]["nps"]["nps"] == 0.0


def _anonymous_rows(sizes):
    """Responses per dealer (dealer -> (region, count)), all answering uses and score."""
    rows = []
    for dealer, (region, count) in sizes.items():
        rows += [_response(dealer, region, uses="yes" if i % 2 else "no", score=str(1 + i % 5))
                 for i in range(count)]
    return rows


def test_a_group_of_four_in_an_anonymous_survey_stays_hidden():
    rows = _anonymous_rows({"Big": ("North", 12), "Mid": ("North", 9), "Small": ("South", 4)})
    result = breakdown(QUESTIONS, rows, "dealer", anonymous=True)
    small = next(g for g in result["groups"] if g["group"] == "Small")
    assert small == {"group": "Small", "suppressed": True}  # named, but not one figure
    # Hiding only "Small" would leave 25 - 12 - 9 = 4 recoverable; the smallest visible group goes too.
    mid = next(g for g in result["groups"] if g["group"] == "Mid")
    assert mid == {"group": "Mid", "suppressed": True}
    big = next(g for g in result["groups"] if g["group"] == "Big")
    assert big["respondents"] == 12 and big["questions"]["score"]["answered"] == 12
    assert result["respondents"] == 25


def test_no_complement_needed_when_hidden_groups_already_hold_five():
    rows = _anonymous_rows({"A": ("N", 3), "B": ("N", 2), "C": ("N", 6), "D": ("N", 7)})
    result = breakdown(QUESTIONS, rows, "dealer", anonymous=True)
    assert [g["suppressed"] for g in result["groups"]] == [True, True, False, False]


def test_an_anonymous_survey_with_fewer_than_five_respondents_shows_no_figures():
    rows = _anonymous_rows({"A": ("N", 4)})
    assert summarize(QUESTIONS, rows, anonymous=True) == {"respondents": None, "suppressed": True, "questions": {}}
    assert breakdown(QUESTIONS, rows, "dealer", anonymous=True)["respondents"] is None


def test_a_small_audience_for_one_question_is_suppressed_inside_a_visible_group():
    rows = _anonymous_rows({"A": ("N", 8), "B": ("N", 9)})
    rows[0]["answers"]["staff"] = 40  # one person at A answered the optional number question
    result = breakdown(QUESTIONS, rows, "dealer", anonymous=True)
    group_a = result["groups"][0]
    assert group_a["questions"]["staff"] == {"key": "staff", "kind": "number", "title": "Staff", "suppressed": True}
    assert group_a["questions"]["score"]["suppressed"] is False
    assert summarize(QUESTIONS, rows, anonymous=True)["questions"]["staff"]["suppressed"] is True


def _published(result):
    return {g["group"]: g for g in result["groups"] if not g["suppressed"]}


def test_no_hidden_figure_can_be_recovered_by_subtraction_property():
    generator = random.Random(20240607)
    for _ in range(300):
        regions = {f"D{i}": (f"R{generator.randint(1, 3)}", generator.choice([1, 2, 3, 4, 5, 6, 9, 15]))
                   for i in range(generator.randint(1, 8))}
        rows = _anonymous_rows(regions)
        for row in rows:
            if generator.random() < 0.3:
                row["answers"]["staff"] = generator.randint(0, 50)
        total = len(rows)
        by_region = breakdown(QUESTIONS, rows, "region", anonymous=True)
        by_dealer = breakdown(QUESTIONS, rows, "dealer", within="region", anonymous=True)
        dealers = _published(by_dealer)
        residue = total - sum(g["respondents"] for g in dealers.values())
        assert residue == 0 or residue >= 5 or total < 5
        for region, group in _published(by_region).items():
            inside = sum(g["respondents"] for name, g in dealers.items() if regions[name][0] == region)
            assert group["respondents"] - inside == 0 or group["respondents"] - inside >= 5
        overall_staff = summarize(QUESTIONS, rows, anonymous=True)["questions"].get("staff", {})
        if overall_staff.get("suppressed") is False:
            shown = sum(g["questions"]["staff"]["answered"] for g in dealers.values()
                        if not g["questions"]["staff"]["suppressed"])
            assert overall_staff["answered"] - shown == 0 or overall_staff["answered"] - shown >= 5


def test_suppressed_groups_breaks_ties_by_name_and_ignores_empty_cells():
    assert suppressed_groups({"b": 6, "a": 6, "c": 3}) == {"a", "c"}
    assert suppressed_groups({"a": 0, "b": 7}) == set()


def test_tables_for_export_follow_the_summary_headers():
    sample = _anonymous_rows({"A": ("N", 6), "B": ("N", 3), "C": ("N", 3)})
    rows = breakdown_table(QUESTIONS, breakdown(QUESTIONS, sample, "dealer", anonymous=True))
    assert all(len(row) == len(SUMMARY_HEADERS) for row in rows)
    assert ["A", "Uses the configurator", "yes", 3, 50.0, None] in rows
    assert ["A", "Score", None, 6, None, round(16 / 6, 2)] in rows  # scores 1, 2, 3, 4, 5, 1
    assert ["B", None, None, None, None, None] in rows  # hidden: present, but blank
    assert not any(row[0] == "B" and row[3] is not None for row in rows)
    flat = summary_table(QUESTIONS, summarize(QUESTIONS, _sample()))
    assert [None, "Recommend: NPS", None, 5, 0.0, None] in flat
    assert [None, "Agree: Clear", None, 3, None, 3.67] in flat
    assert [None, "Why not", "No licence", None, None, None] in flat
