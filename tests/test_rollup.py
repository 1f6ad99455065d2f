"""Current status, trend, staleness and rollups (SPEC §4), hand-computed as of 2026-06-30."""

from __future__ import annotations

from datetime import date

from tests.conftest import AS_OF, PORTFOLIO, PROGRAM, codes, only, project

FIVE_LEVELS = "status_scale: [green, amber-green, amber, amber-red, red]"


def report(proj: str, day: str, overall: str, extra: str = "") -> str:
    """A status report file; `date:` is on line 4 and `overall:` on line 5."""
    lines = ["---", "kind: status", f"project: {proj}", f"date: {day}", f"overall: {overall}",
             *extra.strip().splitlines(), "path_to_green: keep going", "---", "Narrative."]
    return "\n".join(line for line in lines if line) + "\n"


def standalone(ident: str, extra: str = "") -> str:
    """A project directly in portfolio `pf` (no program)."""
    body = f"\n{extra.strip()}" if extra.strip() else ""
    return (f"---\nkind: project\nid: {ident}\ntitle: Project {ident}\nportfolio: pf\n"
            f"manager: Sam Patel{body}\n---\nCharter of {ident}.\n")


def site(**files: str) -> dict[str, str]:
    """Portfolio + program cx + the given files (paths under content/)."""
    return {"portfolio.md": PORTFOLIO, "programs/cx.md": PROGRAM, **files}


# --------------------------------------------------------------------- current status


def test_latest_report_on_or_before_as_of_wins(run):
    result = run(site(
        **{"projects/a/charter.md": project("a"),
           "projects/a/s1.md": report("a", "2026-06-01", "red"),
           "projects/a/s2.md": report("a", "2026-06-20", "amber"),
           "projects/a/s3.md": report("a", "2026-07-05", "green")}))
    status = result.model.statuses["a"]
    assert status.status == "amber"
    assert status.source == "report"
    assert status.last_report is not None
    assert status.last_report.model.date == date(2026, 6, 20)
    assert status.trend == "better"  # red -> amber; the July report is not known yet
    assert [r.model.date for r in status.reports] == [date(2026, 6, 20), date(2026, 6, 1)]


def test_report_dated_on_as_of_counts(run):
    result = run(site(**{"projects/a.md": project("a"),
                         "projects/a-1.md": report("a", "2026-06-29", "red"),
                         "projects/a-2.md": report("a", "2026-06-30", "green")}))
    assert result.model.statuses["a"].status == "green"
    assert result.model.statuses["a"].trend == "better"


def test_reports_after_as_of_are_ignored_entirely(run):
    result = run(site(**{"projects/a.md": project("a"),
                         "projects/a-1.md": report("a", "2026-07-01", "red")}))
    status = result.model.statuses["a"]
    assert status.status == "unknown"
    assert status.last_report is None
    assert status.trend is None
    assert status.stale is False


def test_status_field_used_only_without_reports(run):
    result = run(site(**{
        "projects/a.md": project("a", "status: red"),
        "projects/a-1.md": report("a", "2026-06-25", "green"),
        "projects/b.md": project("b", "status: amber"),
        "projects/c.md": project("c", "status: red"),
        "projects/c-1.md": report("c", "2026-08-01", "green"),  # after as-of
    }))
    statuses = result.model.statuses
    assert (statuses["a"].status, statuses["a"].source) == ("green", "report")
    assert (statuses["b"].status, statuses["b"].source) == ("amber", "field")
    assert (statuses["c"].status, statuses["c"].source) == ("red", "field")
    assert statuses["b"].trend is None


def test_no_report_and_no_status_field_is_unknown(run):
    result = run(site(**{"projects/a.md": project("a")}))
    assert result.model.statuses["a"].status == "unknown"
    assert result.model.statuses["a"].last_report is None


