"""The MkDocs Material blog of a group: its project files and a real `mkdocs build`."""

from __future__ import annotations

import hashlib
import html
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Container, Mapping, Sequence
from functools import partial
from pathlib import Path
from typing import Any

import jinja2
import markdown
import yaml

from . import site_text
from .author_pages import AUTHORS_DIR, author_files, author_key, colour_of
from .groups import group_apps, group_title
from .home import Home
from .journal import fingerprint
from .languages import LANGUAGES, detect_language
from .models import MAX_SUMMARY_CHARS, MAX_TITLE_CHARS, AuthorProfile, Message, Post, Rating
from .quotes import QUOTE_CHARS, anchor, link_marks, md_escape, md_text, shorten
from .sanitize import escaped, plain_line, tame_markdown
from .settings import GroupSettings
from .tables import (
    cited_messages,
    group_day_texts,
    group_posts,
    group_profiles,
    group_ratings,
    group_voice_seconds,
)
from .text import slugify
from .threads import continued_in
from .urls import FEED_FILE, post_media
from .warehouse import Database

BEST_PAGE = Path("docs/best.md")  # the best-rated posts; in the nav of mkdocs.yml.j2
POSTS_DIR = Path("docs/blog/posts")
MEDIA_DIR = Path("docs/media")
AVATARS_DIR = Path("docs/blog/avatars")
AUTHORS_FILE = Path("docs/blog/.authors.yml")
# Only these folders hold generated files, so only these are pruned.
MANAGED_DIRS = (POSTS_DIR, MEDIA_DIR, AVATARS_DIR, AUTHORS_DIR)


def post_file(doc: Post) -> Path:
    """A post's Markdown file in the MkDocs project; posts link each other by it."""
    return POSTS_DIR / f"{doc.date.isoformat()}-{slugify(doc.slug, fallback='post')}.md"


def best_markdown(docs: Sequence[Post], language: str = "en") -> str:
    """The "best of" page: the given posts in order, each linking its page, with its day and summary."""
    items = [
        f"1. [{md_escape(plain_line(d.title, MAX_TITLE_CHARS))}]"
        f"({post_file(d).relative_to(BEST_PAGE.parent).as_posix()}) · {d.date.isoformat()}  \n"
        f"   {md_escape(plain_line(d.summary, MAX_SUMMARY_CHARS))}"
        for d in docs
    ]
    listing = "\n".join(items) or site_text.text("best_of_empty", language)
    return (
        f"# {site_text.text('best_of_title', language)}\n\n{site_text.text('best_of_intro', language)}\n\n{listing}\n"
    )


def _front_matter(doc: Post) -> str:
    """The YAML front matter the Material blog plugin reads for one post."""
    tags = list(dict.fromkeys(doc.categories))  # the plugin rejects duplicates
    meta = {
        "title": escaped(plain_line(doc.title, MAX_TITLE_CHARS)),
        "date": doc.date,
        "slug": slugify(doc.slug, fallback="post"),
        "description": escaped(plain_line(doc.summary, MAX_SUMMARY_CHARS)),
        "authors": list(dict.fromkeys(author_key(a) for a in doc.authors)),
        "categories": tags,
        "tags": list(tags),  # a copy, or YAML writes an alias
        "writer": doc.writer,
    }
    return yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=10_000)


def sources_markdown(messages: Sequence[Message], language: str = "en") -> str:
    """The cited messages under a post, pseudonymized, with their time, collapsed; numbered,
    each with the anchor the post's source marks link to (link_marks)."""
    items = "\n".join(
        f'{n}. <span id="{anchor(n)}"></span>**{m.author}** ({m.timestamp:%Y-%m-%d %H:%M}): '
        f"{md_text(shorten(m.text, QUOTE_CHARS))}"
        for n, m in enumerate(messages, start=1)
    )
    return (
        f'<details class="quote sources" markdown="1">\n<summary>{site_text.text("sources", language)} ({len(messages)})</summary>\n\n'
        f"{items}\n\n</details>\n"
    )


