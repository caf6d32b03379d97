"""A standalone HTML page, printable on A4 with the GB/T 9704 margins and fonts.

Printed (Chromium 131 or later reads CSS page-margin boxes) each page carries its number as
``— n —``, right on odd pages and left on even ones, and no page starts or ends with a lone
line. On screen each figure shows its fact when hovered (a ``title`` attribute: no script,
the Content-Security-Policy stays strict).
"""

from typing import Final

import attrs
from markupsafe import Markup

from epireport.document import (
    Document,
    RenderedHeading,
    RenderedParagraph,
    RenderedSignature,
    RenderedTable,
    RenderedTitle,
    numbered,
)
from epireport.render._appendix import AppendixTable, appendix_tables, chart_svg
from epireport.render._layout import (
    DRAFT_COLOR,
    DRAFT_MARK,
    Run,
    fact_note,
    paragraph_runs,
    place_signature,
    text_width,
)
from epireport.render._options import RenderOptions
from epireport.render._title import title_lines

__all__ = ["CONTENT_SECURITY_POLICY", "STYLE", "render_html"]

#: No scripts, no fetches, no frames, no forms: only the inline style sheet. Every value is
#: escaped anyway; the policy is the second line of defence if a renderer bug lets markup in.
CONTENT_SECURITY_POLICY: Final = (
    "default-src 'none'; script-src 'none'; object-src 'none'; style-src 'unsafe-inline'; "
    "img-src 'none'; font-src 'none'; connect-src 'none'; frame-src 'none'; "
    "form-action 'none'; base-uri 'none'"
)

# 仿宋 first for the body, 小标宋 for the title, 黑体 and 楷体 for the first two heading levels;
# names in GB2312 builds first, then the Windows, macOS and generic fallbacks.
_FANGSONG: Final = '"FangSong_GB2312", "仿宋_GB2312", "FangSong", "仿宋", "STFangsong", serif'
_XIAOBIAOSONG: Final = (
    '"FZXiaoBiaoSong-B05S", "方正小标宋简体", "方正小标宋_GBK", "小标宋", "STZhongsong", '
    '"SimSun", "宋体", serif'
)
_HEITI: Final = '"SimHei", "黑体", "Heiti SC", "STHeiti", sans-serif'
_KAITI: Final = '"KaiTi_GB2312", "楷体_GB2312", "KaiTi", "楷体", "STKaiti", serif'
_SONGTI: Final = '"SimSun", "宋体", "Songti SC", "STSong", serif'
_PAGE_NUMBER: Final = f'content: "— " counter(page) " —"; font-family: {_SONGTI}; font-size: 14pt;'

