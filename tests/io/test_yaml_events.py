"""load_yaml builds plain YAML from the parser's events exactly as the full loader would."""

from __future__ import annotations

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from epireport.io._load import _yaml_loader, load_yaml

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    st.text(max_size=12),
    st.sampled_from(["2020-01-23", "no", "yes", "on", "~", "0x1F", "1_000", "1e3", "<<", ""]),
)
keys = st.one_of(st.text(max_size=8), st.integers(), st.sampled_from(["yes", "2020-01-23"]))
data = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(keys, inner, max_size=4)),
    max_leaves=20,
)


def full(text: str) -> object:
    return yaml.load(text, Loader=_yaml_loader())


@settings(max_examples=300)
@given(data, st.booleans())
def test_events_read_as_the_loader_reads(value: object, flow: bool) -> None:
    text = yaml.safe_dump(value, allow_unicode=True, default_flow_style=flow)
    assert load_yaml(text) == full(text)


def test_hand_written_documents_read_alike() -> None:
    documents = [
        "org_units:\n  - {code: P, name: 省}\n  - code: C1\n    name: 县\n    parent: P\n",
        "a: 2020-01-23\nb: no\nc: True\nd: 012\ne: '1'\nf: |\n  line\n  two\ng: null\n",
        "- [1, 2, {x: y}]\n- !!str 3\n",  # an explicit tag: the full loader
        "base: &b {x: 1}\nother: *b\n",  # an alias: the full loader
        "a: 1\n<<: {b: 2}\n",  # a merge key: the full loader
        "",  # empty: None
        "just text\n",
        "a: 1\na: 2\n",  # a repeated key: the last one, as the loader says
    ]
    for text in documents:
        assert load_yaml(text) == full(text), text


@pytest.mark.parametrize("text", ["a: [1, 2\n", "a: b: c\n", "--- 1\n--- 2\n"])
def test_errors_are_the_loaders(text: str) -> None:
    with pytest.raises(yaml.YAMLError) as expected:
        full(text)
    with pytest.raises(expected.type):
        load_yaml(text)
