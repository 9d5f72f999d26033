"""mkdocs_site: each group's posts as a built MkDocs Material blog."""

from dagster import AssetExecutionContext, MaterializeResult, MetadataValue, asset

from ..core.mkdocs_site import publish_site, site_language, template_fingerprint
from ..core.rankings import best_of
from ..partitions import after_new, groups
from ..resources import ChainSettings, HomeResource, SiteTemplateResource, WarehouseResource
from .anonymized_messages import anonymized_messages
from .atom_feed import atom_feed
from .author_profiles import author_profiles
from .common import each_partition
from .posts import posts
from .rankings import rankings
from .transcripts import transcripts

CODE_VERSION = "site-4"


@asset(
    partitions_def=groups,
    code_version=CODE_VERSION,
    group_name="publish",
    # The pages show the posts, the messages they cite, the ratings and the author pages.
    deps=[atom_feed, posts, anonymized_messages, rankings, author_profiles, transcripts],
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
    paths, template, keys = home.paths, template_fingerprint(site_template.path), context.partition_keys

    def compute(db, group: str, _) -> tuple[str, dict]:
        return publish_site(
            db,
            paths,
            group,
            settings.group(group),
            template_dir=site_template.path,
            site_url=settings.site_url,
            best=best_of,
            warn=context.log.warning,
        )

    return each_partition(
        context,
        warehouse,
        compute,
        identity=lambda group, _: (template, settings.group(group).language),
        missing=lambda g, _: not (paths.site_html(g) / "index.html").exists(),
        # Read back from each project, so a run that skipped the build still shows it.
        after=lambda _: {"language": MetadataValue.json({g: site_language(paths.site_project(g)) for g in keys})},
        sites=[str(paths.site_html(g) / "index.html") for g in keys],
    )
