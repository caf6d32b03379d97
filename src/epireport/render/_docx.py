"""DOCX laid out per GB/T 9704-2012 (党政机关公文格式), drawn with python-docx.

A fresh document is A4 with margins of 37 mm (top), 35 mm (bottom), 28 mm (left) and 26 mm
(right): 22 lines of 28 characters of 仿宋_GB2312 三号 (16 pt), from a line grid and body
styles condensed by a quarter point (no character grid: LibreOffice would halve the line). The
title is 方正小标宋简体 二号 (22 pt) centred; headings are 黑体 (一、), 楷体_GB2312 (（一）) and
the body font (1. and （1））.
Page numbers read ``— 1 —`` in 四号 半角宋体, right on odd pages and left on even ones.

An institution may supply its own .docx as ``base`` (its red 版头, styles, footers): the base
keeps its section settings, headers, footers and every style it defines; the report goes
where a paragraph reading ``{{正文}}`` stands, or after the base's body.

python-docx is an optional dependency (``epireport[docx]``): it is imported only when a DOCX is
rendered, so ``import epireport`` works without it.
"""

from __future__ import annotations

import copy
import datetime
import io
import os
import zipfile
from collections.abc import Iterable, Sequence
from typing import Any, Final

import attrs

from epireport.document import (
    Document,
    Event,
    RenderedHeading,
    RenderedParagraph,
    RenderedSignature,
    RenderedTable,
    RenderedTitle,
    clean_text,
    numbered,
)
from epireport.exceptions import RenderError
from epireport.render._appendix import AppendixTable, appendix_tables, chart_png
from epireport.render._layout import (
    DRAFT_COLOR,
    DRAFT_MARK,
    paragraph_runs,
    place_signature,
    text_width,
)
from epireport.render._options import RenderOptions
from epireport.render._title import title_lines

__all__ = ["PLACEHOLDER", "render_docx"]

#: A paragraph of a base document containing this text is replaced by the report.
PLACEHOLDER: Final = "{{正文}}"

# ---------------------------------------------------------------------------------------------
# GB/T 9704-2012 figures. Word measures in twips (1/20 pt) and half-points.

_FANGSONG: Final = "仿宋_GB2312"
_XIAOBIAOSONG: Final = "方正小标宋简体"
_HEITI: Final = "黑体"
_KAITI: Final = "楷体_GB2312"
_SONGTI: Final = "宋体"

# Word substitutes w:altName when a font is missing; the GB2312-era names are often absent on
# new machines while their successors (仿宋, 楷体) ship with every Chinese Windows.
_ALT_NAMES: Final = {
    _FANGSONG: "仿宋",
    _XIAOBIAOSONG: "宋体",
    _HEITI: "SimHei",
    _KAITI: "楷体",
    _SONGTI: "SimSun",
}

_BODY_PT: Final = 16  # 三号
_TITLE_PT: Final = 22  # 二号
_SMALL_PT: Final = 14  # 四号: page numbers and table cells
# 22 lines in the 225 mm type area: 28.95 pt a line (579 twips).
_LINE_TWIPS: Final = 579
_TITLE_LINE_TWIPS: Final = 700  # 35 pt, the usual fixed line height of a 二号 title
_CHARS_PER_LINE: Final = 28
_MAX_CONDENSE_TWIPS: Final = 40  # 2 pt
_A4_TWIPS: Final = (11906, 16838)
_MARGINS_MM: Final = {"top": 37, "bottom": 35, "left": 28, "right": 26}
# The page number's dashes sit 7 mm below the type area: 35 - 7 mm to the line's top, and a
# 四号 line is about 5 mm high.
_FOOTER_MM: Final = 23
_HEADER_MM: Final = 15

# Core properties are fixed so that two renders of one document are byte-identical.
_EPOCH: Final = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)
_ZIP_TIME: Final = (1980, 1, 1, 0, 0, 0)

_W: Final = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_R: Final = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

