"""Report input files (YAML or JSON, one schema): loading with every problem reported, and dumping.

The schema, documented in ``docs/reference/input-schema.md``::

    institution: district-publicity      # the institution (plugin) name
    unit: D01                            # the reporting unit's code
    unit_name: 某区                       # optional, when no org tree is given
    title: 疫情防控宣传工作总结              # optional
    period: 2020-01-23/2020-02-29        # any period id
    level_names: [区, 街道, 社区]          # optional
    org_units:                           # optional tree of sub-units
      - {code: D01, name: 某区}
      - {code: S01, name: 东街道, parent: D01}
    values:                              # short form: indicator -> value for the unit and period
      leaflets: 32456
      banners: 零报告
      returnees:                         # per category option (the total is their sum)
        by: {wuhan: 52, hubei_other: 30, outside: 118}
    # or long form: a list of rows
    # values:
    #   - {indicator: leaflets, unit: S01, period: 20200201, value: 120}
    #   - {indicator: returnees, unit: S01, period: 20200201, options: [wuhan], value: 12}
    measures:
      - {code: garbage, title: 生活垃圾清运, frequency: 2/day, replaces: 1/day}
    narrative:                           # the free inputs the institution declares
      plans: [某区疫情防控宣传工作方案]
"""

from __future__ import annotations

import functools
import json
import os
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from epireport.exceptions import InputError, ModelError, Problem
from epireport.io._convert import (
    _data_value_from_row,
    converter,
    format_path,
    problems_from,
)
from epireport.model._indicators import Indicator, IndicatorKind, ValueType
from epireport.model._measures import Measure
from epireport.model._periods import Period
from epireport.model._report import ReportInput
from epireport.model._units import OrgTree, OrgUnit
from epireport.model._values import DataValue, ValueStatus

if TYPE_CHECKING:
    from epireport.model._institution import Institution

__all__ = [
    "dump_report",
    "dumps_report",
    "load_report",
    "loads_report",
    "parse_mapping",
    "read_mapping",
]

_TOP_KEYS = (
    "institution",
    "unit",
    "unit_name",
    "title",
    "period",
    "level_names",
    "org_units",
    "values",
    "measures",
    "narrative",
)
_REQUIRED = ("institution", "unit", "period")


@functools.cache
def _yaml_loader() -> type:
    """A safe YAML loader that keeps dates as text and knows only true/false as booleans.

    YAML 1.1 would turn ``2020-01-23`` into a date and ``no`` into False; period ids and
    Chinese answers must arrive as written.
    """
    import re

    import yaml

    base: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class Loader(base):  # type: ignore[misc]
        pass

    resolvers: dict[str, list[tuple[str, Any]]] = {}
    for first, entries in base.yaml_implicit_resolvers.items():
        kept = [
            (tag, rx)
            for tag, rx in entries
            if tag not in ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:bool")
        ]
        if kept:
            resolvers[first] = kept
    Loader.yaml_implicit_resolvers = resolvers
    Loader.add_implicit_resolver(
        "tag:yaml.org,2002:bool",
        re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
        list("tTfF"),
    )
    return Loader


_NO_KEY: Final = object()


class _MappingFrame:
    """A mapping being read: its items so far and the key waiting for its value."""

    __slots__ = ("data", "key")

    def __init__(self) -> None:
        self.data: dict[Any, Any] = {}
        self.key: Any = _NO_KEY


# Scalar types whose values may stand for each other: built once, shared by every occurrence.
_SHARED: Final = frozenset({str, int, float, bool, type(None)})


class _NotPlain(Exception):
    """A document that uses aliases, tags or merge keys: read by the full loader instead."""


def load_yaml(text: str) -> Any:
    """Parse YAML *text* as :func:`_yaml_loader` reads it, without building its node graph.

    PyYAML composes a whole document into nodes (each with two position marks) before it
    builds the data: a units file of 30,000 schools costs about 100 MB and two seconds that
    way. Plain data (mappings, lists, scalars; no aliases, explicit tags or merge keys) is
    built here from the parser's events, each scalar resolved and constructed by the same
    loader; anything else goes to the full loader. Raises ``yaml.YAMLError`` as it does.
    """
    import yaml

    loader_type = _yaml_loader()
    try:
        return _from_events(yaml, loader_type, text)
    except _NotPlain:
        return yaml.load(text, Loader=loader_type)


