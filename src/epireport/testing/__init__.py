"""Public testing helpers for epireport and its plugins.

- :func:`plugin_manager`: a strict manager with the built-ins and the plugins you pass, and no
  entry points, so installed plugins never leak into a test;
- :func:`registered`: register plugins for the duration of a ``with`` block, always unregistered;
- :func:`example_report`: a deterministic, realistic input of an institution and its rendered
  summary (seed 0: the packaged example), for tests and demos;
- :mod:`epireport.testing.pytest_plugin`: the pytest fixtures (``epireport_plugins``,
  ``render_report``, ``lint_clean`` ...), registered with pytest when epireport is installed;
- :class:`SpecificationEngine`: the aggregation rules written plainly, the reference both
  aggregation engines are tested against (slow: for test-sized data);
- :mod:`epireport.testing.strategies`: Hypothesis strategies that respect every validator.
"""

from epireport.testing._examples import ExampleReport, example_report
from epireport.testing._manager import plugin_manager, registered
from epireport.testing._spec_engine import SpecificationEngine

__all__ = [
    "ExampleReport",
    "SpecificationEngine",
    "example_report",
    "plugin_manager",
    "registered",
]
