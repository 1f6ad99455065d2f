"""MkDocs' "unrecognized relative link" note, dropped for a link that reaches a page.

pmsite writes its links as the final relative URLs of pages (`../../projects/crm/`):
in the pages it generates, in the header of each record's page, and where it resolves
`[[id]]` in what people wrote. MkDocs expects links to Markdown files, and reports every
other relative link as "unrecognized" at the level `validation: unrecognized_links`
sets (INFO by default). A site that sets it to `warn` got a warning for each of pmsite's
links, some 200 on the example, and `--strict` could never pass.

`QuietLinks` is a filter on MkDocs' page logger that drops that note where the link,
read from the page's URL as a browser reads it, is the URL of a page of the site: the
link works. A link that reaches no page is still reported, at the level the site set.
"""

from __future__ import annotations

import logging
import posixpath
import re
from urllib.parse import unquote, urlsplit

from mkdocs.structure.files import Files

LOGGER = "mkdocs.structure.pages"
"""The logger MkDocs reports links on (`_RelativePathTreeprocessor.path_to_url`, 1.6)."""
_NOTE = re.compile(r"Doc file '(?P<page>.*)' contains an unrecognized relative link "
                   r"'(?P<link>.*)', it was left as is\.(?: Did you mean '.*'\?)?", re.DOTALL)


class QuietLinks(logging.Filter):
    """Drops MkDocs' note on a relative link that is the URL of a page of `files`."""

    def __init__(self, files: Files) -> None:
        super().__init__()
        pages = files.documentation_pages()
        self._page_urls = {file.src_uri: _from_root(file.url) for file in pages}
        """Every page's URL, from the site's root (`/projects/crm/`), by its source."""
        self._urls = set(self._page_urls.values())

    def filter(self, record: logging.LogRecord) -> bool:
        note = _NOTE.fullmatch(record.getMessage())
        if note is None:
            return True
        base = self._page_urls.get(note["page"])
        return base is None or not self.reaches_page(base, note["link"])

    def reaches_page(self, base: str, link: str) -> bool:
        """Whether `link`, on the page whose URL is `base`, is the URL of a page."""
        parts = urlsplit(link)
        if parts.scheme or parts.netloc or not parts.path:
            return False
        folder = base if base.endswith("/") else posixpath.dirname(base)
        return _from_root(posixpath.join(folder, unquote(parts.path))) in self._urls


def _from_root(url: str) -> str:
    """`url` (relative to the site's root, `./` or `projects/crm/`) from the root, as a
    folder: `/`, `/projects/crm/` (a browser stops at the root: `../x` is `/x/`)."""
    path = posixpath.normpath("/" + url)
    if path.startswith("//"):  # (normpath keeps two leading slashes)
        path = "/" + path.lstrip("/")
    return path if path == "/" else path + "/"


def quiet_links(files: Files) -> QuietLinks:
    """A `QuietLinks` for `files`, on MkDocs' page logger (`logging.Filter`: remove it with
    `unquiet_links`)."""
    quiet = QuietLinks(files)
    logging.getLogger(LOGGER).addFilter(quiet)
    return quiet


def unquiet_links(quiet: QuietLinks | None) -> None:
    if quiet is not None:
        logging.getLogger(LOGGER).removeFilter(quiet)
