"""mkdocs_site: each group's posts as a built MkDocs Material blog."""


import hashlib
import re

from dagster import AssetExecutionContext, MaterializeResult, asset
from dagster_duckdb import DuckDBResource

from ..core.anonymized_messages.media import media_dir
from ..core.journal import (
    WAREHOUSE_DDL,
    ensure_schema,
    fingerprint,
    group_documents,
    run_slices,
    upstream_hash,
)
from ..core.mkdocs_site import build_site, write_site_project
from ..partitions import after_new_posts, groups
from ..resources import HomeResource, SiteTemplateResource
from .atom_feed import atom_feed, group_title
from .common import group_keys, result

CODE_VERSION = "site-1"


@asset(
    partitions_def=groups, code_version=CODE_VERSION, group_name="publish", deps=[atom_feed],
    automation_condition=after_new_posts, kinds={"mkdocs"},
)
def mkdocs_site(
    context: AssetExecutionContext, home: HomeResource, warehouse: DuckDBResource,
    site_template: SiteTemplateResource,
) -> MaterializeResult:
    """The group's blog: posts as Markdown with front matter, built by a real `mkdocs build`."""
    settings = home.settings()

    def signature(group: str, _) -> str:
        template = sorted((str(p.relative_to(site_template.path)), hashlib.sha256(p.read_bytes()).hexdigest())
                          for p in site_template.path.rglob("*") if p.is_file())
        return fingerprint(CODE_VERSION, upstream_hash(conn, "atom_feed", group, None), template)

    def compute(group: str, _) -> tuple[str, dict]:
        docs = group_documents(conn, group)
        names = {n for d in docs for n in re.findall(r"media/([\w.-]+)", d.content)}
        media = {n: (media_dir(home.home, group) / n).read_bytes() for n in sorted(names)
                 if (media_dir(home.home, group) / n).exists()}
        changed = write_site_project(
            template_dir=site_template.path, project_dir=home.home.site_project(group), group=group,
            title=group_title(settings, home.home, group), docs=docs, feed_xml=home.home.feed(group).read_bytes(),
            media=media, site_url=settings.site_url)
        index = build_site(home.home.site_project(group), home.home.site_html(group))
        return fingerprint([d.id for d in docs], len(changed)), {"pages": len(docs), "files_changed": len(changed),
                                                                "index": str(index)}

    with warehouse.get_connection() as conn:
        ensure_schema(conn, WAREHOUSE_DDL)
        tally = run_slices(conn, "mkdocs_site", group_keys(context), signature, compute,
                           missing=lambda group, _: not (home.home.site_html(group) / "index.html").exists())
    return result(tally, sites=[str(home.home.site_html(g) / "index.html") for g, _ in group_keys(context)])
