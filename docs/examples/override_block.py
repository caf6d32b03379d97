"""Override one block of a reference template with a higher-priority template source.

The district-publicity plugin's template defines the blocks ``opening``, ``leadership``,
``social``, ``news``, ``online`` and ``next_steps``. An agency replaces ``next_steps`` only: its
template has the same name, sits in a source of higher priority, and extends the original
through ``<source name>::<template name>``, which always reaches that one source.
"""

import jinja2

import epireport
from epireport import TemplateSource, hookimpl

OVERRIDE = """\
{% extends "district-publicity::district-publicity/report.md.j2" %}
{% block next_steps %}
## 下一步工作打算

下一步，我部将坚持每日研判舆情，每周召开一次宣传工作例会。
{% endblock %}
"""


class AgencyTemplates:
    """An agency's local wording, as a plugin."""

    @staticmethod
    @hookimpl
    def epireport_register_templates() -> list[TemplateSource]:
        """One template, at a priority above the reference plugins' 0."""
        loader = jinja2.DictLoader({"district-publicity/report.md.j2": OVERRIDE})
        return [TemplateSource("agency", loader=loader, priority=10)]


# The installed plugins (district-publicity among them) plus the agency's templates.
plugins = epireport.Plugins.create(plugins=[AgencyTemplates])
print("first source:", plugins.template_sources()[0].code)

report = epireport.example_input("district-publicity", plugins=plugins)
text = epireport.render_report(report, plugins=plugins).output
print(text[text.index("三、") :])

# In an installed plugin, ship the override as a file and register its directory, or the
# ``templates`` directory of its package:
ON_DISK = TemplateSource("agency", directory="/etc/epireport/templates", priority=10)
IN_PACKAGE = TemplateSource("agency", package="epireport_agency", priority=10)
