"""Markdown a renderer would hang on or recurse in is a located error of `check` (G7)."""

from __future__ import annotations

import gc
import itertools
import signal
import sys
import threading
import time
import types
from collections.abc import Callable, Iterator
from typing import Any

import markdown
import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator import mdlimits, wikilinks
from generator.diagnostics import Diagnostics
from generator.load import split_markdown
from generator.mdlimits import (
    MAX_EMPHASIS_NESTING,
    MAX_NESTING,
    MarkdownTimeout,
    TimeBudget,
    scan_markdown,
    time_budget,
)
from generator.mkdocs_plugin import PmsitePlugin
from generator.pages.compose import _rebase_links
from generator.wikilinks import find_wikilinks
from tests.conftest import PORTFOLIO, PROGRAM, REPO

CODE = "markdown-too-complex"
# MkDocs' extensions (`toc`, `tables`, `fenced_code` always) and the common extras.
EXTENSIONS = ["toc", "tables", "fenced_code", "admonition", "attr_list", "md_in_html"]

DECISION = """\
---
kind: decision
id: dec-x
title: X
date: 2026-01-05
status: accepted
program: cx
---
"""
DECISION_BODY_LINE = 9

# Each pathological body, and the (0-based) line of its text where the error belongs.
INTRO = "Intro linking [[cx]] with `code`, so wiki-links need the full parse.\n\n"
NESTED_LIST = "\n".join(" " * (2 * i) + "- a" for i in range(1000))
ATTACKS = {
    "emphasis": ("*a " * 10_000, 0, ("too much inline markup in long paragraphs: 10,000 "
                                     "markup characters in 30,000 here")),
    "nested-list": (NESTED_LIST, MAX_NESTING, ("lists, quotes and admonitions nested 33 deep "
                                               "(limit 32)")),
    # The walks include the 8 characters of the intro's `[[cx]]`.
    "brackets": ("[" * 50_000, 0, ("too many unclosed `[` or `](`: reading the links up to "
                                   "here walks 1,250,025,008 characters (limit 1,000,000)")),
    "images": ("![" * 25_000, 0, ("too many unclosed `[` or `](`: reading the links up to "
                                  "here walks 625,000,008 characters (limit 1,000,000)")),
    "links": ("[a](" * 20_000, 0, ("too many unclosed `[` or `](`: reading the links up to "
                                   "here walks 800,020,008 characters (limit 1,000,000)")),
}


def site(**pages: str) -> dict[str, str]:
    files = {"portfolio.md": PORTFOLIO, "programs/cx.md": PROGRAM}
    files.update(pages)
    return files


def excesses(result, code: str = CODE) -> list[tuple[str, int, int, str]]:
    return [(d.path, d.line, d.column, d.severity) for d in result.diagnostics.sorted()
            if d.code == code]


# ------------------------------------------------------------------- through the check


@pytest.mark.parametrize("name", list(ATTACKS))
def test_pathological_body_is_a_located_error_in_pages_and_records(run, name) -> None:
    text, line, message = ATTACKS[name]
    body = INTRO + text + "\n"
    result = run(site(**{"handbook/page.md": body, "decisions/dec-x.md": DECISION + body}))
    intro = INTRO.count("\n")
    assert excesses(result) == [
        ("content/decisions/dec-x.md", DECISION_BODY_LINE + intro + line, 1, "error"),
        ("content/handbook/page.md", 1 + intro + line, 1, "error"),
    ]
    found = [d for d in result.diagnostics.sorted() if d.code == CODE]
    assert all(d.message.startswith(message) for d in found), [d.message for d in found]
    assert all(d.hint for d in found)
    # The decision's record is still read (one error, not a lost record).
    assert result.model.records.get("dec-x") is not None


