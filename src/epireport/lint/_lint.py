"""Running lint rules: read a file or text into a :class:`LintDocument`, run rules, report."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import attrs

from epireport.exceptions import EpireportError, InputError, PluginError, Problem, UsageError
from epireport.lint._document import (
    FORMATS,
    Claim,
    Finding,
    Hit,
    LintDocument,
    Paragraph,
    latest_date,
    sort_findings,
)
from epireport.lint._readers import format_of, read_docx, read_paragraphs
from epireport.lint._rules import LintRule, Severity

__all__ = [
    "builtin_lint_rules",
    "findings_to_json",
    "format_findings",
    "has_errors",
    "lint_document",
    "lint_file",
    "lint_text",
    "read_document",
]


def builtin_lint_rules() -> tuple[LintRule, ...]:
    """Return epireport's own lint rules (what the built-in plugin registers)."""
    # Imported here: the plugin module imports this package, so the other way round would cycle.
    from epireport._builtins.lint_rules import BUILTIN_LINT_RULES

    return BUILTIN_LINT_RULES


def _check_rules(rules: Iterable[LintRule] | Mapping[str, LintRule]) -> list[LintRule]:
    # Plugins.lint_rules() is a mapping by id; its records are what we run.
    if isinstance(rules, Mapping):
        rules = rules.values()
    result: list[LintRule] = []
    seen: set[str] = set()
    for rule in rules:
        if not isinstance(rule, LintRule):
            raise UsageError(f"lint: expected LintRule records, got {rule!r}")
        if rule.id in seen:
            raise PluginError(f"lint: two lint rules have the id {rule.id!r}")
        seen.add(rule.id)
        result.append(rule)
    return result


def lint_document(
    doc: LintDocument, rules: Iterable[LintRule] | Mapping[str, LintRule] | None = None
) -> list[Finding]:
    """Run *rules* (default: the built-in ones) over *doc*; return findings in reading order.

    A rule's ``check`` yields :class:`Hit` values (or complete :class:`Finding` values); the
    rule's id and severity and the document's path are added here. A check that raises is a
    broken rule: the error becomes a :class:`~epireport.exceptions.PluginError` naming it.
    """
    findings: list[Finding] = []
    for rule in _check_rules(builtin_lint_rules() if rules is None else rules):
        try:
            for item in rule.check(doc):
                if isinstance(item, Hit):
                    findings.append(
                        Finding(
                            rule.id, rule.severity, item.message, doc.path, item.line, item.column
                        )
                    )
                elif isinstance(item, Finding):
                    findings.append(item if item.path else attrs.evolve(item, path=doc.path))
                else:
                    raise PluginError(
                        f"lint rule {rule.id!r} yielded {item!r}; expected Hit or Finding"
                    )
        except EpireportError:
            raise
        except Exception as exc:
            raise PluginError(f"lint rule {rule.id!r} failed on {doc.path}: {exc!r}") from exc
    return sort_findings(findings)


def _make_document(
    paragraphs: Sequence[Paragraph],
    path: str,
    format: str,
    date: dt.date | str | None,
    data: Iterable[Claim] | None,
    draft: bool = False,
    numbering: str | None = None,
) -> LintDocument:
    doc = LintDocument(
        paragraphs,
        path=path,
        format=format,
        date=date,
        claims=data or (),
        draft=draft,
        numbering=numbering,
    )
    if doc.date is None:
        doc = attrs.evolve(doc, date=latest_date(p.text for p in doc.paragraphs))
    return doc


def lint_text(
    text: str,
    *,
    path: str = "<text>",
    format: str = "text",
    date: dt.date | str | None = None,
    data: Iterable[Claim] | None = None,
    rules: Iterable[LintRule] | Mapping[str, LintRule] | None = None,
    draft: bool = False,
    numbering: str | None = None,
) -> list[Finding]:
    """Lint *text* written in *format* (text, markdown or html) and return the findings.

    *date* (a date or ``YYYY-MM-DD``) is the date the document speaks from, by default the
    latest date written in it; *data* are the claims ``--data`` would load
    (:func:`~epireport.lint.load_claims`); *rules* default to the built-in rules; *draft*
    says the text is meant as a draft (its 【草稿】 banner is then no leftover); *numbering*
    the item numbering its institution chose (``1.``, ``1、``, ``（1）``), which numbered items
    must follow.

    >>> [f.rule_id for f in lint_text("共发放口罩xx只。")]
    ['EPI101']
    """
    if format not in FORMATS or format == "docx":
        raise UsageError(f"lint_text: format must be text, markdown or html, not {format!r}")
    doc = _make_document(read_paragraphs(text, format), path, format, date, data, draft, numbering)
    return lint_document(doc, rules)


def _decode(raw: bytes, name: str) -> str:
    # Chinese office documents are often saved as GB18030/GBK rather than UTF-8.
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InputError([Problem(name, "cannot decode the file as UTF-8 or GB18030")])


def read_document(
    path: str | Path,
    *,
    format: str | None = None,
    date: dt.date | str | None = None,
    data: Iterable[Claim] | None = None,
    draft: bool = False,
    numbering: str | None = None,
) -> LintDocument:
    """Read the file *path* into a :class:`LintDocument`; the format comes from the suffix.

    ``.txt`` (and unknown suffixes) read as text, ``.md`` as Markdown, ``.html``/``.htm`` as
    HTML, ``.docx`` with python-docx.
    """
    name = str(path)
    chosen = format or format_of(path)
    if chosen not in FORMATS:
        raise UsageError(f"lint: unknown format {chosen!r}; expected one of {', '.join(FORMATS)}")
    if chosen == "docx":
        paragraphs = read_docx(path)
    else:
        try:
            raw = Path(path).read_bytes()
        except OSError as exc:
            raise InputError([Problem(name, f"cannot read: {exc.strerror or exc}")]) from exc
        paragraphs = read_paragraphs(_decode(raw, name), chosen)
    return _make_document(paragraphs, name, chosen, date, data, draft, numbering)


def lint_file(
    path: str | Path,
    *,
    rules: Iterable[LintRule] | Mapping[str, LintRule] | None = None,
    date: dt.date | str | None = None,
    data: Iterable[Claim] | None = None,
    format: str | None = None,
    draft: bool = False,
    numbering: str | None = None,
) -> list[Finding]:
    """Lint the file *path* (text, Markdown, HTML or DOCX) and return the findings.

    Arguments as for :func:`lint_text`; *format* overrides the one the suffix gives.
    """
    doc = read_document(path, format=format, date=date, data=data, draft=draft, numbering=numbering)
    return lint_document(doc, rules)


def format_findings(findings: Iterable[Finding]) -> str:
    """Return findings one per line: ``path:line:col: EPI101 [error] message``."""
    return "\n".join(str(f) for f in findings)


def findings_to_json(findings: Iterable[Finding]) -> str:
    """Return findings as a JSON list of objects (path, line, column, rule, severity, message)."""
    return json.dumps([f.to_json() for f in findings], ensure_ascii=False, indent=2)


def has_errors(findings: Iterable[Finding]) -> bool:
    """Whether any finding has severity error (the CLI then exits with status 1)."""
    return any(f.severity is Severity.ERROR for f in findings)
