import datetime as dt
import json
from pathlib import Path

import attrs
import pytest

from epireport.exceptions import UsageError
from epireport.io._dhis2 import read_dhis2, read_dhis2_data, write_dhis2
from epireport.io._normalise import CodeMapping
from epireport.model._indicators import Category, CategoryOption, Indicator, IndicatorSet
from epireport.model._institution import Institution
from epireport.model._periods import Period
from epireport.model._values import DataValue
from epireport.store import Store, ingest_batch

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "interop" / "dhis2"
INSTITUTION = Institution(
    code="test-publicity",
    title="宣传部",
    indicator_sets=(
        IndicatorSet(
            code="publicity",
            title="社会宣传",
            indicators=(
                Indicator(code="billboards", name="户外广告牌", classifier="块"),
                Indicator(code="leaflets", name="宣传单", classifier="张"),
                Indicator(code="banners", name="标语横幅", classifier="条"),
            ),
        ),
    ),
)


def shared(name: str) -> Path:
    path = SHARED / name
    if not path.is_file():
        pytest.skip(f"shared DHIS2 fixture {name} is not available")
    return path


def _key(row: dict[str, str]) -> tuple[str, str, str, str]:
    return row["dataElement"], row["period"], row["orgUnit"], row["value"]


def test_the_documented_import_payload_takes_period_and_unit_from_the_set() -> None:
    """docs_import: values inherit period and orgUnit from the data value set."""
    batch = read_dhis2(shared("dhis2_datavalueset_docs_import.json"))
    assert batch.problems == ()
    assert [(v.indicator, v.unit, str(v.period), v.value) for v in batch.values] == [
        ("f7n9E0hX8qk", "DiszpKrYNg8", "201401", 1),
        ("Ix2HsbDMLea", "DiszpKrYNg8", "201401", 2),
        ("eY5ehpbEsB7", "DiszpKrYNg8", "201401", 3),
    ]
    assert batch.rows == ("$.dataValues[0]", "$.dataValues[1]", "$.dataValues[2]")


def test_the_bulk_payload_round_trips_through_the_store(tmp_path: Path) -> None:
    """docs_bulk: DHIS2 → store → DHIS2 gives the same data values back."""
    source = shared("dhis2_datavalueset_docs_bulk.json")
    batch = read_dhis2(source)
    assert batch.problems == ()
    with Store.open(tmp_path / "s.db") as store:
        batch = attrs.evolve(batch, institution="t")  # DHIS2 names no epireport institution
        assert ingest_batch(store, batch, allow_new_units=True).added == 4
        assert ingest_batch(store, batch).unchanged == 4
        text, skipped = write_dhis2(store.values())
    assert skipped == 0
    original = json.loads(source.read_text(encoding="utf-8"))["dataValues"]
    exported = json.loads(text)["dataValues"]
    assert sorted(map(_key, exported)) == sorted(map(_key, original))
    again = tmp_path / "again.json"
    again.write_text(text, encoding="utf-8")
    assert set(read_dhis2(again).values) == set(batch.values)


def test_the_export_payload_needs_its_category_option_combo_declared() -> None:
    """docs_export: a disaggregated value is refused until its combo is declared or mapped."""
    path = shared("dhis2_datavalueset_docs_export.json")
    refused = read_dhis2(path, name="export.json")
    assert len(refused.problems) == 3
    assert refused.problems[0].location == "export.json: $.dataValues[0].dataElement"
    assert "bRowv6yZOF2" in refused.problems[0].message
    mapping = CodeMapping(
        data_elements={"f7n9E0hX8qk": "leaflets", "Ix2HsbDMLea.bRowv6yZOF2": "banners"},
        org_units={"DiszpKrYNg8": "D01"},
        default_combos=["bRowv6yZOF2"],
    )
    batch = read_dhis2(path, mapping=mapping)
    assert batch.problems == ()
    assert {(v.indicator, v.unit, v.value) for v in batch.values} == {
        ("eY5ehpbEsB7", "D01", 10003),
        ("banners", "D01", 10002),
        ("leaflets", "D01", 10001),
    }
    text, _ = write_dhis2(batch.values, mapping)
    rows = json.loads(text)["dataValues"]
    assert {
        "dataElement": "Ix2HsbDMLea",
        "period": "201401",
        "orgUnit": "DiszpKrYNg8",
        "categoryOptionCombo": "bRowv6yZOF2",
        "value": "10002",
    } in rows