def test_limits_are_reported_at_their_lines(run) -> None:
    body = ("# Notes\n\nFine text with a [link](x.md).\n\n"
            + "> " * 40 + "deep quote\n\n"
            + "*a " * 40 + "b" + "a*" * 40 + "\n\n"
            + "<a " * 2000 + "\n")
    result = run(site(**{"handbook/notes.md": body}))
    found = [(d.line, d.message) for d in result.diagnostics.sorted() if d.code == CODE]
    assert found == [
        (5, "lists, quotes and admonitions nested 40 deep (limit 32)"),
        (7, f"emphasis nested 40 deep (limit {MAX_EMPHASIS_NESTING})"),
        (9, ("too many unclosed `<`: reading the HTML tags up to here walks over 3,000,000 "
             "characters (the limit)")),
    ]


def test_yaml_files_and_empty_bodies_are_not_scanned(run) -> None:
    result = run(site(**{"risks/log.yml": "kind: risk\nentries: []\n",
                         "handbook/empty.md": ""}))
    assert excesses(result) == []


def test_the_repository_content_is_never_flagged() -> None:
    for path in sorted((REPO / "content").rglob("*.md")):
        doc = split_markdown(path.read_text(encoding="utf-8"), str(path), path.name,
                             Diagnostics())
        assert scan_markdown(doc.body) == [], path


def ordinary(sections: int) -> str:
    """Long narratives, tables of links, code, nested lists, quotes, admonitions, HTML."""
    words = ["the", "programme", "board", "agreed", "scope", "budget", "vendor", "rollout",
             "risk", "cutover", "data", "migration", "testing", "plan"]
    decor = ["[{w}](../projects/{w}/index.md)", "**{w}**", "*{w}*", "`{w}_id`", "[[{w}]]",
             "<https://example.org/{w}?a=1&b=2>", "{w} & co", "snake_case_{w}",
             "[{w}][ref-{w}]", '![{w}](img/{w}.png "{w} title")', '<span class="x">{w}</span>']

    def sentence(seed: int) -> str:
        parts = [decor[(seed + i) % len(decor)].format(w=words[(seed * i) % len(words)])
                 if (seed + i) % 5 == 0 else words[(seed + i * 7) % len(words)]
                 for i in range(18)]
        return " ".join(parts).capitalize() + "."

    out: list[str] = []
    for n in range(sections):
        out.append(f"## Section {n} {{: #s{n} .wide }}\n")
        out += [" ".join(sentence(n * 100 + p * 10 + s) for s in range(12)) + "\n"
                for p in range(4)]
        out.append("| Item | Owner | Link | Notes |\n|:-----|-------|------|------:|")
        out += [f"| *item {i}* | **owner** | [link {i}](../x/{i}.md) | {sentence(i)} |"
                for i in range(150)]
        out.append("")
        out += ["    " * (i % 6) + f"- {sentence(i)}" for i in range(60)]
        out.append("\n```python")
        out += ["    " * (i % 12) + f"x[{i}] = f(*args, **kw)  # <{i}> {{a: [1]}} \"q'"
                for i in range(120)]
        out.append("```\n")
        out.append(f"> {sentence(n)}\n> > {sentence(n + 1)}\n> - {sentence(n + 2)}\n")
        out.append(f'!!! note "Heads up"\n    {sentence(n)}\n\n    - {sentence(n + 1)}\n')
        out.append(f'<div class="pm-box" markdown>\n{sentence(n)}\n</div>\n')
        out.append("1. one\n2. two\n    1. nested\n    2. nested " + sentence(n) + "\n")
    out += [f'[ref-{w}]: https://example.org/{w} "{w}"' for w in words]
    return "\n".join(out)


def test_long_ordinary_content_is_never_flagged() -> None:
    body = ordinary(25)  # about 700 KB: tables, links, code, lists, quotes, HTML
    assert len(body) > 600_000
    assert scan_markdown(body) == []


# ------------------------------------------------------------------------ the limits


