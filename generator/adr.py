"""Read decisions kept in the common ADR layouts (adr-tools/Nygard, MADR) as they are."""

from __future__ import annotations

import re
from typing import Any

from generator.load import SourceDocument
from generator.yamlsafe import Path, Pos

ADR_FOLDERS = frozenset({"decisions", "adr", "adrs", "architecture-decisions"})
"""A Markdown file named `NNNN-title.md` in a folder with one of these names is a decision."""

_ADR_NAME = re.compile(r"\d{1,5}-[^/]+")
_H1 = re.compile(r"#\s+(?:(\d+)\.\s+)?(.+?)\s*#*\s*")
_DATE = re.compile(r"date:\s*(\S+)\s*", re.IGNORECASE)
_STATUS_WORDS = ("proposed", "accepted", "rejected", "superseded", "deprecated")
_LINK_TARGET = re.compile(r"\]\(([^)#\s]+?)\.md\)")


def is_adr_file(doc: SourceDocument) -> bool:
    """True for `decisions/0007-adopt-kafka.md` and the like."""
    parts = doc.rel.split("/")
    return (doc.fmt == "markdown" and len(parts) >= 2 and parts[-2].lower() in ADR_FOLDERS
            and _ADR_NAME.fullmatch(doc.stem) is not None)


def read_adr(doc: SourceDocument, front: dict[str, Any] | None) -> tuple[dict[str, Any],
                                                                         dict[Path, Pos]]:
    """Decision fields from an ADR's front matter (MADR) and body (Nygard).

    Returns the raw field values and, for fields read from the body, their positions.
    """
    data: dict[str, Any] = {"kind": "decision", "id": doc.stem}
    data.update(front or {})
    positions: dict[Path, Pos] = {}
    if "decision-makers" in data and "deciders" not in data:  # MADR 4's name
        data["deciders"] = data.pop("decision-makers")
        if doc.yaml is not None:
            positions[("deciders",)] = doc.yaml.pos(("decision-makers",))
    if isinstance(data.get("status"), str):  # MADR: `Accepted`, `superseded by [ADR-5](...)`
        lowered = data["status"].strip().lower()
        word = next((w for w in _STATUS_WORDS if lowered.startswith(w)), None)
        if word is not None:
            data["status"] = word
    lines = doc.body.split("\n")
    section = ""
    for offset, line in enumerate(lines):
        number = doc.body_line + offset
        stripped = line.strip()
        pos = Pos(number, 1, number, 1)
        if stripped.startswith("# ") and "title" not in data:
            match = _H1.fullmatch(stripped)
            if match:
                data["title"] = match.group(2)
                positions[("title",)] = pos
            continue
        if stripped.startswith("## "):
            section = stripped[3:].strip().lower()
            continue
        if "date" not in data:
            match = _DATE.fullmatch(stripped)
            if match:
                data["date"] = match.group(1)
                positions[("date",)] = pos
                continue
        if section == "status" and stripped:
            lowered = stripped.lower()
            word = next((w for w in _STATUS_WORDS if lowered.startswith(w)), None)
            if word and "status" not in data:
                data["status"] = word
                positions[("status",)] = pos
            if lowered.startswith("supersedes"):
                targets = [t.rsplit("/", 1)[-1] for t in _LINK_TARGET.findall(stripped)]
                if targets:
                    data.setdefault("supersedes", [])
                    if isinstance(data["supersedes"], list):
                        data["supersedes"].extend(targets)
                    positions[("supersedes",)] = pos
    positions.setdefault((), Pos(doc.body_line, 1, doc.body_line, 1))
    return data, positions
