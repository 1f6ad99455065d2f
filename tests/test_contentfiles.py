"""Only content is published; what `check` passes, `build` builds (links, special files,
file names, reserved ids, `template:`/`icon:` front matter)."""

from __future__ import annotations

import errno
import json
import os
import socket
import subprocess
import sys
from pathlib import Path, PurePosixPath
from types import SimpleNamespace

import jinja2
import pytest
from mkdocs.config import load_config
from mkdocs.structure.files import get_files

from generator.contentfiles import (
    MAX_NAME_BYTES,
    drop_unpublishable,
    name_problem,
    plain_relative,
    published_path,
    scan_docs,
    walk_hazards,
)
from generator.pagemeta import safe_page_meta
from generator.pipeline import check
from generator.settings import load_settings
from generator.site import content_files
from tests.conftest import AS_OF, PORTFOLIO, PROGRAM, only, project, write_site

BASE = {"index.md": PORTFOLIO, "programs/cx.md": PROGRAM, "handbook/guide.md": "# Guide\n"}
SECRET = "TOP-SECRET-OUTSIDE-CONTENT"


def located(result) -> list[tuple[str, int, int, str, str]]:
    return [(d.path, d.line, d.column, d.severity, d.code) for d in result.diagnostics.sorted()]


def errors(result) -> list[tuple[str, int, int, str]]:
    return [(d.path, d.line, d.column, d.code) for d in result.diagnostics.errors]


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A small valid site in tmp_path/repo, with a secret file next to it."""
    root = tmp_path / "repo"
    write_site(root, BASE)
    (tmp_path / "secret.txt").write_text(SECRET, encoding="utf-8")
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside/page.md").write_text(f"# {SECRET}\n", encoding="utf-8")
    return root


def run_check(root: Path):
    return check(load_settings(root / "mkdocs.yml"), AS_OF)


def pmsite(root: Path, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "generator", *args, "--as-of", str(AS_OF)],
                          cwd=root, capture_output=True, text=True, timeout=timeout,
                          check=False)


def mkdocs_build(root: Path, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, SOURCE_DATE_EPOCH="1782777600", NO_MKDOCS_2_WARNING="1")
    return subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-d", "out"],
                          cwd=root, capture_output=True, text=True, env=env, timeout=timeout,
                          check=False)


def published(folder: Path) -> str:
    """Every byte of every file under `folder`, for 'the secret is nowhere' assertions."""
    if not folder.exists():
        return ""
    return "".join(p.read_text(encoding="utf-8", errors="replace")
                   for p in sorted(folder.rglob("*")) if p.is_file())


# --------------------------------------------------------------------------- links


def test_symlinked_static_file_outside_content_is_an_error(repo: Path) -> None:
    os.symlink(repo.parent / "secret.txt", repo / "content/handbook/passwd.txt")
    result = run_check(repo)
    assert errors(result) == [("content/handbook/passwd.txt", 0, 0, "symlink")]
    assert only(result, "symlink").message == "symlink points outside the content folder"


def test_symlinked_folder_inside_content_is_an_error_but_no_hazard(repo: Path) -> None:
    os.symlink(repo / "content/handbook", repo / "content/alias")
    result = run_check(repo)
    assert errors(result) == [("content/alias", 0, 0, "symlink")]
    d = only(result, "symlink")
    assert d.message == "symlinked folder: MkDocs would publish its files a second time"
    assert d.hint == "move the files instead of linking the folder"
    assert walk_hazards(repo / "content", repo) == ""


@pytest.mark.parametrize(("target", "message"), [
    ("..", "symlinked folder loops back to a folder that contains it"),
    ("../..", "symlinked folder points outside the content folder"),
    ("/", "symlinked folder points outside the content folder"),
])
def test_symlinked_folder_that_loops_or_leaves_is_a_walk_hazard(repo: Path, target: str,
                                                                 message: str) -> None:
    os.symlink(target, repo / "content/handbook/up")
    result = run_check(repo)
    assert errors(result) == [("content/handbook/up", 0, 0, "symlink")]
    assert only(result, "symlink").message == message
    assert walk_hazards(repo / "content", repo) == (
        f"content/handbook/up: error: [symlink] {message} "
        f"({only(result, 'symlink').hint})")


def test_folder_links_leading_to_each_other_are_hazards(repo: Path) -> None:
    content = repo / "content"
    (content / "a").mkdir()
    (content / "b").mkdir()
    os.symlink(content / "b", content / "a/to-b")
    os.symlink(content / "a", content / "b/to-a")
    hazards = walk_hazards(content, repo).splitlines()
    assert [h.split(":")[0] for h in hazards] == ["content/a/to-b", "content/b/to-a"]
    assert "leads to another one ('b/to-a')" in hazards[0]


def test_hidden_folder_link_is_still_a_hazard(repo: Path) -> None:
    # MkDocs leaves hidden files out of the site, but its walk still follows the link.
    os.symlink("/", repo / "content/.cache")
    assert errors(run_check(repo)) == [("content/.cache", 0, 0, "symlink")]
    assert walk_hazards(repo / "content", repo).startswith("content/.cache: error:")


def test_symlinked_page_inside_content_stays_allowed(repo: Path) -> None:
    os.symlink(repo / "content/handbook/guide.md", repo / "content/handbook/alias.md")
    assert located(run_check(repo)) == []


# --------------------------------------------------------------------------- special files


def test_fifo_and_socket_are_reported_never_opened(repo: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    os.mkfifo(repo / "content/handbook/pipe.md")
    os.mkfifo(repo / "content/handbook/pipe.txt")
    monkeypatch.chdir(repo / "content/handbook")  # AF_UNIX paths are short
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind("sock.yml")
        done = pmsite(repo, "check", "--format", "json", timeout=60)
    assert done.returncode == 1, done.stderr
    assert [(d["path"], d["code"]) for d in json.loads(done.stdout)
            if d["severity"] == "error"] == [
        ("content/handbook/pipe.md", "special-file"),
        ("content/handbook/pipe.txt", "special-file"),
        ("content/handbook/sock.yml", "special-file")]


def test_fifo_does_not_block_pmsite_build(repo: Path) -> None:
    os.mkfifo(repo / "content/handbook/pipe.txt")
    done = pmsite(repo, "build", "--site-dir", "site", timeout=60)
    assert done.returncode == 1
    assert "content/handbook/pipe.txt: error: [special-file]" in done.stderr
    assert not (repo / "site").exists()


# --------------------------------------------------------------------------- file names


def test_name_that_is_not_utf8_is_an_error(repo: Path) -> None:
    folder = os.fsencode(repo / "content/handbook")
    os.close(os.open(folder + b"/caf\xe9.md", os.O_CREAT | os.O_WRONLY, 0o644))
    os.mkdir(folder + b"/d\xe9j\xe0")
    done = pmsite(repo, "check", timeout=60)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert ("content/handbook/caf\ufffd.md: error: [file-name] name is not valid UTF-8"
            in done.stdout + done.stderr)
    result = run_check(repo)
    assert errors(result) == [("content/handbook/caf\ufffd.md", 0, 0, "file-name"),
                              ("content/handbook/d\ufffdj\ufffd", 0, 0, "file-name")]


def test_names_too_long_once_published() -> None:
    assert published_path("a/b.md") == "a/b/index.html"
    assert published_path("a/README.md") == "a/index.html"
    assert published_path("a/b.png") == "a/b.png"
    assert name_problem("a/" + "é" * 120 + ".md") is None  # 240 bytes
    long_page = name_problem("a/" + "é" * 130 + ".md")  # 260 bytes: fits some file systems
    assert long_page is not None and long_page.code == "file-name"
    assert f"is 260 bytes once published; the limit is {MAX_NAME_BYTES}" in long_page.message
    deep = name_problem("/".join(["d" * 200] * 20) + "/x.txt")
    assert deep is not None and deep.message == (
        "path is 4,025 bytes once published; the limit is 3,800")


def test_path_too_long_is_an_error_in_check(repo: Path) -> None:
    folder = os.open(repo / "content", os.O_RDONLY)
    try:
        for _ in range(16):  # 16 * 241 bytes: fine for content/, too long for the site
            os.mkdir("d" * 240, dir_fd=folder)
            inner = os.open("d" * 240, os.O_RDONLY, dir_fd=folder)
            os.close(folder)
            folder = inner
        os.close(os.open("x.md", os.O_CREAT | os.O_WRONLY, 0o644, dir_fd=folder))
    finally:
        os.close(folder)
    result = run_check(repo)
    assert [(d.path.endswith("/x.md"), d.code) for d in result.diagnostics.errors] == [
        (True, "file-name")]


# --------------------------------------------------------------------------- the build


def test_pmsite_build_never_publishes_a_linked_secret(repo: Path) -> None:
    os.symlink(repo.parent / "secret.txt", repo / "content/handbook/passwd.txt")
    done = pmsite(repo, "build", "--site-dir", "site")
    assert done.returncode == 1
    assert "content/handbook/passwd.txt: error: [symlink]" in done.stderr
    assert SECRET not in published(repo / "site")


def test_plain_mkdocs_build_stops_on_a_loop_quickly(repo: Path) -> None:
    os.symlink("..", repo / "content/handbook/up")
    done = mkdocs_build(repo, timeout=60)
    assert done.returncode == 1
    assert ("content/handbook/up: error: [symlink] symlinked folder loops back to a folder "
            "that contains it" in done.stderr)
    assert not (repo / "out").exists()


def test_plain_mkdocs_build_stops_before_walking_a_linked_folder(repo: Path) -> None:
    os.symlink(repo.parent / "outside", repo / "content/linked")
    done = mkdocs_build(repo, timeout=60)
    assert done.returncode == 1
    assert "content/linked: error: [symlink] symlinked folder points outside" in done.stderr
    assert SECRET not in published(repo / "out")


def test_plain_mkdocs_build_with_errors_publishes_nothing_and_never_blocks(repo: Path) -> None:
    os.symlink(repo.parent / "secret.txt", repo / "content/handbook/passwd.txt")
    os.mkfifo(repo / "content/handbook/pipe.txt")
    done = mkdocs_build(repo, timeout=60)
    assert done.returncode == 1
    assert "content/handbook/passwd.txt: error: [symlink]" in done.stderr
    assert SECRET not in published(repo / "out")


def test_files_check_ignores_are_still_never_published(repo: Path) -> None:
    # Editor leftovers are not content, so check says nothing about them; but MkDocs
    # publishes `x~` files: a linked secret or a FIFO among them must not get through.
    os.symlink(repo.parent / "secret.txt", repo / "content/handbook/passwd.txt~")
    os.mkfifo(repo / "content/handbook/pipe.txt~")
    (repo / "content/handbook/notes.txt~").write_text("kept", encoding="utf-8")
    assert errors(run_check(repo)) == []
    done = mkdocs_build(repo, timeout=60)
    assert done.returncode == 0, done.stderr
    assert (repo / "out/handbook/guide/index.html").is_file()
    assert (repo / "out/handbook/notes.txt~").is_file()
    assert not (repo / "out/handbook/passwd.txt~").exists()
    assert not (repo / "out/handbook/pipe.txt~").exists()
    assert SECRET not in published(repo / "out")


def test_drop_unpublishable_keeps_only_regular_files_inside_content(repo: Path) -> None:
    content = repo / "content"
    os.symlink(repo.parent / "secret.txt", content / "passwd.txt")
    os.symlink(content / "handbook", content / "alias")
    os.symlink(content / "handbook/guide.md", content / "handbook/same.md")
    os.symlink(content / "missing", content / "broken.txt")
    os.mkfifo(content / "pipe.txt")
    config = load_config(str(repo / "mkdocs.yml"))
    files = get_files(config)
    before = sorted(f.src_uri for f in files)
    assert "alias/guide.md" in before and "passwd.txt" in before
    dropped = drop_unpublishable(files, config.docs_dir)
    assert sorted(f.src_uri for f in dropped) == ["alias/guide.md", "alias/same.md",
                                                  "broken.txt", "passwd.txt", "pipe.txt"]
    assert sorted(f.src_uri for f in files) == [
        "handbook/guide.md", "handbook/same.md", "index.md", "programs/cx.md"]


@pytest.mark.parametrize("path", [
    "/r/docs/a.md", "/r/docs/a/b/c.md", "/r/docsx/a.md", "/r/docs", "/r/docs/",
    "/r/docs/./a.md", "/r/docs//a.md", "/r/docs/../x.md", "/r/docs/a/..", "/r/x/../docs/a.md",
    "//r/docs/a.md", "r/docs/a.md", "/r/docs/a.md/", "/r/docs/ü/ä b.md", "/r/docs/.x/a~"])
@pytest.mark.parametrize("folder", ["/r/docs", "/r/docs/", "/r/./docs", "/", "//r/docs"])
def test_plain_relative_answers_as_relpath_and_pathlib_do(path: str, folder: str) -> None:
    answer = plain_relative(path, folder)
    if answer is not None:
        assert answer == os.path.relpath(path, folder)
        assert answer == PurePosixPath(path).relative_to(folder).as_posix()
    ordinary = (folder == "/r/docs" and path.startswith("/r/docs/")
                and path in ("/r/docs/a.md", "/r/docs/a/b/c.md", "/r/docs/ü/ä b.md",
                             "/r/docs/.x/a~"))
    assert (answer is not None) == ordinary


def test_content_files_are_those_inside_the_docs_dir_however_written(repo: Path) -> None:
    settings = load_settings(repo / "mkdocs.yml")
    docs = str(settings.docs_dir)
    files = [SimpleNamespace(src_uri=uri, abs_src_path=path) for uri, path in [
        ("a.md", f"{docs}/a.md"), ("b/c.md", f"{docs}/b/c.md"), ("d.md", f"{docs}/./d.md"),
        ("e.md", f"{docs}x/e.md"), ("g.md", None),
        ("h.md", f"{docs}//h.md")]]
    assert content_files(files, settings) == {
        "a.md": "content/a.md", "b/c.md": "content/b/c.md", "d.md": "content/d.md",
        "h.md": "content/h.md"}


def test_scan_lists_content_files_sorted(repo: Path) -> None:
    (repo / "content/risks").mkdir()
    (repo / "content/risks/r.yml").write_text("kind: risk\n", encoding="utf-8")
    (repo / "content/logo.png").write_bytes(b"\x89PNG")
    assert scan_docs(repo / "content").files == ["handbook/guide.md", "index.md",
                                                 "programs/cx.md", "risks/r.yml"]


def _unlistable(monkeypatch: pytest.MonkeyPatch, error: type[OSError], *names: str) -> None:
    """Listing a folder named one of `names` fails with `error` (chmod cannot lock root
    out, and CI runs as root, so the listing itself is made to fail)."""
    real = os.scandir

    def scandir(path: str = ".") -> object:
        if os.path.basename(os.fspath(path)) in names:
            number = errno.EACCES if error is PermissionError else errno.ENOENT
            raise error(number, os.strerror(number), path)
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)


def test_a_folder_that_cannot_be_listed_is_an_error_not_a_silent_gap(
        repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_site(repo, {"locked/p9.md": project("p9")})
    _unlistable(monkeypatch, PermissionError, "locked")
    scan = scan_docs(repo / "content")
    assert [(p.path, p.code, p.message) for p in scan.problems] == [
        ("locked", "unreadable", "cannot read folder: Permission denied")]
    assert "locked/p9.md" not in scan.files and "handbook/guide.md" in scan.files
    result = run_check(repo)
    assert errors(result) == [("content/locked", 0, 0, "unreadable")]
    assert "move it out of the content folder" in only(result, "unreadable").hint


def test_the_content_folder_itself_unlistable_is_named(
        repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _unlistable(monkeypatch, PermissionError, "content")
    assert errors(run_check(repo)) == [("content", 0, 0, "unreadable")]


def test_hidden_or_vanished_folders_that_cannot_be_listed_stay_quiet(
        repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (repo / "content/.cache").mkdir()
    (repo / "content/gone").mkdir()
    _unlistable(monkeypatch, PermissionError, ".cache")
    assert scan_docs(repo / "content").problems == []
    _unlistable(monkeypatch, FileNotFoundError, "gone")
    assert scan_docs(repo / "content").problems == []


# --------------------------------------------------------------------------- reserved ids


@pytest.mark.parametrize("ident", ["index", "README", "Index", "readme"])
def test_project_id_that_would_replace_the_projects_page(run, ident: str) -> None:
    result = run({**BASE, "projects/p.md": project(ident)})
    assert errors(result) == [("content/projects/p.md", 3, 5, "reserved-id")]
    d = only(result, "reserved-id")
    assert d.message == (f"id '{ident}' is reserved: its page /projects/{ident}/ would take "
                         "the place of a generated page")
    assert d.hint == "choose another id"


def test_program_and_portfolio_ids_are_reserved_too(run) -> None:
    result = run({"index.md": PORTFOLIO.replace("id: pf", "id: index"),
                  "programs/cx.md": PROGRAM.replace("id: cx", "id: README")
                  .replace("portfolio: pf", "portfolio: index")})
    assert errors(result) == [("content/index.md", 3, 5, "reserved-id"),
                              ("content/programs/cx.md", 3, 5, "reserved-id")]


def test_yaml_decision_id_index_is_located_at_its_id(run) -> None:
    result = run({**BASE, "decisions/d.yml": (
        "kind: decision\ntitle: Use OIDC\ndate: 2026-01-05\nid: index\n")})
    assert errors(result) == [("content/decisions/d.yml", 4, 5, "reserved-id")]


def test_yaml_lesson_derived_from_file_name_and_category_ids(run) -> None:
    result = run({**BASE, "lessons/index.yml": "kind: lesson\ntitle: Plan early\n",
                  "lessons/c.yml": "kind: lesson\nid: category-general\ntitle: Test early\n"})
    assert errors(result) == [("content/lessons/c.yml", 2, 5, "reserved-id"),
                              ("content/lessons/index.yml", 1, 1, "reserved-id")]
    derived = next(d for d in result.diagnostics.errors if d.path.endswith("index.yml"))
    assert derived.hint == "give it an explicit `id:` (this one was derived as 'index')"


def test_ids_that_make_no_page_of_their_own_are_not_reserved(run) -> None:
    # A Markdown decision keeps its source path; a risk log entry is a row of a page.
    result = run({**BASE,
                  "decisions/d.md": "---\nkind: decision\nid: index\ntitle: T\n"
                                    "date: 2026-01-05\n---\nText.\n",
                  "risks/log.yml": "kind: risk\nentries:\n  - id: readme\n    title: R\n"})
    assert [d for d in result.diagnostics.errors if d.code == "reserved-id"] == []


def test_pmsite_build_refuses_a_reserved_id(repo: Path) -> None:
    (repo / "content/projects").mkdir()
    (repo / "content/projects/p.md").write_text(project("index"), encoding="utf-8")
    done = pmsite(repo, "build", "--site-dir", "site")
    assert done.returncode == 1
    assert "content/projects/p.md:3:5: error: [reserved-id]" in done.stderr


# --------------------------------------------------------------------------- template, icon


TEMPLATE = "'template' must be a template file name of the theme, got "
ICON = "'icon' must be an icon name of the theme, got "


@pytest.mark.parametrize(("line", "message"), [
    ("template: ../../etc/passwd", TEMPLATE + "'../../etc/passwd'"),
    ("template: partials/x.html", TEMPLATE + "'partials/x.html'"),
    ("template: 5", TEMPLATE + "'5'"),
    ("template:", TEMPLATE + "'None'"),
    ("icon: ../../../../etc/passwd", ICON + "'../../../../etc/passwd'"),
    ("icon: Material/Home", ICON + "'Material/Home'"),
])
def test_unsafe_template_and_icon_on_ordinary_pages(run, line: str, message: str) -> None:
    result = run({**BASE, "handbook/p.md": f"---\ntitle: P\n{line}\n---\n# P\n"})
    assert errors(result) == [("content/handbook/p.md", 3, 1, "unsafe-front-matter")]
    assert only(result, "unsafe-front-matter").message == message


def test_unsafe_template_on_a_markdown_record(run) -> None:
    result = run({**BASE, "decisions/d.md": "---\nkind: decision\nid: d1\ntitle: T\n"
                                            "date: 2026-01-05\nicon: a/../../b\n---\nText.\n"})
    assert errors(result) == [("content/decisions/d.md", 6, 1, "unsafe-front-matter")]


def test_plain_template_and_icon_names_pass(run) -> None:
    result = run({**BASE, "handbook/p.md": "---\ntemplate: main.html\nicon: material/home\n"
                                           "---\n# P\n",
                  "handbook/q.md": "---\ntemplate: my-page.v2.html\n"
                                   "icon: fontawesome/solid/user_x\n---\n# Q\n"})
    assert errors(result) == []


def test_safe_page_meta_drops_what_the_theme_cannot_load() -> None:
    env = jinja2.Environment(loader=jinja2.DictLoader({
        "main.html": "{{ page }}", "blog.html": "{% extends 'main.html' %}",
        ".icons/material/home.svg": "<svg></svg>", "etc/passwd": "root"}))
    meta = {"title": "T", "template": "blog.html", "icon": "material/home", "hide": ["nav"]}
    assert safe_page_meta(meta, env) == meta
    bad = {"title": "T", "template": "missing.html", "icon": "material/missing"}
    assert safe_page_meta(bad, env) == {"title": "T"}
    assert bad["template"] == "missing.html"  # the input is not changed
    sneaky = {"template": "../etc/passwd", "icon": "../../etc/passwd"}
    assert safe_page_meta(sneaky, env) == {}
    assert safe_page_meta({"template": None, "icon": 5}, env) == {}
    assert safe_page_meta({}, env) == {}


def test_a_template_or_icon_the_theme_lacks_never_crashes_the_build(repo: Path) -> None:
    config = repo / "mkdocs.yml"
    config.write_text("theme: {name: material}\n" + config.read_text(encoding="utf-8"),
                      encoding="utf-8")
    (repo / "content/handbook/p.md").write_text(
        "---\ntemplate: missing.html\nicon: material/no-such-icon\n---\n# P\n", encoding="utf-8")
    (repo / "content/handbook/q.md").write_text(
        "---\nicon: material/home\n---\n# Q\n", encoding="utf-8")
    assert errors(run_check(repo)) == []
    done = mkdocs_build(repo)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert (repo / "out/handbook/p/index.html").is_file()