#: The page's style sheet: GB/T 9704 margins (top 37mm, bottom 35mm, left 28mm, right 26mm),
#: 三号 (16pt) body, 二号 (22pt) title, 28pt lines (22 lines a page), first lines indented 2em,
#: body characters condensed by a quarter point as in the DOCX, so that 28 fill a 156 mm line.
STYLE: Final = f"""
@page {{ size: A4; margin: 37mm 26mm 35mm 28mm; }}
@page :right {{ @bottom-right {{ {_PAGE_NUMBER} vertical-align: top; padding-top: 7mm;
  margin-right: 1em; }} }}
@page :left {{ @bottom-left {{ {_PAGE_NUMBER} vertical-align: top; padding-top: 7mm;
  margin-left: 1em; }} }}
html {{ font-family: {_FANGSONG}; font-size: 16pt; line-height: 28pt; color: #000; }}
body {{ margin: 0 auto; max-width: 156mm; padding: 1em; }}
@media print {{ body {{ max-width: none; padding: 0; }} .draft {{ border: none; }}
  .appendix {{ break-before: page; }} }}
p, li {{ orphans: 2; widows: 2; }}
p .end {{ white-space: nowrap; }}
h1, h2, h3, h4, h5, p {{ margin: 0; font-size: 16pt; font-weight: normal; }}
h1.title {{ font-family: {_XIAOBIAOSONG}; font-size: 22pt; line-height: 1.6; text-align: center;
  margin-bottom: 28pt; }}
h1.title .line {{ display: block; }}
h2, h3, h4, h5, p {{ text-indent: 2em; }}
article > p, article > h2, article > h3, article > h4, article > h5 {{ letter-spacing: -0.25pt; }}
h2 {{ font-family: {_HEITI}; }}
h3 {{ font-family: {_KAITI}; }}
h4, h5 {{ font-family: {_FANGSONG}; }}
.draft {{ text-align: center; color: #{DRAFT_COLOR}; border: 1px solid #{DRAFT_COLOR};
  text-indent: 0; font-weight: bold; }}
mark {{ background: #ffff00; color: inherit; }}
strong {{ font-weight: bold; }}
.figure[title] {{ text-decoration: underline dotted #888; cursor: help; }}
@media print {{ .figure[title] {{ text-decoration: none; }} }}
.violations {{ color: #a00; border: 1px solid #a00; padding: 0 1em; font-size: 12pt; }}
.violations p, .violations li {{ text-indent: 0; }}
table {{ border-collapse: collapse; margin: 0.5em auto; font-size: 12pt; line-height: 1.5; }}
caption {{ font-family: {_HEITI}; padding-bottom: 0.3em; }}
th, td {{ border: 1px solid #000; padding: 0.2em 0.5em; }}
.signature {{ text-align: right; break-inside: avoid; break-before: avoid; }}
.signature > div {{ display: inline-block; text-align: left; white-space: nowrap; }}
.signature > .sealed {{ text-align: center; }}
.signature p {{ text-indent: 0; }}
.signature .signed .date {{ padding-left: 2em; }}
.appendix h2 {{ text-indent: 0; }}
.appendix h3 {{ font-family: {_XIAOBIAOSONG}; font-size: 22pt; text-align: center; text-indent: 0;
  line-height: 1.6; margin: 14pt 0 28pt; }}
.appendix table {{ width: 100%; }}
.appendix figure {{ margin: 0 0 14pt; break-inside: avoid; }}
.appendix figcaption {{ font-size: 12pt; line-height: 1.5; text-align: center; }}
.appendix .chart {{ display: block; width: 100%; height: auto; }}
"""


def _run(run: Run) -> Markup:
    out = Markup("{}").format(run.text)
    if run.placeholder:
        out = Markup("<mark>{}</mark>").format(out)
    if run.fact is not None:
        out = Markup('<span class="figure" title="{}">{}</span>').format(fact_note(run.fact), out)
    if run.bold:
        out = Markup("<strong>{}</strong>").format(out)
    return out


#: The width, in body characters, a paragraph's last line keeps at least (its punctuation
#: not counted): never 温。 or 谣。 alone, nor 998份。 under a line of text.
_LAST_LINE_MIN: Final = 3.0
_LAST_LINE_MAX: Final = 6.0
_TRAILING: Final = frozenset("，。、；：！？）》」』”’…—")


def _tail_start(runs: tuple[Run, ...]) -> int:
    """Where the paragraph's unbreakable end begins: its last few characters and their marks.

    At least :data:`_LAST_LINE_MIN` characters wide before the closing punctuation, the whole
    clause when it is no wider than :data:`_LAST_LINE_MAX`, and never inside a figure or a
    placeholder (the whole of 45998份 goes down, not 98份).
    """
    text = "".join(run.text for run in runs)
    end = len(text)
    while end > 0 and text[end - 1] in _TRAILING:
        end -= 1
    start = end
    # A mark never starts the end (、焚烧。 would open a line with 、): its word goes with it.
    while start > 0 and (text_width(text[start:end]) < _LAST_LINE_MIN or text[start] in _TRAILING):
        start -= 1
    # Up to the mark before it when that is near (共计998份, not 计998份): a clause goes whole.
    mark = max(text.rfind(ch, 0, start) for ch in _TRAILING)
    if mark >= 0 and text_width(text[mark + 1 : end]) <= _LAST_LINE_MAX:
        start = mark + 1
    at = 0
    for run in runs:
        if at < start < at + len(run.text) and (run.fact is not None or run.placeholder):
            return at
        at += len(run.text)
    return start