# Child order of the elements this module edits (ECMA-376 sequences): Word rejects a file
# whose children are out of order, so every insertion goes through _put().
_PPR_SEQ: Final = (
    "pStyle",
    "keepNext",
    "keepLines",
    "pageBreakBefore",
    "framePr",
    "widowControl",
    "numPr",
    "suppressLineNumbers",
    "pBdr",
    "shd",
    "tabs",
    "suppressAutoHyphens",
    "kinsoku",
    "wordWrap",
    "overflowPunct",
    "topLinePunct",
    "autoSpaceDE",
    "autoSpaceDN",
    "bidi",
    "adjustRightInd",
    "snapToGrid",
    "spacing",
    "ind",
    "contextualSpacing",
    "mirrorIndents",
    "suppressOverlap",
    "jc",
    "textDirection",
    "textAlignment",
    "textboxTightWrap",
    "outlineLvl",
    "divId",
    "cnfStyle",
    "rPr",
    "sectPr",
    "pPrChange",
)
_RPR_SEQ: Final = (
    "rStyle",
    "rFonts",
    "b",
    "bCs",
    "i",
    "iCs",
    "caps",
    "smallCaps",
    "strike",
    "dstrike",
    "outline",
    "shadow",
    "emboss",
    "imprint",
    "noProof",
    "snapToGrid",
    "vanish",
    "webHidden",
    "color",
    "spacing",
    "w",
    "kern",
    "position",
    "sz",
    "szCs",
    "highlight",
    "u",
    "effect",
    "bdr",
    "shd",
    "fitText",
    "vertAlign",
    "rtl",
    "cs",
    "em",
    "lang",
    "eastAsianLayout",
    "specVanish",
    "oMath",
)
_SECTPR_SEQ: Final = (
    "headerReference",
    "footerReference",
    "footnotePr",
    "endnotePr",
    "type",
    "pgSz",
    "pgMar",
    "paperSrc",
    "pgBorders",
    "lnNumType",
    "pgNumType",
    "cols",
    "formProt",
    "vAlign",
    "noEndnote",
    "titlePg",
    "textDirection",
    "bidi",
    "rtlGutter",
    "docGrid",
    "printerSettings",
    "sectPrChange",
)
_TBLPR_SEQ: Final = (
    "tblStyle",
    "tblpPr",
    "tblOverlap",
    "bidiVisual",
    "tblStyleRowBandSize",
    "tblStyleColBandSize",
    "tblW",
    "jc",
    "tblCellSpacing",
    "tblInd",
    "tblBorders",
    "shd",
    "tblLayout",
    "tblCellMar",
    "tblLook",
    "tblCaption",
    "tblDescription",
)
_TRPR_SEQ: Final = (
    "cnfStyle",
    "divId",
    "gridBefore",
    "gridAfter",
    "wBefore",
    "wAfter",
    "cantSplit",
    "trHeight",
    "tblHeader",
    "tblCellSpacing",
    "jc",
    "hidden",
    "ins",
    "del",
    "trPrChange",
)


@attrs.frozen
class _Role:
    """One paragraph style of the report: its name in Word and its GB/T 9704 look."""

    name: str
    style_id: str
    font: str
    size_pt: int
    align: str  # w:jc value
    indent: bool = True  # first line indented two characters
    bold: bool = False
    outline: int | None = None  # heading level in Word's navigation pane (0 = level 1)
    keep_next: bool = False
    line_twips: int | None = _LINE_TWIPS  # exact line height; None = single spacing
    snap: bool = True  # follow the document grid
    space_after: int = 0
    space_before: int = 0


_TITLE: Final = _Role(
    "公文标题",
    "EpiTitle",
    _XIAOBIAOSONG,
    _TITLE_PT,
    "center",
    indent=False,
    keep_next=True,
    line_twips=_TITLE_LINE_TWIPS,
    # Its 35 pt lines would each snap to two rows of the 28.95 pt line grid.
    snap=False,
    space_after=_LINE_TWIPS,  # 空一行 between title and body
)
_BODY: Final = _Role("公文正文", "EpiBody", _FANGSONG, _BODY_PT, "both")
_HEADINGS: Final = (
    _Role("公文一级标题", "EpiHeading1", _HEITI, _BODY_PT, "both", outline=0, keep_next=True),
    _Role("公文二级标题", "EpiHeading2", _KAITI, _BODY_PT, "both", outline=1, keep_next=True),
    _Role("公文三级标题", "EpiHeading3", _FANGSONG, _BODY_PT, "both", outline=2, keep_next=True),
    _Role("公文四级标题", "EpiHeading4", _FANGSONG, _BODY_PT, "both", outline=3, keep_next=True),
)
_CAPTION: Final = _Role(
    "公文表题", "EpiTableCaption", _FANGSONG, _BODY_PT, "center", indent=False, keep_next=True
)
_CELL: Final = _Role(
    "公文表格", "EpiTableCell", _FANGSONG, _SMALL_PT, "center", indent=False, line_twips=None
)
_SIGNATURE: Final = _Role("公文落款", "EpiSignature", _FANGSONG, _BODY_PT, "right", indent=False)
_PAGE_NUMBER: Final = _Role(
    "公文页码", "EpiPageNumber", _SONGTI, _SMALL_PT, "right", indent=False, line_twips=None
)
_ROLES: Final = (_TITLE, _BODY, *_HEADINGS, _CAPTION, _CELL, _SIGNATURE, _PAGE_NUMBER)


