"""The tags page `/tags/`: every tag with the records carrying it.

A small portfolio has one page, each tag under its `#tag-<slug>` anchor. Once the
records carrying tags are more than SPLIT_AT, `/tags/` keeps the tag cloud with counts
and each tag has a page `/tags/<slug>/` (itself split by the first letters of the
records' titles when large, `/tags/<slug>/<letters>/`); every tag link on the site
(`tag_url`) points where its tag is.
"""

from __future__ import annotations

from typing import Any

from generator.pages import Context, PageSpec, url_of
from generator.pages import parts as parts_
from generator.pages.boards import TAGGED_KINDS
from generator.pages.views import record_link, tag_slug
from generator.records import Record
from generator.slugs import slugify

PAGE_ROWS = 500
"""Records on one page of a tag at most (a letter with more is split by two)."""


def tagged(context: Context) -> dict[str, dict[str, Any]]:
    """Every tag by slug: its spellings and its records by kind (made once a model)."""
    found: dict[str, dict[str, Any]] | None = context.memo.get("tags")
    if found is not None:
        return found
    found = {}
    for kind in TAGGED_KINDS:
        for record in context.model.of_kind(kind):
            for tag in getattr(record.model, "tags", None) or []:
                slug = tag_slug(tag)
                entry = found.setdefault(slug, {"slug": slug, "names": set(), "records": {}})
                entry["names"].add(tag)
                entry["records"].setdefault(kind, {}).setdefault(record.id, record)
    context.memo["tags"] = found
    return found


def split(context: Context) -> bool:
    """Whether each tag has a page of its own (more than SPLIT_AT tagged records)."""
    if "tags_split" not in context.memo:
        total = sum(len(records) for entry in tagged(context).values()
                    for records in entry["records"].values())
        context.memo["tags_split"] = total > parts_.SPLIT_AT
    return bool(context.memo["tags_split"])


def tag_url(context: Context, tag: str) -> str:
    """Where the tag `tag` is listed: `tags/<slug>/`, or `tags/#tag-<slug>` on one page."""
    slug = tag_slug(tag)
    return url_of(parts_.page_name("tags", slug)) if split(context) else f"tags/#tag-{slug}"


def build_tags(context: Context) -> list[PageSpec]:
    """Every tag with the records carrying it, on one page or a page each."""
    found = tagged(context)
    tags = []
    for slug in sorted(found):
        entry = found[slug]
        records = {kind: sorted(entry["records"][kind].values(), key=_by_title)
                   for kind in TAGGED_KINDS if kind in entry["records"]}
        tags.append({"slug": slug, "name": min(entry["names"]),
                     "count": sum(len(v) for v in records.values()), "records": records})
    if not split(context):
        return [PageSpec("tags.md", "tags.md.j2", "Tags",
                         {"tags": [_whole(t) for t in tags], "split": False},
                         section="tags")]
    pages = [PageSpec("tags.md", "tags.md.j2", "Tags",
                      {"tags": [t | {"url": url_of(parts_.page_name("tags", t["slug"]))}
                                for t in tags],
                       "split": True}, section="tags")]
    for t in tags:
        pages += _tag_pages(context, t)
    return pages


def _whole(tag: dict[str, Any]) -> dict[str, Any]:
    return {"slug": tag["slug"], "name": tag["name"], "count": tag["count"],
            "groups": _groups([(kind, r) for kind, rs in tag["records"].items() for r in rs])}


def _tag_pages(context: Context, tag: dict[str, Any]) -> list[PageSpec]:
    """A tag's page, and (above SPLIT_AT records) one per first letter of their titles."""
    rows = sorted(((kind, r) for kind, rs in tag["records"].items() for r in rs),
                  key=lambda row: _by_title(row[1]))
    spec = PageSpec(parts_.page_name("tags", tag["slug"]), "tag.md.j2", f"Tag: {tag['name']}",
                    {"name": tag["name"], "total": tag["count"]}, section="tags")
    pages = parts_.split_by_key(spec, rows, lambda row: _title_key(row[1]),
                                parts_.prefix_label, f"tags/{tag['slug']}", PAGE_ROWS)
    for page in pages:
        page.values = {**page.values, "groups": _groups(page.values["rows"]),
                       "count": len(page.values["rows"]),
                       "parts": [{k: v for k, v in p.items() if k != "rows"}
                                 for p in page.values["parts"]]}
    return pages


def _title_key(record: Record[Any]) -> str:
    """What a tag's page of records is named by: the start of the title's slug."""
    return slugify(record.title, "record")


def _groups(rows: list[tuple[str, Record[Any]]]) -> list[tuple[str, list[Any]]]:
    """`(kind, record)` rows as `(kind, links)` in TAGGED_KINDS order, by title within."""
    by_kind: dict[str, list[Record[Any]]] = {}
    for kind, record in rows:
        by_kind.setdefault(kind, []).append(record)
    return [(kind, [record_link(r) for r in sorted(by_kind[kind], key=_by_title)])
            for kind in TAGGED_KINDS if kind in by_kind]


def _by_title(record: Record[Any]) -> tuple[str, str]:
    return (record.title.casefold(), record.id)