def _paragraph(event: RenderedParagraph, draft: bool) -> Markup:
    runs = paragraph_runs(event, draft=draft)
    cut = _tail_start(runs)
    head: list[Markup] = []
    tail: list[Markup] = []
    at = 0
    for run in runs:
        if at + len(run.text) <= cut:
            head.append(_run(run))
        elif at >= cut:
            tail.append(_run(run))
        else:  # a bold lead or plain text running into the end: cut in two
            head.append(_run(attrs.evolve(run, text=run.text[: cut - at])))
            tail.append(_run(attrs.evolve(run, text=run.text[cut - at :])))
        at += len(run.text)
    # The end does not wrap (white-space: nowrap): the last line holds a word at least.
    text = Markup("").join(head)
    if tail and head:
        text += Markup('<span class="end">{}</span>').format(Markup("").join(tail))
    else:
        text += Markup("").join(tail)
    if not event.marker:
        return Markup("<p>{}</p>").format(text)
    return Markup('<p class="item">{}</p>').format(text)


def _title(text: str, unit: str) -> Markup:
    lines = title_lines(text, words=(unit,))
    if len(lines) == 1:
        return Markup('<h1 class="title">{}</h1>').format(text)
    # Lines as block spans, not <br>: the heading stays one piece of text for readers that
    # extract it (search, screen readers, the linter), and only its look is broken.
    return Markup('<h1 class="title">{}</h1>').format(
        Markup("").join(Markup('<span class="line">{}</span>').format(line) for line in lines)
    )


def _signature(event: RenderedSignature, sealed: bool) -> Markup:
    place = place_signature(event.unit, event.date, sealed=sealed)
    # Unit and date share a box as wide as the wider of them, set right, its right edge where
    # place_signature puts the nearer line (inline style: allowed by the policy, style-src
    # 'unsafe-inline'). In the box the lines are placed by the standard's own words, not by
    # measured widths: unsealed, the date starts two characters right of the unit's start
    # (7.3.5.2); sealed, the unit is centred over the date (7.3.5.1). A font whose digits are
    # wider than half a character moves neither line from the other.
    right = min(place.unit_right, place.date_right) if event.date else place.unit_right
    lines = [Markup("<p>{}</p>").format(event.unit)]
    if event.date:
        lines.append(Markup('<p class="date">{}</p>').format(event.date))
    return Markup(
        '<div class="signature" style="margin-top: {}pt; padding-right: {}em">'
        '<div class="{}">{}</div></div>'
    ).format(
        28 * place.blank_lines, right, "sealed" if sealed else "signed", Markup("").join(lines)
    )


def _appendix(tables: tuple[AppendixTable, ...]) -> Markup:
    parts = [
        Markup('<section class="appendix">'),
        Markup('<h2 class="attachment">附件</h2>'),
        Markup("<h3>数据附表</h3>"),
    ]
    for n, table in enumerate(tables, 1):
        rows = [*table.rows, table.total]
        parts.append(
            _table(
                RenderedTable(
                    0,
                    f"表{n}　{table.caption}（{table.period}）",
                    ("单位", "数值", "报送（实报/应报）"),
                    tuple((r.unit, r.value, r.completeness) for r in rows),
                )
            )
        )
        if table.series:
            parts.append(
                Markup("<figure>{}<figcaption>图{}　{}</figcaption></figure>").format(
                    Markup(chart_svg(table)), n, table.chart_caption
                )
            )
    parts.append(Markup("</section>"))
    return Markup("").join(parts)


