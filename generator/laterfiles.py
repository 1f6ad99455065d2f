"""MkDocs files whose content is made when MkDocs first reads it: when it writes the site."""

from __future__ import annotations

from collections.abc import Mapping

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File


class LaterFile(File):
    """A generated file (`File.generated`) whose content is `source[src_uri]`, read when
    MkDocs (or a plugin) first reads the file's content. MkDocs copies the site's other
    files after rendering every page: a file that a child process is making meanwhile
    (`site._data_files`) is waited for only then."""

    _source: Mapping[str, str | bytes] | None = None
    _made: str | bytes | None = None

    @classmethod
    def later(cls, config: MkDocsConfig, src_uri: str,
              source: Mapping[str, str | bytes]) -> LaterFile:
        file = cls.generated(config, src_uri, content="")
        assert isinstance(file, LaterFile)
        file._source, file._made = source, None
        return file

    def settle(self) -> None:
        """Read the content now if it was not read (a file MkDocs did not write, one
        `exclude_docs` leaves out, say), so that the file holds it and not its source."""
        self._content  # noqa: B018

    @property
    def _content(self) -> str | bytes | None:
        if self._source is not None:  # (let go once read: it may hold a whole plan)
            self._made, self._source = self._source[self.src_uri], None
        return self._made

    @_content.setter
    def _content(self, value: str | bytes | None) -> None:  # (content_string = ... etc.)
        self._made, self._source = value, None