def test_full_fields_map_to_indicator_unit_and_provenance() -> None:
    """full_fields with an explicit mapping: storedBy, lastUpdated and a null comment are read."""
    mapping = CodeMapping(
        data_elements={"f7n9E0hX8qk": "leaflets"}, org_units={"DiszpKrYNg8": "D01"}
    )
    batch = read_dhis2(
        shared("dhis2_datavalueset_core_test_full_fields.json"),
        institution=INSTITUTION,
        mapping=mapping,
    )
    assert batch.problems == ()
    (value,) = batch.values
    assert value == DataValue.reported(
        "leaflets",
        "D01",
        Period.parse("201201"),
        20,
        submitted_at=dt.datetime(1988, 12, 21, 23, 59, 38, tzinfo=dt.UTC),
        submitted_by="system",
    )


def test_without_a_mapping_foreign_codes_are_unknown_indicators() -> None:
    """Against an institution, an unmapped dataElement is an unknown indicator, located."""
    batch = read_dhis2(
        shared("dhis2_datavalueset_core_test_full_fields.json"),
        institution=INSTITUTION,
        name="ff.json",
    )
    assert [p.location for p in batch.problems] == ["ff.json: $.dataValues[0].dataElement"]
    assert "unknown indicator 'f7n9E0hX8qk'" in batch.problems[0].message


def test_the_template_with_placeholders_is_rejected_clearly() -> None:
    """The generic template ("period": "period") is rejected, each placeholder named."""
    batch = read_dhis2(shared("dhis2_datavalueset_docs_template.json"), name="template.json")
    assert batch.values == ()
    by_location = {p.location: p.message for p in batch.problems}
    assert "'period' is not a valid period id" in by_location["template.json: $.period"]
    assert "'date'" in by_location["template.json: $.completeDate"]
    assert "'aocID'" in by_location["template.json: $.attributeOptionCombo"]


def test_the_misspelt_completed_date_is_reported() -> None:
    """The e2e payload's completedDate is an unknown key, reported with a suggestion."""
    batch = read_dhis2(shared("dhis2_datavalueset_core_e2e_single_dataset.json"), name="e2e.json")
    assert batch.values == ()
    first = batch.problems[0]
    assert first.location == "e2e.json: $.completedDate"
    assert "unknown key" in first.message
    assert "completeDate" in first.message


def test_value_level_defects_are_located_at_their_key() -> None:
    """Unknown keys, missing keys, deleted values and bad values are located in the JSON."""
    data = {
        "period": "20200201",
        "dataValues": [
            {"dataElement": "billboards", "orgUnit": "S01", "value": "12", "note": "x"},
            {"dataElement": "billboards", "orgUnit": "S02"},
            {"dataElement": "billboards", "orgUnit": "S03", "value": "1", "deleted": True},
            {"dataElement": "billboards", "orgUnit": "S04", "value": "12张"},
            {"dataElement": "billboards", "orgUnit": "S05", "value": "12", "followup": "no"},
        ],
    }
    batch = read_dhis2_data(data, "v.json", institution=INSTITUTION)
    assert [p.location for p in batch.problems] == [
        "v.json: $.dataValues[0].note",
        "v.json: $.dataValues[1].value",
        "v.json: $.dataValues[2].deleted",
        "v.json: $.dataValues[3].value",
        "v.json: $.dataValues[4].followup",
    ]
    assert read_dhis2_data([], "list.json").problems[0].location == "list.json: $"