def thread_line(key: str, posts: Sequence[Post], language: str = "en") -> str:
    """The "Continues: <title>" (or "Continued in: ...") line linking other posts of a thread, or nothing."""
    if not posts:
        return ""
    links = ", ".join(f"[{md_escape(plain_line(p.title, MAX_TITLE_CHARS))}]({post_file(p).name})" for p in posts)
    return f'<div class="egregora-thread" markdown="1">\n{site_text.text(key, language)}: {links}\n</div>\n\n'


def post_markdown(
    doc: Post,
    sources: Sequence[Message] = (),
    *,
    continues: Post | None = None,
    continued_in: Sequence[Post] = (),
    language: str = "en",
) -> str:
    """A post's Markdown file: front matter, title, the posts it continues and is continued in,
    the summary as excerpt, the content, then the messages it cites."""
    body = re.sub(r"\A\s*# [^\n]*\n", "", tame_markdown(doc.content)).strip()
    # The writer's source marks link to the messages listed under the post.
    body = link_marks(body, {m.id: n for n, m in enumerate(sources, start=1)})
    # Posts link media as "media/<name>" (site root); the file sits two folders down.
    body = re.sub(r"(\]\(|src=\")media/", r"\1../../media/", body)
    title = escaped(plain_line(doc.title, MAX_TITLE_CHARS))
    summary = doc.summary.strip()
    if body.startswith(summary):  # a writer that opens with its summary: say it once
        body = body[len(summary) :].lstrip()
    note = writer_note(doc.writer, language)
    cited = f"\n{sources_markdown(sources, language)}" if sources else ""
    # Both thread lines open the post: nothing its body holds (an unclosed tag) can hide them.
    thread = thread_line("continues", [continues] if continues else [], language)
    thread += thread_line("continued_in", continued_in, language)
    return f"---\n{_front_matter(doc)}---\n\n# {title}\n\n{thread}{summary}\n\n<!-- more -->\n\n{body}\n{cited}" + (
        f"\n---\n\n*{note}*\n" if note else ""
    )


def writer_note(writer: str, language: str = "en") -> str | None:
    """The line under a post telling readers how it was written; the offline digest says it itself."""
    if writer.startswith("llm:"):
        return site_text.text("writer_llm", language, model=writer[4:])
    return None  # its own closing line, in the chat's language


def _avatar_svg(name: str) -> bytes:
    """A round avatar with a pseudonym's initials, coloured from its hash."""
    initials = "".join(w[0] for w in re.findall(r"[^\W\d_]+", name)[:2]).upper() or "?"
    colour = colour_of(name)
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64">'
        f'<circle cx="32" cy="32" r="32" fill="{colour}"/>'
        '<text x="32" y="41" font-family="sans-serif" font-size="26" fill="#fff" '
        f'text-anchor="middle">{html.escape(initials)}</text></svg>'
    )
    return svg.encode()


def _authors_files(docs: Sequence[Post], language: str, profiles: Sequence[AuthorProfile] = ()) -> dict[Path, bytes]:
    """`.authors.yml` with every pseudonym (of posts and of profiles), and one avatar each."""
    names = sorted({a for d in docs for a in d.authors} | {p.author for p in profiles})
    files: dict[Path, bytes] = {}
    authors = {}
    for name in names:
        key = author_key(name)
        files[AVATARS_DIR / f"{key}.svg"] = _avatar_svg(name)
        authors[key] = {
            "name": name,
            "description": site_text.text("author_description", language),
            "avatar": f"blog/avatars/{key}.svg",
        }
    text = yaml.safe_dump({"authors": authors}, allow_unicode=True, sort_keys=True)
    files[AUTHORS_FILE] = text.encode()
    return files


def _yaml_str(value: object) -> str:
    """A YAML scalar for `value`, with characters outside the BMP kept whole.

    Jinja's `tojson` writes them as surrogate pairs, which PyYAML reads as two lone
    surrogates that the build then cannot encode."""
    text = yaml.safe_dump(str(value), allow_unicode=True, default_style='"', width=1_000_000)
    return text.removesuffix("\n...\n").rstrip("\n")


