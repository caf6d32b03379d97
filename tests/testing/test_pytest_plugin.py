"""The epireport pytest plugin: its fixtures, as a plugin author's test suite sees them."""

import pytest

pytest_plugins = ["pytester"]

FAKE_PLUGIN = '''
import epireport
from epireport.model._indicators import Indicator, IndicatorSet
from epireport.model._institution import Institution


class FakePlugin:
    """Registers an institution named fake."""

    @staticmethod
    @epireport.hookimpl
    def epireport_register_institutions():
        indicators = IndicatorSet("fake-set", "假", (Indicator("n", "数", "个"),))
        return [Institution("fake", "假机构", (indicators,))]


class BrokenPlugin:
    """Implements a hook that does not exist."""

    @staticmethod
    @epireport.hookimpl
    def epireport_register_institutionz():
        return []
'''


@pytest.fixture
def suite(pytester: pytest.Pytester) -> pytest.Pytester:
    """A throw-away test suite with a helper module defining a fake and a broken plugin."""
    pytester.makepyfile(fakes=FAKE_PLUGIN)
    pytester.syspathinsert()
    return pytester


def test_the_plugin_is_registered_through_its_entry_point(suite: pytest.Pytester) -> None:
    """Installing epireport makes the fixtures available without any import or conftest."""
    suite.makepyfile(
        """
        def test_fixture(epireport_plugins, epireport_plugin_manager):
            assert epireport_plugins.manager is epireport_plugin_manager
            assert "text" in epireport_plugins.formats()
        """
    )
    suite.runpytest_subprocess("-p", "no:cacheprovider").assert_outcomes(passed=1)


def test_the_plugin_can_be_disabled(suite: pytest.Pytester) -> None:
    """With -p no:epireport the fixtures are gone."""
    suite.makepyfile("def test_fixture(epireport_plugins):\n    pass\n")
    result = suite.runpytest_subprocess("-p", "no:cacheprovider", "-p", "no:epireport")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*fixture 'epireport_plugins' not found*"])


def test_installed_plugins_load_by_default(suite: pytest.Pytester) -> None:
    """By default the installed reference institutions are there, strictly loaded."""
    suite.makepyfile(
        """
        def test_installed(epireport_plugins):
            assert "property-company" in epireport_plugins.institutions()
        """
    )
    suite.runpytest_subprocess("-p", "no:cacheprovider").assert_outcomes(passed=1)


def test_autoload_off_gives_built_ins_and_extra_plugins_only(suite: pytest.Pytester) -> None:
    """epireport_autoload = false and an overridden epireport_extra_plugins test a plugin alone."""
    suite.makeini("[pytest]\nepireport_autoload = false\n")
    suite.makeconftest(
        """
        import pytest
        import fakes

        @pytest.fixture
        def epireport_extra_plugins():
            return [fakes.FakePlugin]
        """
    )
    suite.makepyfile(
        """
        def test_alone(epireport_plugins):
            assert list(epireport_plugins.institutions()) == ["fake"]
        """
    )
    suite.runpytest_subprocess("-p", "no:cacheprovider").assert_outcomes(passed=1)


def test_the_marker_registers_plugins_for_one_test(suite: pytest.Pytester) -> None:
    """@pytest.mark.epireport_plugins(...) adds plugins to the marked test only."""
    suite.makepyfile(
        """
        import pytest
        import fakes

        @pytest.mark.epireport_plugins(fakes.FakePlugin())
        def test_marked(epireport_plugins):
            assert "fake" in epireport_plugins.institutions()

        @pytest.mark.epireport_plugins.with_args(fakes.FakePlugin)
        def test_marked_with_a_class(epireport_plugins):
            assert "fake" in epireport_plugins.institutions()

        def test_unmarked(epireport_plugins):
            assert "fake" not in epireport_plugins.institutions()
        """
    )
    suite.runpytest_subprocess("-p", "no:cacheprovider", "--strict-markers").assert_outcomes(
        passed=3
    )


def test_a_broken_plugin_is_an_error_not_a_warning(suite: pytest.Pytester) -> None:
    """The manager is strict: a plugin implementing an unknown hook fails the fixture."""
    suite.makepyfile(
        """
        import pytest
        import fakes

        @pytest.mark.epireport_plugins(fakes.BrokenPlugin())
        def test_broken(epireport_plugins):
            pass
        """
    )
    result = suite.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*PluginError*epireport_register_institutionz*"])


def test_render_report_and_lint_clean(suite: pytest.Pytester) -> None:
    """render_report renders an institution's example in any format; lint_clean passes it."""
    suite.makepyfile(
        """
        import epireport
        import pytest

        @pytest.mark.parametrize("fmt", ["text", "markdown", "html", "docx"])
        def test_example(render_report, lint_clean, fmt):
            rendered = render_report("property-company", format=fmt)
            assert isinstance(rendered, epireport.Rendered)
            lint_clean(rendered)

        def test_report_input(render_report, epireport_plugins):
            report = epireport.example_input("property-company", plugins=epireport_plugins)
            assert "物业服务中心" in render_report(report).output
        """
    )
    suite.runpytest_subprocess("-p", "no:cacheprovider").assert_outcomes(passed=5)


def test_lint_clean_fails_with_every_finding(suite: pytest.Pytester) -> None:
    """lint_clean fails a test whose summary has findings, listing them (a skeleton's xx)."""
    suite.makepyfile(
        """
        import epireport

        def test_text(lint_clean):
            lint_clean("共发放口罩xx只。")

        def test_skeleton(render_report, lint_clean, epireport_plugins):
            example = epireport.example_input("property-company", plugins=epireport_plugins)
            lint_clean(render_report(epireport.skeleton_input(example), draft=True))
        """
    )
    result = suite.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(failed=2)
    result.stdout.fnmatch_lines(["*lint finding(s):*", "*EPI101*"])


def test_lint_clean_refuses_json(suite: pytest.Pytester) -> None:
    """JSON is data, not prose: lint_clean says so instead of passing it."""
    suite.makepyfile(
        """
        import pytest
        from epireport.exceptions import UsageError

        def test_json(render_report, lint_clean):
            with pytest.raises(UsageError, match="json"):
                lint_clean(render_report("property-company", format="json"))
        """
    )
    suite.runpytest_subprocess("-p", "no:cacheprovider").assert_outcomes(passed=1)
