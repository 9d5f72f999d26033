"""MkDocs hooks of the group's site (its `hooks.py` re-exports them): the same HTML, built cheaper.

The blog plugin renders a post's excerpt by converting the whole post again, once for every
index, archive and category page that lists it (five times a post on a year's site, about 40%
of the build), and then keeps the part before the separator. A post whose head cannot be
changed by what follows gives its excerpt only the head to convert.
"""

from __future__ import annotations

import re
from typing import Any

SEPARATOR = "<!-- more -->"  # the blog plugin's post_excerpt_separator (the default)
_ID_ATTRIBUTE = re.compile(r"\bid\s*=", re.IGNORECASE)
# The anchors of the sources under a post (core.quotes.anchor): no heading's slug has a colon.
_SOURCE_ANCHOR = re.compile(r'\bid="src:\d+"')
# The "continues" / "continued in" lines a post opens with (core.mkdocs_site): closed, and with
# no tag inside (titles there are one escaped line), so they cannot swallow what follows.
_THREAD_LINES = re.compile(r'<div class="egregora-thread" markdown="1">\n[^<]*\n</div>\n')


def excerpt_markdown(markdown: str, html: str) -> str | None:
    """What a post's excerpt can be converted from instead of the whole `markdown` with the same
    result, or None when the part after the separator could change the part before it.

    `html` is the post's own page content: whether anything renders after its separator decides
    whether the excerpt links to the rest ("Continue reading")."""
    head, separator, tail = markdown.partition(SEPARATOR)
    _, rendered, after = html.partition(SEPARATOR)
    if not (separator and rendered and head.startswith("# ")):
        return None  # not this project's post layout: the title heading first, then the excerpt
    if "<" in _THREAD_LINES.sub("", head):
        return None  # raw HTML there can swallow what follows, or pull it up (an unclosed table)
    if "]:" in markdown:
        return None  # link, footnote and abbreviation definitions apply to the whole document
    if "{" in tail or _ID_ATTRIBUTE.search(_SOURCE_ANCHOR.sub("", tail)):
        return None  # an id set further down makes the table of contents rename the title's
    return head + SEPARATOR + ("\n\n…\n" if after else "")


def on_page_content(html: str, *, page: Any, **_: Any) -> None:
    """MkDocs event, once a page is rendered: a blog post's excerpt will convert only its head."""
    if getattr(page, "excerpt", None) is None or not page.markdown:
        return  # not a blog post
    short = excerpt_markdown(page.markdown, html)
    if short is not None:
        # The excerpt reads the post's Markdown when each view renders; the post's own page
        # is rendered already, and nothing else reads it after this event.
        page.markdown = short
