"""The report linter: prose and data checks run over a written summary.

Rules are plugins (``epireport_register_lint_rules``); :func:`lint_file` reads text, Markdown,
HTML and DOCX.
"""

from typing import TYPE_CHECKING

from epireport._lazy import lazy_exports

if TYPE_CHECKING:
    from epireport.lint._data import (
        claims_from_json,
        load_claims,
    )
    from epireport.lint._document import (
        Claim,
        Finding,
        Hit,
        LintDocument,
        Paragraph,
        latest_date,
    )
    from epireport.lint._lint import (
        builtin_lint_rules,
        findings_to_json,
        format_findings,
        has_errors,
        lint_document,
        lint_file,
        lint_text,
        read_document,
    )
    from epireport.lint._rules import (
        LintRule,
        Severity,
    )

__all__ = [
    "Claim",
    "Finding",
    "Hit",
    "LintDocument",
    "LintRule",
    "Paragraph",
    "Severity",
    "builtin_lint_rules",
    "claims_from_json",
    "findings_to_json",
    "format_findings",
    "has_errors",
    "latest_date",
    "lint_document",
    "lint_file",
    "lint_text",
    "load_claims",
    "read_document",
]

__getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "Claim": "epireport.lint._document",
        "Finding": "epireport.lint._document",
        "Hit": "epireport.lint._document",
        "LintDocument": "epireport.lint._document",
        "LintRule": "epireport.lint._rules",
        "Paragraph": "epireport.lint._document",
        "Severity": "epireport.lint._rules",
        "builtin_lint_rules": "epireport.lint._lint",
        "claims_from_json": "epireport.lint._data",
        "findings_to_json": "epireport.lint._lint",
        "format_findings": "epireport.lint._lint",
        "has_errors": "epireport.lint._lint",
        "latest_date": "epireport.lint._document",
        "lint_document": "epireport.lint._lint",
        "lint_file": "epireport.lint._lint",
        "lint_text": "epireport.lint._lint",
        "load_claims": "epireport.lint._data",
        "read_document": "epireport.lint._lint",
    },
)