def test_status_spellings_g_a_r_and_case(run):
    result = run(site(**{
        "projects/a.md": project("a"), "projects/a-1.md": report("a", "2026-06-25", "G"),
        "projects/b.md": project("b"), "projects/b-1.md": report("b", "2026-06-25", "A"),
        "projects/c.md": project("c"), "projects/c-1.md": report("c", "2026-06-25", "R"),
        "projects/d.md": project("d"), "projects/d-1.md": report("d", "2026-06-25", "Amber"),
        "projects/e.md": project("e", "status: RED"),
    }))
    got = {k: v.status for k, v in result.model.statuses.items()}
    assert got == {"a": "green", "b": "amber", "c": "red", "d": "amber", "e": "red"}
    assert codes(result, "error") == []


def test_five_level_scale_with_slash_spelling(run):
    result = run(site(**{
        "projects/a.md": project("a"),
        "projects/a-1.md": report("a", "2026-06-01", "Amber/Green"),
        "projects/a-2.md": report("a", "2026-06-25", "Amber/Red"),
        "projects/b.md": project("b"),
        "projects/b-1.md": report("b", "2026-06-01", "Red"),
        "projects/b-2.md": report("b", "2026-06-25", "amber"),
        "projects/c.md": project("c"),
        "projects/c-1.md": report("c", "2026-06-25", "Amber/Green"),
    }), options=FIVE_LEVELS)
    assert codes(result, "error") == []
    statuses = result.model.statuses
    assert statuses["a"].status == "amber-red"
    assert statuses["a"].trend == "worse"
    assert statuses["b"].status == "amber"
    assert statuses["b"].trend == "better"
    assert statuses["c"].status == "amber-green"
    rollup = result.model.program_rollups["cx"]
    assert rollup.status == "amber-red"
    assert rollup.drivers == ["a"]
    assert rollup.counts == {"amber-green": 1, "amber": 1, "amber-red": 1}


def test_value_off_the_scale_is_an_error(run):
    result = run(site(**{"projects/a.md": project("a"),
                         "projects/a-1.md": report("a", "2026-06-25", "purple")}))
    diagnostic = only(result, "invalid-status")
    assert (diagnostic.path, diagnostic.line) == ("content/projects/a-1.md", 5)


# ----------------------------------------------------------------------------- trend


def test_trend_better_same_worse_and_none(run):
    result = run(site(**{
        "projects/up.md": project("up"),
        "projects/up-1.md": report("up", "2026-06-01", "amber"),
        "projects/up-2.md": report("up", "2026-06-20", "green"),
        "projects/flat.md": project("flat"),
        "projects/flat-1.md": report("flat", "2026-06-01", "amber"),
        "projects/flat-2.md": report("flat", "2026-06-20", "amber"),
        "projects/down.md": project("down"),
        "projects/down-1.md": report("down", "2026-05-01", "red"),
        "projects/down-2.md": report("down", "2026-06-01", "green"),
        "projects/down-3.md": report("down", "2026-06-20", "red"),
        "projects/one.md": project("one"),
        "projects/one-1.md": report("one", "2026-06-20", "red"),
    }))
    trends = {k: v.trend for k, v in result.model.statuses.items()}
    # `down` compares its latest (red) with the one just before (green), not the oldest.
    assert trends == {"up": "better", "flat": "same", "down": "worse", "one": None}


# ----------------------------------------------------------------------------- stale


def test_stale_boundary_default_14_days(run):
    result = run(site(**{
        "projects/fresh.md": project("fresh"),
        "projects/fresh-1.md": report("fresh", "2026-06-16", "green"),  # 14 days old
        "projects/old.md": project("old"),
        "projects/old-1.md": report("old", "2026-06-15", "green"),  # 15 days old
    }))
    assert result.model.statuses["fresh"].stale is False
    assert result.model.statuses["old"].stale is True
    warning = only(result, "stale-status")
    assert warning.severity == "warning"
    assert (warning.path, warning.line) == ("content/projects/old-1.md", 4)
    assert "old" in warning.message


def test_closed_project_is_never_stale(run):
    result = run(site(**{
        "projects/done.md": project("done", "phase: closed"),
        "projects/done-1.md": report("done", "2025-01-10", "green"),
    }))
    assert result.model.statuses["done"].stale is False
    assert "stale-status" not in codes(result)


