"""``epireport preview``: a local page showing a template's draft and final side by side.

The page is served by the standard library's :mod:`http.server` on the loopback interface
only (127.0.0.1); nothing is fetched from elsewhere. Each request renders afresh: the
template file (and everything it extends or includes) and the data file are read from disk
every time, so saving either one and reloading shows the change. The page reloads itself:
a small script, allowed by a per-page CSP nonce, asks ``/version`` once a second for a
fingerprint of the watched files' sizes and modification times, and reloads when it changes.

What the page shows:

- the draft (missing figures as xx) and the final summary side by side, as the text format
  writes them; each figure shows its fact on hover (indicator, unit, period, exact value,
  status, coverage, sources);
- lint findings highlighted on their line, with rule and message;
- template errors (and the draft's warnings, such as an empty section) one per line with
  the template and its line, and the template's source with those lines highlighted;
- a panel with the template reference (``epireport plugins --template-api``).
"""

from __future__ import annotations

import contextlib
import hashlib
import html
import http.server
import re
import secrets
import threading
import warnings
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs
import click

if TYPE_CHECKING:
    from epireport._plugins import Plugins
    from epireport.document import FactRef
    from epireport.model._institution import Institution
    from epireport.model._report import ReportInput

__all__ = ["Preview", "preview", "serve"]

#: Where the page is served: the loopback interface only, never the network.
HOST = "127.0.0.1"

_WHERE_RE = re.compile(r"template '([^']+)', line (\d+)")

_STYLE = """
body { font-family: "Noto Serif CJK SC", "Songti SC", serif; margin: 0; background: #f4f1ea; }
header { padding: 8px 16px; background: #2c3e50; color: #fff; font-family: sans-serif; }
header code { color: #ffd479; }
main { display: flex; gap: 12px; padding: 12px; }
section.mode { flex: 1; background: #fff; padding: 12px 16px; border: 1px solid #ccc; }
section.mode h2 { font-family: sans-serif; font-size: 15px; margin: 0 0 8px; color: #555; }
.line { white-space: pre-wrap; line-height: 1.8; position: relative; }
.line .no { color: #aaa; font-family: monospace; font-size: 11px; margin-right: 6px; }
.fig { background: #e3f0ff; border-bottom: 1px dotted #36c; position: relative; cursor: help; }
.fig .tip { display: none; position: absolute; left: 0; top: 1.6em; z-index: 10;
  background: #333; color: #fff; font: 12px/1.4 sans-serif; padding: 4px 8px;
  white-space: pre; border-radius: 3px; }
.fig:hover .tip, .fig:focus .tip { display: block; }
.lint { background: #fff3cd; }
.lint.error { background: #f8d7da; }
.finding { display: block; font: 12px sans-serif; color: #8a6d3b; padding-left: 2em; }
.problems { font: 13px monospace; color: #a94442; background: #fdf0f0; padding: 8px;
  border: 1px solid #e4b9b9; margin-bottom: 8px; }
.problems.warnings { color: #8a6d3b; background: #fcf8e3; border-color: #faebcc; }
.problems div { margin: 2px 0; }
pre.source { font: 12px monospace; background: #fafafa; border: 1px solid #ddd; padding: 6px;
  overflow-x: auto; }
pre.source .bad { background: #f8d7da; display: block; }
aside { margin: 0 12px 12px; background: #fff; border: 1px solid #ccc; padding: 8px 16px; }
aside pre { font-size: 12px; max-height: 420px; overflow: auto; }
"""

_SCRIPT = """
const shown = document.body.dataset.version;
async function poll() {
  try {
    const response = await fetch("/version", {cache: "no-store"});
    const now = await response.text();
    if (now !== shown) { location.reload(); return; }
  } catch (error) { /* the server is restarting: try again */ }
  setTimeout(poll, 1000);
}
setTimeout(poll, 1000);
"""


def _fact_tip(ref: FactRef) -> str:
    from epireport.document import _fact_detail

    detail = _fact_detail(ref)
    lines = [f"{ref.indicator} · {ref.unit} · {ref.period}", f"value: {ref.value}"]
    if detail["status"]:
        lines.append(f"status: {detail['status']}")
    coverage = detail["coverage"]
    if coverage and coverage.get("expected") is not None:
        lines.append(f"coverage: {coverage.get('reported')}/{coverage.get('expected')} reported")
    if ref.sources:
        lines.append("sources: " + ", ".join(ref.sources))
    return "\n".join(lines)


