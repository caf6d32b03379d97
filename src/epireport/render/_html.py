"""A standalone HTML page, printable on A4 with the GB/T 9704 margins and fonts."""

from typing import Final

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
from epireport.render._options import RenderOptions

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

#: The page's style sheet: GB/T 9704 margins (top 37mm, bottom 35mm, left 28mm, right 26mm),
#: 三号 (16pt) body, 二号 (22pt) title, 28pt lines (22 lines a page), first lines indented 2em.
STYLE: Final = f"""
@page {{ size: A4; margin: 37mm 26mm 35mm 28mm; }}
html {{ font-family: {_FANGSONG}; font-size: 16pt; line-height: 28pt; color: #000; }}
body {{ margin: 0 auto; max-width: 156mm; padding: 1em; }}
@media print {{ body {{ max-width: none; padding: 0; }} .draft {{ border: none; }} }}
h1, h2, h3, h4, h5, p {{ margin: 0; font-size: 16pt; font-weight: normal; }}
h1.title {{ font-family: {_XIAOBIAOSONG}; font-size: 22pt; line-height: 1.6; text-align: center;
  margin-bottom: 28pt; }}
h2, h3, h4, h5, p {{ text-indent: 2em; }}
h2 {{ font-family: {_HEITI}; }}
h3 {{ font-family: {_KAITI}; }}
h4, h5 {{ font-family: {_FANGSONG}; }}
.draft {{ text-align: center; color: #a00; border: 1px solid #a00; text-indent: 0; }}
.violations {{ color: #a00; border: 1px solid #a00; padding: 0 1em; font-size: 12pt; }}
.violations p, .violations li {{ text-indent: 0; }}
table {{ border-collapse: collapse; margin: 0.5em auto; font-size: 12pt; line-height: 1.5; }}
caption {{ font-family: {_HEITI}; padding-bottom: 0.3em; }}
th, td {{ border: 1px solid #000; padding: 0.2em 0.5em; }}
.signature {{ margin-top: 28pt; text-align: right; }}
.signature p {{ text-indent: 0; padding-right: 4em; }}
"""


def _paragraph(event: RenderedParagraph) -> Markup:
    if not event.marker:
        return Markup("<p>{}</p>").format(event.text)
    return Markup('<p class="item"><span class="marker">{}</span>{}</p>').format(
        event.marker, event.lead + event.body
    )


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
    if options.is_draft(meta.draft):
        body.append(Markup('<p class="draft">【草稿】</p>'))
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
    title = document.title
    for event in numbered(document):
        if isinstance(event, RenderedTitle):
            title = event.text
            body.append(Markup('<h1 class="title">{}</h1>').format(event.text))
        elif isinstance(event, RenderedHeading):
            tag = f"h{event.level + 1}"
            body.append(
                Markup('<{tag}><span class="number">{number}</span>{text}</{tag}>').format(
                    tag=tag, number=event.number, text=event.text
                )
            )
        elif isinstance(event, RenderedParagraph):
            body.append(_paragraph(event))
        elif isinstance(event, RenderedTable):
            body.append(_table(event))
        elif isinstance(event, RenderedSignature):
            sig = [Markup('<div class="signature">'), Markup("<p>{}</p>").format(event.unit)]
            if event.date:
                sig.append(Markup("<p>{}</p>").format(event.date))
            sig.append(Markup("</div>"))
            body.append(Markup("").join(sig))
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