def test_stale_after_days_option_honoured(run):
    files = site(**{
        "projects/a.md": project("a"),
        "projects/a-1.md": report("a", "2026-05-31", "green"),  # 30 days old
        "projects/b.md": project("b"),
        "projects/b-1.md": report("b", "2026-05-30", "green"),  # 31 days old
    })
    result = run(files, options="stale_after_days: 30")
    assert result.model.statuses["a"].stale is False
    assert result.model.statuses["b"].stale is True
    assert only(result, "stale-status").path == "content/projects/b-1.md"


def test_as_of_moves_staleness(run):
    files = site(**{"projects/a.md": project("a"),
                    "projects/a-1.md": report("a", "2026-06-16", "green")})
    assert run(files, as_of=date(2026, 6, 30)).model.statuses["a"].stale is False
    assert run(files, as_of=date(2026, 7, 1)).model.statuses["a"].stale is True


# ---------------------------------------------------------------------------- rollups


def test_program_rollup_is_worst_open_project(run):
    result = run(site(**{
        "projects/a.md": project("a"), "projects/a-1.md": report("a", "2026-06-25", "green"),
        "projects/b.md": project("b"), "projects/b-1.md": report("b", "2026-06-25", "red"),
        "projects/c.md": project("c", "phase: closed"),
        "projects/c-1.md": report("c", "2026-06-25", "red"),
        "projects/d.md": project("d"),
    }))
    rollup = result.model.program_rollups["cx"]
    assert rollup.status == "red"
    assert rollup.source == "rollup"
    assert rollup.rolled_up == "red"
    assert rollup.drivers == ["b"]  # c is red too, but closed
    assert rollup.counts.get("green") == 1
    assert rollup.counts.get("red") == 1
    assert rollup.counts.get("unknown") == 1


def test_closed_red_project_does_not_drive_rollup(run):
    result = run(site(**{
        "projects/a.md": project("a"), "projects/a-1.md": report("a", "2026-06-25", "amber"),
        "projects/c.md": project("c", "phase: closed"),
        "projects/c-1.md": report("c", "2026-06-25", "red"),
    }))
    assert result.model.program_rollups["cx"].status == "amber"
    assert result.model.program_rollups["cx"].drivers == ["a"]


def test_unknown_ignored_unless_all_unknown(run):
    mixed = run(site(**{"projects/a.md": project("a"), "projects/b.md": project("b"),
                        "projects/b-1.md": report("b", "2026-06-25", "green")}))
    assert mixed.model.program_rollups["cx"].status == "green"
    assert mixed.model.program_rollups["cx"].drivers == ["b"]


def test_all_unknown_rolls_up_to_unknown(run):
    result = run(site(**{"projects/a.md": project("a"), "projects/b.md": project("b")}))
    rollup = result.model.program_rollups["cx"]
    assert rollup.status == "unknown"
    assert rollup.counts == {"unknown": 2}


def test_program_override_keeps_rollup_and_drivers(run):
    program = PROGRAM.replace("manager: Dana Reyes", "manager: Dana Reyes\nstatus: red")
    files = site(**{"projects/a.md": project("a"),
                    "projects/a-1.md": report("a", "2026-06-25", "green"),
                    "projects/b.md": project("b"),
                    "projects/b-1.md": report("b", "2026-06-25", "amber")})
    files["programs/cx.md"] = program
    rollup = run(files).model.program_rollups["cx"]
    assert rollup.status == "red"
    assert rollup.source == "override"
    assert rollup.rolled_up == "amber"
    assert rollup.drivers == ["b"]