def _with_figures(text: str, facts: Sequence[FactRef]) -> str:
    """*text* as HTML, each figure's text wrapped with its fact shown on hover."""
    out: list[str] = []
    at = 0
    for ref in facts:
        if not ref.text:
            continue
        found = text.find(ref.text, at)
        if found < 0:
            continue
        out.append(html.escape(text[at:found]))
        out.append(
            f'<span class="fig" tabindex="0" data-indicator="{html.escape(ref.indicator)}">'
            f"{html.escape(ref.text)}"
            f'<span class="tip">{html.escape(_fact_tip(ref))}</span></span>'
        )
        at = found + len(ref.text)
    out.append(html.escape(text[at:]))
    return "".join(out)


@attrs.frozen
class _Outcome:
    """One mode's render: its text lines with their figures, findings and problems."""

    mode: str
    lines: tuple[tuple[str, tuple[Any, ...]], ...] = ()
    findings: tuple[Any, ...] = ()
    problems: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()


@attrs.define
class Preview:
    """What ``epireport preview`` renders: an institution's template over some data.

    *template* is the template file under work (the institution's own template file when
    not given); *data* the report input file (the institution's example when not given).
    """

    plugins: Plugins
    institution: Institution
    data: Path | None = None
    template: Path | None = None

    def __attrs_post_init__(self) -> None:
        if self.template is None:
            self.template = self._own_template()

    def _own_template(self) -> Path | None:
        from epireport.narrative._environment import build_environment, template_source_of

        source = template_source_of(self.plugins, self.institution.template)
        if source is None or source.sandboxed:
            # Read by name: a sandboxed source's template renders in the sandbox (and is
            # not watched), never as a trusted file.
            return None
        env = build_environment(self.plugins.template_loader())
        assert env.loader is not None
        try:
            _, filename, _ = env.loader.get_source(env, self.institution.template)
        except Exception:  # a template that is not there is shown as the page's error
            return None
        return Path(filename) if filename and Path(filename).is_file() else None

    def _template_arg(self) -> str | Path:
        return self.template if self.template is not None else self.institution.template

    def watched(self) -> list[Path]:
        """The files whose saving reloads the page: the template closure and the data."""
        from epireport.narrative._environment import file_environment, template_closure

        found: list[Path] = []
        if self.template is not None:
            found.append(self.template)
            with contextlib.suppress(Exception):
                name, entry = file_environment(self.plugins, self.institution, self.template)
                loader = entry.env.loader
                assert loader is not None
                for other in template_closure(entry.env, name):
                    if other != name:
                        filename = loader.get_source(entry.env, other)[1]
                        if filename:
                            found.append(Path(filename))
        if self.data is not None:
            found.append(self.data)
        elif self.institution.example is not None and isinstance(self.institution.example, Path):
            found.append(self.institution.example)
        return found

    def version(self) -> str:
        """A fingerprint of the watched files (size and modification time of each)."""
        digest = hashlib.sha256()
        for path in self.watched():
            try:
                stat = path.stat()
                digest.update(f"{path}:{stat.st_mtime_ns}:{stat.st_size};".encode())
            except OSError:
                digest.update(f"{path}:missing;".encode())
        return digest.hexdigest()[:16]

    def _report(self) -> ReportInput:
        from epireport._pipeline import example_input, load_input

        if self.data is not None:
            return load_input(self.data, plugins=self.plugins)
        return example_input(self.institution, plugins=self.plugins)

    def _render(self, report: ReportInput, draft: bool) -> _Outcome:
        from epireport._pipeline import render_report
        from epireport.document import RenderedParagraph, numbered
        from epireport.exceptions import (
            EpireportError,
            EpireportTemplateWarning,
            InputError,
            TemplateError,
        )
        from epireport.lint._lint import lint_text

        mode = "draft" if draft else "final"
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", EpireportTemplateWarning)
            try:
                rendered = render_report(
                    report,
                    format="text",
                    plugins=self.plugins,
                    draft=draft,
                    template=self._template_arg(),
                    allow_violations=True,
                )
            except TemplateError as exc:
                return _Outcome(mode, problems=exc.problems)
            except InputError as exc:
                return _Outcome(mode, problems=tuple(str(p) for p in exc.problems))
            except EpireportError as exc:
                return _Outcome(mode, problems=(str(exc),))
        noted = tuple(
            str(w.message) for w in caught if issubclass(w.category, EpireportTemplateWarning)
        )
        text = str(rendered.output)
        text_lines = text.splitlines()
        facts: list[tuple[Any, ...]] = [() for _ in text_lines]
        at = 0
        for event in numbered(rendered.document):
            if isinstance(event, RenderedParagraph) and event.facts:
                for index in range(at, len(text_lines)):
                    if text_lines[index].endswith(event.text):
                        facts[index] = event.facts
                        at = index + 1
                        break
        findings = lint_text(
            text, draft=draft, numbering=self.institution.item_numbering, path=mode
        )
        return _Outcome(
            mode,
            lines=tuple(zip(text_lines, facts, strict=True)),
            findings=tuple(findings),
            warnings=noted,
        )

    def page(self, nonce: str) -> str:
        """The whole page, with *nonce* on its style and script (see the CSP header)."""
        from epireport.exceptions import EpireportError
        from epireport.narrative._reference import template_reference

        version = self.version()
        try:
            report = self._report()
        except EpireportError as exc:
            problems = getattr(exc, "problems", None) or (exc,)
            outcomes = [
                _Outcome(m, problems=tuple(str(p) for p in problems)) for m in ("draft", "final")
            ]
        else:
            outcomes = [self._render(report, draft=True), self._render(report, draft=False)]
        name = str(self.template) if self.template is not None else self.institution.template
        parts = [
            "<!DOCTYPE html>",
            '<html lang="zh-CN"><head><meta charset="utf-8">',
            f"<title>epireport preview: {html.escape(self.institution.code)}</title>",
            f'<style nonce="{nonce}">{_STYLE}</style></head>',
            f'<body data-version="{version}">',
            f"<header>epireport preview · {html.escape(self.institution.code)} · template "
            f"<code>{html.escape(name)}</code> · data <code>"
            f"{html.escape(str(self.data) if self.data else 'the example')}</code>"
            " · reloads when either is saved</header>",
            "<main>",
        ]
        bad_lines: dict[str, set[int]] = {}
        for outcome in outcomes:
            parts.append(f'<section class="mode" id="{outcome.mode}">')
            parts.append(f"<h2>{'草稿 draft' if outcome.mode == 'draft' else '定稿 final'}</h2>")
            for kind, texts in (("problems", outcome.problems), ("warnings", outcome.warnings)):
                if texts:
                    css = "problems" if kind == "problems" else "problems warnings"
                    parts.append(f'<div class="{css}">')
                    for text in texts:
                        for match in _WHERE_RE.finditer(text):
                            bad_lines.setdefault(match[1], set()).add(int(match[2]))
                        parts.append(f"<div>{html.escape(text)}</div>")
                    parts.append("</div>")
            by_line: dict[int, list[Any]] = {}
            for finding in outcome.findings:
                by_line.setdefault(finding.line, []).append(finding)
            for number, (text, facts) in enumerate(outcome.lines, 1):
                found = by_line.get(number, [])
                css = "line"
                if found:
                    css += " lint" + (
                        " error" if any(f.severity.value == "error" for f in found) else ""
                    )
                parts.append(
                    f'<div class="{css}" data-line="{number}"><span class="no">{number}</span>'
                    f"{_with_figures(text, facts)}"
                )
                for finding in found:
                    parts.append(
                        f'<span class="finding">{html.escape(finding.rule_id)} '
                        f"[{html.escape(finding.severity.value)}] line {finding.line}: "
                        f"{html.escape(finding.message)}</span>"
                    )
                parts.append("</div>")
            parts.append("</section>")
        parts.append("</main>")
        for template_name, lines in sorted(bad_lines.items()):
            source = self._source_of(template_name)
            if source is None:
                continue
            parts.append(f'<aside class="template"><h3>{html.escape(template_name)}</h3>')
            parts.append('<pre class="source">')
            for number, line in enumerate(source.splitlines(), 1):
                css = ' class="bad"' if number in lines else ""
                parts.append(
                    f'<span{css} data-line="{number}">{number:>4}  {html.escape(line)}</span>'
                )
            parts.append("</pre></aside>")
        parts.append(
            '<aside class="reference"><details><summary>Template reference: what a template '
            "can call</summary><pre>"
            + html.escape(template_reference(form="text"))
            + "</pre></details></aside>"
        )
        parts.append(f'<script nonce="{nonce}">{_SCRIPT}</script></body></html>')
        return "\n".join(parts)

    def _source_of(self, name: str) -> str | None:
        if self.template is not None and name == str(self.template):
            with contextlib.suppress(OSError, UnicodeDecodeError):
                return self.template.read_text(encoding="utf-8")
            return None
        from epireport.narrative._environment import build_environment

        env = build_environment(self.plugins.template_loader())
        try:
            assert env.loader is not None
            return env.loader.get_source(env, name)[0]
        except Exception:
            return None