def _template_files(template_dir: Path, context: Mapping[str, object]) -> dict[Path, bytes]:
    """The template's files: `*.j2` rendered with StrictUndefined, the rest copied."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(template_dir),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        autoescape=False,  # renders YAML and Markdown, not HTML
    )
    env.filters["yaml_str"] = _yaml_str
    files: dict[Path, bytes] = {}
    for path in sorted(p for p in template_dir.rglob("*") if p.is_file()):
        rel = path.relative_to(template_dir)
        if path.suffix == ".j2":
            text = env.get_template(rel.as_posix()).render(**context)
            files[rel.with_suffix("")] = text.encode()
        else:
            files[rel] = path.read_bytes()
    return files


def _sync(project_dir: Path, wanted: Mapping[Path, bytes]) -> list[Path]:
    """Write the files whose bytes changed and prune stale generated ones; return what changed."""
    changed: list[Path] = []
    for rel, data in sorted(wanted.items()):
        target = project_dir / rel
        if target.is_file() and target.read_bytes() == data:
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        changed.append(target)
    for folder in MANAGED_DIRS:
        for path in sorted((project_dir / folder).glob("*")):
            if path.is_file() and path.relative_to(project_dir) not in wanted:
                path.unlink()
                changed.append(path)
    return changed


def write_site_project(
    *,
    template_dir: Path,
    project_dir: Path,
    group: str,
    title: str,
    docs: Sequence[Post],
    feed_xml: bytes,
    media: Mapping[str, bytes] = {},
    site_url: str | None = None,
    cited: Mapping[str, Message] = {},
    language: str = "en",
    best: Sequence[Post] = (),
    profiles: Sequence[AuthorProfile] = (),
    app: str = "WhatsApp",
    voice: Mapping[str, float] = {},
) -> list[Path]:
    """Lay out the MkDocs project of a group; return the files written or deleted (none if unchanged).

    `cited` holds the messages posts cite, by id; each post lists its own under it. `language`
    (one of site_text.LANGUAGES) is the interface's: Material's and our own strings. `best`
    are the best-rated posts, best first, for the "best of" page. Each of `profiles` gets an
    author page; posts link the posts they continue and are continued in. `app` names where the
    group's messages come from, on the about line."""
    context = _template_context(group, title, site_url, len(docs), language) | {"app": app}
    wanted = _template_files(template_dir, context)
    wanted.update(_post_files(docs, cited, language, taken=wanted))
    wanted.update(_authors_files(docs, language, profiles))
    wanted.update(author_files(profiles, docs, language, voice))
    wanted[BEST_PAGE] = best_markdown(best, language).encode()
    wanted[Path("docs") / FEED_FILE] = feed_xml  # the same bytes as feeds/<group>.atom.xml
    wanted.update(_media_files(media))
    return _sync(project_dir, wanted)


def _template_context(group: str, title: str, site_url: str | None, post_count: int, language: str) -> dict[str, Any]:
    """What the template's `*.j2` files are rendered with."""
    return {
        "group": group,
        "site_name": escaped(plain_line(title, MAX_TITLE_CHARS)) or group,  # templates print it raw
        "site_url": site_url,
        "post_count": post_count,
        "language": language,
        "spoken": language in LANGUAGES,  # else Egregora's own words are English, and the footer says so
        "t": lambda key, **values: site_text.text(key, language, **values),
    }


def _post_files(
    docs: Sequence[Post], cited: Mapping[str, Message], language: str, taken: Container[Path]
) -> dict[Path, bytes]:
    """Each post's Markdown file: the post, the messages it cites and its thread's links."""
    files: dict[Path, bytes] = {}
    by_id, later = {d.id: d for d in docs}, continued_in(docs)
    for doc in docs:
        name = post_file(doc)
        if name in taken or name in files:  # both would get one URL, and one post would vanish
            raise ValueError(f"two posts of {doc.date} share the slug {doc.slug!r}")
        sources = [cited[i] for i in doc.message_ids if i in cited]
        earlier = by_id.get(doc.continues) if doc.continues else None
        markdown_text = post_markdown(
            doc, sources, continues=earlier, continued_in=later.get(doc.id, []), language=language
        )
        files[name] = markdown_text.encode()
    return files


