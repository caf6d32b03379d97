"""The 县科教局 (county science and education bureau) reference institution for epireport.

The hooks live in :mod:`epireport_education_bureau.plugin`, the module the ``epireport`` entry
point names.
"""

__version__ = "0.1.0"
