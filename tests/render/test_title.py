"""Titles break between words, in a trapezoid or a diamond (GB/T 9704-2012 7.3.3)."""

import itertools
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from epireport.render import RenderOptions, render_docx, render_html
from epireport.render._layout import text_width
from epireport.render._title import DISEASE_NAMES, TITLE_CHARS, TITLE_WORDS, title_lines

from .test_docx import open_docx, simple_document

#: The reference institutions' titles and how they break (the unit's name is a word).
REFERENCE = {
    # The disease's name stays whole, and its epidemic with it: 肺炎疫情 / 防控 (the control of
    # that epidemic), not 感染的 / 肺炎.
    "关于新型冠状病毒感染的肺炎疫情防控宣传工作的总结": (
        "关于新型冠状病毒感染的肺炎疫情",
        "防控宣传工作的总结",
    ),
    "县科教局新冠肺炎疫情防控工作总结": ("县科教局新冠肺炎疫情防控工作总结",),
    "阳光花园物业服务中心新冠肺炎疫情防控工作总结": (
        "阳光花园物业服务中心",
        "新冠肺炎疫情防控工作总结",
    ),
}
UNITS = ("中共城关区委宣传部", "县科教局", "阳光花园物业服务中心", "县第一中学")
#: Longer titles of our own, with words that must stay whole.
LONG = [
    "中共城关区委宣传部关于新型冠状病毒感染的肺炎疫情防控宣传和舆情管控工作情况的报告",
    "阳光花园物业服务中心2020年1月至2月新冠肺炎疫情防控工作总结",
    "县第一中学关于做好新冠肺炎疫情期间复学复课准备工作的总结",
    # 76 characters: four lines at least, still between words
    "中共城关区委宣传部关于新型冠状病毒感染的肺炎疫情防控宣传工作和舆情管控工作情况的报告"
    "暨阳光花园物业服务中心新冠肺炎疫情防控工作总结",
]
KEEP_WHOLE = (
    "宣传工作",
    "工作总结",
    "新冠肺炎",
    "新型冠状病毒感染的肺炎",
    "阳光花园物业服务中心",
    "2020",
)


def broken_words(lines: tuple[str, ...]) -> list[str]:
    """Words of KEEP_WHOLE split across two lines."""
    broken = []
    for upper, lower in itertools.pairwise(lines):
        joint = upper + lower
        for word in KEEP_WHOLE:
            start = joint.find(word)
            while start != -1:
                if start < len(upper) < start + len(word):
                    broken.append(word)
                start = joint.find(word, start + 1)
    return broken


def is_allowed_shape(lines: tuple[str, ...]) -> bool:
    """A trapezoid or a diamond: not all lines one length, no middle line shorter than both ends."""
    widths = [text_width(line) for line in lines]
    if len(widths) == 1:
        return True
    if max(widths) - min(widths) < 1:
        return False
    return not (len(widths) >= 3 and min(widths[1:-1]) < min(widths[0], widths[-1]))


@pytest.mark.parametrize(("title", "expected"), REFERENCE.items())
def test_reference_titles(title: str, expected: tuple[str, ...]) -> None:
    """The three reference titles break where a clerk would break them."""
    assert title_lines(title, words=UNITS) == expected


@pytest.mark.parametrize("title", LONG)
def test_long_titles(title: str) -> None:
    """Long titles fit the line, keep their words and take an allowed shape."""
    lines = title_lines(title, words=UNITS)
    assert "".join(lines) == title
    assert all(text_width(line) <= TITLE_CHARS for line in lines)
    assert broken_words(lines) == []
    assert is_allowed_shape(lines)


@pytest.mark.parametrize("name", sorted(DISEASE_NAMES))
@pytest.mark.parametrize("width", [14, 16, 20])
def test_disease_names_stay_whole(name: str, width: int) -> None:
    """A disease's name is never split where a line can hold it."""
    title = f"关于{name}疫情防控宣传工作的总结"
    lines = title_lines(title, chars=width)
    assert "".join(lines) == title
    assert not any(
        a.endswith(name[:k]) and b.startswith(name[k:])
        for a, b in itertools.pairwise(lines)
        for k in range(1, len(name))
    )


