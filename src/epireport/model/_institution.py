"""Institutions: what a plugin registers to make epireport write one kind of work summary.

An :class:`Institution` (区委宣传部, 县科教局, 物业服务中心 ...) bundles the indicator sets it
reports, its catalogue of measures, the name of its main template, the free narrative inputs its
template reads (document titles, meetings held), and an example input file.
"""

import enum
import re
from collections.abc import Iterable
from datetime import timedelta
from importlib.resources.abc import Traversable
from typing import Any, Final, TypeVar

import attrs

from epireport._fields import enum_member, renamed
from epireport.exceptions import ModelError
from epireport.model._indicators import Indicator, IndicatorSet
from epireport.model._measures import Measure
from epireport.model._periods import PeriodType

__all__ = ["Institution", "NarrativeInput", "NarrativeKind", "check_name"]

_E = TypeVar("_E", bound=enum.Enum)
_I = TypeVar("_I")

# Names travel on command lines, in file names and in entry points: keep them to lower-case ASCII.
_NAME_RE: Final = re.compile(r"[a-z][a-z0-9]*(?:[-_][a-z0-9]+)*")


def check_name(owner: str, value: object) -> str:
    """Return *value* if it is a registry name such as ``district-publicity``, else raise.

    Registry names (institutions, formats, loaders, template sources, narrative inputs) start
    with a lower-case ASCII letter and continue with letters, digits and single ``-`` or ``_``.
    *owner* is the ``Class.field`` named in the :class:`ModelError`.
    """
    if not isinstance(value, str) or _NAME_RE.fullmatch(value) is None:
        raise ModelError(
            f"{owner}: expected a lower-case name such as 'district-publicity' "
            f"(ASCII letters, digits, '-' or '_'), got {value!r}"
        )
    return value


def _name(instance: Any, attribute: "attrs.Attribute[Any]", value: object) -> None:
    check_name(f"{type(instance).__name__}.{attribute.name}", value)


def _title(instance: Any, attribute: "attrs.Attribute[Any]", value: object) -> None:
    if not isinstance(value, str) or not value.strip():
        raise ModelError(
            f"{type(instance).__name__}.{attribute.name}: expected a non-blank title, got {value!r}"
        )


def _text(instance: Any, attribute: "attrs.Attribute[Any]", value: object) -> None:
    if not isinstance(value, str):
        raise ModelError(
            f"{type(instance).__name__}.{attribute.name}: expected a string, got {value!r}"
        )


def _items(item_type: type[_I], owner: str, value: object) -> tuple[_I, ...]:
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        raise ModelError(f"{owner}: expected a sequence of {item_type.__name__}, got {value!r}")
    items = tuple(value)
    for item in items:
        if not isinstance(item, item_type):
            raise ModelError(f"{owner}: expected {item_type.__name__} items, got {item!r}")
    return items


class NarrativeKind(enum.Enum):
    """What shape of value a narrative input takes in a report input file."""

    #: one piece of text, e.g. the name of the leading group
    TEXT = "text"
    #: a list of texts, e.g. the titles of the plans issued (《……工作方案》《……预案》)
    LIST = "list"
    #: yes or no, e.g. whether a press conference was held
    FLAG = "flag"


def _to_kind(value: object) -> NarrativeKind:
    return enum_member(NarrativeKind, "NarrativeInput.kind", value)


def _required(instance: Any, attribute: "attrs.Attribute[Any]", value: object) -> None:
    # attrs' instance_of raises TypeError; every model check raises ModelError instead.
    if not isinstance(value, bool):
        raise ModelError(f"NarrativeInput.required: expected True or False, got {value!r}")


def _to_default(value: object) -> object:
    return tuple(value) if isinstance(value, list) else value


def _default(instance: "NarrativeInput", attribute: "attrs.Attribute[Any]", value: object) -> None:
    if value is None:
        return
    if instance.required:
        raise ModelError(
            f"NarrativeInput.default: the required input {instance.code!r} has no default "
            f"(the data must give it), got {value!r}"
        )
    kind = instance.kind
    ok = (
        (kind is NarrativeKind.TEXT and isinstance(value, str))
        or (kind is NarrativeKind.FLAG and isinstance(value, bool))
        or (
            kind is NarrativeKind.LIST
            and isinstance(value, tuple)
            and all(isinstance(v, str) for v in value)
        )
    )
    if not ok:
        expected = {"text": "a text", "flag": "True or False", "list": "a list of texts"}
        raise ModelError(
            f"NarrativeInput.default: expected {expected[kind.value]} for the {kind.value} "
            f"input {instance.code!r}, got {value!r}"
        )


#: What an optional input without a declared default stands for when the data leaves it out.
ABSENT: Final[dict[NarrativeKind, object]] = {
    NarrativeKind.TEXT: "",
    NarrativeKind.LIST: (),
    NarrativeKind.FLAG: False,
}


@attrs.frozen
class NarrativeInput:
    """A free input an institution's template reads besides the figures.

    ``name`` is the key under ``narrative:`` in an input file, e.g. ``plans`` for the titles of
    the plans issued; ``title`` is what forms and error messages call it (印发方案). A
    ``required`` input must be present in final mode.

    An optional input the data leaves out renders as absent: ``{{ narrative.note }}`` is its
    ``default`` (``""`` for text, an empty list, ``false`` for a flag, unless the institution
    declares another), so a template needs no guard; ``"note" in narrative`` stays false,
    telling a left-out input from one given empty.
    """

    code: str = attrs.field(validator=_name)
    name = renamed("code")  # the id used to be called name
    title: str = attrs.field(validator=_title)
    kind: NarrativeKind = attrs.field(default=NarrativeKind.TEXT, converter=_to_kind)
    required: bool = attrs.field(default=False, validator=_required)
    description: str = attrs.field(default="", validator=_text)
    default: object = attrs.field(default=None, converter=_to_default, validator=_default)

    @property
    def absent(self) -> object:
        """What the input renders as when the data leaves it out (optional inputs only)."""
        return ABSENT[self.kind] if self.default is None else self.default


