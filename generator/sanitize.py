"""Clean rendered page HTML: an allowlist of tags and attributes, safe URL schemes only.

Python-Markdown passes raw HTML, `javascript:` links and (with attr_list) `onclick=`
through, so every page's HTML is cleaned after rendering, with ammonia (nh3): scripts,
event handlers, `javascript:` and `data:` URLs, iframes and forms never reach the site.
The allowlist covers what Markdown, the common extensions and pmsite's own tables and
SVG diagrams produce.
"""

from __future__ import annotations

import nh3

HTML_TAGS = frozenset(["a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "col", "colgroup", "dd", "del", "details", "dfn", "div", "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "samp", "section", "small", "span", "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "time", "tr", "u", "ul", "var", "input", "label", "nav", "article", "aside", "header", "footer"])
SVG_TAGS = frozenset(["svg", "g", "defs", "marker", "rect", "circle", "ellipse", "line", "polyline", "polygon", "path", "text", "tspan", "title", "desc", "use", "clippath", "lineargradient", "stop", "clipPath", "linearGradient"])

_COMMON = {"class", "id", "title", "lang", "dir", "role", "aria-label", "aria-labelledby",
           "aria-describedby", "aria-hidden", "tabindex"}
_SVG_ATTRS = {
    "viewbox", "width", "height", "x", "y", "x1", "x2", "y1", "y2", "cx", "cy", "r", "rx",
    "ry", "d", "points", "transform", "fill", "stroke", "stroke-width", "stroke-dasharray",
    "stroke-linecap", "stroke-linejoin", "opacity", "fill-opacity", "stroke-opacity",
    "text-anchor", "dominant-baseline", "font-size", "font-weight", "marker-end",
    "marker-start", "markerwidth", "markerheight", "refx", "refy", "orient", "href",
    "preserveaspectratio", "xmlns", "focusable", "offset", "stop-color", "clip-path",
    "markerunits", "dx", "dy",
}
_SVG_ATTRS |= {"viewBox", "markerWidth", "markerHeight", "refX", "refY",
               "preserveAspectRatio", "markerUnits"}
ATTRIBUTES: dict[str, set[str]] = {
    "*": _COMMON,
    "a": {"href", "name", "rel", "target", "type"},
    "img": {"src", "alt", "width", "height", "loading"},
    "td": {"colspan", "rowspan", "align", "data-sort"},
    "th": {"colspan", "rowspan", "align", "scope", "data-sort", "aria-sort"},
    "col": {"span"},
    "time": {"datetime"},
    "ol": {"start", "type"},
    "details": {"open"},
    "input": {"type", "checked", "disabled", "name"},
    "label": {"for"},
    "code": {"class"},
    **{tag: _SVG_ATTRS for tag in SVG_TAGS},
}
URL_SCHEMES = frozenset({"http", "https", "mailto", "tel"})


_CLEANER = nh3.Cleaner(tags=set(HTML_TAGS | SVG_TAGS), attributes=ATTRIBUTES,
                       generic_attribute_prefixes={"data-"}, url_schemes=set(URL_SCHEMES),
                       link_rel=None, strip_comments=True)
"""Made once: building ammonia's allowlist from these sets on every call cost 0.14 ms of
an average page's 0.5 ms of cleaning."""


def sanitize(html: str) -> str:
    """`html` with everything outside the allowlist removed."""
    return _CLEANER.clean(html)
