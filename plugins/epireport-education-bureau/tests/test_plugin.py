import importlib.metadata

import pytest
from epireport_education_bureau import plugin

from epireport._plugins import Plugins
from epireport.testing import plugin_manager, registered

#: indicator code -> the measure word the seed summary counts it in
CLASSIFIERS = {"screened": "人"}


def test_entry_point_names_the_plugin_module() -> None:
    """The distribution declares one ``epireport`` entry point pointing at the hooks module."""
    (entry_point,) = importlib.metadata.entry_points(group="epireport", name="education-bureau")
    assert entry_point.value == "epireport_education_bureau.plugin"
    assert entry_point.dist is not None
    assert entry_point.dist.metadata["Name"] == "epireport-education-bureau"


def test_registers_the_institution() -> None:
    """Registering the plugin makes its institution known under its name and title."""
    with registered(plugin) as plugins:
        institution = plugins.institution("education-bureau")
    assert institution.title == "县科教局"
    assert [s.name for s in institution.indicator_sets] == ["school-screening"]


@pytest.mark.parametrize(("code", "classifier"), sorted(CLASSIFIERS.items()))
def test_indicators_carry_the_seed_classifiers(code: str, classifier: str) -> None:
    """The indicator set counts in the measure words the seed summary uses."""
    with registered(plugin) as plugins:
        indicator_set = plugins.indicator_sets()["school-screening"]
    assert indicator_set.get(code).classifier == classifier


def test_discovered_through_its_entry_point() -> None:
    """With autoload restricted to this plugin, the manager finds it and nothing else."""
    plugins = Plugins.create(autoload=True, strict=True, only=["education-bureau"])
    (described,) = [d for d in plugins.describe() if d.name == "education-bureau"]
    assert described.distribution == "epireport-education-bureau"
    assert "education-bureau" in described.institutions
    assert "school-screening" in described.indicator_sets
    assert set(plugins.institutions()) == {"education-bureau"}


def test_plugin_manager_without_autoload_does_not_see_it() -> None:
    """The test plugin manager loads no entry points, so the plugin only appears when asked."""
    assert "education-bureau" not in Plugins(plugin_manager()).institutions()