def _from_events(yaml: Any, loader_type: Any, text: str) -> Any:
    loader = loader_type("")
    construct = loader.yaml_constructors
    resolve = loader.resolve
    scalar_node = yaml.ScalarNode
    stack: list[Any] = []  # open containers: a list, or a _MappingFrame
    documents: list[Any] = []
    # A units file repeats its keys (code, name, parent) and many values: each distinct
    # scalar is resolved and constructed once. Only immutable results are shared.
    scalars: dict[tuple[str, Any], Any] = {}
    for event in yaml.parse(text, Loader=loader_type):
        kind = type(event)
        if kind is yaml.ScalarEvent:
            if event.tag not in (None, "!") or event.anchor is not None:
                raise _NotPlain
            key = (event.value, event.implicit)
            item = scalars.get(key, _NO_KEY)
            if item is _NO_KEY:
                tag = resolve(scalar_node, event.value, event.implicit)
                constructor = construct.get(tag)
                if constructor is None:
                    raise _NotPlain  # a merge key (<<), say
                item = constructor(loader, scalar_node(tag, event.value, style=event.style))
                if type(item) in _SHARED:
                    scalars[key] = item
        elif kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
            if event.tag not in (None, "!") or event.anchor is not None:
                raise _NotPlain
            stack.append(_MappingFrame() if kind is yaml.MappingStartEvent else [])
            continue
        elif kind is yaml.MappingEndEvent:
            item = stack.pop().data
        elif kind is yaml.SequenceEndEvent:
            item = stack.pop()
        elif kind is yaml.AliasEvent:
            raise _NotPlain
        elif kind is yaml.DocumentEndEvent and not stack and len(documents) > 1:
            raise _NotPlain  # yaml.load refuses a second document: let it say so
        else:
            continue  # stream and document boundaries
        if not stack:
            documents.append(item)
            continue
        top = stack[-1]
        if type(top) is list:
            top.append(item)
        elif top.key is _NO_KEY:
            if type(item) in (dict, list):
                raise _NotPlain  # a complex key: as the loader says
            top.key = item
        else:
            top.data[top.key] = item
            top.key = _NO_KEY
    if len(documents) != 1:
        raise _NotPlain  # empty (None) or several documents: as the loader says
    return documents[0]