def render_docx(
    document: Document,
    options: RenderOptions | None = None,
    *,
    base: bytes | str | os.PathLike[str] | None = None,
) -> bytes:
    """Draw *document* as a GB/T 9704-2012 DOCX and return the file's bytes.

    Without *base* the page, fonts, line grid and odd/even page numbers follow GB/T 9704.
    With *base* (an institution's .docx: path or bytes) its section settings, headers,
    footers and styles are kept; the report replaces a paragraph containing ``{{正文}}`` or
    follows the base's body, and page numbers are added only if the base has no footer.

    Item leads are bold, a draft's placeholders highlighted and its 【草稿】 red (the layout
    every format shares, :func:`epireport.render.paragraph_runs`); the title breaks between words in
    a trapezoid or diamond; ``options.sealed`` places the signature for a seal (GB/T 9704
    7.3.5.1) and ``options.appendix`` adds the data appendix (tables and PNG charts).

    The output is deterministic: the same document and base give the same bytes. Raises
    :class:`~epireport.exceptions.RenderError` when python-docx is missing or *base* is not a
    readable .docx.
    """
    options = RenderOptions() if options is None else options
    try:
        import docx
    except ImportError:  # pragma: no cover - exercised only without the extra installed
        raise RenderError("DOCX output needs python-docx: pip install 'epireport[docx]'") from None

    fresh = base is None
    doc = docx.Document() if base is None else _open_base(base)
    if fresh:
        _setup_fresh(doc)
    owned = _ensure_styles(doc)
    _ensure_fonts(doc, [role.font for role in _ROLES])
    _forbid_embedded_fonts(doc)

    body = doc.element.body
    placeholder = _find_placeholder(doc)
    existing = set(body)
    draft = options.is_draft(document.meta.draft)
    writer = _Writer(doc, owned, draft=draft, sealed=options.sealed, unit=document.meta.unit)
    if draft:
        writer.draft()
        for violation in document.meta.violations:
            writer.note(f"数据校验未通过：{violation.message}")
    for event in numbered(document):
        writer.draw(event)
    if options.appendix:
        tables = appendix_tables(document, options.facts)
        if tables:
            writer.appendix(tables)
    if placeholder is not None:
        _fill_placeholder(placeholder, [el for el in body if el not in existing])

    _add_page_numbers(doc, writer.style_id(_PAGE_NUMBER))
    _set_core_properties(doc, document)
    out = io.BytesIO()
    doc.save(out)
    return _normalise_zip(out.getvalue())


# ---------------------------------------------------------------------------------------------
# XML helpers.


def _qn(tag: str) -> str:
    prefix, local = tag.split(":")
    return f"{{{_W if prefix == 'w' else _R}}}{local}"


def _put(parent: Any, tag: str, seq: Sequence[str], **values: str) -> Any:
    """Return the child *tag* of *parent* (created in schema order), with *values* set."""
    local = tag.split(":")[1]
    child = parent.find(_qn(tag))
    if child is None:
        from docx.oxml import OxmlElement

        child = OxmlElement(tag)
        later = {_qn("w:" + t) for t in seq[seq.index(local) + 1 :]}
        for sibling in parent:
            if sibling.tag in later:
                sibling.addprevious(child)
                break
        else:
            parent.append(child)
    for key, value in values.items():
        child.set(_qn("w:" + key), value)
    return child


def _set_fonts(rpr: Any, font: str) -> None:
    """Name *font* in every slot Word uses for Chinese text and the digits among it."""
    rfonts = _put(rpr, "w:rFonts", _RPR_SEQ)
    # A theme attribute beats the explicit name on the same element: drop them.
    for attr in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
        rfonts.attrib.pop(_qn("w:" + attr), None)
    for slot in ("ascii", "hAnsi", "eastAsia"):
        rfonts.set(_qn("w:" + slot), font)
    rfonts.set(_qn("w:hint"), "eastAsia")


def _set_size(rpr: Any, points: int) -> None:
    _put(rpr, "w:sz", _RPR_SEQ, val=str(points * 2))
    _put(rpr, "w:szCs", _RPR_SEQ, val=str(points * 2))


def _set_bold(rpr: Any, bold: bool) -> None:
    value = "1" if bold else "0"
    _put(rpr, "w:b", _RPR_SEQ, val=value)
    _put(rpr, "w:bCs", _RPR_SEQ, val=value)


def _first_line_indent(ppr: Any, pitch: int) -> None:
    """Indent the first line two characters of *pitch* twips each.

    In twips, not in character units (firstLineChars): without a character grid a character
    unit is not the condensed pitch, and readers differ on what it is.
    """
    _put(
        ppr,
        "w:ind",
        _PPR_SEQ,
        firstLineChars="0",
        firstLine=str(2 * pitch),
        left="0",
        right="0",
    )


def _no_indent(ppr: Any) -> None:
    ind = _put(ppr, "w:ind", _PPR_SEQ, firstLineChars="0", firstLine="0", left="0", right="0")
    ind.attrib.pop(_qn("w:hanging"), None)


def _chars(n: float, pitch: int) -> str:
    """Return a width of *n* body characters of *pitch* twips each, in twips."""
    return str(round(n * pitch))


