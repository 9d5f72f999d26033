"""MkDocs hooks of the site (named in mkdocs.yml); they live in egregora_assets.core.mkdocs_hooks."""

from egregora_assets.core.mkdocs_hooks import on_page_content

__all__ = ["on_page_content"]
