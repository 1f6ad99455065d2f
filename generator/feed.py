"""The site's Atom feed `/feed.xml` (RFC 4287; SPEC §4.1, §5): status reports, decisions,
change requests and what changed in the last `changes_days` days.

Every entry's id is a tag URI (RFC 4151) made of the site and the record id (or, for a
change, its kind, subject, before and after), never of the build time, so a reader sees
an entry once however often the site is built. Entries are dated by their record's date,
a change by the as-of date; newest first, then by id; at most `MAX_ENTRIES`. The same
content and as-of date give the same bytes. Every value is XML-escaped, and characters
XML 1.0 does not allow are dropped. docs/feed.md says what readers get.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import quote, urljoin, urlsplit

from generator.changes import Value
from generator.pages import Context
from generator.pages.whatchanged import change_link
from generator.slugs import slugify
from generator.urls import record_url

FEED_PATH = "feed.xml"
MAX_ENTRIES = 50
"""The newest entries the feed keeps (a reader polls it; the site has the rest)."""
TAG_DATE = "2026"
"""The date part of every tag URI (RFC 4151): fixed, so ids never change."""
NO_SITE_URL = "pmsite.invalid"
"""The tag authority when `site_url` is not set (`.invalid` is a name no one owns)."""
ATOM = "http://www.w3.org/2005/Atom"
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_KINDS = (("status", "status-report", "Status report"), ("decision", "decision", "Decision"),
          ("change", "change-request", "Change request"))
"""(record kind, category term, label) of the records the feed lists."""


@dataclass(frozen=True, slots=True)
class Entry:
    """One entry of the feed, every value plain text (escaped when written)."""

    key: str
    """What makes its id: `<category>/<record id>`, percent-encoded."""
    updated: date
    title: str
    url: str
    """Site-relative URL of the page it links to ("" for none)."""
    category: str
    label: str
    summary: str


def xml_text(value: str) -> str:
    """`value` as XML character data or attribute value: without the characters XML 1.0
    forbids (C0 controls but tab and line breaks, lone surrogates, U+FFFE, U+FFFF), and
    with `&`, `<`, `>`, `"` escaped."""
    clean = _NOT_XML.sub("", value)
    return (clean.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;"))


def atom_feed(context: Context) -> bytes:
    """The feed of the site planned with `context` (its recent changes included)."""
    model = context.model
    settings = model.settings
    entries = sorted(record_entries(context) + change_entries(context),
                     key=lambda e: (-e.updated.toordinal(), e.key))[:MAX_ENTRIES]
    prefix = tag_prefix(settings.site_url, settings.site_name)
    base = settings.site_url.rstrip("/") + "/" if settings.site_url else ""
    updated = max((e.updated for e in entries), default=model.as_of)
    subtitle = ("Status reports, decisions, change requests and what changed, as of "
                f"{model.as_of.isoformat()}")
    lines = ['<?xml version="1.0" encoding="utf-8"?>', f'<feed xmlns="{ATOM}">',
             _element("id", prefix + "feed"),
             _element("title", settings.site_name, type="text"),
             _element("subtitle", subtitle, type="text"),
             _element("updated", _stamp(updated)),
             _element("link", None, rel="self", type="application/atom+xml",
                      href=_href(base, FEED_PATH)),
             _element("link", None, rel="alternate", type="text/html", href=_href(base, "")),
             f"  <author>{_element('name', settings.site_name, indent='')}</author>",
             _element("generator", "pmsite")]
    for entry in entries:
        lines += ["  <entry>",
                  _element("id", prefix + entry.key, indent="    "),
                  _element("title", entry.title, indent="    ", type="text"),
                  _element("updated", _stamp(entry.updated), indent="    "),
                  _element("link", None, indent="    ", rel="alternate", type="text/html",
                           href=_href(base, entry.url)),
                  _element("category", None, indent="    ", term=entry.category,
                           label=entry.label),
                  _element("summary", entry.summary, indent="    ", type="text"),
                  "  </entry>"]
    lines.append("</feed>")
    return ("\n".join(lines) + "\n").encode("utf-8")


def _element(name: str, text: str | None, indent: str = "  ", **attributes: str) -> str:
    """One line: `<name a="v">text</name>`, or `<name a="v"/>` without text; every value
    escaped (attributes in the order given)."""
    attrs = "".join(f' {key}="{xml_text(value)}"' for key, value in attributes.items())
    if text is None:
        return f"{indent}<{name}{attrs}/>"
    return f"{indent}<{name}{attrs}>{xml_text(text)}</{name}>"


def tag_prefix(site_url: str, site_name: str) -> str:
    """`tag:<host>,2026:<path>/`: the site's part of every id. The host and path of
    `site_url`; without it, `pmsite.invalid` and the slug of the site name."""
    parts = urlsplit(site_url)
    if parts.hostname:
        path = "/".join(quote(p, safe="") for p in parts.path.split("/") if p)
        return f"tag:{parts.hostname},{TAG_DATE}:{path + '/' if path else ''}"
    return f"tag:{NO_SITE_URL},{TAG_DATE}:{quote(slugify(site_name, 'site'), safe='')}/"


def record_entries(context: Context) -> list[Entry]:
    """Status reports, decisions and change requests dated on or before the as-of date."""
    model = context.model
    found = []
    for kind, term, label in _KINDS:
        for record in model.of_kind(kind):
            day: date | None = record.model.date
            if day is None or day > model.as_of:
                continue
            title, summary = (_status_text(context, record) if kind == "status"
                              else _log_text(context, record, label))
            found.append(Entry(f"{term}/{quote(record.id, safe='')}", day, title,
                               record_url(record), term, label, summary))
    return found


def change_entries(context: Context) -> list[Entry]:
    """What changed in the last `changes_days` days, dated by the as-of date."""
    model = context.model
    days = model.settings.options.changes_days
    since = date.fromordinal(model.as_of.toordinal() - days).isoformat()
    found = []
    for change in context.changes:
        link = change_link(model, change)
        key = "/".join(quote(part, safe="") for part in (
            change.kind, change.subject, _value(change.before), _value(change.after)))
        found.append(Entry(
            f"what-changed/{key}", model.as_of, change.message, link.url, "what-changed",
            "What changed", f"{change.direction.capitalize()}: {change.message} (between "
            f"{since} and {model.as_of.isoformat()})"))
    return found


def _status_text(context: Context, record: Any) -> tuple[str, str]:
    project = context.model.records.get(record.model.project)
    name = project.title if project is not None else record.model.project
    m = record.model
    title = f"{name}: {m.overall} (status report of {m.date.isoformat()})"
    parts = [m.summary or ""]
    if getattr(m, "path_to_green", None):
        parts.append(f"Path to {context.model.scale.best}: {m.path_to_green}")
    return title, " ".join(p for p in parts if p) or title


def _log_text(context: Context, record: Any, label: str) -> tuple[str, str]:
    status = str(getattr(record.model, "status", "") or "")
    title = f"{label}{f' ({status})' if status else ''}: {record.title}"
    scope = context.model.scopes.get(record.id)
    owner = scope.owner if scope is not None else None
    about = f" about {owner.title}" if owner is not None else ""
    return title, f"{label} {status or 'recorded'} on {record.model.date.isoformat()}{about}."


def _value(value: Value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _stamp(day: date) -> str:
    return f"{day.isoformat()}T00:00:00Z"


def _href(base: str, url: str) -> str:
    """Absolute under `site_url`; otherwise relative to the feed, which sits at the site's
    root (`./` for the home page)."""
    if base:
        return urljoin(base, url)
    return url or "./"