@pytest.mark.parametrize(("body", "expected"), [
    ("\n".join(" " * (2 * i) + "- a" for i in range(MAX_NESTING)), []),
    ("\n".join(" " * (2 * i) + "- a" for i in range(MAX_NESTING + 1)), [MAX_NESTING + 1]),
    ("- " * (MAX_NESTING + 1) + "a", [1]),  # markers on one line
    ("> - " * 17 + "a", [1]),  # quotes inside items inside quotes
    ("\n\n".join(" " * (4 * i) + "!!! note" for i in range(MAX_NESTING + 1)),
     [2 * MAX_NESTING + 1]),
    ("<div markdown>\n" * (MAX_NESTING + 1) + "a\n" + "</div>\n" * (MAX_NESTING + 1),
     [MAX_NESTING + 1]),
    ("*a " * MAX_EMPHASIS_NESTING + "b" + "a*" * MAX_EMPHASIS_NESTING, []),
    ("x\n" + "*a " * (MAX_EMPHASIS_NESTING + 1) + "b" + "a*" * (MAX_EMPHASIS_NESTING + 1),
     [2]),
    (("snake_case_ " * 100 + "\n\n") * 10, []),  # intraword `_` is no emphasis
    ("[" * 1000, []),
    ("[" * 1500, [1]),
    ("[a](b.md) " * 2_000, []),  # closed links cost little, even in one paragraph
    (("[a](b.md) " * 100 + "\n\n") * 100, []),
    ("# h" + " " * 5000 + "x", [1]),  # attr_list: a run of spaces in a heading
    ("# h " + "{: " * 5000, [1]),
    ("    " * 100 + "indented text", []),  # indentation is no run of spaces
    ("```\n" + "[" * 50_000 + "\n```\n", []),  # fenced code is not parsed as Markdown
    ("```\n" + "[" * 5_000 + "\n````\n", [1]),  # ... only when the same fence closes it
    ("| a | b |\n|---|---|\n" + "| [x | [y |\n" * 3000, []),  # table cells are separate
    ("| a | b | c |\n|---|---|\n" + "| [x | [y |\n" * 3000, [1]),  # ... when it is a table
    ("# word\n" * 8000, [1]),  # headings with no blank line between: re-read each time
    ("# word\n\n" * 8000, []),
    ("a\n***\n" * 2000, [1]),
    (">[a]: b\nc\n" * 2000, [1]),  # markdown-it re-reads a quote after each definition
    ("".join(f"[r{i}]: https://example.org/{i}\n" for i in range(500)), []),
    # Too many `[` for markdown-it: 24,000 in 192,000 characters, over 20,000 + 3,840.
    ("[x](a) ![i](b)\n\n" * 12_000, [23_841]),
    ("| a | b |\n|---|---|\n" + "| [a | b |\n" * 21_000, [1]),  # in one paragraph to it
])
def test_limits(body: str, expected: list[int]) -> None:
    assert [e.line for e in scan_markdown(body)] == expected


def test_bodies_just_under_the_limits_render_without_recursion() -> None:
    bodies = [
        "\n".join(" " * (4 * i) + "- a" for i in range(MAX_NESTING)),
        "\n".join(" " * (4 * i) + "!!! note\n" for i in range(MAX_NESTING)),
        "*a " * MAX_EMPHASIS_NESTING + "b" + "a*" * MAX_EMPHASIS_NESTING,
        "<div markdown>\n" * MAX_NESTING + "a\n" + "</div>\n" * MAX_NESTING,
    ]
    for body in bodies:
        assert scan_markdown(body) == []
        # MkDocs, a theme and the plugin use up stack before Markdown starts rendering.
        assert _deep(300, lambda b=body: markdown.markdown(b, extensions=EXTENSIONS))


def _deep(frames: int, call) -> str:
    return call() if frames == 0 else _deep(frames - 1, call)


@given(st.text(alphabet="[]()!*_`<>{}&\\\"' \n-#>|:.1aé", max_size=400))
def test_scan_never_raises_and_points_into_the_body(body: str) -> None:
    lines = body.count("\n") + 1
    for excess in scan_markdown(body):
        assert 1 <= excess.line <= lines
        assert excess.message and excess.hint


def test_huge_bodies_are_scanned_in_one_pass() -> None:
    # Quadratic work here would take hours; the scan is linear (and stops early).
    for body in ("[" * 1_000_000, "- " * 400_000, "<a " * 400_000, "[a](" * 200_000,
                 "*a " * 300_000 + "a*" * 300_000, "```x\n" * 200_000,
                 "\n".join("    " * (i % 40) + "- a" for i in range(50_000))):
        assert scan_markdown(body)


