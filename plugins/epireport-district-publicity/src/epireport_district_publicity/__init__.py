"""The 区委宣传部 (district propaganda department) reference institution for epireport.

The hooks live in :mod:`epireport_district_publicity.plugin`, the module the ``epireport``
entry point names.
"""

__version__ = "0.1.0"