def test_export_writes_zero_reports_as_zero_and_leaves_out_other_states() -> None:
    """DHIS2 has no zero-report state: it becomes "0"; not applicable and missing are counted."""
    day = Period.parse("20200201")
    text, skipped = write_dhis2(
        [
            DataValue.zero_report("a", "S01", day),
            DataValue.not_applicable("a", "S02", day),
            DataValue.missing("a", "S03", day),
            DataValue.reported("b", "S01", day, True, comment="已召开"),
        ]
    )
    rows = json.loads(text)["dataValues"]
    assert skipped == 2
    assert [r["value"] for r in rows] == ["0", "true"]
    assert rows[1]["comment"] == "已召开"
    with pytest.raises(UsageError, match="no period id"):
        write_dhis2([DataValue.reported("a", "S01", Period.parse("2020-01-23/2020-02-29"), 1)])


SCREENING = Institution(
    code="test-school",
    title="教育局",
    indicator_sets=(
        IndicatorSet(
            code="screening",
            title="排查",
            indicators=(
                Indicator(
                    code="screened",
                    name="排查师生",
                    classifier="人",
                    categories=(
                        Category(
                            "kind",
                            "人员类别",
                            (CategoryOption("teacher", "教师"), CategoryOption("student", "学生")),
                        ),
                    ),
                ),
            ),
        ),
    ),
)
COMBOS = {"oPcWGgS2Liz": ["teacher"], "rtfSaMjPyq6": ["student"]}
E2E_MAPPING = CodeMapping(
    data_elements={"BjDrgVrkBI3": "screened"},
    org_units={"O6uvpzGd5pu": "S01"},
    default_combos=["HllvX50cXC0"],
)


def _e2e_payload() -> dict[str, object]:
    """The e2e payload without its misspelt completedDate (a known defect, tested above)."""
    data = json.loads(shared("dhis2_datavalueset_core_e2e_single_dataset.json").read_text())
    del data["completedDate"]
    return data


def test_category_option_combos_import_into_categories_and_export_back() -> None:
    """e2e: two combos of one element become two category options, and are written back."""
    data = _e2e_payload()
    batch = read_dhis2_data(
        data, "e2e.json", institution=SCREENING, mapping=E2E_MAPPING, category_combos=COMBOS
    )
    assert batch.problems == ()
    assert [(v.indicator, v.options, v.unit, v.value) for v in batch.values] == [
        ("screened", ("teacher",), "S01", 1000),
        ("screened", ("student",), "S01", 2000),
    ]
    text, skipped = write_dhis2(batch.values, E2E_MAPPING, category_combos=COMBOS)
    assert skipped == 0
    written = json.loads(text)["dataValues"]
    fields = ("dataElement", "period", "orgUnit", "categoryOptionCombo", "value")
    assert written == [{k: row[k] for k in fields} for row in data["dataValues"]]  # type: ignore[attr-defined]


def test_an_unmapped_combo_of_a_split_indicator_names_the_fix() -> None:
    """A combo that is neither mapped to options nor an option code is refused at its key."""
    batch = read_dhis2_data(_e2e_payload(), "e2e.json", institution=SCREENING, mapping=E2E_MAPPING)
    assert [p.location for p in batch.problems] == [
        "e2e.json: $.dataValues[0].categoryOptionCombo",
        "e2e.json: $.dataValues[1].categoryOptionCombo",
    ]
    assert "unknown category option 'oPcWGgS2Liz'" in batch.problems[0].message
    assert "map the combo to its options in category_combos" in batch.problems[0].message


def test_option_codes_pass_through_as_combos() -> None:
    """Without a combo mapping, option codes are the combos, both ways."""
    values = [
        DataValue.reported("screened", "S01", Period.parse("201911"), 3, options=("teacher",))
    ]
    text, _ = write_dhis2(values)
    (row,) = json.loads(text)["dataValues"]
    assert row["categoryOptionCombo"] == "teacher"
    batch = read_dhis2_data(json.loads(text), "x.json", institution=SCREENING)
    assert batch.problems == ()
    assert batch.values == tuple(values)
