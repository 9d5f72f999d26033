"""The site's MkDocs hooks: a built site byte for byte the same as MkDocs Material's own build.

A re-export that adds one day rebuilds the whole site (every page's navigation lists the
archive months and categories); the hooks make that build cheaper, so what they must prove is
that every file equals a plain `mkdocs build` of the same project without them, before and
after a day's post is added: posts, blog index pages, archives, categories, search index.
"""

import os
import shutil
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest

from egregora_assets.core.atom_feed import build_feed
from egregora_assets.core.mkdocs_hooks import SEPARATOR, excerpt_markdown
from egregora_assets.core.mkdocs_site import build_site, post_markdown, write_site_project
from egregora_assets.core.models import Message, Post
from egregora_assets.core.text import slugify
from egregora_assets.core.urls import post_path
from egregora_assets_tests.helpers import document

TEMPLATE = Path(__file__).resolve().parents[2] / "site"
TAGS = ["trilha", "travessia", "equipamento", "carona"]
BODY = (
    "## Em destaque\n\n> **Guará Azul** (07:41): Quem leva o **fogareiro**?\n\n"
    "## Links compartilhados\n\n- <https://www.wikiloc.com/trails/1>\n\n![foto](media/pico.jpg)\n"
)
# Posts whose part after the separator changes the excerpt, or that the check must not trust.
ODD = {
    "reference": ("Veja o [mapa][m] da trilha.", "Texto.\n\n[m]: https://example.org/mapa\n"),
    "footnote": ("Choveu[^1] o dia todo.", "Texto.\n\n[^1]: Pouco, na verdade.\n"),
    "abbreviation": ("O GPS falhou.", "Texto.\n\n*[GPS]: Global Positioning System\n"),
    "raw html in the head": ("<table>Resumo solto", "Texto que o HTML leva para cima.\n"),
    "an id below": ("Resumo.", "Texto.\n{: #caso-do-id }\n"),
    "an html id below": ("Resumo.", '<div markdown="1" id="caso-do-id-html">\nTexto.\n</div>\n'),
    "nothing after": ("Só o resumo.", ""),
    "only a script after": ("Resumo.", "<script>alert(1)</script>\n"),
}


def doc(day: date, title: str, tags: list[str], summary: str, content: str, n: int = 0) -> Post:
    """A post of `day`; the ordinary ones (n = 0) cite a message."""
    return document(day, n, window_id=f"w{day}{n}", title=title, slug=slugify(title), summary=summary,
                    content=content, categories=tags, message_ids=[] if n else [f"m{day}"])  # fmt: skip


def posts() -> list[Post]:
    """24 ordinary posts over two months (three blog index pages, categories of 6 to 12 posts)
    and one of each odd kind, titled so that the odd ids collide with their titles' anchors."""
    start = date(2026, 8, 10)
    docs = [
        doc(start + timedelta(days=i), f"Dia {i} na serra", [TAGS[i % 4], TAGS[(i + 1) % 4]], f"Resumo {i}.", BODY)
        for i in range(24)
    ]
    for n, (name, (summary, content)) in enumerate(ODD.items(), start=1):
        title = "Caso do id html" if name == "an html id below" else "Caso do id" if "id" in name else name
        docs.append(doc(start + timedelta(days=n), title.capitalize(), ["trilha"], summary, content, n))
    return docs


def write(project: Path, docs: list[Post]) -> None:
    feed = build_feed(group="trilhas", title="Trilhas", feed_id="tag:x,2026:trilhas", site_url=None, docs=docs)
    cited = {
        f"m{d.date}": Message(id=f"m{d.date}", group="trilhas", timestamp=d.published, author="Tatu Veloz", text="oi")
        for d in docs
    }
    write_site_project(
        template_dir=TEMPLATE, project_dir=project, group="trilhas", title="Trilhas", docs=docs,
        feed_xml=feed, media={"pico.jpg": b"\xff\xd8fake"}, cited=cited,
    )  # fmt: skip


def stock_build(project: Path, out: Path) -> None:
    """A plain `mkdocs build` of a copy of `project` whose mkdocs.yml names no hooks."""
    copy = out.with_name(out.name + "-project")
    shutil.copytree(project, copy)
    config = copy / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert "hooks:\n  - hooks.py\n" in text
    config.write_text(text.replace("hooks:\n  - hooks.py\n", ""), encoding="utf-8")
    (copy / "hooks.py").unlink()
    command = [sys.executable, "-m", "mkdocs", "build", "--quiet", "-f", str(config), "-d", str(out)]
    subprocess.run(command, cwd=copy, check=True, capture_output=True, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})


