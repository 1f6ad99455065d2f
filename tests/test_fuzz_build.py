"""Fuzzing the whole build: small sites from generated hostile content never crash pmsite.

Each example writes a portfolio, a program, a few projects wired by generated dependency
edges (cycles included), a decision and an ordinary page, with hostile titles, ids,
people's names and bodies, and runs `pmsite build` in-process. Whatever the content:
the exit is 0 or 1 (never 3, an internal error) with no traceback; the output runs no
script from content; nothing is written outside the site folder; content is untouched.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import tempfile
from html.parser import HTMLParser
from pathlib import Path

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from generator.cli import main
from tests.conftest import write_site

MARK = "pwn"
HOSTILE = [
    f"<script>alert('{MARK}')</script>",
    f"<img src=x onerror=alert(1) data-{MARK}=1>",
    f"</title><svg onload=alert(1) data-{MARK}=1>",
    f'" onmouseover="alert(1)" data-{MARK}="1',
    f"[x](javascript:alert('{MARK}'))",
    f"<a href=\"javascript:alert('{MARK}')\">x</a>",
    f"<iframe src=//{MARK}.example></iframe>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "]]> <!-- --> {{ 7*7 }} {% raw %}",
    "\u202eevil\u202c", "李雷", "Mehmet Yılmaz", "x" * 300, "../../etc/passwd", "index",
    "a/b", ".htaccess", "README", "*a " * 200, "[" * 500, "- " * 60 + "deep",
]

printable = st.characters(categories=("L", "N", "P", "S", "Zs"))
text = st.one_of(st.sampled_from(HOSTILE), st.text(printable, min_size=1, max_size=40),
                 st.lists(st.sampled_from(HOSTILE), min_size=2, max_size=3).map(" ".join))
valid_id = st.from_regex(r"[a-z][a-z0-9-]{0,12}", fullmatch=True)
ident = st.one_of(*[valid_id] * 8,
                  st.sampled_from(["index", "README", "../x", "a/b", ".htaccess", "x" * 80,
                                   "Dup", "dup"]))


def _q(value: str) -> str:
    """A YAML double-quoted scalar (JSON is YAML)."""
    return json.dumps(value, ensure_ascii=False)


@st.composite
def sites(draw: st.DrawFn) -> dict[str, str]:
    ids = draw(st.lists(ident, min_size=1, max_size=4))
    cyclic = draw(st.integers(0, 3)) == 0  # mostly acyclic graphs, so most sites build
    files = {
        "pf.md": f"---\nkind: portfolio\nid: pf\ntitle: {_q(draw(text))}\n---\n{draw(text)}\n",
        "cx.md": (f"---\nkind: program\nid: cx\ntitle: {_q(draw(text))}\nportfolio: pf\n"
                  f"manager: {_q(draw(text))}\n---\n{draw(text)}\n"),
    }
    for n, pid in enumerate(ids):
        targets = ids if cyclic else ids[:n]
        edges = draw(st.lists(st.sampled_from(targets), max_size=3)) if targets else []
        files[f"projects/p{n}.md"] = (
            f"---\nkind: project\nid: {_q(pid)}\ntitle: {_q(draw(text))}\nprogram: cx\n"
            f"manager: {_q(draw(text))}\nend: 2026-12-31\n"
            f"depends_on: {json.dumps(edges)}\n"
            f"milestones:\n  - id: m1\n    title: {_q(draw(text))}\n    due: 2026-09-30\n"
            f"tags: [{_q(draw(text))}]\n---\n{draw(text)}\n\n[[{ids[0]}]]\n")
    files["decisions/d1.md"] = (f"---\nkind: decision\nid: d1\ntitle: {_q(draw(text))}\n"
                                f"description: {_q(draw(text))}\ndate: 2026-05-01\n"
                                f"program: cx\n---\n{draw(text)}\n")
    files["handbook/page.md"] = (f"---\ntitle: {_q(draw(text))}\ndescription: "
                                 f"{_q(draw(text))}\n---\n# {draw(text)}\n\n{draw(text)}\n")
    return files


class _Scripts(HTMLParser):
    """Markup that could run script: event handlers, script URLs, tags from content."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("iframe", "object", "embed") or MARK in tag:
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            lowered = (value or "").strip().lower()
            if name.startswith("on") or lowered.startswith(("javascript:", "vbscript:")):
                self.found.append(f"<{tag} {name}={value!r}>")
            if tag == "script" and name == "src" and ":" in lowered.split("/")[0]:
                self.found.append(f"<script src={value!r}>")

    def handle_data(self, data: str) -> None:
        if self.lasttag == "script" and MARK in data:
            self.found.append(f"script text {data[:80]!r}")


def _tree(folder: Path, skip: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and not p.is_relative_to(skip)}


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(files=sites())
def test_any_generated_site_builds_or_reports_never_crashes(files: dict[str, str]) -> None:
    with tempfile.TemporaryDirectory() as temp:
        root = Path(temp) / "repo"
        config = write_site(root, files)
        site = root / "site"
        before = _tree(Path(temp), site)
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(["build", "-f", str(config), "--as-of", "2026-06-30"])
        shown = err.getvalue()
        for line in shown.splitlines():
            if ": error: [" in line:
                event(line.split(": error: [")[1].split("]")[0])
        event(f"exit {code}")
        assert code in (0, 1), f"exit {code}:\n{shown[-3000:]}"
        assert "Traceback" not in shown and "internal error" not in shown, shown[-3000:]
        after = _tree(Path(temp), site)
        after.pop("repo/.site.pmsite-lock", None)  # the build lock, beside the site by design
        assert set(after) == set(before), f"written outside the site: {set(after) ^ set(before)}"
        assert after == before, "content changed"
        if code == 1:
            assert not site.exists(), "a failed first build left a site"
            return
        found = {}
        for page in site.rglob("*.html"):
            parser = _Scripts()
            parser.feed(page.read_text(encoding="utf-8"))
            if parser.found:
                found[page.relative_to(site).as_posix()] = parser.found[:3]
        assert not found, f"script from content in the output: {found}"
