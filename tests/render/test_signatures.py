"""Every reference summary ends with its signature and date, sealed or not (GB/T 9704 7.3.5)."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from epireport import build_document, demo_input
from epireport.render import RenderOptions, place_signature, render_docx, render_html

from .test_docx import open_docx
from .test_docx_layout import REFERENCE_PAGES, RIGHT_PT, read_pdf, tool

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


@pytest.mark.slow
@pytest.mark.parametrize("sealed", [False, True], ids=["unsealed", "sealed"])
def test_libreoffice_places_the_signature(sealed: bool, tmp_path: Path) -> None:
    """LibreOffice's PDF puts unit and date where GB/T 9704 7.3.5 and place_signature say.

    Unsealed: the unit two characters from the right, the date's first character two right
    of the unit's. Sealed: the date four characters from the right, the unit centred over it.
    The distances from the right margin are exact; the rest depends on the font (see below).
    """
    program = shutil.which("soffice") or shutil.which("libreoffice")
    if program is None:
        pytest.skip("LibreOffice (soffice) is not installed (Debian: libreoffice-writer-nogui)")
    tool("pdftotext", "poppler-utils")
    document, _ = build_document(demo_input("district-publicity"))
    source = tmp_path / "signed.docx"
    source.write_bytes(render_docx(document, RenderOptions(sealed=sealed)))
    subprocess.run(
        [
            program,
            f"-env:UserInstallation=file://{tmp_path / 'profile'}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    lines = read_pdf(tmp_path / "signed.pdf")[-1].lines
    unit = next(line for line in lines if re.sub(r"\s", "", line.text) == "中共城关区委宣传部")
    date = next(line for line in lines if DATE.fullmatch(re.sub(r"\s", "", line.text)))
    place = place_signature("中共城关区委宣传部", "2020年2月7日", sealed=sealed)
    tolerance = PITCH_PT / 2
    assert abs(RIGHT_PT - unit.x_max - place.unit_right * PITCH_PT) < tolerance
    assert abs(RIGHT_PT - date.x_max - place.date_right * PITCH_PT) < tolerance
    # Where the unit's centre (sealed) or first character (unsealed) falls against the date
    # also depends on the font's digits: half a character in 仿宋_GB2312 (what place_signature
    # counts), wider in the Noto CJK fallback, which LibreOffice also spaces from the Chinese.
    # Both lines stand within a character of the standard's place all the same.
    if sealed:
        assert abs((unit.x_min + unit.x_max) / 2 - (date.x_min + date.x_max) / 2) < PITCH_PT
    else:
        assert abs(date.x_min - unit.x_min - 2 * PITCH_PT) < 2 * PITCH_PT


def test_html_sealed_and_unsealed() -> None:
    """The HTML pads unit and date as place_signature says, one blank line or two above."""
    document, _ = build_document(demo_input("district-publicity"))
    for sealed, margin in ((False, 28), (True, 56)):
        html = render_html(document, RenderOptions(sealed=sealed))
        place = place_signature("中共城关区委宣传部", "2020年2月7日", sealed=sealed)
        assert (
            f'<div class="signature" style="margin-top: {margin}pt">'
            f'<p style="padding-right: {place.unit_right}em">中共城关区委宣传部</p>'
            f'<p style="padding-right: {place.date_right}em">2020年2月7日</p></div>'
        ) in html
