"""Untrusted text made safe: nh3 cleaning, one-line titles, raw-printed text, tame Markdown."""

import markdown
import pytest

from egregora_assets.core.sanitize import clean_html, escaped, plain_line, tame_markdown


@pytest.mark.parametrize(
    ("dirty", "kept", "gone"),
    [
        ("<p>hi<script>alert(1)</script></p>", "<p>hi", "script"),
        ('<img src="x" onerror="alert(1)">', "<img", "onerror"),
        ('<a href="javascript:alert(1)">x</a>', ">x</a>", "javascript"),
        ('<a href="data:text/html,x">x</a>', ">x</a>", "data:"),
        ('<a href="../media/a.jpg">a</a>', 'href="../media/a.jpg"', "javascript"),
        ("<iframe src=https://x></iframe><p>t</p>", "<p>t</p>", "iframe"),
        ('<form action="https://x"><input></form>', "", "form"),
        ('<h2 id="a">T<a class="headerlink" href="#a">¶</a></h2>', 'class="headerlink"', "script"),
        ("<p>a</p><!-- more --><p>b</p>", "<!-- more -->", "script"),
        ('<div style="x:url(javascript:1)">s</div>', "<div>s</div>", "style"),
    ],
)
def test_clean_html(dirty, kept, gone):
    clean = clean_html(dirty)
    assert kept in clean and gone not in clean


def test_plain_line_is_one_short_visible_line():
    assert plain_line("  a\n\tb\u202ec\u200b  ", 50) == "a bc"
    assert plain_line("👨\u200d👩\u200d👧 família", 50) == "👨\u200d👩\u200d👧 família"  # emoji joiners stay
    long = plain_line("palavra " * 100, 40)
    assert len(long) <= 40 and long.endswith("…") and not long.endswith(" …")


def test_escaped_text_survives_striptags():
    # Jinja's striptags unescapes entities: angle brackets must not come back as tags.
    from markupsafe import Markup

    shown = Markup(escaped("</title><script>alert(1)</script>")).striptags()
    assert "<" not in shown and ">" not in shown and "script" in shown
    assert escaped('say "hi" & go') == "say &quot;hi&quot; &amp; go"


@pytest.mark.parametrize(
    "text",
    [
        "".join("  " * i + "- deep\n" for i in range(600)),
        "[" * 50_000 + "x" + "]" * 50_000,
        "[a](" * 20_000,
        ">" * 20_000 + " x",
    ],
    ids=["deep-list", "brackets", "open-links", "deep-quote"],
)
def test_tame_markdown_renders_in_bounded_time(text):
    # Untamed, these overflow the stack or take minutes; no timing is asserted (shared machines).
    html = markdown.markdown(tame_markdown(text), extensions=["extra", "admonition", "toc", "md_in_html"])
    assert html.count("<li>") <= 600 and "RecursionError" not in html


def test_tame_markdown_leaves_ordinary_markdown_alone():
    text = "# T\n\n- a\n    - b\n        - c\n\n> q\n>> qq\n\n[link](https://x) \\[x\\]\n\n    code\n"
    assert tame_markdown(text) == text
