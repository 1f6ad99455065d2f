"""Slugs: text in any script to short, stable, path-safe ASCII parts of URLs and anchors."""

from __future__ import annotations

import hashlib
import re
import unicodedata

from anyascii import anyascii

MAX_SLUG = 60
"""The longest slug: far below the file system's 255 bytes a name, and readable in a URL."""
_SPACES = re.compile(r"\s+")
_NOT_SLUG = re.compile(r"[^a-z0-9]+")
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def text_key(text: str) -> str:
    """What makes two spellings the same text: NFC, single spaces, trimmed, casefolded."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip().casefold()


def digest(text: str, length: int) -> str:
    """The first `length` hex digits of the SHA-256 of `text`'s key (stable across runs)."""
    return hashlib.sha256(text_key(text).encode("utf-8")).hexdigest()[:length]


def slugify(text: str, empty: str, limit: int = MAX_SLUG) -> str:
    """`李雷` -> `lilei`, `Sørensen` -> `sorensen`; `<empty>-<hash>` when nothing is left.

    Letters of any script are transliterated, everything else becomes `-`; a slug longer
    than `limit` is cut at a hyphen and ends with a hash of the whole text, so two long
    texts that share a beginning keep different slugs.
    """
    key = text_key(text)
    slug = _ascii(key)
    if not slug:
        return f"{empty}-{digest(key, 10)}"
    if len(slug) <= limit:
        return slug
    return f"{cut(slug, limit - 9)}-{digest(key, 8)}"


def exact_slugify(text: str, empty: str, limit: int = MAX_SLUG) -> str:
    """Like `slugify`, but texts that differ by more than case and spacing never share one.

    `Data Migration` -> `data-migration`; `C++`, `C#` and `Données` keep a readable slug
    followed by a hash of the text, since transliteration alone would merge `C++` and `C#`.
    """
    key = text_key(text)
    plain = key.replace(" ", "-")
    if len(plain) <= limit and _SLUG.fullmatch(plain):
        return plain
    slug = _ascii(key)
    if not slug:
        return f"{empty}-{digest(key, 10)}"
    return f"{cut(slug, limit - 9)}-{digest(key, 8)}"


def tag_slug(tag: str) -> str:
    """The anchor of a tag on the tags page (`#tag-<slug>`); `Data Migration`: `data-migration`.

    Tags are anchors, not pages: `C++` and `C#` must not share one, so a tag that is more
    than lowercase letters, digits and single spaces gets a hash of itself appended.
    """
    return exact_slugify(tag, "tag")


def _ascii(key: str) -> str:
    return _NOT_SLUG.sub("-", anyascii(key).lower()).strip("-")


def numbered(slug: str, n: int, limit: int = MAX_SLUG) -> str:
    """`slug-n`, cut so that it stays within `limit`."""
    suffix = f"-{n}"
    return f"{cut(slug, limit - len(suffix))}{suffix}"


def cut(slug: str, limit: int) -> str:
    """The longest beginning of `slug` within `limit` characters that ends a word."""
    if len(slug) <= limit:
        return slug
    head = slug[:limit]
    if slug[limit] != "-" and "-" in head:
        head = head.rpartition("-")[0]
    return head.rstrip("-")