def test_portfolio_rolls_up_programs_and_standalone_projects(run):
    ops = PROGRAM.replace("id: cx", "id: ops").replace("Customer Experience", "Operations")
    result = run(site(**{
        "programs/ops.md": ops,
        "projects/a.md": project("a"), "projects/a-1.md": report("a", "2026-06-25", "green"),
        "projects/b.md": project("b", program="ops"),
        "projects/b-1.md": report("b", "2026-06-25", "amber"),
        "projects/s.md": standalone("s"), "projects/s-1.md": report("s", "2026-06-25", "red"),
        "projects/t.md": standalone("t", "phase: closed"),
    }))
    model = result.model
    assert model.program_rollups["cx"].status == "green"
    assert model.program_rollups["ops"].status == "amber"
    rollup = model.portfolio_rollups["pf"]
    assert rollup.status == "red"
    assert rollup.drivers == ["s"]
    assert rollup.counts.get("green") == 1
    assert rollup.counts.get("amber") == 1
    assert rollup.counts.get("red") == 1


def test_portfolio_without_red_standalone_takes_worst_program(run):
    ops = PROGRAM.replace("id: cx", "id: ops").replace("Customer Experience", "Operations")
    result = run(site(**{
        "programs/ops.md": ops,
        "projects/a.md": project("a"), "projects/a-1.md": report("a", "2026-06-25", "green"),
        "projects/b.md": project("b", program="ops"),
        "projects/b-1.md": report("b", "2026-06-25", "amber"),
        "projects/s.md": standalone("s"), "projects/s-1.md": report("s", "2026-06-25", "green"),
    }))
    rollup = result.model.portfolio_rollups["pf"]
    assert rollup.status == "amber"
    assert rollup.drivers == ["ops"]


# ------------------------------------------------------- path to green and empty body


def test_missing_path_to_green_warned_for_amber_report(run):
    text = ("---\nkind: status\nproject: a\ndate: 2026-06-25\noverall: amber\n---\n"
            "Narrative.\n")
    result = run(site(**{"projects/a.md": project("a"), "projects/a-1.md": text}))
    warning = only(result, "missing-path-to-green")
    assert (warning.path, warning.line, warning.severity) == (
        "content/projects/a-1.md", 5, "warning")


def test_missing_path_to_green_warned_for_amber_dimension(run):
    text = ("---\nkind: status\nproject: a\ndate: 2026-06-25\noverall: green\n"
            "schedule: amber\n---\nNarrative.\n")
    result = run(site(**{"projects/a.md": project("a"), "projects/a-1.md": text}))
    assert only(result, "missing-path-to-green").path == "content/projects/a-1.md"


def test_no_path_to_green_warning_when_given_or_green(run):
    given = ("---\nkind: status\nproject: a\ndate: 2026-06-25\noverall: red\n"
             "path_to_green: hire two testers\n---\nNarrative.\n")
    green = ("---\nkind: status\nproject: b\ndate: 2026-06-25\noverall: green\n"
             "schedule: green\n---\nNarrative.\n")
    result = run(site(**{"projects/a.md": project("a"), "projects/a-1.md": given,
                         "projects/b.md": project("b"), "projects/b-1.md": green}))
    assert "missing-path-to-green" not in codes(result)


def test_missing_path_to_green_on_five_level_scale(run):
    text = ("---\nkind: status\nproject: a\ndate: 2026-06-25\noverall: Amber/Green\n---\n"
            "Narrative.\n")
    result = run(site(**{"projects/a.md": project("a"), "projects/a-1.md": text}),
                 options=FIVE_LEVELS)
    assert only(result, "missing-path-to-green").line == 5


def test_empty_body_warned_for_project_charter(run):
    empty = project("a").replace("Charter of a.\n", "\n  \n")
    result = run(site(**{"projects/a.md": empty, "projects/b.md": project("b")}))
    warning = only(result, "empty-body")
    assert warning.severity == "warning"
    assert warning.path == "content/projects/a.md"
    assert warning.line >= 1
    assert "a" in warning.message


def test_clean_site_has_no_diagnostics(run):
    result = run(site(**{"projects/a.md": project("a"),
                         "projects/a-1.md": report("a", "2026-06-25", "green")}))
    assert codes(result) == []
    assert result.as_of == AS_OF
