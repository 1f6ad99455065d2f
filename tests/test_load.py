"""Reading the docs dir (generator/load.py): files, front matter, encodings, paths.

Every problem is asserted with its path (relative to the site repo), line and code;
line numbers are lines of the file, so front matter starts on line 2.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pytest

from generator.diagnostics import Diagnostic
from generator.load import MAX_FILE_BYTES
from generator.pipeline import check
from generator.settings import load_settings
from tests.conftest import AS_OF, PORTFOLIO, PROGRAM, only, project, write_site

BASE = {"index.md": PORTFOLIO, "programs/cx.md": PROGRAM}


def located(result) -> list[tuple[str, int, int, str, str]]:
    return [(d.path, d.line, d.column, d.severity, d.code) for d in result.diagnostics.sorted()]


# --------------------------------------------------------------------------- front matter


def test_unterminated_front_matter(run) -> None:
    result = run({**BASE, "projects/a.md": "---\nkind: project\nid: a\ntitle: A\n\nCharter.\n"})
    d = only(result, "front-matter-unterminated")
    assert (d.path, d.line, d.column, d.severity) == ("content/projects/a.md", 1, 1, "error")
    assert d.message == "front matter starts with '---' but has no closing '---' line"
    assert d.hint == "add a line with just '---' after the last front-matter field"
    assert result.model.records.get("a") is None


def test_invalid_yaml_in_front_matter_names_line_and_column_of_the_token(run) -> None:
    result = run({**BASE, "projects/a.md": project("a").replace(
        "title: Project a", "title: Phase 2: rollout")})
    assert located(result) == [("content/projects/a.md", 4, 15, "error", "yaml-syntax")]
    d = only(result, "yaml-syntax")
    assert d.message == "invalid YAML: mapping values are not allowed in this context"
    assert "quote the value" in d.hint
    assert result.model.records.get("a") is None


def test_front_matter_may_close_with_dots(run) -> None:
    text = project("a").replace("\n---\nCharter", "\n...\nCharter")
    result = run({**BASE, "projects/a.md": text})
    assert located(result) == []
    record = result.model.records.get("a")
    assert record is not None and record.body == "Charter of a.\n"
    assert record.body_line == 9


@pytest.mark.parametrize("front", ["- kind: project\n- id: a\n", "just some words\n", "'quoted'\n"])
def test_front_matter_that_is_not_a_mapping(run, front: str) -> None:
    result = run({"page.md": f"---\n{front}---\nBody\n"})
    d = only(result, "front-matter-not-mapping")
    assert (d.path, d.line, d.column, d.severity) == ("content/page.md", 2, 1, "error")
    assert d.message == "front matter must be a mapping of `field: value` lines"


def test_ordinary_pages_without_kind_are_pages_not_records(run) -> None:
    result = run({**BASE,
                  "about.md": "# About\n\nWho we are.\n",
                  "guide/howto.md": "---\ntitle: How to\nsearch:\n  exclude: true\n---\n# Steps\n"})
    assert located(result) == []
    assert sorted(p.rel for p in result.model.pages) == ["about.md", "guide/howto.md"]
    assert {r.id for r in result.model.records} == {"pf", "cx"}
    howto = next(p for p in result.model.pages if p.rel == "guide/howto.md")
    assert (howto.body, howto.body_line) == ("# Steps\n", 6)


def test_page_with_empty_front_matter_is_still_a_page(run) -> None:
    result = run({**BASE, "notes.md": "---\n---\nSee [[nowhere]].\n"})
    assert [p.rel for p in result.model.pages] == ["notes.md"]
    d = only(result, "unknown-reference")
    assert (d.path, d.line, d.column) == ("content/notes.md", 3, 5)


# --------------------------------------------------------------------------- line endings


SOURCE = project("a", "depends_on: [crn]").replace("title: Project a", "title: Update #2") + \
    "\nSee [[nowhere]].\n"
BROKEN = project("z", "start: 2026-13-45")


def _signature(result) -> tuple[object, ...]:
    return (
        [d.to_text() for d in result.diagnostics.sorted()],
        sorted((r.kind, r.id, r.source.line) for r in result.model.records),
        [p.rel for p in result.model.pages],
    )


@pytest.mark.parametrize("encode", [
    lambda s: s.replace("\n", "\r\n").encode(),
    lambda s: b"\xef\xbb\xbf" + s.encode(),
    lambda s: b"\xef\xbb\xbf" + s.replace("\n", "\r\n").encode(),
    lambda s: s.replace("\n", "\r").encode(),
], ids=["crlf", "bom", "bom-crlf", "cr"])
def test_crlf_and_bom_read_like_lf(run, tmp_path: Path, encode) -> None:
    valid = project("b", "milestones:\n  - id: go\n    title: Go\n    due: 2026-09-01") + \
        "Body [[b#go]].\n"
    lf = run({**BASE, "projects/a.md": SOURCE, "projects/b.md": valid, "projects/z.md": BROKEN})
    assert located(lf) == [
        ("content/projects/a.md", 4, 15, "warning", "yaml-comment"),
        ("content/projects/a.md", 7, 14, "error", "unknown-reference"),
        ("content/projects/a.md", 11, 5, "error", "unknown-reference"),
        ("content/projects/z.md", 7, 8, "error", "invalid-date")]
    other_root = tmp_path / "other"
    config = write_site(other_root, {**BASE, "projects/a.md": encode(SOURCE),
                                     "projects/b.md": encode(valid),
                                     "projects/z.md": encode(BROKEN)})
    other = check(load_settings(config), AS_OF)
    assert _signature(other) == _signature(lf)
    b_lf, b_other = lf.model.records.get("b"), other.model.records.get("b")
    assert b_other.model == b_lf.model
    assert (b_other.body, b_other.body_line) == (b_lf.body, b_lf.body_line)
    assert b_other.references == b_lf.references


def test_bom_in_a_yml_file_is_accepted(run) -> None:
    result = run({**BASE, "projects/crm.md": project("crm"),
                  "risks/crm.yml": b"\xef\xbb\xbfkind: risk\r\nproject: crm\r\nentries:\r\n"
                                   b"  - id: r1\r\n    title: Vendor\r\n"})
    assert located(result) == []
    assert result.model.records.get("r1").source.line == 4


# --------------------------------------------------------------------------- encodings


def test_cp1252_file_is_an_encoding_error_with_line_and_column(run) -> None:
    text = project("a").replace("Sam Patel", "Ren\u00e9e Fran\u00e7ois")
    result = run({**BASE, "projects/a.md": text.encode("cp1252")})
    assert located(result) == [("content/projects/a.md", 6, 13, "error", "encoding")]
    d = only(result, "encoding")
    assert d.message == "file is not UTF-8 (byte 0xe9)"
    assert d.hint == "save it as UTF-8; Windows editors may use cp1252"
    assert result.model.records.get("a") is None


def test_cp1252_yml_file(run) -> None:
    result = run({**BASE, "risks/r.yml": "kind: risk\nid: r\ntitle: \u201cquoted\u201d\n"
                 .encode("cp1252")})
    d = only(result, "encoding")
    assert (d.path, d.line, d.column) == ("content/risks/r.yml", 3, 8)
    assert d.message == "file is not UTF-8 (byte 0x93)"


def test_nul_bytes_are_an_encoding_error_with_line(run) -> None:
    raw = project("a").encode().replace(b"Sam", b"S\x00am")
    result = run({**BASE, "projects/a.md": raw})
    d = only(result, "encoding")
    assert (d.path, d.line, d.severity) == ("content/projects/a.md", 6, "error")
    assert d.message == "file contains NUL bytes (binary?)"
    assert d.hint == "save it as UTF-8 text"


def test_utf16_file_is_refused_not_misread(run) -> None:
    result = run({**BASE, "projects/a.md": project("a").encode("utf-16")})
    assert codes_of(result) == ["encoding"]
    assert result.model.records.get("a") is None


def codes_of(result) -> list[str]:
    return [d.code for d in result.diagnostics.sorted()]


def test_raw_control_character_in_front_matter_is_located(run) -> None:
    result = run({**BASE, "projects/a.md": project("a").replace("Sam", "S\x07am")})
    assert located(result) == [("content/projects/a.md", 6, 11, "error", "yaml-syntax")]
    d = only(result, "yaml-syntax")
    assert "control characters are not allowed" in d.message
    assert d.hint == "remove control characters from the file"


def test_escaped_control_character_in_a_title(run) -> None:
    result = run({**BASE, "projects/a.md": project("a").replace(
        "title: Project a", 'title: "Project\\x1b[31m a"')})
    assert located(result) == [("content/projects/a.md", 4, 8, "error", "invalid-value")]
    assert only(result, "invalid-value").message == "title: text contains control characters"


@pytest.mark.parametrize("char", ["\u202e", "\u202a", "\u2066", "\u2069", "\u200b", "\u200f"])
def test_bidi_and_invisible_characters_in_titles(run, char: str) -> None:
    result = run({**BASE, "projects/a.md": project("a").replace(
        "title: Project a", f"title: Invoice{char}gpj.exe")})
    assert located(result) == [("content/projects/a.md", 4, 8, "error", "invalid-value")]
    d = only(result, "invalid-value")
    assert d.message.startswith("title: contains invisible or direction-changing characters")


def test_line_separator_in_a_title_is_refused_on_its_real_line(run) -> None:
    # libyaml would count U+2028 as a line break and shift every later line; editors do not.
    result = run({**BASE, "projects/a.md": project("a", "start: 2026-13-45").replace(
        "title: Project a", 'title: "Project\u2028a"')})
    assert located(result) == [("content/projects/a.md", 4, 16, "error", "invalid-character")]


# --------------------------------------------------------------------------- ids


@pytest.mark.parametrize("ident, shown", [
    ("../x", "../x"), ("a/b", "a/b"), (".htaccess", ".htaccess"), ("-x", "-x"),
    ("a b", "a b"), ("caf\u00e9", "caf\u00e9"), ("a\u202eb", "a\u202eb"),
    ("x" * 65, "x" * 57 + "..."), ('""', ""),
])
def test_invalid_ids(run, ident: str, shown: str) -> None:
    result = run({**BASE, "projects/a.md": project("a").replace("id: a", f"id: {ident}")})
    d = only(result, "invalid-id")
    assert (d.path, d.line, d.column, d.severity) == ("content/projects/a.md", 3, 5, "error")
    assert d.message == (f"id: '{shown}' is not a valid id: use 1-64 letters, digits, '.', '_' "
                         "or '-', starting with a letter or digit")
    assert len(result.model.records.by_kind("project")) == 0


def test_id_of_64_characters_is_fine(run) -> None:
    ident = "a" + "b.c_d-" * 10 + "xyz"
    assert len(ident) == 64
    result = run({**BASE, "projects/a.md": project(ident)})
    assert located(result) == []
    assert result.model.records.get(ident) is not None


# --------------------------------------------------------------------------- sizes


def test_markdown_file_over_the_limit_is_not_read(run) -> None:
    text = project("a") + "x" * MAX_FILE_BYTES
    result = run({**BASE, "projects/a.md": text.encode()})
    assert located(result) == [("content/projects/a.md", 0, 0, "error", "too-large")]
    d = only(result, "too-large")
    assert d.message == f"file is {len(text):,} bytes; the limit is {MAX_FILE_BYTES:,}"
    assert d.hint == "split it into smaller files"


def test_huge_yml_file_is_refused(run) -> None:
    text = "kind: risk\nentries:\n" + "  - id: r\n    title: T\n" * 120_000
    result = run({**BASE, "risks/huge.yml": text})
    assert located(result) == [("content/risks/huge.yml", 1, 1, "error", "too-large")]
    assert only(result, "too-large").message == (
        f"YAML text is {len(text):,} characters; the limit is 2,000,000")


def test_huge_front_matter_is_refused_at_its_first_line(run) -> None:
    text = "---\nkind: project\ndescription: " + "x" * 2_000_000 + "\n---\nBody\n"
    result = run({**BASE, "projects/a.md": text})
    assert located(result) == [("content/projects/a.md", 2, 1, "error", "too-large")]


# --------------------------------------------------------------------------- yml files


def test_yml_without_kind(run) -> None:
    result = run({**BASE, "data/a.yml": "project: crm\n", "data/b.yaml": "- one\n- two\n"})
    assert located(result) == [("content/data/a.yml", 1, 1, "error", "missing-kind"),
                               ("content/data/b.yaml", 1, 1, "error", "missing-kind")]
    d = result.diagnostics.sorted()[0]
    assert d.message == "a YAML file must hold one record or log: a mapping with `kind:`"
    assert d.hint.startswith("add e.g. `kind: risk`; kinds: portfolio, program, project")


def test_empty_yml_file_is_a_warning(run) -> None:
    result = run({**BASE, "data/empty.yml": "# nothing yet\n"})
    assert located(result) == [("content/data/empty.yml", 1, 1, "warning", "empty-file")]
    assert only(result, "empty-file").message == "YAML file is empty"


def test_yaml_extension_and_upper_case_suffix_are_read(run) -> None:
    result = run({**BASE, "risks/a.yaml": "kind: risk\nid: ra\ntitle: A\n",
                  "risks/b.YML": "kind: risk\nid: rb\ntitle: B\n",
                  "projects/C.MD": project("c")})
    assert located(result) == []
    assert {r.id for r in result.model.records} >= {"ra", "rb", "c"}


def test_other_files_are_not_read(run) -> None:
    result = run({**BASE, "notes.txt": "kind: zzz", "data.json": "{", "img.svg": "<svg/>",
                  "risks/r.yml.txt": "kind: zzz"})
    assert located(result) == []


# --------------------------------------------------------------------------- paths


@pytest.mark.parametrize("name", [".#x.md", "x.md~", ".x.md.swp", ".x.swp", "#x.md#",
                                  "x.md.orig", "x.md.bak", ".hidden.md", ".trash/x.md",
                                  ".git/x.yml"])
def test_editor_junk_files_are_ignored(run, name: str) -> None:
    result = run({**BASE, name: "---\nkind: zzz\n---\n"})
    assert located(result) == []
    assert result.model.pages == []


def _site(tmp_path: Path, files: dict[str, str]) -> Path:
    return write_site(tmp_path / "site", files)


def test_symlink_to_a_file_outside_content(tmp_path: Path) -> None:
    config = _site(tmp_path, BASE)
    secret = tmp_path / "secret.md"
    secret.write_text(project("leak"), encoding="utf-8")
    os.symlink(secret, tmp_path / "site/content/leak.md")
    result = check(load_settings(config), AS_OF)
    assert located(result) == [("content/leak.md", 0, 0, "error", "symlink")]
    d = only(result, "symlink")
    assert d.message == "symlink points outside the content folder"
    assert d.hint == "copy the file in instead of linking it"
    assert result.model.records.get("leak") is None


def test_symlink_loop_and_broken_symlink(tmp_path: Path) -> None:
    config = _site(tmp_path, BASE)
    content = tmp_path / "site/content"
    os.symlink(content / "loop-b.md", content / "loop-a.md")
    os.symlink(content / "loop-a.md", content / "loop-b.md")
    os.symlink(content / "missing.md", content / "broken.md")
    result = check(load_settings(config), AS_OF)
    assert located(result) == [("content/broken.md", 0, 0, "error", "symlink"),
                               ("content/loop-a.md", 0, 0, "error", "symlink"),
                               ("content/loop-b.md", 0, 0, "error", "symlink")]
    assert {d.message for d in result.diagnostics.sorted()} == {"broken or looping symlink"}


def test_symlinked_folder_is_not_followed(tmp_path: Path) -> None:
    config = _site(tmp_path, BASE)
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "p.md").write_text(project("p"), encoding="utf-8")
    os.symlink(outside, tmp_path / "site/content/linked")
    os.symlink(tmp_path / "site/content", tmp_path / "site/content/self")
    result = check(load_settings(config), AS_OF)
    assert located(result) == [("content/linked", 0, 0, "error", "symlink"),
                               ("content/self", 0, 0, "error", "symlink")]
    assert result.model.records.get("p") is None


def test_symlink_inside_content_is_read(tmp_path: Path) -> None:
    config = _site(tmp_path, {**BASE, "real/a.md": "# A page\n"})
    os.symlink(tmp_path / "site/content/real/a.md", tmp_path / "site/content/alias.md")
    result = check(load_settings(config), AS_OF)
    assert located(result) == []
    assert sorted(p.rel for p in result.model.pages) == ["alias.md", "real/a.md"]


def test_unreadable_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # chmod cannot lock root out (CI runs as root), so the read itself is made to fail.
    config = _site(tmp_path, {**BASE, "locked.md": "# x\n"})
    real_read = Path.read_bytes

    def read_bytes(self: Path) -> bytes:
        if self.name == "locked.md":
            raise PermissionError(13, "Permission denied", str(self))
        return real_read(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    result = check(load_settings(config), AS_OF)
    d = only(result, "unreadable")
    assert (d.path, d.line, d.message) == ("content/locked.md", 0,
                                           "cannot read file: Permission denied")


def test_paths_are_relative_to_the_site_repo_with_slashes(run) -> None:
    result = run({**BASE, "deep/er/a.md": "---\nkind: zzz\n---\n"})
    assert [d.path for d in result.diagnostics.sorted()] == ["content/deep/er/a.md"]
    assert all(isinstance(d, Diagnostic) for d in result.diagnostics.sorted())


# --------------------------------------------------------------------------- shared reading


def _mixed_content() -> dict[str, str | bytes]:
    """A portfolio with every kind of fault a file can have on its own, among good files."""
    files: dict[str, str | bytes] = dict(BASE)
    for n in range(40):
        files[f"projects/p{n:02d}.md"] = project(f"p{n:02d}", "start: 2026-01-05\n")
        files[f"projects/p{n:02d}/risks.yml"] = (
            f"kind: risk-register\nproject: p{n:02d}\nrisks:\n"
            f"  - id: p{n:02d}-r1\n    title: Risk\n    owner: Sam Patel\n")
    files.update({
        "projects/bad-yaml.md": project("bad-yaml").replace("title: Project bad-yaml",
                                                            "title: Phase 2: rollout"),
        "projects/dup.md": project("dup", "manager: Ana Ruiz\n"),
        "projects/open.md": "---\nkind: project\nid: open\ntitle: Open\n\nNo end.\n",
        "projects/cp1252.md": "---\nkind: project\nid: cp\ntitle: Caf\u00e9\n---\n".encode("cp1252"),
        "projects/nul.md": b"---\nkind: project\nid: nul\n---\n\x00\n",
        "registers/alias.yml": "kind: risk-register\nproject: p01\nrisks: &a []\nmore: *a\n",
        "registers/empty.yml": "",
        "registers/tagged.yml": "kind: risk-register\nproject: !!python/none p02\n",
        "notes/crlf.md": "---\r\ntitle: Notes\r\n---\r\nBody\r\n",
        "notes/bom.md": "\ufeff# Bom\n",
        "notes/deep.yml": "a: " + "[" * 50 + "]" * 50 + "\n",
    })
    return files


def test_reading_in_two_processes_gives_what_one_gives(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """Every document and every diagnostic, in the same order, whether one process reads
    the files or two do (a chunk of one file each, so that 93 files fork)."""
    from generator import load
    from generator.diagnostics import Diagnostics

    files = _mixed_content()
    config = write_site(tmp_path, files)
    settings = load_settings(config)
    monkeypatch.setattr(load, "SHARED_CHUNK", 1)
    real_chunk = load.read_chunk

    def told(docs_dir: Path, root: Path, paths: list[Path]) -> object:
        logging.getLogger("pmsite.test").warning("read by %d", os.getpid())
        return real_chunk(docs_dir, root, paths)

    monkeypatch.setattr(load, "read_chunk", told)
    alone, shared = Diagnostics(), Diagnostics()
    one = load.read_documents(settings.docs_dir, settings.root, alone, None, 1)
    with caplog.at_level(logging.WARNING, "pmsite.test"):
        two = load.read_documents(settings.docs_dir, settings.root, shared, None, 2)

    readers = {record.getMessage() for record in caplog.records}
    assert readers == {f"read by {os.getpid()}", *readers} and len(readers) == 2
    assert len(one) == len(files)  # (one without its text still names its identity)
    assert two == one
    assert shared.added == alone.added
    assert {d.code for d in alone.added} >= {"yaml-syntax", "duplicate-key",
                                              "front-matter-unterminated", "encoding",
                                              "yaml-alias", "yaml-tag", "too-deep"}


def test_a_check_reading_in_two_processes_knows_what_one_knows(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from generator import load
    from generator.export import export_json

    config = write_site(tmp_path, _mixed_content())
    monkeypatch.setattr(load, "SHARED_CHUNK", 1)
    one, two = (check(load_settings(config), AS_OF, jobs=jobs) for jobs in (1, 2))
    assert two.diagnostics.added == one.diagnostics.added
    assert (export_json(two.model, two.diagnostics.sorted())
            == export_json(one.model, one.diagnostics.sorted()))
