"""The 物业服务中心 (property service centre) reference institution for epireport.

The hooks live in :mod:`epireport_property_company.plugin`, the module the ``epireport`` entry
point names.
"""

__version__ = "0.1.0"