def _deadline(instance: Any, attribute: "attrs.Attribute[Any]", value: object) -> None:
    if not isinstance(value, timedelta) or value < timedelta(0):
        raise ModelError(f"Institution.deadline: expected a timedelta >= 0, got {value!r}")


def _default_template(instance: "Institution") -> str:
    return f"{instance.code}/report.md.j2"


def _example(instance: Any, attribute: "attrs.Attribute[Any]", value: object) -> None:
    if value is not None and not isinstance(value, Traversable):
        raise ModelError(
            "Institution.example: expected a packaged file (importlib.resources.files(...) / "
            f"'example.yaml') or a pathlib.Path, got {value!r}"
        )


def _level_names(instance: Any, attribute: "attrs.Attribute[Any]", value: tuple[Any, ...]) -> None:
    for name in value:
        if not isinstance(name, str) or not name.strip():
            raise ModelError(
                "Institution.level_names: expected non-blank names such as 区 or 街道, "
                f"got {name!r}"
            )


def _to_indicator_sets(value: object) -> tuple[IndicatorSet, ...]:
    return _items(IndicatorSet, "Institution.indicator_sets", value)


def _to_measures(value: object) -> tuple[Measure, ...]:
    return _items(Measure, "Institution.measures", value)


def _to_narrative_inputs(value: object) -> tuple[NarrativeInput, ...]:
    return _items(NarrativeInput, "Institution.narrative_inputs", value)


def _to_level_names(value: object) -> tuple[str, ...]:
    return _items(str, "Institution.level_names", value)


def _to_frequency(value: object) -> PeriodType:
    return enum_member(PeriodType, "Institution.reporting_frequency", value)


#: The item numbering styles an institution may choose (``Institution.item_numbering``).
ITEM_NUMBERINGS: Final = ("1.", "1、", "（1）")


def _item_numbering(instance: Any, attribute: "attrs.Attribute[Any]", value: object) -> None:
    if value not in ITEM_NUMBERINGS:
        allowed = ", ".join(repr(v) for v in ITEM_NUMBERINGS)
        raise ModelError(f"Institution.item_numbering: expected one of {allowed}, got {value!r}")


@attrs.frozen
class Institution:
    """One kind of reporting body and everything needed to write its summary.

    ``name`` is the stable registry name (``district-publicity``), ``title`` the body as the
    prose names it (区委宣传部). ``indicator_sets`` are the sets its inputs report, ``measures``
    its catalogue of measures (措施) an input may cite, ``template`` the name of its main
    template (by default ``<name>/report.md.j2``), ``narrative_inputs`` the free inputs its
    template reads, ``example`` a packaged example input file, ``reporting_frequency`` how often
    its units report, ``level_names`` what the levels of its org tree are called (区, 街道, 社区),
    ``deadline`` the grace after 24:00 of a reporting period's last day before a report sent
    later is late (迟报): zero by default, so a daily report is due by midnight.
    ``item_numbering`` is how its numbered items are marked, ``1.`` (the default), ``1、`` or
    ``（1）``: what a template's ``::: arabic`` list becomes, and what the linter expects.

    Indicator codes are unique across all its sets, and so are set names, measure codes and
    narrative input names; the first problem found is raised as a :class:`ModelError`.
    """

    code: str = attrs.field(validator=_name)
    name = renamed("code")  # the id used to be called name
    title: str = attrs.field(validator=_title)
    indicator_sets: tuple[IndicatorSet, ...] = attrs.field(converter=_to_indicator_sets)
    measures: tuple[Measure, ...] = attrs.field(default=(), converter=_to_measures)
    template: str = attrs.field(
        default=attrs.Factory(_default_template, takes_self=True), validator=_title
    )
    narrative_inputs: tuple[NarrativeInput, ...] = attrs.field(
        default=(), converter=_to_narrative_inputs
    )
    example: Traversable | None = attrs.field(default=None, validator=_example)
    reporting_frequency: PeriodType = attrs.field(default=PeriodType.DAY, converter=_to_frequency)
    deadline: timedelta = attrs.field(default=timedelta(0), validator=_deadline, kw_only=True)
    level_names: tuple[str, ...] = attrs.field(
        default=(), converter=_to_level_names, validator=_level_names
    )
    description: str = attrs.field(default="", validator=_text)
    item_numbering: str = attrs.field(default="1.", validator=_item_numbering, kw_only=True)

    def __attrs_post_init__(self) -> None:
        _unique("Institution.indicator_sets", (s.code for s in self.indicator_sets), "set name")
        _unique(
            "Institution.indicator_sets",
            (i.code for s in self.indicator_sets for i in s.indicators),
            "indicator code",
        )
        _unique("Institution.measures", (m.code for m in self.measures), "measure code")
        _unique(
            "Institution.narrative_inputs", (n.code for n in self.narrative_inputs), "input name"
        )

    def indicator(self, code: str) -> Indicator:
        """Return the indicator *code* from whichever of the institution's sets holds it.

        Raises :class:`KeyError` naming the institution when no set has it.
        """
        for indicator_set in self.indicator_sets:
            for indicator in indicator_set.indicators:
                if indicator.code == code:
                    return indicator
        raise KeyError(f"institution {self.code!r} has no indicator {code!r}")


def _unique(owner: str, names: Any, what: str) -> None:
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise ModelError(f"{owner}: {what} {name!r} appears twice")
        seen.add(name)
