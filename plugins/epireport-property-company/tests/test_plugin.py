import importlib.metadata

import pytest
from epireport_property_company import plugin

from epireport import Plugins
from epireport.testing import plugin_manager, registered

#: indicator code -> the measure word the seed summary counts it in
CLASSIFIERS = {
    "staff_masks": "只",
    "households_served": "户",
    "household_tablets": "片",
    "notices_posted": "份",
    "flow_charts_posted": "份",
    "elevators_with_tissues": "部",
}


def test_entry_point_names_the_plugin_module() -> None:
    """The distribution declares one ``epireport`` entry point pointing at the hooks module."""
    (entry_point,) = importlib.metadata.entry_points(group="epireport", name="property-company")
    assert entry_point.value == "epireport_property_company.plugin"
    assert entry_point.dist is not None
    assert entry_point.dist.metadata["Name"] == "epireport-property-company"


def test_registers_the_institution() -> None:
    """Registering the plugin makes its institution known under its name and title."""
    with registered(plugin) as plugins:
        institution = plugins.institution("property-company")
    assert institution.title == "物业服务中心"
    assert [s.code for s in institution.indicator_sets] == ["property-prevention"]


@pytest.mark.parametrize(("code", "classifier"), sorted(CLASSIFIERS.items()))
def test_indicators_carry_the_seed_classifiers(code: str, classifier: str) -> None:
    """The indicator set counts in the measure words the seed summary uses."""
    with registered(plugin) as plugins:
        indicator_set = plugins.indicator_sets()["property-prevention"]
    assert indicator_set.get(code).classifier == classifier


def test_discovered_through_its_entry_point() -> None:
    """With autoload restricted to this plugin, the manager finds it and nothing else."""
    plugins = Plugins.create(autoload=True, strict=True, only=["property-company"])
    (described,) = [d for d in plugins.describe() if d.name == "property-company"]
    assert described.distribution == "epireport-property-company"
    assert "property-company" in described.institutions
    assert "property-prevention" in described.indicator_sets
    assert set(plugins.institutions()) == {"property-company"}


def test_plugin_manager_without_autoload_does_not_see_it() -> None:
    """The test plugin manager loads no entry points, so the plugin only appears when asked."""
    assert "property-company" not in Plugins(plugin_manager()).institutions()