def read_mapping(path: str | os.PathLike[str]) -> Mapping[str, Any]:
    """Read a YAML or JSON file into a mapping, or raise InputError saying where it broke."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise InputError(
            [Problem(str(p), f"cannot read the file: {exc.strerror or exc}")]
        ) from None
    except UnicodeDecodeError as exc:
        raise InputError(
            [Problem(str(p), f"not UTF-8 text (byte {exc.start}); save the file as UTF-8")]
        ) from None
    return parse_mapping(text, str(p), json_format=p.suffix.lower() == ".json")


def parse_mapping(text: str, name: str, *, json_format: bool) -> Mapping[str, Any]:
    """Parse YAML or JSON text into a mapping, or raise InputError with line and column."""
    if json_format:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputError(
                [
                    Problem(
                        f"{name}: line {exc.lineno}, column {exc.colno}", f"invalid JSON: {exc.msg}"
                    )
                ]
            ) from None
    else:
        import yaml

        try:
            data = load_yaml(text)
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark
            where = f"{name}: line {mark.line + 1}, column {mark.column + 1}" if mark else name
            raise InputError([Problem(where, f"invalid YAML: {exc.problem}")]) from None
        except yaml.YAMLError as exc:
            raise InputError([Problem(name, f"invalid YAML: {exc}")]) from None
    if not isinstance(data, dict):
        raise InputError(
            [Problem(f"{name}: $", f"expected a mapping at the top, got {type(data).__name__}")]
        )
    return data


def load_report(
    source: str | os.PathLike[str] | Mapping[str, Any],
    *,
    institution: Institution | None = None,
    name: str | None = None,
) -> ReportInput:
    """Load a report input from a YAML/JSON file or an already parsed mapping.

    Every problem is collected and raised at once as one :class:`InputError`, each with its
    location (``report.yaml: $.values.leaflets: expected a non-negative integer, got '十二'``).
    With ``institution``, values, measures and narrative inputs are also checked against what
    the institution declares: an unknown indicator or narrative key is an error.
    """
    if isinstance(source, Mapping):
        data, where = source, name or ""
    else:
        data, where = read_mapping(source), name or str(source)
    return _build(data, where, institution)


def loads_report(
    text: str,
    *,
    json_format: bool = False,
    institution: Institution | None = None,
    name: str = "<string>",
) -> ReportInput:
    """Load a report input from YAML (or JSON) text."""
    return _build(parse_mapping(text, name, json_format=json_format), name, institution)


def _build(data: Mapping[str, Any], where: str, institution: Institution | None) -> ReportInput:
    problems: list[Problem] = []

    def problem(segments: list[str | int], message: str) -> None:
        path = format_path(segments)
        problems.append(Problem(f"{where}: {path}" if where else path, message))

    def structure(value: Any, tp: Any, segments: list[str | int]) -> Any:
        try:
            return converter().structure(value, tp)
        except Exception as exc:
            problems.extend(problems_from(exc, segments, where))
            return None

    for key in sorted(set(data) - set(_TOP_KEYS)):
        problem([key], f"unknown key (expected one of: {', '.join(_TOP_KEYS)})")
    for key in _REQUIRED:
        if key not in data:
            problem([key], "required key is missing")

    fields: dict[str, Any] = {}
    for key, tp in (("institution", str), ("unit", str), ("unit_name", str), ("title", str)):
        if key in data:
            fields[key] = structure(data[key], tp, [key])

    def listed(key: str, *, of_mappings: bool) -> list[Any]:
        # cattrs would iterate a string character by character and call .keys() on each: say
        # what the schema wants instead.
        value = data.get(key, [])
        if not isinstance(value, list):
            problem([key], f"expected a list, got {value!r}")
            return []
        if of_mappings:
            bad = [i for i, item in enumerate(value) if not isinstance(item, Mapping)]
            for i in bad:
                problem([key, i], f"expected a mapping of fields, got {value[i]!r}")
            if bad:
                return []
        return value

    period = structure(data["period"], Period, ["period"]) if "period" in data else None
    level_names = structure(
        listed("level_names", of_mappings=False), tuple[str, ...], ["level_names"]
    )
    units = structure(listed("org_units", of_mappings=True), tuple[OrgUnit, ...], ["org_units"])
    tree: OrgTree | None = None
    if units:
        try:
            tree = OrgTree(units, level_names or ())
        except ModelError as exc:
            problem(["org_units"], str(exc))
    measures = structure(listed("measures", of_mappings=True), tuple[Measure, ...], ["measures"])
    narrative = data.get("narrative", {})
    if not isinstance(narrative, Mapping):
        problem(["narrative"], f"expected a mapping of narrative inputs, got {narrative!r}")
        narrative = {}

    values = _values(data.get("values", {}), fields.get("unit"), period, problems, where)

    if problems or period is None:
        raise InputError(problems, source=where or None)
    try:
        report = ReportInput(
            institution=fields["institution"],
            unit=fields["unit"],
            period=period,
            # An empty title in the file means none (a report may have no title); a file
            # that leaves the key out gets the template's or the default title.
            title=None if fields.get("title") == "" else fields.get("title", ""),
            unit_name=fields.get("unit_name", ""),
            tree=tree,
            values=tuple(values),
            measures=measures or (),
            narrative=narrative,
        )
    except ModelError as exc:
        raise InputError(
            [Problem(f"{where}: $" if where else "$", str(exc))], source=where
        ) from None
    _check_references(report, data, problem)
    if institution is not None:
        check_against_institution(report, institution, data, problem)
    if problems:
        raise InputError(problems, source=where or None)
    return report


def _values(
    raw: Any, unit: str | None, period: Period | None, problems: list[Problem], where: str
) -> list[DataValue]:
    out: list[DataValue] = []
    if isinstance(raw, Mapping):
        # Short form: each value is about the reporting unit over the whole report period.
        if unit is None or period is None:
            return out
        for code, item in raw.items():
            row = dict(item) if isinstance(item, Mapping) else {"value": item}
            by = row.pop("by", None)
            defaults = {"indicator": str(code), "unit": unit, "period": period}
            if by is None or "value" in row or "status" in row:
                try:
                    dv = _data_value_from_row(row, defaults=defaults)
                except Exception as exc:
                    problems.extend(problems_from(exc, ["values", str(code)], where))
                else:
                    out.append(dv)
            if by is not None:
                out.extend(_by_options(by, row, defaults, problems, where))
    elif isinstance(raw, list):
        for index, item in enumerate(raw):
            try:
                out.append(converter().structure(item, DataValue))
            except Exception as exc:
                problems.extend(problems_from(exc, ["values", index], where))
    else:
        path = format_path(["values"])
        problems.append(
            Problem(
                f"{where}: {path}" if where else path,
                f"expected a mapping (indicator: value) or a list of rows, got {raw!r}",
            )
        )
    return out


def _by_options(
    by: Any,
    row: Mapping[str, Any],
    defaults: dict[str, Any],
    problems: list[Problem],
    where: str,
) -> list[DataValue]:
    """The short form's values per category option: ``by: {wuhan: 52, outside: 118}``.

    A key names one option, or one per category joined by commas (``wuhan,teacher``); each
    value is written as any short-form value (a number, 零报告, null or a mapping with
    ``value`` and provenance). Provenance beside ``by`` applies to every option.
    """
    code = defaults["indicator"]
    out: list[DataValue] = []
    if not isinstance(by, Mapping) or not by:
        path = format_path(["values", code, "by"])
        problems.append(
            Problem(
                f"{where}: {path}" if where else path,
                f"expected a mapping of category option codes to values, got {by!r}",
            )
        )
        return out
    shared = {k: v for k, v in row.items() if k not in ("value", "status")}
    for key, item in by.items():
        options = tuple(o.strip() for o in str(key).split(","))
        entry = {**shared, **(dict(item) if isinstance(item, Mapping) else {"value": item})}
        try:
            dv = _data_value_from_row(entry, defaults=defaults)
            out.append(
                DataValue(
                    dv.indicator,
                    dv.unit,
                    dv.period,
                    dv.status,
                    dv.value,
                    submitted_at=dv.submitted_at,
                    submitted_by=dv.submitted_by,
                    comment=dv.comment,
                    options=options,
                )
            )
        except Exception as exc:
            problems.extend(problems_from(exc, ["values", code, "by", str(key)], where))
    return out


def _value_path(data: Mapping[str, Any], index: int, value: DataValue, key: str) -> list[str | int]:
    if isinstance(data.get("values"), Mapping):
        head: list[str | int] = ["values", value.indicator]
        if value.options:
            head += ["by", ",".join(value.options)]
        return head if key in ("value", "options") else [*head, key]
    return ["values", index, key]


def _check_references(report: ReportInput, data: Mapping[str, Any], problem: Any) -> None:
    seen: dict[tuple[str, str, Period], int] = {}
    for index, value in enumerate(report.values):
        if report.tree is not None:
            if value.unit not in report.tree:
                problem(
                    _value_path(data, index, value, "unit"),
                    f"unknown org unit {value.unit!r} (not in org_units)",
                )
            elif value.unit != report.unit and not report.tree.is_ancestor(report.unit, value.unit):
                problem(
                    _value_path(data, index, value, "unit"),
                    f"org unit {value.unit!r} is not under the reporting unit {report.unit!r}",
                )
        elif value.unit != report.unit:
            problem(
                _value_path(data, index, value, "unit"),
                f"org unit {value.unit!r} is neither the reporting unit nor in org_units",
            )
        inside = report.period.start <= value.period.start and value.period.end <= report.period.end
        # Values wholly before or after the report period are history for comparisons (环比,
        # 同比); one that straddles its edge could be neither counted nor left out honestly.
        if not inside and value.period.overlaps(report.period):
            problem(
                _value_path(data, index, value, "period"),
                f"period {value.period} straddles the edge of the report period {report.period}",
            )
        key = value.key
        if key in seen:
            problem(
                _value_path(data, index, value, "indicator"),
                f"a second value for {value.series!r}, unit {value.unit!r}, "
                f"period {value.period} (first at row {seen[key]}); "
                "corrections belong in the store, not in one file",
            )
        else:
            seen[key] = index


def _expected(indicator: Indicator) -> str:
    vt = indicator.value_type
    if vt is ValueType.INTEGER:
        return (
            "a non-negative integer"
            if indicator.kind in (IndicatorKind.FLOW, IndicatorKind.STOCK)
            else "an integer"
        )
    if vt is ValueType.BOOLEAN:
        return "true or false"
    if vt is ValueType.TEXT:
        return "text"
    return "a number"


def _fits(indicator: Indicator, value: object) -> bool:
    vt = indicator.value_type
    if vt is ValueType.BOOLEAN:
        return isinstance(value, bool)
    if vt is ValueType.TEXT:
        return isinstance(value, str)
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        return False
    if vt is ValueType.INTEGER:
        if not isinstance(value, int):
            return False
        return value >= 0 or indicator.kind not in (IndicatorKind.FLOW, IndicatorKind.STOCK)
    return True


def check_against_institution(
    report: ReportInput, institution: Institution, data: Mapping[str, Any], problem: Any
) -> None:
    """Check codes and value types against what the institution declares (see load_report)."""
    indicators: dict[str, Indicator] = {}
    for indicator_set in institution.indicator_sets:
        for indicator in indicator_set.indicators:
            indicators[indicator.code] = indicator
    if report.institution != institution.code:
        problem(
            ["institution"], f"this file is for {report.institution!r}, not {institution.code!r}"
        )
    for index, value in enumerate(report.values):
        found = indicators.get(value.indicator)
        if found is None:
            problem(
                _value_path(data, index, value, "indicator"),
                f"unknown indicator {value.indicator!r} for {institution.code}"
                f" (known: {', '.join(sorted(indicators)) or 'none'})",
            )
            continue
        if value.options:
            try:
                ordered = found.canonical_options(value.options)
            except ModelError as exc:
                problem(_value_path(data, index, value, "options"), str(exc))
                continue
            if ordered != value.options:
                problem(
                    _value_path(data, index, value, "options"),
                    f"options {list(value.options)} of {value.indicator!r} are not in the "
                    f"order of its categories; write {list(ordered)}",
                )
        if value.status is ValueStatus.REPORTED and not _fits(found, value.value):
            problem(
                _value_path(data, index, value, "value"),
                f"expected {_expected(found)}, got {value.value!r}",
            )
    for index, measure in enumerate(report.measures):
        for code in measure.indicators:
            if code not in indicators:
                problem(
                    ["measures", index, "indicators"],
                    f"unknown indicator {code!r} for {institution.code}",
                )
    declared = {item.code: item for item in institution.narrative_inputs}
    for key, item in report.narrative.items():
        spec = declared.get(key)
        if spec is None:
            problem(
                ["narrative", key],
                f"unknown narrative input (declared: {', '.join(declared) or 'none'})",
            )
            continue
        kind = spec.kind.value
        ok = (
            (kind == "text" and isinstance(item, str))
            or (kind == "flag" and isinstance(item, bool))
            or (
                kind == "list" and isinstance(item, tuple) and all(isinstance(x, str) for x in item)
            )
        )
        if not ok:
            expected = {"text": "text", "flag": "true or false", "list": "a list of text"}.get(
                kind, kind
            )
            shown = list(item) if isinstance(item, tuple) else item
            problem(["narrative", key], f"expected {expected}, got {shown!r}")
    for spec in institution.narrative_inputs:
        if spec.required and spec.code not in report.narrative:
            problem(["narrative", spec.code], f"required narrative input ({spec.title}) is missing")


def dump_report(report: ReportInput) -> dict[str, Any]:
    """The report as a plain mapping in the long form; :func:`load_report` reads it back equal."""
    c = converter()
    out: dict[str, Any] = {
        "institution": report.institution,
        "unit": report.unit,
        "period": str(report.period),
    }
    if report.unit_name:
        out["unit_name"] = report.unit_name
    if report.title:
        out["title"] = report.title
    elif report.title is None:
        out["title"] = ""  # no title at all (see load_report)
    if report.tree is not None:
        if report.tree.level_names:
            out["level_names"] = list(report.tree.level_names)
        out["org_units"] = [c.unstructure(u) for u in report.tree.units]
    out["values"] = [c.unstructure(v, DataValue) for v in report.values]
    if report.measures:
        out["measures"] = [c.unstructure(m) for m in report.measures]
    if report.narrative:
        out["narrative"] = _thaw(report.narrative)
    return out


def _thaw(item: Any) -> Any:
    if isinstance(item, Mapping):
        return {k: _thaw(v) for k, v in item.items()}
    if isinstance(item, tuple | list):
        return [_thaw(v) for v in item]
    return item


def dumps_report(report: ReportInput, *, json_format: bool = False) -> str:
    """The report as YAML (or JSON) text."""
    data = dump_report(report)
    if json_format:
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    import yaml

    return str(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