# -------------------------------------------------------------------------- wiki-links


def test_wikilinks_of_a_body_over_the_limits_are_found_line_by_line() -> None:
    body = "See [[crm]] and `[[not-code]]`.\n\n" + "[" * 50_000
    found = find_wikilinks(body)
    assert [(link.target, link.line, link.column) for link in found] == [
        ("crm", 1, 5), ("not-code", 1, 18)]


def test_wikilinks_survive_a_recursing_parser(monkeypatch) -> None:
    class Recursing:
        def parse(self, text: str) -> list[object]:
            raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(wikilinks, "_parser", lambda: Recursing())
    found = find_wikilinks("A [[crm]] link and `code`.")
    assert [(link.target, link.line, link.column) for link in found] == [("crm", 1, 3)]


def test_wikilinks_in_code_are_still_skipped_under_the_limits() -> None:
    found = find_wikilinks("See [[crm]] and `[[not-code]]`.\n")
    assert [link.target for link in found] == ["crm"]


# ----------------------------------------------------------------------- link rebasing


def test_rebasing_many_unclosed_brackets_is_linear() -> None:
    # The old expression walked to the end of the line from each `[`: minutes for this.
    text = "[" * 200_000
    assert _rebase_links(text, "decisions/x.md", "projects/a/index.md") == text


def test_rebasing_still_rewrites_ordinary_links() -> None:
    text = "[a](b.md) [x [y](c.md#h) ![i](img/p.png \"t\") [w](https://e) [n](#a)"
    assert _rebase_links(text, "decisions/x.md", "projects/a/index.md") == (
        "[a](../../decisions/b.md) [x [y](../../decisions/c.md#h) "
        "![i](../../decisions/img/p.png \"t\") [w](https://e) [n](#a)")


# ------------------------------------------------------------------------- time budget


def test_time_budget_interrupts_a_long_render() -> None:
    before = signal.getsignal(signal.SIGALRM)
    with pytest.raises(MarkdownTimeout), time_budget(0.05):
        while True:
            time.sleep(0.01)
    assert signal.getsignal(signal.SIGALRM) is before
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_a_budget_raises_once_and_lets_what_handles_it_finish() -> None:
    """What handles the timeout (the build's error path, which switches the budget off
    at its end) takes longer than the budget, and is not interrupted again."""
    budget = TimeBudget(0.01)
    budget.start()
    with pytest.raises(MarkdownTimeout):
        while True:
            time.sleep(0.001)
    until = time.monotonic() + 0.1
    while time.monotonic() < until:
        time.sleep(0.001)
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    budget.stop()