def files(site: Path) -> dict[str, bytes]:
    """Every file of a built site, by path."""
    return {str(p.relative_to(site)): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def differing(ours: dict[str, bytes], stock: dict[str, bytes]) -> list[str]:
    """The files present in only one of two built sites, or with different bytes."""
    return sorted(ours.keys() ^ stock.keys()) + [p for p in sorted(ours.keys() & stock.keys()) if ours[p] != stock[p]]


@pytest.fixture(scope="module")
def sites(tmp_path_factory):
    """The project built with the hooks and without, then again with one more day's post."""
    root = tmp_path_factory.mktemp("hooks")
    docs = posts()
    write(root / "project", docs)
    build_site(root / "project", root / "html")
    stock_build(root / "project", root / "stock")
    first = files(root / "html")
    # The next day opens a month and a category: the navigation of every page changes.
    new = doc(date(2026, 9, 3), "Dia novo na serra", ["trilha", "mirante"], "Resumo novo.", BODY)
    write(root / "project", [*docs, new])
    build_site(root / "project", root / "html")
    stock_build(root / "project", root / "stock-more")
    return root, docs, new, first


def test_the_site_equals_mkdocs_own_build_file_for_file(sites):
    root, _, _, first = sites
    stock, stock_more = files(root / "stock"), files(root / "stock-more")
    assert sum(p.endswith(".html") for p in stock) > 40
    assert differing(first, stock) == []
    assert differing(files(root / "html"), stock_more) == []
    assert len(differing(stock, stock_more)) > 40  # the comparison sees a difference


def test_one_more_day_is_built_everywhere_it_shows(sites):
    root, docs, new, first = sites
    html = root / "html"
    previous = max((d for d in docs if d.date < new.date), key=lambda d: (d.date, d.id))
    neighbour = (html / post_path(previous) / "index.html").read_text(encoding="utf-8")
    assert f'<link rel="next" href="../../03/{new.slug}/">' in neighbour  # from 2026/09/02/<slug>/
    assert new.title in (html / "blog/index.html").read_text(encoding="utf-8")
    assert new.title in (html / "blog/archive/2026/09/index.html").read_text(encoding="utf-8")
    assert new.title in (html / "blog/category/mirante/index.html").read_text(encoding="utf-8")
    # Every page lists the new category in its navigation, so every page was rebuilt.
    pages = [p for p in first if p.endswith(".html")]
    assert [p for p in pages if (html / p).read_bytes() == first[p]] == []


def test_excerpts_resolve_what_the_rest_of_their_post_defines(sites):
    root, *_ = sites
    listed = "".join(p.read_text(encoding="utf-8") for p in (root / "html/blog/category/trilha").rglob("*.html"))
    assert 'href="https://example.org/mapa"' in listed
    assert 'title="Global Positioning System"' in listed
    assert 'id="caso-do-id_1"' in listed  # the title's anchor, renamed because the post uses its id below


BODY_MD = post_markdown(posts()[0])


@pytest.mark.parametrize(
    ("name", "markdown"),
    [(name, post_markdown(d)) for name, d in zip(ODD, posts()[24:], strict=True) if "after" not in name]
    + [("no separator", "# Título\n\nResumo.\n"), ("no title first", "Resumo.\n\n" + SEPARATOR + "\n\nTexto.\n")],
)
def test_whole_post_kept_when_the_rest_can_change_the_excerpt(name, markdown):
    body = markdown.split("---\n", 2)[-1].lstrip("\n")
    assert excerpt_markdown(body, f"<h1>x</h1>{SEPARATOR}<p>y</p>") is None


def test_an_ordinary_post_gives_its_excerpt_the_head_only():
    body = BODY_MD.split("---\n", 2)[-1].lstrip("\n")
    head = body.split(SEPARATOR)[0]
    assert excerpt_markdown(body, f"<h1>x</h1>\n{SEPARATOR}\n<h2>y</h2>") == f"{head}{SEPARATOR}\n\n…\n"
    # Nothing rendered after the separator: no "continue reading" link, as without the hooks.
    assert excerpt_markdown(body, f"<h1>x</h1>\n{SEPARATOR}") == f"{head}{SEPARATOR}"


def test_a_post_with_its_sources_still_gives_its_excerpt_the_head_only():
    """The sources' numbered anchors (id="src:N") cannot rename a heading: no slug has a colon."""
    first = posts()[0]
    said = Message(id="0123456789abcdef", group="trilhas", timestamp=first.published, author="Tatu Veloz", text="oi")
    body = post_markdown(first, [said]).split("---\n", 2)[-1].lstrip("\n")
    assert 'id="src:1"' in body
    assert excerpt_markdown(body, f"<h1>x</h1>\n{SEPARATOR}\n<p>y</p>") is not None
    assert excerpt_markdown(body.replace('id="src:1"', 'id="src-1"'), f"<h1>x</h1>{SEPARATOR}<p>y</p>") is None


def test_a_post_in_a_thread_still_gives_its_excerpt_the_head_only():
    """The thread lines a post opens with are closed blocks with no tag inside: they stay in the head."""
    first, second, third = posts()[:3]
    hostile = second.model_copy(update={"title": "<b>ousado</b> <div>"})
    body = post_markdown(first, continues=hostile, continued_in=[third]).split("---\n", 2)[-1].lstrip("\n")
    assert body.count('<div class="egregora-thread"') == 2
    assert excerpt_markdown(body, f"<h1>x</h1>\n{SEPARATOR}\n<p>y</p>") is not None
    opened = body.replace("</div>", "", 1)  # an unclosed block is no longer ours: the whole post again
    assert excerpt_markdown(opened, f"<h1>x</h1>{SEPARATOR}<p>y</p>") is None
