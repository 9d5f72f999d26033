"""A Python-Markdown extension that fails on any paragraph saying BOOM: a stand-in for a post
that some renderer cannot read, which no input we know of triggers any more."""

from markdown import Extension
from markdown.treeprocessors import Treeprocessor


class _Boom(Treeprocessor):
    def run(self, root):
        for p in root.iter("p"):
            if "BOOM" in (p.text or ""):
                raise ValueError("this renderer cannot read BOOM")


class BoomExtension(Extension):
    def extendMarkdown(self, md):  # noqa: N802
        md.treeprocessors.register(_Boom(md), "boom", 0)


def makeExtension(**kwargs):  # noqa: N802
    return BoomExtension(**kwargs)