@given(st.lists(st.sampled_from(sorted(TITLE_WORDS)), min_size=1, max_size=12))
def test_any_title_of_known_words(words: list[str]) -> None:
    """Any title made of known words comes back whole, in lines that fit."""
    title = "".join(words)
    lines = title_lines(title)
    assert "".join(lines) == title
    assert all(text_width(line) <= TITLE_CHARS for line in lines)


def test_html_title_lines() -> None:
    """The HTML title carries its lines as block spans of one heading."""
    document = simple_document()
    long = "阳光花园物业服务中心新冠肺炎疫情防控工作总结"
    import attrs

    document = attrs.evolve(
        document, title=long, meta=attrs.evolve(document.meta, unit="阳光花园物业服务中心")
    )
    html = render_html(document, RenderOptions())
    assert (
        '<h1 class="title"><span class="line">阳光花园物业服务中心</span>'
        '<span class="line">新冠肺炎疫情防控工作总结</span></h1>'
    ) in html
    # The <title> element keeps the title in one piece.
    assert f"<title>{long}</title>" in html


def test_docx_title_lines() -> None:
    """The DOCX title is one paragraph with a line break between its lines."""
    import attrs

    document = simple_document()
    document = attrs.evolve(
        document,
        title="阳光花园物业服务中心新冠肺炎疫情防控工作总结",
        meta=attrs.evolve(document.meta, unit="阳光花园物业服务中心"),
    )
    doc = open_docx(render_docx(document, RenderOptions()))
    title = next(p for p in doc.paragraphs if p.style.name == "公文标题")
    assert title.text == "阳光花园物业服务中心\n新冠肺炎疫情防控工作总结"


@pytest.fixture(scope="module")
def reference_titles_pdf(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[str]]:
    """The first page's title lines of each reference DOCX, as LibreOffice lays them out."""
    from .test_docx_layout import REFERENCE_PAGES, read_pdf, tool

    program = shutil.which("soffice") or shutil.which("libreoffice")
    if program is None:
        pytest.skip("LibreOffice (soffice) is not installed (Debian: libreoffice-writer-nogui)")
    tool("pdftotext", "poppler-utils")
    from epireport.cli import main

    folder: Path = tmp_path_factory.mktemp("titles")
    sources = []
    for institution in REFERENCE_PAGES:
        source = folder / f"{institution}.docx"
        if main(["demo", institution, "--format", "docx", "-o", str(source)]) != 0:
            pytest.skip(f"the reference institution {institution} is not installed")
        sources.append(str(source))
    subprocess.run(
        [
            program,
            f"-env:UserInstallation=file://{folder / 'profile'}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder),
            *sources,
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    titles = {}
    for name in REFERENCE_PAGES:
        page = read_pdf(folder / f"{name}.pdf")[0]
        # Title lines are the 22 pt lines above the first body line (boxes taller than 16 pt's).
        lines = [line for line in page.lines if line.y_max - line.y_min > 1.3 * 16 + 3]
        titles[name] = [re.sub(r"\s", "", line.text) for line in lines]
    return titles


@pytest.mark.slow
def test_libreoffice_keeps_title_words_whole(reference_titles_pdf: dict[str, list[str]]) -> None:
    """In LibreOffice's PDF every reference title shows the lines we broke, no word split."""
    expected = {
        "district-publicity": REFERENCE["关于新型冠状病毒感染的肺炎疫情防控宣传工作的总结"],
        "education-bureau": REFERENCE["县科教局新冠肺炎疫情防控工作总结"],
        "property-company": REFERENCE["阳光花园物业服务中心新冠肺炎疫情防控工作总结"],
    }
    for name, lines in expected.items():
        assert tuple(reference_titles_pdf[name]) == lines, name
        assert broken_words(lines) == []
