"""The optional data appendix (附件): tables by sub-unit and daily charts, in HTML and DOCX."""

import re
import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import pytest

from epireport import build_document, demo_input
from epireport.document import Document
from epireport.facts import FactSet
from epireport.render import RenderOptions, render_docx, render_html, render_markdown
from epireport.render._appendix import CHART_SIZE, appendix_tables, chart_png

from .test_docx import open_docx

#: 排查师生 of the education example: one row per school, then the total.
SCHOOLS = ("县第一中学", "县第二中学", "城关小学", "实验小学", "城南小学", "县职业中学")


@pytest.fixture(scope="module")
def education() -> tuple[Document, FactSet]:
    """The education bureau's example, composed, with the facts behind it."""
    try:
        return build_document(demo_input("education-bureau"))
    except Exception as exc:  # pragma: no cover - only without the reference plugin
        pytest.skip(f"the education-bureau example is not available: {exc}")


def is_bar(pixel: bytes) -> bool:
    """Whether an RGB pixel is the charts' dark blue (text and rules are black or grey)."""
    r, _, b = pixel
    return b > r + 40 and b > 80 and r < 110


class TestTables:
    def test_by_sub_unit_with_total(self, education: tuple[Document, FactSet]) -> None:
        """Each stated indicator has a row per school, its total and completeness."""
        document, facts = education
        tables = appendix_tables(document, facts)
        assert [t.indicator for t in tables] == ["screened", "fever", "isolated"]
        screened = tables[0]
        assert tuple(r.unit for r in screened.rows) == SCHOOLS
        assert sum(int(r.value) for r in screened.rows) == int(screened.total.value) == 11397
        assert screened.total.completeness == "248/252（98%）"
        assert len(screened.series) == 14  # every day of 1月27日 to 2月9日
        assert sum(v for _, v in screened.series) == 11397

    def test_without_facts_by_reporting_unit(self, education: tuple[Document, FactSet]) -> None:
        """Without the fact set the rows are the units that sent data, by code."""
        document, _ = education
        screened = appendix_tables(document)[0]
        assert all(re.fullmatch(r"S\d\dC\d\d", r.unit) for r in screened.rows)
        assert sum(int(r.value) for r in screened.rows) == 11397

    def test_chart_png_is_a_png(self, education: tuple[Document, FactSet]) -> None:
        """The DOCX chart is a valid RGB PNG of CHART_SIZE with bars in it."""
        png = chart_png(appendix_tables(*education)[0])
        assert png.startswith(b"\x89PNG\r\n\x1a\n")
        width, height = struct.unpack(">II", png[16:24])
        assert (width, height) == CHART_SIZE
        data = zlib.decompress(png[png.index(b"IDAT") + 4 : png.index(b"IEND") - 8])
        stride = 1 + 3 * width
        pixels = [
            data[row * stride + 1 + 3 * x : row * stride + 4 + 3 * x]
            for row in range(0, height, 10)
            for x in range(0, width, 10)
        ]
        assert any(is_bar(p) for p in pixels)


class TestRendered:
    def test_off_by_default(self, education: tuple[Document, FactSet]) -> None:
        """Without the option no format carries an appendix (the seeds are reproduced as is)."""
        document, _ = education
        assert "附件" not in render_html(document, RenderOptions())
        text = "\n".join(p.text for p in open_docx(render_docx(document)).paragraphs)
        assert "附件" not in text

    def test_html(self, education: tuple[Document, FactSet]) -> None:
        """The HTML appendix has the tables by school and an inline SVG chart per indicator."""
        document, facts = education
        html = render_html(document, RenderOptions(appendix=True, facts=facts))
        appendix = html[html.index('<section class="appendix">') :]
        assert '<h2 class="attachment">附件</h2>' in appendix
        assert "表1　排查师生（人次）（2020年1月27日至2月9日）" in appendix
        for school in SCHOOLS:
            assert f"<td>{school}</td>" in appendix
        assert "<td>合计</td><td>11397</td><td>248/252（98%）</td>" in appendix
        assert appendix.count("<svg") == 3
        assert appendix.count("<rect") == 3 * 14
        assert "<script" not in html

    def test_markdown_has_none(self, education: tuple[Document, FactSet]) -> None:
        """Markdown and text stay the summary alone: the appendix is for HTML and DOCX."""
        document, facts = education
        options = RenderOptions(appendix=True, facts=facts)
        assert "附件" not in render_markdown(document, options)

    def test_docx(self, education: tuple[Document, FactSet]) -> None:
        """The DOCX appendix starts a page with 附件, has a table per indicator and PNG charts."""
        document, facts = education
        doc = open_docx(render_docx(document, RenderOptions(appendix=True, facts=facts)))
        label = next(p for p in doc.paragraphs if p.text == "附件")
        assert label.paragraph_format.page_break_before
        assert len(doc.tables) == 3
        cells = [[c.text for c in row.cells] for row in doc.tables[0].rows]
        assert cells[0] == ["单位", "数值", "报送（实报/应报）"]
        assert [row[0] for row in cells[1:]] == [*SCHOOLS, "合计"]
        images = [rel for rel in doc.part.rels.values() if rel.reltype.endswith("/image")]
        assert len(images) == 3


# ---------------------------------------------------------------------------------------------
# Page images: the charts are drawn where the appendix puts them.


def tool(name: str, package: str) -> str:
    found = shutil.which(name)
    if found is None:
        pytest.skip(f"{name} is not installed (Debian: apt-get install {package})")
    return found


def read_ppm(path: Path) -> tuple[int, int, bytes]:
    """Width, height and RGB bytes of a binary PPM (what pdftoppm writes by default)."""
    data = path.read_bytes()
    parts = data.split(maxsplit=4)
    assert parts[0] == b"P6"
    assert parts[3] == b"255"
    return int(parts[1]), int(parts[2]), parts[4]


