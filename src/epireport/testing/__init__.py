"""Public testing helpers for epireport and its plugins.

- :func:`plugin_manager`: a strict manager with the built-ins and the plugins you pass, and no
  entry points, so installed plugins never leak into a test;
- :func:`registered`: register plugins for the duration of a ``with`` block, always unregistered;
- :mod:`epireport.testing.strategies`: Hypothesis strategies that respect every validator.
"""

from epireport.testing._manager import plugin_manager, registered

__all__ = ["plugin_manager", "registered"]
