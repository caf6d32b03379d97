"""Lint a written summary: placeholders, malformed numbers, broken enumerations, terms."""

from epireport.lint import format_findings, has_errors, lint_text

TEXT = """\
关于新型冠状病毒感染疫情防控宣传工作的总结
一、高度重视，加强领导
主要做法：一是发放宣传单3.2万余万张。二是张贴标语xx条。四是出动宣传车120余辆。
2020年02月10日
"""

findings = lint_text(TEXT, path="summary.txt")
print(format_findings(findings))
print("errors:", has_errors(findings))