def bar_rows(pdf: Path, folder: Path) -> list[tuple[int, float]]:
    """For each page of *pdf*: how many pixels are chart blue, and where the first one is.

    The place is the highest such row as a fraction of the page height (``-1`` when none).
    """
    pdftoppm = tool("pdftoppm", "poppler-utils")
    subprocess.run(
        [pdftoppm, "-r", "30", str(pdf), str(folder / "page")],
        check=True,
        capture_output=True,
        timeout=120,
    )
    found = []
    for image in sorted(folder.glob("page-*.ppm"), key=lambda p: int(p.stem.split("-")[1])):
        width, height, rgb = read_ppm(image)
        rows = [
            y
            for y in range(height)
            for x in range(0, width, 2)
            if is_bar(rgb[3 * (y * width + x) : 3 * (y * width + x) + 3])
        ]
        found.append((len(rows), (min(rows) / height) if rows else -1.0))
    return found


@pytest.mark.slow
def test_docx_charts_on_the_page(education: tuple[Document, FactSet], tmp_path: Path) -> None:
    """LibreOffice draws the DOCX appendix's charts: blue bars after the summary's pages only."""
    program = shutil.which("soffice") or shutil.which("libreoffice")
    if program is None:
        pytest.skip("LibreOffice (soffice) is not installed (Debian: libreoffice-writer-nogui)")
    document, facts = education
    source = tmp_path / "appendix.docx"
    source.write_bytes(render_docx(document, RenderOptions(appendix=True, facts=facts)))
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
    pages = bar_rows(tmp_path / "appendix.pdf", tmp_path)
    summary_pages = 2
    assert all(count == 0 for count, _ in pages[:summary_pages])
    assert sum(count for count, _ in pages[summary_pages:]) > 100
    first_chart = next(top for count, top in pages[summary_pages:] if count)
    assert 0.1 < first_chart < 0.9  # under the table, inside the type area


@pytest.mark.slow
def test_html_charts_on_the_page(education: tuple[Document, FactSet], tmp_path: Path) -> None:
    """Chromium prints the HTML appendix's SVG charts: blue bars on the appendix's pages."""
    from .test_html_print import chromium_args

    document, facts = education
    source = tmp_path / "appendix.html"
    source.write_text(
        render_html(document, RenderOptions(appendix=True, facts=facts)), encoding="utf-8"
    )
    pdf = tmp_path / "appendix.pdf"
    subprocess.run(
        [
            *chromium_args(tmp_path / "profile"),
            "--no-pdf-header-footer",
            f"--print-to-pdf={pdf}",
            source.as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    pages = bar_rows(pdf, tmp_path)
    first_appendix = next(i for i, (count, _) in enumerate(pages) if count)
    assert first_appendix >= 1  # the appendix starts a page of its own, after the summary
    assert sum(count for count, _ in pages) > 100


@pytest.mark.parametrize("fmt", ["html", "docx"])
def test_cli_demo_appendix(fmt: str, tmp_path: Path) -> None:
    """``epireport demo education-bureau -f FMT --appendix`` writes the appendix."""
    from epireport._cli.render_cmds import demo
    from epireport.cli import main

    assert any(param.name == "appendix" for param in demo.params)
    target = tmp_path / f"education.{fmt}"
    assert main(["demo", "education-bureau", "-f", fmt, "--appendix", "-o", str(target)]) == 0
    if fmt == "html":
        text = target.read_text(encoding="utf-8")
        assert '<section class="appendix">' in text
        assert "<td>县第一中学</td>" in text
    else:
        doc = open_docx(target.read_bytes())
        assert any(p.text == "附件" for p in doc.paragraphs)
        assert [row.cells[0].text for row in doc.tables[0].rows][1] == "县第一中学"


def test_cli_render_sealed_and_each_with_appendix(tmp_path: Path) -> None:
    """--sealed and --appendix reach render, and render --each gives them to every unit."""
    import attrs

    import epireport
    from epireport.cli import main
    from epireport.store import Store

    example = epireport.example_input("education-bureau")
    data = tmp_path / "report.yaml"
    data.write_text(epireport.dumps_report(example), encoding="utf-8")
    sealed, plain = tmp_path / "sealed.html", tmp_path / "plain.html"
    assert main(["render", str(data), "-f", "html", "--sealed", "-o", str(sealed)]) == 0
    assert main(["render", str(data), "-f", "html", "-o", str(plain)]) == 0
    signature = re.compile(r'<div class="signature".*?</div>', re.S)
    laid_out = {
        path.name: signature.findall(path.read_text(encoding="utf-8")) for path in (sealed, plain)
    }
    assert laid_out["sealed.html"] != laid_out["plain.html"]  # placed for a seal
    assert all(len(blocks) == 1 for blocks in laid_out.values())
    db = tmp_path / "store.sqlite"
    assert example.tree is not None
    with Store.open(db) as store:
        store.ingest(
            example.values, "example", units=example.tree.units, institution="education-bureau"
        )
    words = tmp_path / "words.yaml"
    bare = attrs.evolve(example, values=(), title="", unit_name="")
    words.write_text(epireport.dumps_report(bare), encoding="utf-8")
    out = tmp_path / "each"
    argv = [str(words), "--db", str(db), "--institution", "education-bureau"]
    argv += ["--period", str(example.period), "--each", "1", "-f", "html", "--appendix"]
    assert main(["render", *argv, "-o", str(out)]) == 0
    (written,) = out.glob("*.html")
    assert '<section class="appendix">' in written.read_text(encoding="utf-8")
