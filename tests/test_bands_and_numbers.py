"""Risk score bands from the one `risk_bands` option, and numbers written for people."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from generator.diagrams.benefits import benefit_svg
from generator.diagrams.heatmap import heatmap_svg
from generator.diagrams.render import text_width
from generator.errors import ConfigError
from generator.registers import band, risk_bands
from generator.scale import StatusScale
from generator.settings import RISK_BANDS, Options
from generator.templating import make_environment, number_text, percent_text
from tests.conftest import PORTFOLIO, codes, write_site
from tests.test_pages import AS_OF, Site, build

NBSP = "\u00a0"
CUSTOM = {"low": 3, "medium": 6, "high": 12, "severe": 25}


@pytest.mark.parametrize(("score", "expected"), [
    (1, "low"), (4, "low"), (5, "medium"), (9, "medium"), (10, "high"), (16, "high"),
    (17, "severe"), (25, "severe")])
def test_default_bands_are_the_spec_s(score: int, expected: str) -> None:
    assert Options().risk_bands == RISK_BANDS == {"low": 4, "medium": 9, "high": 16,
                                                  "severe": 25}
    assert band(score, Options().risk_bands) == expected


@pytest.mark.parametrize(("score", "expected"), [
    (3, "low"), (4, "medium"), (6, "medium"), (7, "high"), (12, "high"), (13, "severe")])
def test_custom_bands_move_the_boundaries(score: int, expected: str) -> None:
    options = Options.from_mapping({"risk_bands": dict(CUSTOM)})
    assert band(score, options.risk_bands) == expected


def test_bands_know_their_score_ranges() -> None:
    assert [(b.name, b.low, b.high, b.text) for b in risk_bands(RISK_BANDS)] == [
        ("low", 1, 4, "low (1–4)"), ("medium", 5, 9, "medium (5–9)"),
        ("high", 10, 16, "high (10–16)"), ("severe", 17, 25, "severe (17–25)")]


@pytest.mark.parametrize(("raw", "message"), [
    ([4, 9, 16, 25], "expected a mapping"),
    ({"low": 4, "medium": 9, "high": 16}, "missing severe"),
    ({"low": 4, "medium": 9, "high": 16, "severe": 25, "extreme": 30}, "unknown band(s) extreme"),
    ({"low": 4, "medium": "9", "high": 16, "severe": 25}, "medium: '9' is not a whole-number"),
    ({"low": 4, "medium": True, "high": 16, "severe": 25}, "medium: 'True' is not a whole"),
    ({"low": 4, "medium": 9, "high": 9, "severe": 25}, "high: 9 must be above 9"),
    ({"low": 0, "medium": 9, "high": 16, "severe": 25}, "low: 0 must be above 0"),
    ({"low": 4, "medium": 9, "high": 16, "severe": 20}, "severe: 20 must be 25"),
    ({"low": 4, "medium": 9, "high": 16, "severe": 30}, "severe: 30 must be above 16"),
])
def test_bad_risk_bands_are_config_errors_naming_the_problem(raw: object, message: str) -> None:
    with pytest.raises(ConfigError, match=re.escape(message)) as caught:
        Options.from_mapping({"risk_bands": raw})
    assert str(caught.value).startswith("pmsite options: risk_bands")


def test_risk_bands_is_a_plugin_option() -> None:
    from generator.mkdocs_plugin import PmsitePlugin

    assert "risk_bands" in dict(PmsitePlugin.config_scheme)


# Every score that a probability x impact (1-5 each) can take around a boundary; 17 is no
# such product (the band function is checked for it above).
SCORED = {4: (2, 2), 5: (1, 5), 9: (3, 3), 10: (2, 5), 16: (4, 4), 20: (4, 5), 25: (5, 5)}


def _site(root: Path, options: str = "") -> Site:
    risks = "\n".join(f"  - {{id: r{s}, title: Risk {s}, probability: {p}, impact: {i}}}"
                      for s, (p, i) in SCORED.items())
    config = write_site(root, {
        "portfolio.md": PORTFOLIO,
        "projects/p1.md": (f"---\nkind: project\nid: p1\ntitle: P1\nportfolio: pf\n"
                           f"manager: Sam\nrisks:\n{risks}\n---\nText.\n")}, options)
    return build(config, AS_OF)


CUSTOM_OPTION = "risk_bands: {low: 3, medium: 6, high: 12, severe: 25}"


@pytest.mark.parametrize(("options", "bands"), [("", RISK_BANDS), (CUSTOM_OPTION, CUSTOM)])
def test_heat_map_legend_register_and_project_page_agree(tmp_path: Path, options: str,
                                                          bands: dict[str, int]) -> None:
    site = _site(tmp_path, options)
    model = site.result.model
    assert codes(site.result, "error") == []
    svg = heatmap_svg(model, model.risks, "", lambda p, i: f"#cell-{p}-{i}")
    legend = re.findall(r"<text [^>]*>([a-z]+ \(\d+(?:–\d+)?\))</text>", svg)
    assert legend == [b.text for b in risk_bands(bands)]
    register, page = site.html["risks/"], site.html["projects/p1/"]
    for score, (p, i) in SCORED.items():
        name = band(score, bands)
        assert next(f for f in model.risks if f.record.id == f"r{score}").band == name
        cell = re.search(rf'<g class="heat-cell band-(\w+)" data-probability="{p}" '
                         rf'data-impact="{i}"', svg)
        assert cell is not None and cell.group(1) == name
        low, high = next((b.low, b.high) for b in risk_bands(bands) if b.name == name)
        assert low <= score <= high
        shown = (f'<span class="heat-score heat-{name}">{score}</span> '
                 f'<span class="heat-band">{name}</span>')
        for html in (register, page):
            row = re.search(rf'<tr id="risk-r{score}">.*?</tr>', html, re.DOTALL)
            assert row is not None and shown in row.group(0), (score, name)
        assert f'heat heat-{name}" title="probability {p}, impact {i}: score {score} ' \
               f'({name})' in register
    for b in risk_bands(bands):
        assert (f'<span class="heat heat-{b.name}">{b.name}</span> score {b.low}–{b.high}'
                in register)


def test_heat_map_fallback_is_a_real_table(tmp_path: Path) -> None:
    html = _site(tmp_path).html["risks/"]
    table = html[html.index('<table class="pm-heat">'):]
    table = table[:table.index("</table>")]
    assert "<caption>" in table and '<th scope="col">impact 1</th>' in table
    assert '<th scope="row">probability 5</th>' in table
    css = (Path(__file__).parent.parent / "templates/assets/pmsite.css").read_text()
    assert "table.pm-heat {" in css and ".heat-severe {" in css


@pytest.mark.parametrize(("value", "unit", "expected"), [
    (4100000.0, "EUR", f"4,100,000{NBSP}EUR"), (14.0, "", "14"), (14.0, "incidents",
                                                                    f"14{NBSP}incidents"),
    (0.5, None, "0.5"), (1234.567, "", "1,234.57"), (1234.5, "", "1,234.5"),
    (-2500.0, "EUR", f"-2,500{NBSP}EUR"), (-0.001, "", "0"), (0, "", "0"), (None, "EUR", ""),
    (7, "days", f"7{NBSP}days")])
def test_numbers_for_people(value: float | None, unit: str | None, expected: str) -> None:
    assert number_text(value, unit) == expected


def test_number_filters_in_templates() -> None:
    env = make_environment(StatusScale(Options().status_scale))
    render = env.from_string("{{ a|number('EUR') }}|{{ b|number }}|{{ c|money('EUR') }}|"
                             "{{ d|pct }}")
    assert render.render(a=4100000.0, b=14.0, c=1234.567, d=0.25) == (
        f"4,100,000{NBSP}EUR|14|1,234.57{NBSP}EUR|25%")
    assert percent_text(12.5) == "1,250%" and percent_text(None) == ""


def test_benefit_pages_print_values_for_people(tmp_path: Path) -> None:
    config = write_site(tmp_path, {
        "portfolio.md": PORTFOLIO,
        "programs/cx.md": """\
            ---
            kind: program
            id: cx
            title: CX
            portfolio: pf
            manager: Dana
            benefits:
              - id: savings
                title: Savings
                unit: EUR
                baseline: 4100000.0
                target: 2500000.5
                due: 2026-12-31
                measurements: [{date: 2026-06-01, value: 3200000.25}]
              - id: incidents
                title: Fewer incidents
                unit: incidents
                baseline: 20
                target: 14.0
                measurements: [{date: 2026-06-01, value: 16.0}]
            ---
            Text.
            """})
    site = build(config, AS_OF)
    page = site.html["programs/cx/"]
    for text in (f"4,100,000{NBSP}EUR", f"3,200,000.25{NBSP}EUR", f"2,500,000.5{NBSP}EUR",
                 f"20{NBSP}incidents", f"16{NBSP}incidents", f"14{NBSP}incidents"):
        assert text in page, text
    assert "4100000.0" not in page and "14.0" not in page
    model = site.result.model
    fact = next(f for f in model.benefits if f.benefit.id == "savings")
    svg = benefit_svg(model, fact)
    width = float(re.search(r'<svg [^>]*width="([\d.]+)"', svg).group(1))  # type: ignore[union-attr]
    label = re.search(r'<text font-size="10.5" x="([\d.]+)"[^>]*>(baseline [^<]*)</text>', svg)
    assert label is not None and label.group(2) == f"baseline 4,100,000{NBSP}EUR"
    # The whole label fits inside the drawing: nothing is clipped.
    assert float(label.group(1)) + text_width(label.group(2), 10.5) <= width
