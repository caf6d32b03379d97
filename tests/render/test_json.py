import json

import pytest

from epireport.document import Document
from epireport.render._json import render_json
from epireport.render._options import RenderOptions

OPTIONS = RenderOptions()


@pytest.mark.parametrize("name", ["property_document", "education_document", "table_document"])
def test_round_trip(name: str, request: pytest.FixtureRequest) -> None:
    """Document.from_dict of the parsed JSON gives the document back."""
    document: Document = request.getfixturevalue(name)
    assert Document.from_dict(json.loads(render_json(document, OPTIONS))) == document


def test_chinese_kept_and_stable(property_document: Document) -> None:
    """Text is written as UTF-8 (not as escapes) and the output is the same every time."""
    out = render_json(property_document, OPTIONS)
    assert "员工安全" in out
    assert "\\u" not in out
    assert out == render_json(property_document, OPTIONS)
    assert out.endswith("}\n")


def test_facts_behind_figures(property_document: Document) -> None:
    """A sentence carrying a figure lists its fact, exact value and source data ids."""
    data = json.loads(render_json(property_document, OPTIONS))
    items = data["sections"][1]["blocks"][0]["items"]
    assert items[3]["lead"]["facts"] == [
        {
            "fact_id": "leaflets/community-7/2020-02",
            "indicator": "leaflets",
            "unit": "community-7",
            "period": "2020-02",
            "text": "5-15片",
            "value": "2320",
            "start": 23,
            "end": 28,
            "status": "value",
            "reason": "",
            "coverage": None,
            "comparisons": {},
            "violations": [],
            "sources": ["v-101", "v-102"],
        }
    ]
    assert items[3]["lead"]["text"][23:28] == "5-15片"
    assert items[0]["lead"]["facts"] == []


def test_key_order(education_document: Document) -> None:
    """Keys come in the tree's field order."""
    data = json.loads(render_json(education_document, OPTIONS))
    assert list(data) == ["title", "meta", "preamble", "sections", "closing", "signature"]
    assert list(data["meta"]) == [
        "institution",
        "unit",
        "period",
        "generated",
        "draft",
        "violations",
    ]
    assert list(data["preamble"][1]) == ["type", "style", "inline", "items"]


def test_draft_option_marks_meta(property_document: Document) -> None:
    """With the draft option the output's meta.draft is true."""
    data = json.loads(render_json(property_document, RenderOptions(draft=True)))
    assert data["meta"]["draft"] is True


def test_every_figure_is_a_full_fact() -> None:
    """A rendered example's figures carry status, coverage, comparisons and their offsets."""
    import epireport

    rendered = epireport.render_report(epireport.example_input("district-publicity"), format="json")
    data = json.loads(rendered.output)
    sentence = data["sections"][0]["blocks"][0]["sentences"][1]
    (fact,) = sentence["facts"]
    assert sentence["text"][fact["start"] : fact["end"]] == fact["text"] == "4"
    assert fact["status"] == "value"
    assert set(fact["coverage"]) == {"expected", "reported", "zero_reported", "late"}
    assert {"previous", "last_year"} <= set(fact["comparisons"])
    assert fact["violations"] == []
    assert Document.from_dict(data).to_dict() == data