class _Handler(http.server.BaseHTTPRequestHandler):
    """Serves the page at ``/`` and the watched files' fingerprint at ``/version``."""

    preview: Preview

    def do_GET(self) -> None:
        """Answer ``/`` with the page and ``/version`` with the fingerprint."""
        path = self.path.split("?", 1)[0]
        if path == "/version":
            self._send(200, "text/plain; charset=utf-8", self.preview.version(), {})
        elif path == "/":
            nonce = secrets.token_urlsafe(16)
            csp = (
                f"default-src 'none'; script-src 'nonce-{nonce}'; style-src 'nonce-{nonce}'; "
                "connect-src 'self'; base-uri 'none'; form-action 'none'"
            )
            try:
                body = self.preview.page(nonce)
            except Exception as exc:  # the preview must survive any template or data slip
                body = f"<!DOCTYPE html><pre>{html.escape(repr(exc))}</pre>"
            self._send(200, "text/html; charset=utf-8", body, {"Content-Security-Policy": csp})
        else:
            self._send(404, "text/plain; charset=utf-8", "not found", {})

    def _send(self, status: int, kind: str, body: str, headers: dict[str, str]) -> None:
        data = body.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        for key, value in headers.items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        """Keep the terminal quiet: the page shows what happened."""


@contextlib.contextmanager
def serve(preview: Preview, port: int = 0) -> Iterator[str]:
    """Serve *preview* on the loopback interface in a thread; yield its URL.

    *port* 0 takes a free port. The server stops when the block ends.
    """
    handler = type("PreviewHandler", (_Handler,), {"preview": preview})
    server = http.server.ThreadingHTTPServer((HOST, port), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://{HOST}:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@click.command(name="preview")
@click.argument("institution")
@click.argument("data", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--template",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="The template file under work (default: the institution's own template file).",
)
@click.option("--port", default=8765, show_default=True, help="The port on 127.0.0.1 (0: any).")
def preview(institution: str, data: Path | None, template: Path | None, port: int) -> None:
    """Preview INSTITUTION's template over DATA (default: its example) in a browser.

    Serves a page on 127.0.0.1 (never on the network) with the draft and the final summary
    side by side, figures showing their facts on hover, lint findings and template errors
    highlighted on their lines, and the template reference. Saving the template or the data
    file reloads the page. Stop with Ctrl-C.
    """
    import time

    from epireport._plugins import Plugins

    plugins = Plugins.create()
    inst = plugins.institution(institution)
    if data is not None and not data.is_file():
        raise click.UsageError(f"DATA {data}: no such file")
    the_preview = Preview(plugins, inst, data=data, template=template)
    try:
        server = serve(the_preview, port)
        url = server.__enter__()
    except OSError as exc:
        raise click.UsageError(f"--port {port}: cannot listen on {HOST} ({exc.strerror})") from None
    click.echo(f"epireport preview: {url} (Ctrl-C stops it)", err=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        server.__exit__(None, None, None)
