"""Property tests for loading: valid inputs load back equal, corrupted ones are located."""

import copy
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from epireport.exceptions import InputError
from epireport.io import dump_report, dumps_report, loads_report
from epireport.model import DataValue, Indicator, Period, ReportInput
from epireport.testing._st_model import data_values
from epireport.testing._st_report import report_inputs

SETTINGS = settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow], deadline=None)


@SETTINGS
@given(report_inputs())
def test_yaml_round_trip(report: ReportInput) -> None:
    """Loading what was dumped as YAML gives an equal report: no valid input is rejected."""
    assert loads_report(dumps_report(report)) == report


@SETTINGS
@given(report_inputs())
def test_json_round_trip(report: ReportInput) -> None:
    """Loading what was dumped as JSON gives an equal report."""
    text = dumps_report(report, json_format=True)
    assert loads_report(text, json_format=True) == report


def _paths(data: Any, prefix: str = "$") -> list[tuple[str, Any, Any]]:
    """Every (path, container, key) of the mappings and lists inside *data*."""
    out: list[tuple[str, Any, Any]] = []
    if isinstance(data, dict):
        for key, value in data.items():
            path = f"{prefix}.{key}"
            out.append((path, data, key))
            out.extend(_paths(value, path))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            path = f"{prefix}[{index}]"
            out.append((path, data, index))
            out.extend(_paths(value, path))
    return out


@SETTINGS
@given(report_inputs(), st.data())
def test_unknown_keys_are_reported_with_their_path(
    report: ReportInput, data: st.DataObject
) -> None:
    """An extra key anywhere in a valid input is rejected, located at its path."""
    raw = dump_report(report)
    mappings = [("$", raw)] + [
        (path, container[key])
        for path, container, key in _paths(raw)
        if isinstance(container[key], dict) and not path.startswith("$.narrative")
    ]
    path, target = data.draw(st.sampled_from(mappings))
    target["bogus_key"] = 1
    with pytest.raises(InputError) as exc:
        loads_report(json.dumps(raw, ensure_ascii=False), json_format=True, name="r.json")
    found = [str(p) for p in exc.value.problems]
    assert any(f"r.json: {path}.bogus_key: unknown key" in p for p in found), (path, found)


@SETTINGS
@given(report_inputs(), st.data())
def test_wrongly_typed_scalars_are_reported_with_their_path(
    report: ReportInput, data: st.DataObject
) -> None:
    """A text field given as a list is rejected, and the problem names that field's path."""
    raw = dump_report(report)
    candidates = [
        (path, container, key)
        for path, container, key in _paths(raw)
        if isinstance(container[key], str)
        and isinstance(key, str)
        and key not in ("value", "comment")
        and not path.startswith("$.narrative")
    ]
    path, _, _ = data.draw(st.sampled_from(candidates))
    broken = copy.deepcopy(raw)
    # Walk to the same place in the copy (paths are unique, the order is the same).
    for p, c, k in _paths(broken):
        if p == path:
            c[k] = [c[k]]
            break
    with pytest.raises(InputError) as exc:
        loads_report(json.dumps(broken, ensure_ascii=False), json_format=True, name="r.json")
    found = [str(p) for p in exc.value.problems]
    assert any(p.startswith(f"r.json: {path}") for p in found), (path, found)


@SETTINGS
@given(
    data_values(
        Indicator("n", "数", value_type="decimal"),
        units=["u"],
        period_strategy=st.just(Period.parse("20200215")),
        approximate=True,
    )
)
def test_approximate_values_round_trip(value: DataValue) -> None:
    """A value stated approximately (480余, 约0.5) dumps as stated and loads back equal."""
    report = ReportInput(
        institution="x", unit="u", period=Period.parse("20200215"), values=(value,)
    )
    assert loads_report(dumps_report(report)) == report
    assert loads_report(dumps_report(report, json_format=True), json_format=True) == report
