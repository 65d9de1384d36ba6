"""Every survey question kind is edited through its form (issue 19, item 4): bad input is refused next
to the field, in Russian, and what was typed stays on the page."""
import pytest

from lms.testing import csrf_token, without_csrf_tokens

# kind -> (good fields, a change the editor refuses, the message shown, a typed value that must stay)
CASES = {
    "single_choice": ({"options-0-text": "Да", "options-1-text": "Нет"}, {"options-1-text": ""},
                      "Введите текст.", 'value="Да"'),
    "multiple_choice": ({"options-0-text": "А", "options-1-text": "Б", "max_choices": "2"}, {"max_choices": "0"},
                        "Значение должно быть между 1 и 50.", 'value="А"'),
    "rating": ({}, {"title": ""}, "Введите вопрос.", "Подсказка"),
    "nps": ({}, {"title": ""}, "Введите вопрос.", "Подсказка"),
    "likert": ({"rows-0-text": "Понятно", "scale-0-text": "Нет", "scale-1-text": "Да"}, {"scale-1-text": ""},
               "Введите текст.", 'value="Понятно"'),
    "short_text": ({"max_length": "100"}, {"max_length": "0"}, "Значение должно быть между 1 и 20000.", "Подсказка"),
    "long_text": ({}, {"max_length": "abc"}, "Неверное целое число.", "Подсказка"),
    "number": ({"min": "1", "max": "10,5"}, {"min": "20"}, "Минимум не должен превышать максимум.", 'value="10,5"'),
}


@pytest.mark.parametrize("kind", sorted(CASES))
def test_each_kind_saves_and_refuses_bad_input(app, login_as, kind):
    client = login_as("manager")
    token = csrf_token(client, "/surveys/manage/new")
    survey_id = int(client.post("/surveys/manage/new", data={"csrf_token": token, "title": "Опрос"})
                    .headers["Location"].split("/")[-2])
    url = f"/surveys/manage/{survey_id}/questions/new/{kind}"
    page = without_csrf_tokens(client.get(url).get_data(as_text=True))
    assert "JSON" not in page and kind not in page.split("<main", 1)[-1].replace(f"/new/{kind}", "")
    good, change, message, kept = CASES[kind]
    base = {"csrf_token": token, "title": "Вопрос?", "description": "Подсказка", **good}
    bad = client.post(url, data={**base, **change})
    html = bad.get_data(as_text=True)
    assert bad.status_code == 422 and kept in html, kind
    assert message in html or message.replace("Неверное целое число.", "Неверное целое число") in html, html[-3000:]
    assert client.post(url, data=base).status_code == 303
