"""Every reference summary ends with its signature and date, sealed or not (GB/T 9704 7.3.5)."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from epireport import build_document, demo_input
from epireport.render import RenderOptions, place_signature, render_docx, render_html

from .test_docx import open_docx
from .test_docx_layout import REFERENCE_PAGES, RIGHT_PT, Line, read_pdf, tool

DATE = re.compile(r"\d{4}年\d{1,2}月\d{1,2}日")
#: Width of a condensed 三号 body character in LibreOffice's PDF, in points.
PITCH_PT = 315 / 20


def demo(institution: str, fmt: str, folder: Path) -> Path:
    """The CLI's rendering of an institution's example, as a file."""
    from epireport.cli import main

    target = folder / f"{institution}.{fmt}"
    if main(["demo", institution, "--format", fmt, "-o", str(target)]) != 0:
        pytest.skip(f"the reference institution {institution} is not installed")
    return target


@pytest.mark.parametrize("institution", sorted(REFERENCE_PAGES))
class TestEverySummaryIsSigned:
    def test_text(self, institution: str, tmp_path: Path) -> None:
        """The text ends with a blank line, the signing unit and the date."""
        lines = demo(institution, "text", tmp_path).read_text(encoding="utf-8").splitlines()
        assert lines[-3] == ""
        assert lines[-2].strip()
        assert DATE.fullmatch(lines[-1])

    def test_docx(self, institution: str, tmp_path: Path) -> None:
        """The DOCX ends with two 公文落款 paragraphs: the unit, then the date."""
        doc = open_docx(demo(institution, "docx", tmp_path).read_bytes())
        *_, unit, date = doc.paragraphs
        assert unit.style.name == date.style.name == "公文落款"
        assert DATE.fullmatch(date.text)

    def test_html(self, institution: str, tmp_path: Path) -> None:
        """The HTML ends its article with the signature block of unit and date."""
        html = demo(institution, "html", tmp_path).read_text(encoding="utf-8")
        block = re.search(r'<div class="signature"[^>]*>(.*?)</div>\s*</article>', html)
        assert block is not None
        lines = re.findall(r"<p[^>]*>([^<]+)</p>", block.group(1))
        assert len(lines) == 2
        assert DATE.fullmatch(lines[1])


def _signature_lines(pdf: Path, unit: str) -> tuple[Line, Line]:
    """The unit's and the date's line on the PDF's last page."""
    lines = read_pdf(pdf)[-1].lines
    found = next(line for line in lines if re.sub(r"\s", "", line.text) == unit)
    date = next(line for line in lines if DATE.fullmatch(re.sub(r"\s", "", line.text)))
    return found, date


def _libreoffice_pdf(source: Path, folder: Path) -> Path:
    program = shutil.which("soffice") or shutil.which("libreoffice")
    if program is None:
        pytest.skip("LibreOffice (soffice) is not installed (Debian: libreoffice-writer-nogui)")
    tool("pdftotext", "poppler-utils")
    subprocess.run(
        [
            program,
            f"-env:UserInstallation=file://{folder / 'profile'}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return source.with_suffix(".pdf")


def _chromium_pdf(source: Path, folder: Path) -> Path:
    from .test_html_print import chromium_args

    tool("pdftotext", "poppler-utils")
    pdf = source.with_suffix(".pdf")
    subprocess.run(
        [
            *chromium_args(folder / "profile"),
            "--no-pdf-header-footer",
            f"--print-to-pdf={pdf}",
            source.as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    return pdf


#: The reference signatures: a unit longer than its date by two characters or more (the
#: date starts two characters into it) and one shorter (the date keeps two characters from
#: the right and pushes the unit left).
SIGNED = [("district-publicity", "中共城关区委宣传部"), ("education-bureau", "县科教局")]


@pytest.mark.slow
@pytest.mark.parametrize(("institution", "unit"), SIGNED)
@pytest.mark.parametrize("fmt", ["docx", "html"])
def test_unsealed_date_starts_two_characters_into_the_unit(
    fmt: str, institution: str, unit: str, tmp_path: Path
) -> None:
    """GB/T 9704 7.3.5.2, measured in the printed PDF: LibreOffice's and Chromium's agree.

    The date's first character stands two characters right of the unit's first (首字比发文
    机关署名首字右移二字), the nearer line two characters from the right margin. Whatever the
    font's digits measure: in the Noto CJK and DejaVu fallbacks they are wider than the half
    character place_signature counts, and a right-aligned date started under the unit's
    first character.
    """
    document, _ = build_document(demo_input(institution))
    source = tmp_path / f"signed.{fmt}"
    if fmt == "docx":
        source.write_bytes(render_docx(document, RenderOptions()))
        pdf, pitch = _libreoffice_pdf(source, tmp_path), PITCH_PT
    else:
        source.write_text(render_html(document, RenderOptions()), encoding="utf-8")
        pdf, pitch = _chromium_pdf(source, tmp_path), 16.0
    found, date = _signature_lines(pdf, unit)
    place = place_signature(unit, date_text(date))
    assert abs(date.x_min - found.x_min - 2 * pitch) < 1.0, (found, date)
    nearer = min(RIGHT_PT - found.x_max, RIGHT_PT - date.x_max)
    if place.unit_right == 2:
        assert abs(RIGHT_PT - found.x_max - 2 * pitch) < 1.0, found
    elif fmt == "html":  # the date is the longer line: two characters from the right
        assert abs(nearer - 2 * pitch) < 1.0, (found, date)
    else:
        # The DOCX cannot measure the date: it starts it where half-width digits leave two
        # characters on the right, and wider digits take some of them (never the margin).
        assert 0 <= nearer <= 2 * pitch + 1.0, (found, date)


def date_text(line: Line) -> str:
    return re.sub(r"\s", "", line.text)


@pytest.mark.slow
def test_libreoffice_places_the_sealed_signature(tmp_path: Path) -> None:
    """7.3.5.1 in LibreOffice's PDF: the date four characters from the right, the unit over it.

    The date's distance is exact with half-width digits; the unit's centre stands within a
    character of the date's (the fallback fonts' digits are wider than place_signature counts).
    """
    document, _ = build_document(demo_input("district-publicity"))
    source = tmp_path / "signed.docx"
    source.write_bytes(render_docx(document, RenderOptions(sealed=True)))
    found, date = _signature_lines(_libreoffice_pdf(source, tmp_path), "中共城关区委宣传部")
    place = place_signature("中共城关区委宣传部", "2020年2月7日", sealed=True)
    assert abs(RIGHT_PT - date.x_max - place.date_right * PITCH_PT) < PITCH_PT / 2
    assert abs((found.x_min + found.x_max) / 2 - (date.x_min + date.x_max) / 2) < PITCH_PT


def test_html_sealed_and_unsealed() -> None:
    """The HTML sets unit and date in one box, right where place_signature puts the nearer line.

    Unsealed the box is left-aligned and the date indented two characters; sealed its lines
    are centred; one blank line above or two.
    """
    document, _ = build_document(demo_input("district-publicity"))
    for sealed, margin, kind in ((False, 28, "signed"), (True, 56, "sealed")):
        html = render_html(document, RenderOptions(sealed=sealed))
        place = place_signature("中共城关区委宣传部", "2020年2月7日", sealed=sealed)
        right = min(place.unit_right, place.date_right)
        assert (
            f'<div class="signature" style="margin-top: {margin}pt; padding-right: {right}em">'
            f'<div class="{kind}"><p>中共城关区委宣传部</p><p class="date">2020年2月7日</p>'
            "</div></div>"
        ) in html
    assert ".signature .signed .date { padding-left: 2em; }" in html
