"""The lesson renderer: features authors rely on, and malicious Markdown rendering inert."""
import re

import pytest

from lms.courses.markdown import (
    asset_name_from_src,
    image_asset_names,
    make_renderer,
    render_markdown,
)

ASSETS = {"plan.png": "/courses/demo/assets/plan.png", "sub/dir.png": "/courses/demo/assets/sub/dir.png"}


def render(text, **kwargs):
    renderer = kwargs.pop("renderer", None) or make_renderer()
    return render_markdown(text, renderer=renderer, resolve_asset=ASSETS.get, **kwargs)


def assert_inert(html):
    lowered = html.lower()
    assert "<script" not in lowered
    assert "<iframe" not in lowered
    assert not re.search(r"<[^>]+\son\w+\s*=", lowered), html
    for attr_value in re.findall(r'(?:href|src)="([^"]*)"', lowered):
        compact = re.sub(r"[\s\x00-\x1f]|%0[0-9a-f]|%20|&#x?0*9;?", "", attr_value)
        assert not compact.startswith(("javascript:", "vbscript:", "data:")), html


def test_tables_strikethrough_anchors_and_front_matter():
    html = render('---\ntitle = "x"\n---\n# Хранение селитры\n\n| a | b |\n|---|---|\n| ~~1~~ | 2 |\n')
    assert '<h1 id="хранение-селитры">' in html
    assert "<table>" in html and "<s>1</s>" in html
    assert "title" not in html


@pytest.mark.parametrize("kind", ["note", "tip", "warning", "danger"])
def test_callouts_are_accessible_with_default_or_custom_title(kind):
    html = render(f"::: {kind}\nBody **bold**\n:::\n\n::: {kind} Своё <b>название</b>\nx\n:::\n")
    assert html.count(f'<div class="callout callout-{kind}" role="note">') == 2
    assert f"<strong>{kind.capitalize()}</strong>" in html
    assert "<strong>Своё &lt;b&gt;название&lt;/b&gt;</strong>" in html
    assert "<strong>bold</strong>" in html


def test_callout_titles_can_be_translated():
    html = render("::: danger\nx\n:::\n", callout_titles={"danger": "Опасно"})
    assert "<strong>Опасно</strong>" in html


def test_unknown_container_is_plain_text():
    assert "callout" not in render("::: evil\nx\n:::\n")


@pytest.mark.parametrize(
    "source",
    [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        '<a href="#" onclick="alert(1)">x</a>',
        "<iframe src=https://evil.example></iframe>",
        "[x](javascript:alert(1))",
        "[x](JaVaScRiPt:alert(1))",
        "[x](java&#x09;script:alert(1))",
        "[x](java&#9;script:alert(1))",
        "[x](&#106;avascript:alert(1))",
        "[x](<java script:alert(1)>)",
        "[x](java%0ascript:alert(1))",
        "[x](%6Aavascript:alert(1))",
        "[x](vbscript:msgbox(1))",
        "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        "[x](DATA:text/html,<script>alert(1)</script>)",
        "<javascript:alert(1)>",
        "<data:text/html,x>",
        "[x][ref]\n\n[ref]: javascript:alert(1)",
        "![x](javascript:alert(1))",
        "![x](data:image/png;base64,iVBORw0KGgo=)",
        '[x](https://ok.example "title" onclick=alert(1))',
        "`<script>alert(1)</script>`",
        "```html\n<script>alert(1)</script>\n```",
    ],
)
def test_malicious_markdown_renders_inert(source):
    assert_inert(render(source))


def test_unsafe_link_keeps_its_text_but_loses_the_link():
    html = render("[Нажмите](java&#x09;script:alert(1)) и [сюда](vbscript:x)")
    assert "<a" not in html
    assert "Нажмите" in html and "сюда" in html


def test_external_links_get_noopener_and_safe_schemes_stay():
    html = render("[a](https://example.com/x) [b](mailto:help@example.com) [c](#section) [d](../next) <https://auto.example>")
    assert html.count('rel="noopener noreferrer"') == 2
    assert '<a href="mailto:help@example.com">b</a>' in html
    assert '<a href="#section">c</a>' in html
    assert '<a href="../next">d</a>' in html


def test_images_only_from_course_assets_otherwise_alt_text():
    html = render(
        "![План склада](assets/plan.png) ![sub](./assets/sub/dir.png) ![bare](plan.png) "
        "![Удалённая](https://evil.example/x.png) ![Нет файла](missing.png) ![up](../secret.png)"
    )
    assert html.count('src="/courses/demo/assets/plan.png"') == 2
    assert 'src="/courses/demo/assets/sub/dir.png"' in html
    assert html.count("<img") == 3
    for alt in ("Удалённая", "Нет файла", "up"):
        assert alt in html
    assert "evil.example" not in html


@pytest.mark.parametrize(
    ("src", "name"),
    [
        ("assets/a.png", "a.png"),
        ("./assets/img/a.png", "img/a.png"),
        ("a%20b.png", "a b.png"),
        ("/etc/passwd", None),
        ("assets/../../x.png", None),
        ("https://x/a.png", None),
        ("//x/a.png", None),
        ("a\\b.png", None),
        ("a.png?x=1", None),
        ("", None),
    ],
)
def test_asset_name_from_src(src, name):
    assert asset_name_from_src(src) == name


def test_setup_hooks_extend_but_cannot_reenable_html_or_event_handlers():
    calls = []

    def enable_html(md):
        calls.append(md)
        md.options["html"] = True

    def add_onclick(md):
        def rule(state):
            for token in state.tokens:
                if token.type == "paragraph_open":
                    token.attrSet("onclick", "alert(1)")
                    token.attrSet("style", "x")

        md.core.ruler.push("evil", rule)

    renderer = make_renderer([enable_html, add_onclick])
    html = render("<script>alert(1)</script>\n\nhi", renderer=renderer)
    assert len(calls) == 1
    assert_inert(html)
    assert "<p>hi</p>" in html


def test_setup_hook_can_add_a_plugin():
    from mdit_py_plugins.tasklists import tasklists_plugin

    renderer = make_renderer([tasklists_plugin])
    assert 'type="checkbox"' in render("- [x] done\n", renderer=renderer)


def test_image_asset_names_reports_lines():
    text = "intro\n\n![a](assets/a.png)\n\ntext ![b](https://x/b.png)\n"
    assert image_asset_names(text, renderer=make_renderer()) == [
        (3, "a.png", "assets/a.png"),
        (5, None, "https://x/b.png"),
    ]


def test_split_front_matter_reads_toml_and_reports_lines():
    from lms.courses.markdown import FrontMatterError, split_front_matter

    assert split_front_matter('---\r\ntitle = "Т"\r\nminutes = 5\r\n---\r\nBody\r\n') == ({"title": "Т", "minutes": 5}, "Body\r\n", 5)
    assert split_front_matter("\ufeff---\n---\nx") == ({}, "x", 3)
    assert split_front_matter("No front matter\n---\n") == ({}, "No front matter\n---\n", 1)
    with pytest.raises(FrontMatterError) as caught:
        split_front_matter('---\ntitle = "x"\nrequired = yes\n---\nBody')
    assert caught.value.line == 3 and caught.value.params["detail"]
    with pytest.raises(FrontMatterError) as caught:
        split_front_matter('---\ntitle = "x"\n')
    assert caught.value.line == 1