def _media_files(media: Mapping[str, bytes]) -> dict[Path, bytes]:
    """The published media files, by their place in the project; only plain file names."""
    files: dict[Path, bytes] = {}
    for media_name, data in media.items():
        if not media_name or Path(media_name).name != media_name or media_name.startswith("."):
            raise ValueError(f"media name must be a plain file name, got {media_name!r}")
        files[MEDIA_DIR / media_name] = data
    return files


def site_language(project_dir: Path) -> str | None:
    """The interface language a written project was given (its mkdocs.yml's theme.language)."""
    config = project_dir / "mkdocs.yml"
    if not config.is_file():
        return None
    return yaml.safe_load(config.read_text(encoding="utf-8"))["theme"]["language"]


def unrenderable(project_dir: Path, docs: Sequence[Post]) -> dict[str, str]:
    """The posts the site's Markdown (the extensions its mkdocs.yml names) cannot render, with why."""
    config = yaml.safe_load((project_dir / "mkdocs.yml").read_text(encoding="utf-8"))
    extensions = [next(iter(e)) if isinstance(e, dict) else e for e in config.get("markdown_extensions", [])]
    md = markdown.Markdown(extensions=extensions)
    bad = {}
    for doc in docs:
        try:
            md.reset().convert(post_markdown(doc))
        except Exception as error:  # whatever breaks one post must not break the site
            bad[doc.id] = f"{type(error).__name__}: {error}"[:300]
    return bad


def as_text(doc: Post) -> Post:
    """`doc` with its content shown as typed, in a code block, for a post that cannot render."""
    fence = "`" * max(3, 1 + max((len(run) for run in re.findall(r"`+", doc.content)), default=0))
    return doc.model_copy(update={"content": f"{fence}text\n{doc.content}\n{fence}\n"})


# The mkdocs child asks Linux to kill it when its parent dies (core/posix.py), then runs mkdocs,
# so a killed run leaves no orphan writing after it. It does so itself rather than through
# `preexec_fn`, which forks the whole process (and LanceDB warns about forks) instead of spawning.
_MKDOCS_CHILD = """
import runpy, sys
from egregora_assets.core.posix import die_with_parent
die_with_parent(int(sys.argv[1]))
sys.argv = ["mkdocs", *sys.argv[2:]]
runpy.run_module("mkdocs", run_name="__main__", alter_sys=True)
"""


def build_site(project_dir: Path, out_dir: Path) -> Path:
    """Run a real `mkdocs build` of `project_dir` and put it at `out_dir`; return its index.html.

    The build goes to a fresh folder beside `out_dir` that replaces it only once complete, so
    an interrupted build leaves the previous site whole (or, killed mid-swap, no site, which
    the next run rebuilds) and never a half-written one."""
    out_dir = Path(out_dir).resolve()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    for stale in out_dir.parent.glob(f".{out_dir.name}-*"):  # left by a killed build
        shutil.rmtree(stale, ignore_errors=True)
    fresh = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}-new-", dir=out_dir.parent))
    command = [
        sys.executable, "-c", _MKDOCS_CHILD, str(os.getpid()), "build", "--quiet",
        "-f", str(project_dir / "mkdocs.yml"), "-d", str(fresh),
    ]  # fmt: skip
    # Material 9.7+ prints a banner about MkDocs 2 on every build unless told not to.
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    try:
        result = subprocess.run(command, cwd=project_dir, env=env, capture_output=True, text=True)
        if result.returncode != 0:
            tail = "\n".join(result.stderr.strip().splitlines()[-20:])
            raise RuntimeError(f"mkdocs build failed ({result.returncode}):\n{tail}")
        if not (fresh / "index.html").is_file():
            raise RuntimeError(f"mkdocs build wrote no {out_dir / 'index.html'}")
        fresh.chmod(0o755)  # mkdtemp makes it private; a site is for reading
        if out_dir.exists():
            old = out_dir.with_name(f".{out_dir.name}-old-{os.getpid()}")
            out_dir.rename(old)
            fresh.rename(out_dir)
            shutil.rmtree(old, ignore_errors=True)
        else:
            fresh.rename(out_dir)
    finally:
        shutil.rmtree(fresh, ignore_errors=True)
    return out_dir / "index.html"


