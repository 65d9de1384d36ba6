"""The lesson page: the title once, the course's progress bar, «Назад/Далее» at the bottom."""
import re

from course_helpers import import_demo_content
from lms.testing import csrf_token

SAFETY = "/courses/fertilizer-safety"


def outline(html):
    """The lesson addresses in course order, from the page's contents list."""
    nav = html.split('class="lesson-outline"', 1)[1]
    return re.findall(r'<a href="(/courses/fertilizer-safety/lessons/[^"]+)"', nav)


def pager(html):
    """{"prev": (href, label, title), "next": …} of the lesson pager."""
    nav = html.split('class="lesson-pager"', 1)[1].split("</nav>", 1)[0]
    links = re.findall(r'<a href="([^"]+)" rel="(prev|next)"><span class="pager-label">([^<]+)</span> '
                       r'<span class="pager-title">([^<]+)</span>', nav)
    return {rel: (href, label.strip(), title) for href, rel, label, title in links}


def progress_bar(html):
    (bar,) = re.findall(r"<progress [^>]*>", html)
    (label,) = re.findall(r'<label for="course-progress">([^<]+)</label>', html)
    return bar, label


def test_the_lesson_title_is_shown_once_though_its_source_opens_with_it(app, login_as):
    import_demo_content(app)
    html = login_as("learner").get(f"{SAFETY}/lessons/vvedenie").get_data(as_text=True)
    main = html.split("<main", 1)[1].split("</main>", 1)[0]
    article = main.split("<article", 1)[1].split("</article>", 1)[0]  # the contents list names it too
    assert main.count("<h1") == 1
    assert article.count("Чем опасны минеральные удобрения") == 1  # the source's «# title» is dropped
    assert "Три главных риска" in article  # the rest of the lecture stays


def test_progress_bar_counts_studied_lessons_of_the_course(app, login_as):
    import_demo_content(app)
    client = login_as("learner")
    bar, label = progress_bar(client.get(f"{SAFETY}/lessons/vvedenie").get_data(as_text=True))
    assert 'id="course-progress"' in bar and 'max="7"' in bar and 'value="0"' in bar
    assert label == "Прогресс курса: изучено 0 из 7 уроков"
    client.post(f"{SAFETY}/lessons/vvedenie/complete",
                data={"csrf_token": csrf_token(client, f"{SAFETY}/lessons/vvedenie")})
    bar, label = progress_bar(client.get(f"{SAFETY}/lessons/ammiachnaya-selitra").get_data(as_text=True))
    assert 'max="7"' in bar and 'value="1"' in bar and label == "Прогресс курса: изучено 1 из 7 уроков"


def test_previous_and_next_links_at_the_first_middle_and_last_lesson(app, login_as):
    import_demo_content(app)
    client = login_as("learner")
    lessons = outline(client.get(f"{SAFETY}/lessons/vvedenie").get_data(as_text=True))
    assert len(lessons) == 7
    first, middle, last = (pager(client.get(lessons[i]).get_data(as_text=True)) for i in (0, 3, 6))
    assert set(first) == {"next"} and first["next"][:2] == (lessons[1], "Далее →")
    assert middle["prev"][:2] == (lessons[2], "← Назад") and middle["next"][:2] == (lessons[4], "Далее →")
    assert set(last) == {"prev"} and last["prev"][0] == lessons[5]
    assert first["next"][2] == "Хранение аммиачной селитры"  # the neighbour's title under the label


def test_previous_and_next_are_translated_in_english(app, login_as):
    import_demo_content(app)
    client = login_as("learner")
    client.post("/locale", data={"locale": "en", "csrf_token": csrf_token(client, "/")})
    html = client.get(f"{SAFETY}/lessons/ammiachnaya-selitra").get_data(as_text=True)
    links = pager(html)
    assert links["prev"][1] == "← Previous" and links["next"][1] == "Next →"
    assert progress_bar(html)[1] == "Course progress: 0 of 7 lessons studied"


def test_only_a_leading_heading_equal_to_the_title_goes_and_other_level_one_headings_step_down():
    from lms.courses.rendering import lesson_body_html

    body = '<h1 id="intro">Intro  <em>part</em></h1>\n<p>Text</p>\n<h1 id="more">More</h1>'
    assert lesson_body_html(body, "Intro part") == '<p>Text</p>\n<h2 id="more">More</h2>'
    assert lesson_body_html(body, "Other title").startswith('<h2 id="intro">Intro  <em>part</em></h2>')
    assert lesson_body_html("", "Title") == ""