def _table(event: RenderedTable) -> Markup:
    parts = [Markup("<table>")]
    if event.caption:
        parts.append(Markup("<caption>{}</caption>").format(event.caption))
    parts.append(Markup("<thead><tr>"))
    parts.extend(Markup('<th scope="col">{}</th>').format(c) for c in event.header)
    parts.append(Markup("</tr></thead><tbody>"))
    for row in event.rows:
        parts.append(Markup("<tr>"))
        parts.extend(Markup("<td>{}</td>").format(c) for c in row)
        parts.append(Markup("</tr>"))
    parts.append(Markup("</tbody></table>"))
    return Markup("").join(parts)


def _meta(name: str, content: str) -> Markup:
    return Markup('<meta name="{}" content="{}">').format(name, content)


def render_html(document: Document, options: RenderOptions) -> str:
    """Draw *document* as a standalone HTML page (``lang="zh-CN"``), ready to print on A4.

    Every text from data or users is escaped (``Markup.format`` applies
    :func:`markupsafe.escape` to each argument); a
    Content-Security-Policy meta forbids scripts as a second line of defence.

    The title breaks between words in a trapezoid or diamond; item leads are ``<strong>``;
    each figure is a ``<span class="figure">`` whose ``title`` tells its fact; a draft marks
    every placeholder ``<mark>`` and its 【草稿】 in red. The signature is placed as
    ``options.sealed`` asks (GB/T 9704 7.3.5), and ``options.appendix`` adds the data appendix
    (tables and inline SVG charts).
    """
    meta = document.meta
    head = [
        Markup('<meta charset="utf-8">'),
        # Our own constant, without " or &: written as is so the policy stays readable.
        Markup(f'<meta http-equiv="Content-Security-Policy" content="{CONTENT_SECURITY_POLICY}">'),
        Markup('<meta name="viewport" content="width=device-width, initial-scale=1">'),
        _meta("generator", "epireport"),
        _meta("author", meta.unit),
        _meta("epireport:institution", meta.institution),
        _meta("epireport:period", meta.period),
    ]
    if meta.generated is not None:
        head.append(_meta("epireport:generated", meta.generated))
    body: list[Markup] = []
    draft = options.is_draft(meta.draft)
    if draft:
        body.append(Markup('<p class="draft">{}</p>').format(DRAFT_MARK))
        if meta.violations:
            # A draft says what its data fails, where a reader sees it before any figure.
            notes = Markup("").join(
                Markup("<li>{}</li>").format(v.message) for v in meta.violations
            )
            body.append(
                Markup(
                    '<aside class="violations"><p>数据校验未通过（定稿前须核实）：</p>'
                    "<ul>{}</ul></aside>"
                ).format(notes)
            )
    title = document.title or document.meta.unit  # the page needs a <title>
    for event in numbered(document):
        if isinstance(event, RenderedTitle):
            title = event.text
            body.append(_title(event.text, meta.unit))
        elif isinstance(event, RenderedHeading):
            tag = f"h{event.level + 1}"
            body.append(
                Markup('<{tag}><span class="number">{number}</span>{text}</{tag}>').format(
                    tag=tag, number=event.number, text=event.text
                )
            )
        elif isinstance(event, RenderedParagraph):
            body.append(_paragraph(event, draft))
        elif isinstance(event, RenderedTable):
            body.append(_table(event))
        elif isinstance(event, RenderedSignature):
            body.append(_signature(event, options.sealed))
    if options.appendix:
        tables = appendix_tables(document, options.facts)
        if tables:
            body.append(_appendix(tables))
    page = [
        Markup('<!DOCTYPE html>\n<html lang="zh-CN">\n<head>'),
        *head,
        Markup("<title>{}</title>").format(title),
        Markup("<style>{}</style>").format(Markup(STYLE)),
        Markup("</head>\n<body>\n<article>"),
        *body,
        Markup("</article>\n</body>\n</html>"),
    ]
    return str(Markup("\n").join(page)) + "\n"
