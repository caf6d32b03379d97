import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from epireport.document import (
    Document,
    Enumeration,
    EnumerationItem,
    EnumerationStyle,
    FactRef,
    Meta,
    Paragraph,
    Section,
    Sentence,
    Signature,
    Table,
)
from epireport.render._html import render_html
from epireport.render._options import RenderOptions

OPTIONS = RenderOptions()
SCRIPT = "<script>document.title='pwned'</script>"
IMG = "<img src=x onerror=\"document.title='pwned'\">"
CHROMIUM = shutil.which("chromium") or (
    "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None
)


class _Collect(HTMLParser):
    """Collect start tags, their attributes, and the text of every element by tag."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: dict[str, list[str]] = {}
        self._open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag not in {"meta", "br", "img"}:
            self._open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        while self._open and self._open.pop() != tag:
            pass

    def handle_data(self, data: str) -> None:
        for tag in self._open:
            self.text.setdefault(tag, []).append(data)


def parse(html: str) -> _Collect:
    parser = _Collect()
    parser.feed(html)
    parser.close()
    return parser


def hostile_document() -> Document:
    """Build a document whose data carries script and img injections everywhere."""
    return Document(
        title="疫情防控工作总结",
        meta=Meta("district", f"区委{SCRIPT}", "2020-02", generated=IMG),
        preamble=(Paragraph((Sentence(f"前言{SCRIPT}结束。"),)),),
        sections=(
            Section(
                f"宣传{IMG}",
                (
                    Paragraph((Sentence(f"正文{IMG}与{SCRIPT}。"),)),
                    Enumeration(
                        (EnumerationItem(Sentence(f"要点{SCRIPT}"), ()),),
                        EnumerationStyle.SHI,
                        False,
                    ),
                    Table(f"表{SCRIPT}", (IMG,), ((SCRIPT,),)),
                ),
            ),
        ),
        signature=Signature(f"单位{IMG}", None),
    )


def test_standalone_page(property_document: Document) -> None:
    """The page is a complete zh-CN document with charset, title and a no-script CSP."""
    html = render_html(property_document, OPTIONS)
    assert html.startswith('<!DOCTYPE html>\n<html lang="zh-CN">')
    parsed = parse(html)
    metas = [a for t, a in parsed.tags if t == "meta"]
    assert {"charset": "utf-8"} in metas
    csp = next(a["content"] for a in metas if a.get("http-equiv") == "Content-Security-Policy")
    assert csp is not None
    assert "script-src 'none'" in csp
    assert "default-src 'none'" in csp
    assert "".join(parsed.text["title"]) == "新冠肺炎疫情防控工作总结"


def test_print_css(property_document: Document) -> None:
    """The style sheet sets A4 with GB/T 9704 margins, 仿宋 first, 小标宋 title, 黑体 and 楷体."""
    style = "".join(parse(render_html(property_document, OPTIONS)).text["style"])
    assert "@page { size: A4; margin: 37mm 26mm 35mm 28mm; }" in style
    fangsong = '"FangSong_GB2312", "仿宋_GB2312", "FangSong", "仿宋", "STFangsong", serif'
    assert re.search(r"html \{ font-family: " + re.escape(fangsong), style)
    assert re.search(r"h1\.title \{ font-family: [^;]*小标宋", style)
    assert re.search(r"h2 \{ font-family: \"SimHei\", \"黑体\"", style)
    assert re.search(r"h3 \{ font-family: \"KaiTi_GB2312\", \"楷体_GB2312\"", style)
    assert "text-indent: 2em" in style


def test_structure(property_document: Document) -> None:
    """Title is h1, level-1 headings h2 with their numbers, items are paragraphs with markers."""
    parsed = parse(render_html(property_document, OPTIONS))
    assert parsed.text["h1"] == ["新冠肺炎疫情防控工作总结"]
    assert "".join(parsed.text["h2"]) == "一、员工安全二、业主安全防护和消杀消毒三、加强宣传引导"
    paragraphs = "".join(parsed.text["p"])
    assert "1.每日调查询问员工家里是否有外来人员，并测量员工体温；" in paragraphs
    assert paragraphs.endswith("某某物业服务中心2020年2月10日")


def test_nested_headings_and_table(table_document: Document) -> None:
    """Depths map to h2 to h5; tables have caption, header cells and rows."""
    parsed = parse(render_html(table_document, OPTIONS))
    assert [parsed.text[h] for h in ("h3", "h4", "h5")] == [
        ["（一）", "社会宣传"],
        ["1.", "广告牌"],
        ["（1）", "城区"],
    ]
    assert parsed.text["th"] == ["类别", "数量"]
    assert parsed.text["td"] == ["户外广告牌", "12块"]
    assert parsed.text["caption"] == ["表1 宣传物料"]


def test_every_value_is_escaped() -> None:
    """No injected tag or attribute from data reaches the markup."""
    html = render_html(hostile_document(), OPTIONS)
    assert "<script" not in html
    assert "<img" not in html
    assert "&lt;script&gt;" in html
    tags = {t for t, _ in parse(html).tags}
    assert not tags & {"script", "img"}


def test_draft_banner(property_document: Document) -> None:
    """A draft shows a 【草稿】 banner above the title."""
    parsed = parse(render_html(property_document, RenderOptions(draft=True)))
    assert ("p", {"class": "draft"}) in parsed.tags
    assert parsed.text["p"][0] == "【草稿】"


def _dump_dom(page: Path, profile: Path) -> str:
    assert CHROMIUM is not None
    result = subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={profile}",
            "--dump-dom",
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        check=True,
    )
    return result.stdout


@pytest.mark.slow
@pytest.mark.skipif(CHROMIUM is None, reason="chromium not found (apt-get install chromium)")
def test_chromium_shows_injections_as_text(tmp_path: Path) -> None:
    """In headless Chromium, injected markup shows as text and no injected script runs."""
    # Control: the same harness does see a script that runs, so the check below means something.
    control = tmp_path / "control.html"
    control.write_text(
        "<!DOCTYPE html><html><head><title>t</title></head><body>"
        "<script>document.title='ran'</script></body></html>",
        encoding="utf-8",
    )
    assert "<title>ran</title>" in _dump_dom(control, tmp_path / "profile-control")

    page = tmp_path / "report.html"
    page.write_text(render_html(hostile_document(), OPTIONS), encoding="utf-8")
    dom = _dump_dom(page, tmp_path / "profile")
    parsed = parse(dom)
    assert "".join(parsed.text["title"]) == "疫情防控工作总结"
    assert "pwned" not in "".join(parsed.text["title"])
    assert not {t for t, _ in parsed.tags} & {"script", "img"}
    body = "".join(parsed.text["body"])
    assert f"前言{SCRIPT}结束。" in body
    assert f"一、宣传{IMG}" in body
    assert f"正文{IMG}与{SCRIPT}。" in body
    assert f"一是要点{SCRIPT}。" in body


@pytest.mark.parametrize(
    ("text", "end"),
    [
        ("每日调查询问员工家里是否有外来人员，并测量员工体温。", "工体温。"),
        ("提醒广大业主不信谣、不传谣。", "不传谣。"),  # the clause after 、 goes whole
        ("并由专人每日消毒、焚烧。", "毒、焚烧。"),  # never a line opened by 、
    ],
)
def test_paragraph_end_does_not_wrap(text: str, end: str) -> None:
    """A paragraph's last few characters are one unbreakable span: no 温。 alone on a line."""
    document = Document(
        title="总结", meta=Meta("a", "b", "c"), preamble=(Paragraph((Sentence(text),)),)
    )
    html = render_html(document, RenderOptions())
    assert f'<span class="end">{end}</span></p>' in html
    assert "p .end { white-space: nowrap; }" in html


def test_paragraph_end_keeps_a_figure_whole() -> None:
    """The end takes a figure whole, its fact with it: 共计998份, never 98份."""
    ref = FactRef("f", "flow_charts", "u", "2020-02", "998", "998")
    sentence = Sentence("挨家挨户粘贴疫情防控流程图，共计998份。", facts=(ref,))
    document = Document(title="总结", meta=Meta("a", "b", "c"), preamble=(Paragraph((sentence,)),))
    html = render_html(document, RenderOptions())
    assert re.search(
        r'<span class="end">共计<span class="figure" title="[^"]+">998</span>份。', html
    )