def test_an_alarm_lost_in_a_gc_callback_says_nothing_and_goes_off_again(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Python cannot raise from a gc callback or a finalizer: it prints "Exception ignored
    in ..." and a traceback, which the author of a too-complex page should not see."""
    heard: list[object] = []
    monkeypatch.setattr(sys, "unraisablehook", heard.append)
    landed: list[bool] = []

    def busy(phase: str, info: dict[str, int]) -> None:  # where the alarm lands
        if phase == "start" and len(landed) < 3:
            landed.append(True)
            until = time.monotonic() + 0.2
            while time.monotonic() < until:
                pass

    gc.callbacks.append(busy)
    try:
        with pytest.raises(MarkdownTimeout), time_budget(0.05):
            while len(landed) < 3:
                gc.collect()
            while True:  # (the callback is quiet now: the next alarm is raised here)
                time.sleep(0.01)
    finally:
        gc.callbacks.remove(busy)
    assert heard == []
    assert sys.unraisablehook == heard.append  # (the hook is the caller's again)
    with time_budget(5):  # (what is not an alarm is still heard)
        sys.unraisablehook(types.SimpleNamespace(exc_value=ValueError("other")))
    assert len(heard) == 1


def test_time_budget_lets_a_quick_render_through() -> None:
    with time_budget(5):
        html = markdown.markdown("*quick*")
    assert html == "<p><em>quick</em></p>"
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_time_budget_restores_an_enclosing_budget() -> None:
    with pytest.raises(MarkdownTimeout), time_budget(0.2):
        with time_budget(10):
            pass
        assert 0 < signal.getitimer(signal.ITIMER_REAL)[0] <= 0.2
        while True:
            time.sleep(0.01)


def test_time_budget_does_nothing_outside_the_main_thread() -> None:
    seen: list[object] = []

    def work() -> None:
        with time_budget(0.01):
            time.sleep(0.05)
        seen.append(signal.getitimer(signal.ITIMER_REAL))

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    assert seen == [(0.0, 0.0)]


def alarm_at_each_line(disarm: Callable[[], object]) -> Iterator[tuple[int, object]]:
    """Call `disarm` once for each line Python runs in the functions it calls (but those
    of this file), with the alarm going off at that line: the handler installed then is
    called there, as Python calls it between bytecodes. Yields each line's number and
    what `disarm` returned; stops once `disarm` runs fewer lines than that number."""
    for at in itertools.count(1):
        seen = [0]
        sys.settrace(_alarm_at(at, seen))
        try:
            returned = disarm()
        finally:
            sys.settrace(None)
        yield at, returned
        if seen[0] < at:
            return


def _alarm_at(at: int, seen: list[int]) -> Any:
    """A trace function that counts lines in `seen` and sets the alarm off at line `at`."""

    def trace(frame: types.FrameType, event: str, arg: object) -> Any:
        if frame.f_code.co_filename == __file__:  # (the caller's own lines)
            return None
        if event == "line":
            seen[0] += 1
            if seen[0] == at:
                handler = signal.getsignal(signal.SIGALRM)
                if callable(handler):
                    handler(signal.SIGALRM, None)
        return trace

    return trace


def test_an_alarm_going_off_as_a_budget_stops_leaves_nothing_armed() -> None:
    """The alarm repeats, so it can go off as a budget stops: the budget must not be left
    half stopped, with its timer running, wherever that happens."""
    before = signal.getsignal(signal.SIGALRM)

    budget = [TimeBudget(60)]

    def stop_once_raised() -> object:  # (what the with-statement and the plugin do)
        try:
            budget[0].stop()
            return "stopped"
        except MarkdownTimeout:
            budget[0].stop()
            return "raised, then stopped"

    budget[0].start()
    said = set()
    for at, said_then in alarm_at_each_line(stop_once_raised):
        assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0), at
        assert signal.getsignal(signal.SIGALRM) is before, at
        said.add(said_then)
        budget[0] = TimeBudget(60)
        budget[0].start()
    budget[0].stop()
    assert said == {"stopped", "raised, then stopped"}


def test_the_plugin_locates_a_page_whose_alarm_goes_off_as_it_stops() -> None:
    """An alarm going off as the plugin switches a page's alarm off raises: the build's
    error handler switches it off again, and still knows the page."""
    before = signal.getsignal(signal.SIGALRM)
    plugin = PmsitePlugin()
    page = object()

    def disarm_as_the_build_does() -> object:  # (on_page_content, then on_build_error)
        try:
            return plugin._disarm()
        except MarkdownTimeout:
            return plugin._disarm()

    plugin._budget, plugin._page = TimeBudget(60), (page, 1.0)  # type: ignore[assignment]
    plugin._budget.start()
    for at, armed in alarm_at_each_line(disarm_as_the_build_does):
        assert armed == (page, 1.0), at
        assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0), at
        assert signal.getsignal(signal.SIGALRM) is before, at
        plugin._budget, plugin._page = TimeBudget(60), (page, 1.0)  # type: ignore[assignment]
        plugin._budget.start()
    plugin._disarm()


def test_the_code_is_documented() -> None:
    assert mdlimits.CODE == CODE
    assert f"| `{CODE}` |" in (REPO / "docs" / "diagnostics.md").read_text(encoding="utf-8")
