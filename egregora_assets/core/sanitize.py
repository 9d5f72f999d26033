"""Untrusted text (what a chat said, what a model answered) made safe to publish.

HTML is cleaned by nh3 (the Rust `ammonia` sanitizer) after Markdown rendering, both in the
feed and in the site, where it runs as a Markdown extension so that every conversion MkDocs
makes (pages, and the blog's excerpts, which skip MkDocs' page events) is cleaned. Text that
templates print raw (titles, descriptions, the site name) is escaped where it is written.
"""

from __future__ import annotations

import html
import re
import unicodedata

import nh3
from markdown import Extension, Markdown
from markdown.postprocessors import Postprocessor

# What rendered Markdown and MkDocs Material's extensions produce; nothing active.
TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "details", "div", "dl", "dt", "em",
    "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li",
    "mark", "ol", "p", "pre", "s", "small", "span", "strong", "sub", "summary", "sup", "table", "tbody",
    "td", "tfoot", "th", "thead", "tr", "u", "ul",
}  # fmt: skip
ATTRIBUTES = {
    "*": {"class", "id", "title", "lang", "dir"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height", "loading"},
    "td": {"align", "colspan", "rowspan"},
    "th": {"align", "colspan", "rowspan"},
    "details": {"open"},
    "ol": {"start"},
}
# Relative links (the site's own pages and media) stay; of absolute ones only these schemes.
URL_SCHEMES = {"http", "https", "mailto"}
# Bidi overrides and isolates can make a title read backwards; zero-width marks hide text.
# (The zero-width joiner stays: emoji sequences are made with it.)
_INVISIBLE = re.compile("[\u200b\u200c\u200e\u200f\u202a-\u202e\u2060-\u2069\ufeff]")


def clean_html(fragment: str) -> str:
    """`fragment` with every script, event handler, `javascript:`/`data:` URL, frame, object,
    form and style removed; comments are kept (the blog's `<!-- more -->` separator is one)."""
    return nh3.clean(
        fragment,
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        strip_comments=False,
        link_rel="noopener noreferrer nofollow",
    )


def plain_line(text: str, limit: int) -> str:
    """One line of text: no control or invisible characters, spaces collapsed, at most
    `limit` characters (cut at a word when one ends near the limit)."""
    text = _INVISIBLE.sub("", text)
    text = "".join(" " if unicodedata.category(c)[0] in "CZ" and c != "\u200d" else c for c in text)
    text = " ".join(text.split())
    if len(text) > limit:
        cut = text[: limit - 1]
        text = (cut.rsplit(" ", 1)[0] if " " in cut[limit // 2 :] else cut) + "…"
    return text


# Python-Markdown recurses once per nesting level and backtracks over unclosed brackets:
# a 600-deep list overflows its stack and 2,000 brackets take seconds, quadratically.
MAX_INDENT = 16  # spaces: lists nested 8 deep
MAX_QUOTE_DEPTH = 8
MAX_BRACKETS = 100  # per paragraph; past that they become full-width look-alikes
_PREFIX = re.compile(r"^[ \t>]*")


def tame_markdown(text: str) -> str:
    """Markdown that renders in bounded time and depth, reading the same in every sane case:
    nesting deeper than a person writes is flattened, and a paragraph thick with brackets
    has them shown as full-width brackets, which mean nothing to Markdown."""
    blocks = re.split(r"(\n[ \t]*\n)", text)
    for i, block in enumerate(blocks):
        if block.count("[") > MAX_BRACKETS:  # escaping them costs as much, quadratically too
            block = block.replace("[", "\uff3b").replace("]", "\uff3d")
        lines = []
        for line in block.split("\n"):
            prefix = _PREFIX.match(line).group(0)  # type: ignore[union-attr]  # matches always
            quotes, indent = prefix.count(">"), len(prefix.replace(">", "").expandtabs(4))
            if quotes > MAX_QUOTE_DEPTH or indent > MAX_INDENT:
                rest = line[len(prefix) :]
                quoted = "> " * min(quotes, MAX_QUOTE_DEPTH)
                line = quoted + " " * min(indent, MAX_INDENT) + rest if quotes else " " * MAX_INDENT + rest
            lines.append(line)
        blocks[i] = "\n".join(lines)
    return "".join(blocks)


def escaped(text: str) -> str:
    """`text` for a place a template prints raw, showing as typed.

    Angle brackets become look-alikes rather than entities: MkDocs' templates pass titles
    through Jinja's `striptags`, which turns entities back into markup."""
    return html.escape(text.replace("<", "\u2039").replace(">", "\u203a"), quote=True)


class _Clean(Postprocessor):
    def run(self, text: str) -> str:
        return clean_html(text)


class SanitizeExtension(Extension):
    """Python-Markdown extension: the rendered HTML of every conversion, cleaned by nh3."""

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 (Python-Markdown's name)
        # Below the raw-HTML postprocessor (30), so raw HTML is restored before it is cleaned.
        md.postprocessors.register(_Clean(md), "egregora_sanitize", 1)


def makeExtension(**kwargs) -> SanitizeExtension:  # noqa: N802 (Python-Markdown's entry point)
    return SanitizeExtension(**kwargs)
