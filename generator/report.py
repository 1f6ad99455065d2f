"""`pmsite report`: the printable portfolio report as one self-contained HTML file.

The same page as `/report/` on the site, rendered with markdown-it-py instead of MkDocs,
sanitised the same way, with the stylesheet inlined. Links to other pages point at the
published site when `site_url` is set; without it they become plain text, since a
single file has nothing to link to.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin

from markdown_it import MarkdownIt
from markupsafe import Markup

from generator.feed import FEED_PATH
from generator.pages import PageSpec
from generator.pipeline import CheckResult
from generator.sanitize import sanitize
from generator.site import plan_site

REPORT_PAGE = "report.md"
_LINK = re.compile(r'<a href="([^"]*)"([^>]*)>(.*?)</a>', re.DOTALL)


def standalone_report(result: CheckResult) -> str:
    """The report as a complete HTML document."""
    plan = plan_site(result, draw={REPORT_PAGE})
    spec: PageSpec | None = plan.pages.get(REPORT_PAGE)
    if spec is None:
        raise LookupError("the report page template is missing")
    markdown = plan.markdown(REPORT_PAGE)
    parser = MarkdownIt("commonmark", {"html": True}).enable("table")
    body = _absolute_links(sanitize(parser.render(markdown)), result.settings.site_url,
                           spec.url)
    css = plan.files["assets/pmsite/pmsite.css"]
    site_url = result.settings.site_url
    feed = urljoin(site_url.rstrip("/") + "/", FEED_PATH) if site_url else ""
    template = plan.context.env.get_template("report/standalone.html.j2")
    # `body` is sanitised HTML and `css` our own stylesheet; both are placed as they are.
    return template.render(title=spec.title, as_of=result.as_of,
                           site_name=result.settings.site_name, feed_url=feed,
                           css=Markup(css if isinstance(css, str) else css.decode()),
                           body=Markup(body))


def _absolute_links(html: str, site_url: str, page_url: str) -> str:
    base = site_url.rstrip("/") + "/" + page_url if site_url else ""

    def fix(match: re.Match[str]) -> str:
        href, rest, text = match.groups()
        if href.startswith(("#", "mailto:")) or "://" in href:
            return match.group(0)
        if not base:
            return f"<span{rest}>{text}</span>" if rest.strip() else text
        return f'<a href="{urljoin(base, href)}"{rest}>{text}</a>'

    return _LINK.sub(fix, html)
