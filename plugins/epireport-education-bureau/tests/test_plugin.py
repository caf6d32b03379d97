import importlib.metadata

import attrs
import jinja2
import pytest
from epireport_education_bureau import plugin

from epireport import Plugins
from epireport.testing import plugin_manager, registered

#: indicator code -> the measure word the seed summary counts it in
CLASSIFIERS = {"screened": "人次", "fever": "人", "isolated": "人"}


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
    assert [s.code for s in institution.indicator_sets] == ["school-screening"]


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


def test_registers_templates_rules_and_example() -> None:
    """The plugin brings its template source, its validation rules and a packaged example."""
    with registered(plugin) as plugins:
        institution = plugins.institution("education-bureau")
        sources = [s.code for s in plugins.template_sources()]
        rules = {r.code for r in plugins.validation_rules(institution)}
    assert "education-bureau" in sources
    assert {"fever-within-screened", "isolated-within-screened", "isolated-within-fever"} <= rules
    assert institution.template == "education-bureau/report.md.j2"
    assert institution.example is not None
    assert institution.example.is_file()
    assert institution.level_names == ("县", "学校", "班级")


def test_rules_are_only_for_this_institution() -> None:
    """Another institution gets none of the screening rules."""
    other = attrs.evolve(plugin.INSTITUTION, code="other-bureau")
    assert plugin.epireport_register_validation_rules(other) == []


def test_environment_helpers_only_for_this_institution() -> None:
    """The template helpers are added for this institution and for none, never for another."""
    env = jinja2.Environment()
    plugin.epireport_prepare_environment(env, attrs.evolve(plugin.INSTITUTION, code="other"))
    assert "mechanism" not in env.globals
    plugin.epireport_prepare_environment(env, None)
    assert {"mechanism", "reporting_summary"} <= set(env.globals)


def test_measures_name_known_indicators() -> None:
    """Every measure's indicators belong to the screening set."""
    for measure in plugin.MEASURES:
        measure.check_against(plugin.SCREENING)
