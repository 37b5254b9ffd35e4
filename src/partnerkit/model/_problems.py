"""Turn pydantic's validation errors into plain :class:`WorkspaceProblem` entries.

Paths are written ``sources[2].matching.utm_source``; a key that is not a plain name
is quoted, ``months["2026-11"]``. :func:`parse_path` reads such a path back, which the
loader uses to find the line of a problem.
"""

from __future__ import annotations

import json
import re
import types
from collections.abc import Sequence
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from partnerkit.errors import WorkspaceProblem
from partnerkit.model._base import Refused, closest

__all__ = ["format_path", "from_validation_error", "parse_path"]

PathPart = str | int

_C1_RE = re.compile(r"[\x7f-\x9f]")
_NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_TOKEN_RE = re.compile(r'\.?([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]')


def format_path(parts: Sequence[Any]) -> str:
    """Write a key path: ``sources[2].matching.utm_source``.

    A part that is neither text nor a list index (a YAML key that is a date or null) is
    written as text.
    """
    out = ""
    for raw in parts:
        part = raw if isinstance(raw, int | str) else str(raw)
        if isinstance(part, int):
            out += f"[{part}]"
        elif _NAME_RE.match(part):
            out += f".{part}" if out else part
        else:
            quoted = json.dumps(part, ensure_ascii=False)  # escapes C0 controls, not C1
            out += "[" + _C1_RE.sub(_escape_c1, quoted) + "]"
    return out


