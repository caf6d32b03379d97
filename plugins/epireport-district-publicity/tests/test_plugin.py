import importlib.metadata

import pytest
from epireport_district_publicity import plugin

from epireport import Plugins
from epireport.testing import plugin_manager, registered

#: indicator code -> the measure word the seed summary counts it in
CLASSIFIERS = {
    "billboards": "块",
    "screens": "块",
    "banners": "条",
    "leaflets": "张",
    "home_visits": "次",
    "messages": "条",
    "vehicle_trips": "台次",
    "loudspeakers": "个",
    "broadcast_hours": "小时",
    "guides_printed": "份",
}


def test_entry_point_names_the_plugin_module() -> None:
    """The distribution declares one ``epireport`` entry point pointing at the hooks module."""
    (entry_point,) = importlib.metadata.entry_points(group="epireport", name="district-publicity")
    assert entry_point.value == "epireport_district_publicity.plugin"
    assert entry_point.dist is not None
    assert entry_point.dist.metadata["Name"] == "epireport-district-publicity"


def test_registers_the_institution() -> None:
    """Registering the plugin makes its institution known under its name and title."""
    with registered(plugin) as plugins:
        institution = plugins.institution("district-publicity")
    assert institution.title == "区委宣传部"
    assert [s.code for s in institution.indicator_sets] == [
        "publicity-leadership",
        "publicity",
        "publicity-news",
        "publicity-online",
    ]


@pytest.mark.parametrize(("code", "classifier"), sorted(CLASSIFIERS.items()))
def test_indicators_carry_the_seed_classifiers(code: str, classifier: str) -> None:
    """The indicator set counts in the measure words the seed summary uses."""
    with registered(plugin) as plugins:
        indicator_set = plugins.indicator_sets()["publicity"]
    assert indicator_set.get(code).classifier == classifier


def test_discovered_through_its_entry_point() -> None:
    """With autoload restricted to this plugin, the manager finds it and nothing else."""
    plugins = Plugins.create(autoload=True, strict=True, only=["district-publicity"])
    (described,) = [d for d in plugins.describe() if d.name == "district-publicity"]
    assert described.distribution == "epireport-district-publicity"
    assert "district-publicity" in described.institutions
    assert "publicity" in described.indicator_sets
    assert set(plugins.institutions()) == {"district-publicity"}


def test_plugin_manager_without_autoload_does_not_see_it() -> None:
    """The test plugin manager loads no entry points, so the plugin only appears when asked."""
    assert "district-publicity" not in Plugins(plugin_manager()).institutions()