def used_media(home: Home, group: str, docs: Sequence[Post]) -> dict[str, bytes]:
    """The published media files the posts show, by name."""
    names = {n for d in docs for n in post_media(d)}
    folder = home.media(group)
    return {n: (folder / n).read_bytes() for n in sorted(names) if (folder / n).exists()}


def template_fingerprint(template_dir: Path) -> list[tuple[str, str]]:
    """Each file of the site template with a hash of its bytes: part of every site's inputs."""
    return sorted(
        (str(p.relative_to(template_dir)), hashlib.sha256(p.read_bytes()).hexdigest())
        for p in template_dir.rglob("*")
        if p.is_file()
    )


def publish_site(
    db: Database,
    home: Home,
    group: str,
    configured: GroupSettings,
    *,
    template_dir: Path,
    site_url: str | None,
    best: Callable[[Sequence[Post], Sequence[Rating]], Sequence[Post]],
    warn: Callable[[str], None],
) -> tuple[str, dict[str, Any]]:
    """The group's site from its stored posts: its MkDocs project written and built; a hash of it and
    its facts. `best(posts, ratings)` picks the "best of" page's posts (the rankings' order), and
    `warn` hears of posts that could not be rendered, shown as typed."""
    docs = group_posts(db, group)
    cited, profiles = cited_messages(db, group, [i for d in docs for i in d.message_ids]), group_profiles(db, group)
    write = partial(
        write_site_project,
        template_dir=template_dir,
        project_dir=home.site_project(group),
        group=group,
        title=group_title(home, group, configured.title),
        feed_xml=home.feed(group).read_bytes(),
        media=used_media(home, group, docs),
        site_url=site_url,
        cited=cited,
        voice=group_voice_seconds(db, group),
        # Once per build; in an offline run the digest has loaded simplemma's dictionaries already.
        language=configured.language or detect_language(list(group_day_texts(db, group).values())),
        best=best(docs, group_ratings(db, group)),
        profiles=profiles,
        app=group_apps(home, group),
    )
    index, changed, shown_as_text = _build_what_renders(
        write, docs, home.site_project(group), home.site_html(group), warn
    )
    facts = {
        "pages": len(docs),
        "files_changed": len(changed),
        "index": str(index),
        "posts_shown_as_text": shown_as_text,
        "messages_cited": len(cited),
        "author_pages": len(profiles),
    }
    return fingerprint([d.id for d in docs], len(changed)), facts


def _build_what_renders(
    write: Callable[..., list[Path]],
    docs: Sequence[Post],
    project_dir: Path,
    out_dir: Path,
    warn: Callable[[str], None],
) -> tuple[Path, list[Path], dict[str, str]]:
    """Write the project with `write(docs=...)` and build it. Returns the index, the files written
    or deleted, and the posts shown as typed (with why): when the build fails, those the renderer
    chokes on are, the others as written, and it is built once more."""
    changed = write(docs=docs)
    try:
        return build_site(project_dir, out_dir), changed, {}
    except RuntimeError:
        shown_as_text = unrenderable(project_dir, docs)
        if not shown_as_text:
            raise
        warn(f"{len(shown_as_text)} post(s) could not be rendered; shown as plain text")
        changed += write(docs=[as_text(d) if d.id in shown_as_text else d for d in docs])
        return build_site(project_dir, out_dir), changed, shown_as_text
