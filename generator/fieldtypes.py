"""Field types of the content schema: ids, dates, statuses, levels, money, lists."""

from __future__ import annotations

import math
import re
from datetime import date
from typing import Annotated, Any

from pydantic import BeforeValidator, ValidationInfo
from pydantic_core import PydanticCustomError

from generator.scale import StatusScale

ID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
_DATE_PATTERN = re.compile(r"\d{4}-\d{2}-\d{2}")
_LEVEL_WORDS = {"low": 1, "medium": 3, "high": 5}
# Invisible characters that can make two ids or titles look alike (bidi controls, zero width).
_INVISIBLE = re.compile("[\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]")
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f]")


def _id(value: Any) -> str:
    if not isinstance(value, str) or not ID_PATTERN.fullmatch(value):
        raise PydanticCustomError(
            "invalid_id",
            "'{value}' is not a valid id: use 1-64 letters, digits, '.', '_' or '-', "
            "starting with a letter or digit",
            {"value": _show(value)})
    return value


def _ref(value: Any) -> str:
    """A reference: an id, or `project#milestone`; resolved later against the model."""
    if isinstance(value, str):
        parts = value.strip().split("#")
        if 1 <= len(parts) <= 2 and all(ID_PATTERN.fullmatch(p) for p in parts):
            return value.strip()
    raise PydanticCustomError(
        "invalid_reference",
        "'{value}' is not a reference: write an id, or project#milestone",
        {"value": _show(value)})


def _date(value: Any) -> date:
    if isinstance(value, date):
        return value
    if isinstance(value, str) and _DATE_PATTERN.fullmatch(value.strip()):
        try:
            return date.fromisoformat(value.strip())
        except ValueError as exc:
            raise PydanticCustomError(
                "invalid_date", "'{value}' is not a real date ({reason})",
                {"value": value, "reason": str(exc)}) from None
    raise PydanticCustomError(
        "invalid_date", "'{value}' is not a date: write it as YYYY-MM-DD",
        {"value": _show(value)})


def _status(value: Any, info: ValidationInfo) -> str:
    scale: StatusScale = (info.context or {})["scale"]
    if isinstance(value, str):
        parsed = scale.parse(value)
        if parsed is not None:
            return parsed
    raise PydanticCustomError(
        "invalid_status", "'{value}' is not a status; use one of: {allowed}",
        {"value": _show(value), "allowed": ", ".join(scale.values)})


def _level(value: Any) -> int:
    text = value.strip().lower() if isinstance(value, str) else value
    if isinstance(text, str) and text in _LEVEL_WORDS:
        return _LEVEL_WORDS[text]
    if isinstance(text, str) and text.isdigit() and 1 <= int(text) <= 5:
        return int(text)
    if isinstance(text, int) and not isinstance(text, bool) and 1 <= text <= 5:
        return text
    raise PydanticCustomError(
        "invalid_level", "'{value}' is not a level: use 1-5 or low, medium, high",
        {"value": _show(value)})


def _number(value: Any) -> float:
    number: float | None = None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(value.strip().replace("_", ""))
        except ValueError:
            pass
    if number is not None and math.isfinite(number):
        return number
    raise PydanticCustomError(
        "invalid_number", "'{value}' is not a number (write 1250000, not '1.25M' or '1,250,000')",
        {"value": _show(value)})


def _fraction(value: Any) -> float:
    """An allocation: 0.5 or `50%`."""
    if isinstance(value, str) and value.strip().endswith("%"):
        number = _number(value.strip()[:-1]) / 100
    else:
        number = _number(value)
    if not 0 <= number <= 1:
        raise PydanticCustomError(
            "invalid_number", "allocation {value} is outside 0-1 (write 0.5 or 50%)",
            {"value": _show(value)})
    return number


def _percent(value: Any) -> float:
    text = value.strip().rstrip("%") if isinstance(value, str) else value
    number = _number(text)
    if not 0 <= number <= 100:
        raise PydanticCustomError(
            "invalid_number", "{value} is outside 0-100", {"value": _show(value)})
    return number


def _text(value: Any) -> str:
    """Free text: a string; numbers written plainly (`title: 2026`) are taken as text."""
    if isinstance(value, str):
        if _CONTROL.search(value):
            raise PydanticCustomError(
                "invalid_text", "text contains control characters", {})
        return value
    raise PydanticCustomError(
        "invalid_type", "expected text, got {what}", {"what": _what(value)})


def _title(value: Any) -> str:
    text = _text(value).strip()
    if not text:
        raise PydanticCustomError("invalid_text", "must not be empty", {})
    if _INVISIBLE.search(text):
        raise PydanticCustomError(
            "invalid_text", "contains invisible or direction-changing characters "
            "(U+200B-U+200F, U+202A-U+202E, U+2066-U+2069)", {})
    return text


def _listify(value: Any) -> Any:
    """Accept a single value where a list is expected (`depends_on: crm`)."""
    if value is None:
        return []
    if isinstance(value, (str, dict)):
        return [value]
    return value


def _flag_or_date(value: Any) -> date | bool:
    if isinstance(value, str) and value.strip().lower() in ("true", "yes", "false", "no"):
        return value.strip().lower() in ("true", "yes")
    return _date(value)


def _what(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return "nothing" if value is None else f"'{_show(value)}'"


def _show(value: Any) -> str:
    text = value if isinstance(value, str) else repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


Id = Annotated[str, BeforeValidator(_id)]
Ref = Annotated[str, BeforeValidator(_ref)]
IsoDate = Annotated[date, BeforeValidator(_date)]
Status = Annotated[str, BeforeValidator(_status)]
Level = Annotated[int, BeforeValidator(_level)]
Number = Annotated[float, BeforeValidator(_number)]
Fraction = Annotated[float, BeforeValidator(_fraction)]
Percent = Annotated[float, BeforeValidator(_percent)]
Text = Annotated[str, BeforeValidator(_text)]
Title = Annotated[str, BeforeValidator(_title)]
DoneMark = Annotated[date | bool, BeforeValidator(_flag_or_date)]
RefList = Annotated[list[Ref], BeforeValidator(_listify)]
TextList = Annotated[list[Text], BeforeValidator(_listify)]
