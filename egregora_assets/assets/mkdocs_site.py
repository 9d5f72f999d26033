"""mkdocs_site: each group's posts as a built MkDocs Material blog."""

import hashlib

from dagster import AssetExecutionContext, MaterializeResult, MetadataValue, asset

from ..core.groups import group_title
from ..core.journal import fingerprint
from ..core.languages import detect_language
from ..core.mkdocs_site import (
    as_text,
    build_site,
    site_language,
    unrenderable,
    used_media,
    write_site_project,
)
from ..core.rankings import best_of
from ..core.tables import cited_messages, group_day_texts, group_posts, group_profiles, group_ratings
from ..partitions import after_new, groups
from ..resources import ChainSettings, HomeResource, SiteTemplateResource, WarehouseResource
from .anonymized_messages import anonymized_messages
from .atom_feed import atom_feed
from .author_profiles import author_profiles
from .common import each_partition
from .posts import posts
from .rankings import rankings

CODE_VERSION = "site-4"


@asset(
    partitions_def=groups,
    code_version=CODE_VERSION,
    group_name="publish",
    # The pages show the posts, the messages they cite, the ratings and the author pages.
    deps=[atom_feed, posts, anonymized_messages, rankings, author_profiles],
    automation_condition=after_new("posts", "anonymized_messages"),
    kinds={"mkdocs"},
)
def mkdocs_site(
    context: AssetExecutionContext,
    home: HomeResource,
    settings: ChainSettings,
    warehouse: WarehouseResource,
    site_template: SiteTemplateResource,
) -> MaterializeResult:
    """The group's blog: posts as Markdown with front matter, built by a real `mkdocs build`."""
    paths = home.paths
    template = sorted(
        (str(p.relative_to(site_template.path)), hashlib.sha256(p.read_bytes()).hexdigest())
        for p in site_template.path.rglob("*")
        if p.is_file()
    )

    def compute(db, group: str, _) -> tuple[str, dict]:
        docs = group_posts(db, group)
        cited = cited_messages(db, group, [i for d in docs for i in d.message_ids])
        best = best_of(docs, group_ratings(db, group))
        profiles = group_profiles(db, group)
        shown_as_text: dict[str, str] = {}
        # Once per build; in an offline run the digest has loaded simplemma's dictionaries already.
        language = settings.group(group).language or detect_language(list(group_day_texts(db, group).values()))

        def write() -> list:
            return write_site_project(
                template_dir=site_template.path,
                project_dir=paths.site_project(group),
                group=group,
                title=group_title(paths, group, settings.group(group).title),
                docs=[as_text(d) if d.id in shown_as_text else d for d in docs],
                feed_xml=paths.feed(group).read_bytes(),
                media=used_media(paths, group, docs),
                site_url=settings.site_url,
                cited=cited,
                language=language,
                best=best,
                profiles=profiles,
            )

        changed = write()
        try:
            index = build_site(paths.site_project(group), paths.site_html(group))
        except RuntimeError:
            # One post the renderer chokes on is shown as typed; the others as written.
            shown_as_text.update(unrenderable(paths.site_project(group), docs))
            if not shown_as_text:
                raise
            context.log.warning(f"{len(shown_as_text)} post(s) could not be rendered; shown as plain text")
            changed += write()
            index = build_site(paths.site_project(group), paths.site_html(group))
        return fingerprint([d.id for d in docs], len(changed)), {
            "pages": len(docs),
            "files_changed": len(changed),
            "index": str(index),
            "posts_shown_as_text": shown_as_text,
            "messages_cited": len(cited),
            "author_pages": len(profiles),
        }

    return each_partition(
        context,
        warehouse,
        compute,
        identity=lambda group, _: (template, settings.group(group).language),
        missing=lambda g, _: not (paths.site_html(g) / "index.html").exists(),
        # Read back from each project, so a run that skipped the build still shows it.
        after=lambda _: {
            "language": MetadataValue.json({g: site_language(paths.site_project(g)) for g in context.partition_keys})
        },
        sites=[str(paths.site_html(g) / "index.html") for g in context.partition_keys],
    )