def _char_pitch(doc: Any) -> int:
    """Twips a body character takes so that 28 fill a line of the type area.

    GB/T 9704's 156 mm line holds 28 三号 characters only slightly condensed: 315 twips
    (15.75 pt) each instead of 320. Rounded down, since a pitch a hair too wide leaves 27
    characters on a line. Never wider than the font (a wide base's lines keep their natural
    spacing) and never condensed by more than 2 pt (a narrow base's glyphs would touch).
    """
    natural = _BODY_PT * 20
    return max(natural - _MAX_CONDENSE_TWIPS, min(natural, _type_width(doc) // _CHARS_PER_LINE))


def _set_char_spacing(rpr: Any, pitch: int) -> None:
    """Condense (w:spacing, in twips) a body-size run so that it advances *pitch* twips."""
    _put(rpr, "w:spacing", _RPR_SEQ, val=str(pitch - _BODY_PT * 20))


# ---------------------------------------------------------------------------------------------
# Document set-up.


def _open_base(base: bytes | str | os.PathLike[str]) -> Any:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    source: Any = io.BytesIO(base) if isinstance(base, bytes | bytearray) else os.fspath(base)
    try:
        return docx.Document(source)
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        where = "base document" if isinstance(base, bytes | bytearray) else os.fspath(base)
        raise RenderError(f"{where}: not a readable .docx file ({exc})") from None


def _setup_fresh(doc: Any) -> None:
    """Give a blank document the GB/T 9704 page, grid and default fonts."""
    from docx.shared import Mm, Twips

    section = doc.sections[0]
    section.page_width, section.page_height = (Twips(t) for t in _A4_TWIPS)
    section.top_margin = Mm(_MARGINS_MM["top"])
    section.bottom_margin = Mm(_MARGINS_MM["bottom"])
    section.left_margin = Mm(_MARGINS_MM["left"])
    section.right_margin = Mm(_MARGINS_MM["right"])
    section.header_distance = Mm(_HEADER_MM)
    section.footer_distance = Mm(_FOOTER_MM)
    # A line grid only: 22 lines of 579 twips, which every reader honours. A character grid
    # (type linesAndChars) would give 28 characters in Word, but LibreOffice and the suites
    # built on it put each character of a 16 pt font in two of its cells: 14 a line. The 28
    # characters come from the styles' character spacing instead (_char_pitch).
    grid = _put(section._sectPr, "w:docGrid", _SECTPR_SEQ, type="lines", linePitch=str(_LINE_TWIPS))
    grid.attrib.pop(_qn("w:charSpace"), None)
    # Everything not styled by a role (footnotes, new paragraphs typed in Word) is body text.
    styles = doc.styles.element
    rpr_default = styles.find(f"{_qn('w:docDefaults')}/{_qn('w:rPrDefault')}/{_qn('w:rPr')}")
    normal = doc.styles["Normal"]
    for rpr in (rpr_default, normal.element.get_or_add_rPr()):
        if rpr is not None:
            _set_fonts(rpr, _FANGSONG)
            _set_size(rpr, _BODY_PT)
            _put(rpr, "w:lang", _RPR_SEQ, val="en-US", eastAsia="zh-CN", bidi="ar-SA")
    # On Normal only, not the defaults: the 四号 table cells and page numbers keep theirs.
    _set_char_spacing(normal.element.get_or_add_rPr(), _char_pitch(doc))


def _ensure_styles(doc: Any) -> dict[str, bool]:
    """Create the report's paragraph styles; return which ones are ours (not the base's).

    A style the base already defines (matched by name) is the institution's word and is left
    alone; runs in it then carry no direct formatting either.
    """
    from docx.enum.style import WD_STYLE_TYPE

    names = {style.name for style in doc.styles}
    pitch = _char_pitch(doc)
    owned: dict[str, bool] = {}
    for role in _ROLES:
        if role.name in names:
            owned[role.style_id] = False
            continue
        style = doc.styles.add_style(role.name, WD_STYLE_TYPE.PARAGRAPH)
        style.style_id = role.style_id
        style.quick_style = role is not _PAGE_NUMBER
        _style_role(style, role, pitch)
        owned[role.style_id] = True
    return owned


def _style_role(style: Any, role: _Role, pitch: int) -> None:
    ppr = style.element.get_or_add_pPr()
    if role.keep_next:
        _put(ppr, "w:keepNext", _PPR_SEQ)
    _put(ppr, "w:widowControl", _PPR_SEQ)
    # No extra space between Chinese and Latin letters or digits (2020年2月7日, not
    # 2020 年 2 月 7 日): it would push characters off the 28 columns.
    _put(ppr, "w:autoSpaceDE", _PPR_SEQ, val="0")
    _put(ppr, "w:autoSpaceDN", _PPR_SEQ, val="0")
    if not role.snap:
        _put(ppr, "w:snapToGrid", _PPR_SEQ, val="0")
    spacing: dict[str, str] = {"before": str(role.space_before), "after": str(role.space_after)}
    if role.line_twips is None:
        spacing.update(line="240", lineRule="auto")
    else:
        spacing.update(line=str(role.line_twips), lineRule="exact")
    _put(ppr, "w:spacing", _PPR_SEQ, beforeLines="0", afterLines="0", **spacing)
    if role.indent:
        _first_line_indent(ppr, pitch)
    else:
        _no_indent(ppr)
    _put(ppr, "w:jc", _PPR_SEQ, val=role.align)
    if role.outline is not None:
        _put(ppr, "w:outlineLvl", _PPR_SEQ, val=str(role.outline))
    rpr = style.element.get_or_add_rPr()
    _set_fonts(rpr, role.font)
    _set_bold(rpr, role.bold)
    _put(rpr, "w:color", _RPR_SEQ, val="000000")
    _set_size(rpr, role.size_pt)
    if role.size_pt == _BODY_PT:
        _set_char_spacing(rpr, pitch)
    _put(rpr, "w:lang", _RPR_SEQ, val="en-US", eastAsia="zh-CN")


def _ensure_fonts(doc: Any, fonts: Iterable[str]) -> None:
    """Declare every font in the font table, with a fallback name (never embedded)."""
    from docx.opc.constants import CONTENT_TYPE as CT
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.opc.oxml import serialize_part_xml
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part
    from docx.oxml.parser import OxmlElement, parse_xml

    part = doc.part
    try:
        table_part = part.part_related_by(RT.FONT_TABLE)
        root = parse_xml(table_part.blob)
    except KeyError:
        root = OxmlElement("w:fonts", nsdecls={"w": _W, "r": _R})
        table_part = Part(PackURI("/word/fontTable.xml"), CT.WML_FONT_TABLE, b"", part.package)
        part.relate_to(table_part, RT.FONT_TABLE)
    known = {font.get(_qn("w:name")) for font in root.findall(_qn("w:font"))}
    for name in dict.fromkeys(fonts):
        if name in known:
            continue
        font = OxmlElement("w:font", attrs={_qn("w:name"): name})
        for tag, value in (
            ("w:altName", _ALT_NAMES.get(name, name)),
            ("w:charset", "86"),  # GB2312
            ("w:family", "auto"),
            ("w:pitch", "variable"),
        ):
            font.append(OxmlElement(tag, attrs={_qn("w:val"): value}))
        root.append(font)
    # A generic Part keeps its bytes in _blob; python-docx has no API for the font table.
    table_part._blob = serialize_part_xml(root)


def _forbid_embedded_fonts(doc: Any) -> None:
    """Fonts are named, never embedded: drop any embedding switch a base carries."""
    settings = doc.settings.element
    for tag in ("embedTrueTypeFonts", "embedSystemFonts", "saveSubsetFonts"):
        for el in settings.findall(_qn("w:" + tag)):
            settings.remove(el)


def _find_placeholder(doc: Any) -> Any:
    for paragraph in doc.paragraphs:
        if PLACEHOLDER in paragraph.text:
            return paragraph._p
    return None


def _fill_placeholder(placeholder: Any, new: list[Any]) -> None:
    """Move the report's elements to where the placeholder stands, then drop it."""
    for el in new:
        if el.tag != _qn("w:sectPr"):
            placeholder.addprevious(el)
    ppr = placeholder.find(_qn("w:pPr"))
    if ppr is not None and ppr.find(_qn("w:sectPr")) is not None:
        # The placeholder ends a section: keep the paragraph (it carries the section break).
        for child in list(placeholder):
            if child is not ppr:
                placeholder.remove(child)
    else:
        placeholder.getparent().remove(placeholder)


# ---------------------------------------------------------------------------------------------
# Drawing.


class _Writer:
    """Append paragraphs and tables for render events to a python-docx document."""

    def __init__(
        self,
        doc: Any,
        owned: dict[str, bool],
        *,
        draft: bool = False,
        sealed: bool = False,
        unit: str = "",
    ) -> None:
        self.doc = doc
        self.owned = owned
        self.pitch = _char_pitch(doc)
        self.is_draft = draft
        self.sealed = sealed
        self.unit = unit
        self.last: Any = None  # the paragraph drawn last
        self.last_text: str | None = None  # its text, when it is a body paragraph

    def paragraph(self, role: _Role) -> Any:
        self.last_text = None
        paragraph = self.doc.add_paragraph()
        paragraph._p.get_or_add_pPr()
        _put(paragraph._p.pPr, "w:pStyle", _PPR_SEQ, val=self.style_id(role))
        self.last = paragraph
        return paragraph

    def style_id(self, role: _Role) -> str:
        """Return the id of *role*'s style: ours, or the base's style of the same name."""
        if self.owned[role.style_id]:
            return str(role.style_id)
        return str(self.doc.styles[role.name].style_id)

    def run(self, paragraph: Any, text: str, role: _Role, *, bold: bool | None = None) -> Any:
        run = paragraph.add_run(clean_text(text))
        if self.owned[role.style_id]:
            # Fonts and size on the run as well as on the style: some readers (WPS, older
            # Word) and copy-paste between documents lose the East Asian slot of a style.
            rpr = run._r.get_or_add_rPr()
            _set_fonts(rpr, role.font)
            if bold is not None:
                _set_bold(rpr, bold)
            _set_size(rpr, role.size_pt)
            if role.size_pt == _BODY_PT:
                _set_char_spacing(rpr, self.pitch)
        elif bold is not None:
            run.bold = bold
        return run

    def draft(self) -> None:
        """The 【草稿】 line above the title, bold and red as offices mark a draft."""
        paragraph = self.paragraph(_BODY)
        _no_indent(paragraph._p.pPr)
        _put(paragraph._p.pPr, "w:jc", _PPR_SEQ, val="center")
        run = self.run(paragraph, DRAFT_MARK, _BODY, bold=True)
        _put(run._r.get_or_add_rPr(), "w:color", _RPR_SEQ, val=DRAFT_COLOR)

    def note(self, text: str) -> None:
        """A line of a draft's notes (what its data fails), in red, not indented."""
        paragraph = self.paragraph(_BODY)
        _no_indent(paragraph._p.pPr)
        run = self.run(paragraph, text, _BODY)
        _put(run._r.get_or_add_rPr(), "w:color", _RPR_SEQ, val=DRAFT_COLOR)

    def draw(self, event: Event) -> None:
        """Append what *event* shows: a title, heading, paragraph, table or signature."""
        if isinstance(event, RenderedTitle):
            self.title(event.text)
        elif isinstance(event, RenderedHeading):
            role = _HEADINGS[min(event.level, len(_HEADINGS)) - 1]
            self.run(self.paragraph(role), event.full, role)
        elif isinstance(event, RenderedParagraph):
            paragraph = self.paragraph(_BODY)
            # The lead of a run-in point (一是强抓社会宣传。) is bold; a draft's placeholders
            # are highlighted so that none is missed when the figures are filled in.
            for piece in paragraph_runs(event, draft=self.is_draft):
                run = self.run(paragraph, piece.text, _BODY, bold=True if piece.bold else None)
                if piece.placeholder:
                    _put(run._r.get_or_add_rPr(), "w:highlight", _RPR_SEQ, val="yellow")
            self.last_text = clean_text(event.text)
        elif isinstance(event, RenderedTable):
            self.table(event)
        elif isinstance(event, RenderedSignature):
            self.signature(event)

    def table(self, event: RenderedTable) -> None:
        from docx.enum.table import WD_TABLE_ALIGNMENT
        from docx.shared import Twips

        self.last_text = None  # a table follows: no closing paragraph to cut
        if event.caption:
            self.run(self.paragraph(_CAPTION), event.caption, _CAPTION)
        rows = (event.header, *event.rows)
        table = self.doc.add_table(rows=len(rows), cols=len(event.header))
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        tblpr = table._tbl.tblPr
        borders = _put(tblpr, "w:tblBorders", _TBLPR_SEQ)
        for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
            _put(
                borders,
                f"w:{edge}",
                ["top", "left", "start", "bottom", "right", "end", "insideH", "insideV"],
                val="single",
                sz="4",
                space="0",
                color="000000",
            )
        column = Twips(_type_width(self.doc) // len(event.header))
        for r, cells in enumerate(rows):
            row = table.rows[r]
            if r == 0:
                # The header row repeats on every page the table spans.
                _put(row._tr.get_or_add_trPr(), "w:tblHeader", _TRPR_SEQ)
            for c, text in enumerate(cells):
                cell = row.cells[c]
                cell.width = column
                paragraph = cell.paragraphs[0]
                ppr = paragraph._p.get_or_add_pPr()
                _put(ppr, "w:pStyle", _PPR_SEQ, val=self.style_id(_CELL))
                self.run(paragraph, text, _CELL, bold=True if r == 0 else None)

    def title(self, text: str) -> None:
        """The title, its lines broken between words (GB/T 9704 7.3.3: trapezoid or diamond)."""
        paragraph = self.paragraph(_TITLE)
        for n, line in enumerate(title_lines(text, words=(self.unit,))):
            run = self.run(paragraph, line, _TITLE)
            if n:
                from docx.oxml import OxmlElement

                run._r.insert(len(run._r) - 1, OxmlElement("w:br"))

    def signature(self, event: RenderedSignature) -> None:
        # GB/T 9704-2012 7.3.5, as every format places it (_layout.place_signature): unsealed,
        # the unit one blank line below the text and two characters from the right, the date
        # two characters right of the unit's start; sealed, the date four characters from the
        # right and the unit centred over it, two blank lines leaving the seal room.
        place = place_signature(event.unit, event.date, sealed=self.sealed)
        if self.last is not None:
            # Never a signature alone on a page: the text's last lines go over with it.
            _put(self._closing_lines()._p.get_or_add_pPr(), "w:keepNext", _PPR_SEQ)
        unit = self.paragraph(_SIGNATURE)
        _put(
            unit._p.pPr,
            "w:spacing",
            _PPR_SEQ,
            before=str(_LINE_TWIPS * place.blank_lines),
            beforeLines="0",
        )
        # Unit and date stay together on one page.
        _put(unit._p.pPr, "w:keepNext", _PPR_SEQ)
        self._right_indent(unit, place.unit_right)
        self.run(unit, event.unit, _SIGNATURE)
        if event.date:
            date = self.paragraph(_SIGNATURE)
            if self.sealed:
                self._right_indent(date, place.date_right)
            else:
                self._date_under_unit(date, place.date_right + text_width(event.date))
            self.run(date, event.date, _SIGNATURE)

    def appendix(self, tables: tuple[AppendixTable, ...]) -> None:
        """The data appendix on a page of its own: 附件, its title, a table and chart each."""
        from docx.shared import Mm

        label = self.paragraph(_HEADINGS[0])
        _put(label._p.pPr, "w:pageBreakBefore", _PPR_SEQ)
        _no_indent(label._p.pPr)
        _put(label._p.pPr, "w:outlineLvl", _PPR_SEQ, val="9")  # not a heading of the report
        self.run(label, "附件", _HEADINGS[0])
        self.title("数据附表")
        width = Mm(150)
        for n, table in enumerate(tables, 1):
            rows = tuple((r.unit, r.value, r.completeness) for r in (*table.rows, table.total))
            self.table(
                RenderedTable(
                    0,
                    f"表{n}　{table.caption}（{table.period}）",
                    ("单位", "数值", "报送（实报/应报）"),
                    rows,
                )
            )
            if table.series:
                picture = self.paragraph(_CELL)
                _put(picture._p.pPr, "w:keepNext", _PPR_SEQ)
                # An image line: single spacing off the grid, or the line would clip it.
                _put(picture._p.pPr, "w:snapToGrid", _PPR_SEQ, val="0")
                _put(
                    picture._p.pPr,
                    "w:spacing",
                    _PPR_SEQ,
                    before="120",
                    after="0",
                    line="240",
                    lineRule="auto",
                )
                run = picture.add_run()
                run.add_picture(io.BytesIO(chart_png(table)), width=width)
                self.run(self.paragraph(_CELL), f"图{n}　{table.chart_caption}", _CELL)

    def _closing_lines(self) -> Any:
        """The paragraph holding the last two lines of the text, to keep with the signature.

        Word keeps a paragraph's last lines with the next one; LibreOffice moves the whole
        paragraph, which left the page before the signature half empty under a long closing
        paragraph (the property company's ten lines of 下一步……). So a closing paragraph of
        four lines or more is cut where its last two lines begin, the second part set on
        without an indent: read on the page, nothing changes. It is cut only where the lines
        are certain: every character full width (28 to a line, whatever the font) and no
        break where punctuation would have to move (see :func:`_line_starts`).
        """
        last = self.last
        text = self.last_text
        if text is None or last is None:
            return last
        starts = _line_starts(text, _type_width(self.doc) // self.pitch)
        if starts is None or len(starts) < 4:  # three lines or fewer go over whole
            return last
        per_line = _type_width(self.doc) // self.pitch
        cut, before = starts[-2], starts[-3]
        if cut - before > per_line - (2 if before == 0 else 0):
            # The line before the cut hangs a mark in the margin: whether a suite still hangs
            # it at a paragraph's end is its own affair.
            return last
        tail = copy.deepcopy(last._p)
        last._p.addnext(tail)
        _keep_text(last._p, 0, cut)
        _keep_text(tail, cut, len(text))
        _no_indent(tail.get_or_add_pPr())
        from docx.text.paragraph import Paragraph

        return Paragraph(tail, last._parent)

    def _date_under_unit(self, paragraph: Any, start: float) -> None:
        """Start the unsealed date *start* characters left of the right margin.

        7.3.5.2 places the date by its first character (two right of the unit's first): set
        from the left, the date keeps that place whatever its digits measure. Right-aligned
        it would start where its digits end it, and a font whose digits are wider than half a
        character (the Noto CJK and DejaVu fallbacks) put it under the unit's first character.
        The right indent reaches into the margin so that wide digits never wrap the date.
        """
        _put(paragraph._p.pPr, "w:jc", _PPR_SEQ, val="left")
        _put(
            paragraph._p.pPr,
            "w:ind",
            _PPR_SEQ,
            leftChars="0",
            left=str(max(0, _type_width(self.doc) - round(start * self.pitch))),
            rightChars="0",
            right=str(-2 * self.pitch),
            firstLineChars="0",
            firstLine="0",
        )

    def _right_indent(self, paragraph: Any, chars: float) -> None:
        _put(
            paragraph._p.pPr,
            "w:ind",
            _PPR_SEQ,
            rightChars="0",
            right=_chars(chars, self.pitch),
            firstLineChars="0",
            firstLine="0",
        )


# Punctuation that never starts a line (it hangs at the end of the one before) and that never
# ends one (it moves down with what it opens): GB/T 15834 and both suites' line breaking.
_NO_LINE_START: Final = frozenset("，。、；：！？）》」』”’〉】…—·")
_NO_LINE_END: Final = frozenset("（《「『“‘〈【")


def _line_starts(text: str, per_line: int) -> list[int] | None:
    """Where each line of a body paragraph of *text* starts, or None when that is not certain.

    Certain when every character is full width: each takes the condensed pitch in any CJK
    font, so the first line (indented two) holds ``per_line - 2`` and the others
    ``per_line``, one more when the next character is punctuation that may not start a line
    (it hangs in the margin). Two such marks in a row, or a line ending in an opening mark,
    make the suites move characters in ways of their own: None.
    """
    if any(ord(ch) < 0x2E80 for ch in text):
        return None
    starts = [0]
    pos, room = 0, per_line - 2
    while len(text) - pos > room:
        end = pos + room
        if text[end] in _NO_LINE_START:
            end += 1
            if end < len(text) and text[end] in _NO_LINE_START:
                return None
        if text[end - 1] in _NO_LINE_END:
            return None
        if end >= len(text):
            break
        starts.append(end)
        pos, room = end, per_line
    return starts


def _keep_text(p: Any, start: int, end: int) -> None:
    """Keep only characters *start* to *end* of paragraph element *p*'s runs."""
    at = 0
    for r in list(p.iterchildren(_qn("w:r"))):
        t = r.find(_qn("w:t"))
        text = t.text or "" if t is not None else ""
        a, b = max(start, at), min(end, at + len(text))
        if t is None or a >= b:
            if t is not None:
                p.remove(r)
        else:
            t.text = text[a - at : b - at]
        at += len(text)


def _type_width(doc: Any) -> int:
    """Width of the type area of the last section, in twips (A4 GB/T 9704 if unknown)."""
    from docx.shared import Mm

    section = doc.sections[-1]
    if None in (section.page_width, section.left_margin, section.right_margin):
        return _A4_TWIPS[0] - int(Mm(_MARGINS_MM["left"] + _MARGINS_MM["right"]).twips)
    # Word stores twips; python-docx reports EMU (635 to the twip), exactly divisible.
    return int(section.page_width - section.left_margin - section.right_margin) // 635


# ---------------------------------------------------------------------------------------------
# Page numbers.


def _add_page_numbers(doc: Any, style_id: str) -> None:
    """Add ``— n —`` footers (odd right, even left) unless the base has footers of its own.

    Odd and even footers need Word's even-and-odd switch, which also splits headers: a base
    header gets copied to the even pages so a red 版头 does not vanish from them.
    """
    sections = list(doc.sections)
    for section in sections:
        for footer in (section.footer, section.even_page_footer, section.first_page_footer):
            if not footer.is_linked_to_previous:
                return  # the institution numbers its pages itself
    for section in sections:
        if (
            not section.header.is_linked_to_previous
            and section.even_page_header.is_linked_to_previous
        ):
            _copy_story(section.header, section.even_page_header)
    doc.settings.odd_and_even_pages_header_footer = True
    first = sections[0]
    _page_number_footer(first.footer, "right", style_id)
    _page_number_footer(first.even_page_footer, "left", style_id)
    for section in sections:
        # GB/T 9704 numbers the first page too, even when a base sets it apart for its 版头.
        if (
            section.different_first_page_header_footer
            and section.first_page_footer.is_linked_to_previous
        ):
            _page_number_footer(section.first_page_footer, "right", style_id)


def _copy_story(source: Any, target: Any) -> None:
    """Copy a header's content into another header, relinking its images and hyperlinks."""
    target.is_linked_to_previous = False
    src_part, dst_part = source.part, target.part
    dst = target._element
    for child in list(dst):
        dst.remove(child)
    for child in source._element:
        dst.append(copy.deepcopy(child))
    for el in dst.iter():
        for key, value in list(el.attrib.items()):
            if not key.startswith(f"{{{_R}}}") or value not in src_part.rels:
                continue
            rel = src_part.rels[value]
            if rel.is_external:
                new = dst_part.relate_to(rel.target_ref, rel.reltype, is_external=True)
            else:
                new = dst_part.relate_to(rel.target_part, rel.reltype)
            el.set(key, new)


def _page_number_footer(footer: Any, side: str, style_id: str) -> None:
    """Fill *footer* with ``— PAGE —`` in 四号 宋体, one character in from *side*."""
    from docx.oxml import OxmlElement

    footer.is_linked_to_previous = False
    ftr = footer._element
    for child in list(ftr):
        ftr.remove(child)
    paragraph = footer.add_paragraph()
    ppr = paragraph._p.get_or_add_pPr()
    _put(ppr, "w:pStyle", _PPR_SEQ, val=style_id)
    # 单页码居右空一字，双页码居左空一字 (one 四号 character: 280 twips).
    _put(ppr, "w:ind", _PPR_SEQ, **{f"{side}Chars": "100", side: str(_SMALL_PT * 20)})
    _put(ppr, "w:jc", _PPR_SEQ, val=side)

    def run(text: str | None = None) -> Any:
        r = paragraph.add_run(text)
        rpr = r._r.get_or_add_rPr()
        _set_fonts(rpr, _SONGTI)
        _set_size(rpr, _SMALL_PT)
        return r

    run("— ")
    begin = OxmlElement("w:fldChar")
    begin.set(_qn("w:fldCharType"), "begin")
    run()._r.append(begin)
    instr = OxmlElement("w:instrText")
    instr.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    instr.text = " PAGE "
    run()._r.append(instr)
    separate = OxmlElement("w:fldChar")
    separate.set(_qn("w:fldCharType"), "separate")
    run()._r.append(separate)
    run("1")
    end = OxmlElement("w:fldChar")
    end.set(_qn("w:fldCharType"), "end")
    run()._r.append(end)
    run(" —")


# ---------------------------------------------------------------------------------------------
# Determinism.


def _set_core_properties(doc: Any, document: Document) -> None:
    """Fix every time and author field: the output depends on the document alone."""
    props = doc.core_properties
    when = _EPOCH
    if document.signature is not None and document.signature.date is not None:
        date = document.signature.date
        when = datetime.datetime(date.year, date.month, date.day, tzinfo=datetime.UTC)
    props.title = clean_text(document.title or "")
    props.author = clean_text(document.meta.unit or document.meta.institution)
    props.subject = clean_text(document.meta.period)
    props.comments = ""  # not python-docx's template text
    props.last_modified_by = "epireport"
    props.created = when
    props.modified = when
    props.revision = 1
    props.language = "zh-CN"


def _normalise_zip(data: bytes) -> bytes:
    """Rewrite the package with fixed member times and attributes (byte-identical output)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            member = zipfile.ZipInfo(info.filename, date_time=_ZIP_TIME)
            member.compress_type = zipfile.ZIP_DEFLATED
            member.create_system = 0
            member.external_attr = 0
            target.writestr(member, source.read(info.filename))
    return out.getvalue()