def _escape_c1(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def parse_path(path: str) -> list[PathPart]:
    """Read back a path written by :func:`format_path`."""
    parts: list[PathPart] = []
    pos = 0
    while pos < len(path):
        match = _TOKEN_RE.match(path, pos)
        if match is None:  # pragma: no cover - only paths format_path wrote are parsed
            break
        name, index, quoted = match.groups()
        parts.append(
            name if name is not None else int(index) if index is not None else json.loads(quoted)
        )
        pos = match.end()
    return parts


# ----------------------------------------------------------- walking the types


def _unwrap(tp: Any) -> Any:
    while True:
        origin = get_origin(tp)
        if origin is Annotated:
            tp = get_args(tp)[0]
        elif origin in (Union, types.UnionType):
            args = [a for a in get_args(tp) if a is not type(None)]
            if len(args) != 1:
                return tp
            tp = args[0]
        else:
            return tp


def _is_model(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, BaseModel)


def _tag_member(tp: Any, tag: str) -> Any:
    """The member of a discriminated union of models whose ``kind`` literal is ``tag``."""
    for member in get_args(tp):
        member = _unwrap(member)
        if _is_model(member) and "kind" in member.model_fields:
            literal = _unwrap(member.model_fields["kind"].annotation)
            if get_origin(literal) is Literal and tag in get_args(literal):
                return member
    return None


def clean_loc(root: type[BaseModel], loc: Sequence[PathPart]) -> tuple[list[PathPart], Any]:
    """Drop pydantic's internal location parts (union tags, ``[key]``) from an error loc.

    Returns:
        The key path as the file writes it, and the model class the last key was
        looked up in (``None`` when it is not inside a model).
    """
    tp: Any = root
    parts: list[PathPart] = []
    owner: Any = None
    for item in loc:
        tp = _unwrap(tp)
        if _is_model(tp):
            owner = tp
            field = tp.model_fields.get(item) if isinstance(item, str) else None
            parts.append(item)
            tp = field.annotation if field is not None else None
            continue
        owner = None
        origin = get_origin(tp)
        if origin in (Union, types.UnionType) and isinstance(item, str):
            member = _tag_member(tp, item)
            if member is not None:
                tp = member
                continue
        if origin in (list, tuple) and isinstance(item, int):
            parts.append(item)
            tp = get_args(tp)[0] if get_args(tp) else None
            continue
        if origin is dict:
            if item == "[key]":
                continue
            parts.append(item)
            tp = get_args(tp)[1] if get_args(tp) else None
            continue
        if isinstance(item, str) and (item.startswith("function-") or item == "[key]"):
            continue
        parts.append(item)
        tp = None
    return parts, owner


# ------------------------------------------------------------ plain messages


def _describe(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    return type(value).__name__


def _got(err: ErrorDetails) -> str:
    value = err.get("input")
    return "" if is_scalar(value) else f" (got {_describe(value)})"


def is_scalar(value: Any) -> bool:
    """True for values worth showing in a problem (not mappings or lists)."""
    return not isinstance(value, dict | list | tuple | set | BaseModel)


_TYPE_MESSAGES: dict[str, str] = {
    "string_type": "must be text",
    "int_type": "must be a whole number",
    "int_parsing": "must be a whole number",
    "int_from_float": "must be a whole number",
    "decimal_type": "must be a number",
    "decimal_parsing": "must be a number",
    "float_type": "must be a number",
    "float_parsing": "must be a number",
    "finite_number": "must be a finite number",
    "bool_type": "must be true or false",
    "bool_parsing": "must be true or false",
    "list_type": "must be a list ('- item' lines, or [a, b])",
    "tuple_type": "must be a list ('- item' lines, or [a, b])",
    "dict_type": "must be a mapping of keys and values",
    "model_type": "must be a mapping of keys and values",
    "model_attributes_type": "must be a mapping of keys and values",
    "date_type": "must be a date written YYYY-MM-DD, e.g. 2026-01-31",
    "date_parsing": "must be a date written YYYY-MM-DD, e.g. 2026-01-31",
    "date_from_datetime_parsing": "must be a date written YYYY-MM-DD, e.g. 2026-01-31",
    "date_from_datetime_inexact": "must be a date without a time of day",
    "time_type": "must be a time written HH:MM in quotes, e.g. '09:00'",
    "time_parsing": "must be a time written HH:MM in quotes, e.g. '09:00'",
    "url_parsing": "must be a web address such as https://example.com/page",
    "url_scheme": "must be a web address such as https://example.com/page",
    "url_type": "must be a web address such as https://example.com/page",
    "string_too_short": "must not be empty",
}


def _union_tags(annotation: Any, key: str) -> list[str]:
    """The tag values of a discriminated union of models, in declaration order."""
    tags: list[str] = []
    for member in get_args(_unwrap(annotation)):
        member = _unwrap(member)
        if _is_model(member) and key in member.model_fields:
            literal = _unwrap(member.model_fields[key].annotation)
            if get_origin(literal) is Literal:
                tags += [str(a) for a in get_args(literal)]
    return tags


def _allowed_keys(owner: Any) -> list[str]:
    if not _is_model(owner):
        return []
    return [f.alias or name for name, f in owner.model_fields.items()]


def _message(err: ErrorDetails, parts: list[PathPart], owner: Any) -> str:
    kind = err["type"]
    ctx: dict[str, Any] = dict(err.get("ctx") or {})
    value = err.get("input")
    if kind == "missing":
        return "is required but missing"
    if kind == "extra_forbidden":
        key = parts[-1] if parts else "?"
        allowed = _allowed_keys(owner)
        near = closest(str(key), allowed)
        hint = f" Did you mean {near[0]!r}?" if near else ""
        return f"unknown key {key!r}.{hint} Allowed keys here: {', '.join(allowed)}"
    if kind in ("literal_error", "enum"):
        expected = str(ctx.get("expected", ""))
        allowed = re.findall(r"'([^']*)'", expected) or re.split(r", | or ", expected)
        near = closest(value, allowed) if isinstance(value, str) else []
        hint = f" Did you mean {near[0]!r}?" if near else ""
        return f"must be one of: {', '.join(allowed)}.{hint}{_got(err)}"
    if kind in ("union_tag_invalid", "union_tag_not_found"):
        allowed = re.findall(r"'([^']*)'", str(ctx.get("expected_tags", "")))
        key = str(ctx.get("discriminator", "kind")).strip("'")
        if not allowed and _is_model(owner) and parts and parts[-1] in owner.model_fields:
            allowed = _union_tags(owner.model_fields[str(parts[-1])].annotation, key)
        if kind == "union_tag_not_found":
            return f"is required: one of {', '.join(allowed)}"
        near = closest(str(ctx.get("tag", "")), allowed)
        hint = f" Did you mean {near[0]!r}?" if near else ""
        return f"must be one of: {', '.join(allowed)}.{hint}"
    if kind in ("value_error", "assertion_error"):
        msg = str(err["msg"])
        return re.sub(r"^(Value error|Assertion failed), ", "", msg)
    if kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        words = {
            "greater_than": "more than",
            "greater_than_equal": "at least",
            "less_than": "less than",
            "less_than_equal": "at most",
        }
        bound = next(iter(ctx.values()), "?")
        return f"must be {words[kind]} {bound}"
    if kind == "too_short":
        need = ctx.get("min_length", 1)
        return f"must have at least {need} item{'s' if need != 1 else ''}"
    if kind == "string_pattern_mismatch":
        return f"has the wrong form: it must match {ctx.get('pattern')}"
    if kind in _TYPE_MESSAGES:
        return _TYPE_MESSAGES[kind] + _got(err)
    return str(err["msg"])


def from_validation_error(
    exc: ValidationError, root: type[BaseModel], prefix: Sequence[PathPart] = ()
) -> list[WorkspaceProblem]:
    """Translate a pydantic ValidationError into workspace problems (no lines yet).

    Args:
        exc: The error.
        root: The model that was validated.
        prefix: Path parts to put in front of every location.

    Returns:
        One problem per pydantic error, in pydantic's order.
    """
    problems = []
    seen: set[int] = set()
    for err in exc.errors(include_url=False):
        parts, owner = clean_loc(root, err["loc"])
        refused = err.get("input")
        if isinstance(refused, Refused):
            if id(refused) not in seen:  # a union reports it once per member
                seen.add(id(refused))
                problems += _control_characters(refused, [*prefix, *parts])
            continue
        message = _message(err, parts, owner)
        if err["type"] in ("union_tag_invalid", "union_tag_not_found"):
            parts.append(str((err.get("ctx") or {}).get("discriminator", "kind")).strip("'"))
        value = err.get("input")
        secret = "secrets" in parts or "settings" in parts  # never echo what may be a secret
        shown = (
            value
            if is_scalar(value) and not secret and err["type"] not in ("missing", "extra_forbidden")
            else None
        )
        problems.append(WorkspaceProblem(format_path([*prefix, *parts]), message, None, shown))
    return problems


def _control_characters(refused: Refused, parts: list[PathPart]) -> list[WorkspaceProblem]:
    """One problem per text with a control character; ``parts`` ends at or inside the field."""
    field = refused.found[0]["at"][0]
    cut = max((i for i, part in enumerate(parts) if part == field), default=len(parts))
    problems = []
    for found in refused.found:
        path = [*parts[:cut], *found["at"]]
        text = found["text"]
        secret = "secrets" in path or "settings" in path
        shown = text if len(text) <= 60 and not secret else None
        problems.append(WorkspaceProblem(format_path(path), found["message"], None, shown))
    return problems
