"""The HTML prints with page numbers and without lone lines, and shows each figure's fact on hover.

Chromium prints each reference summary to PDF (``--print-to-pdf``) and poppler reads the page
numbers back; ``--dump-dom`` shows the figures' facts in the DOM; a DevTools session over a pipe
(no driver, no websocket library) moves the mouse onto a figure and reads the fact of the
element under it. Every test skips, saying why, where Chromium or poppler is missing.
"""

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from epireport.render._layout import text_width

from .test_docx_layout import REFERENCE_PAGES, TOP_PT, Page, read_pdf, tool

pytestmark = pytest.mark.slow

PAGE_NUMBER = re.compile(r"^—\s*(\d+)\s*—$")
A4_WIDTH_PT = 595.0


def chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome", "chrome"):
        found = shutil.which(name)
        if found is not None:
            return found
    pytest.skip("Chromium is not installed (Debian: apt-get install chromium)")


def chromium_args(profile: Path) -> list[str]:
    # --no-sandbox: CI runs as root in a container, where Chromium's sandbox cannot start.
    return [
        chromium(),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        f"--user-data-dir={profile}",
    ]


@pytest.fixture(scope="module")
def reference_html(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Each reference institution's example as an HTML file."""
    from epireport.cli import main

    folder = tmp_path_factory.mktemp("html")
    files = {}
    for institution in REFERENCE_PAGES:
        target = folder / f"{institution}.html"
        if main(["demo", institution, "--format", "html", "-o", str(target)]) != 0:
            pytest.skip(f"the reference institution {institution} is not installed")
        files[institution] = target
    return files


@pytest.fixture(scope="module")
def printed(
    reference_html: dict[str, Path], tmp_path_factory: pytest.TempPathFactory
) -> dict[str, list[Page]]:
    """Each reference HTML printed by Chromium to PDF, read back by pdftotext."""
    tool("pdftotext", "poppler-utils")
    folder = tmp_path_factory.mktemp("printed")
    pages = {}
    for name, html in reference_html.items():
        pdf = folder / f"{name}.pdf"
        subprocess.run(
            [
                *chromium_args(folder / "profile"),
                "--no-pdf-header-footer",
                f"--print-to-pdf={pdf}",
                html.as_uri(),
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )
        pages[name] = read_pdf(pdf)
    return pages


@pytest.mark.parametrize("institution", sorted(REFERENCE_PAGES))
class TestPrinted:
    def test_page_numbers(self, printed: dict[str, list[Page]], institution: str) -> None:
        """Every page shows "— n —", n counting from 1: odd pages right, even pages left."""
        pages = printed[institution]
        assert len(pages) >= 1
        for n, page in enumerate(pages, start=1):
            numbers = [
                (int(m.group(1)), line)
                for line in page.lines
                if (m := PAGE_NUMBER.match(line.text.strip()))
            ]
            assert [number for number, _ in numbers] == [n], (n, [x.text for x in page.lines])
            line = numbers[0][1]
            middle = (line.x_min + line.x_max) / 2
            if n % 2:
                assert middle > A4_WIDTH_PT * 2 / 3, n
            else:
                assert middle < A4_WIDTH_PT / 3, n

    def test_no_lone_last_lines(self, printed: dict[str, list[Page]], institution: str) -> None:
        """The last page carries more than the signature and a lone line of text."""
        last = printed[institution][-1]
        text = [line for line in last.lines if not PAGE_NUMBER.match(line.text.strip())]
        # signature unit and date, and at least two lines of the text they close
        assert len(text) >= 4, [line.text for line in text]

    def test_no_browser_header_or_footer(
        self, printed: dict[str, list[Page]], institution: str
    ) -> None:
        """Printed with --no-pdf-header-footer: no date, title or file address of the browser.

        Chromium's own header (date, title) stands in the top margin and its footer (the
        file's address, 1/3) in the bottom one; the page's only margin text is its — n —.
        """
        for page in printed[institution]:
            for line in page.lines:
                assert line.y_min > TOP_PT / 2, line  # Chromium's header is near the edge
                assert "file:" not in line.text, line
                assert "/" not in line.text, line

    def test_no_last_line_of_one_character(
        self, printed: dict[str, list[Page]], institution: str
    ) -> None:
        """No line holds a character and its mark alone (温。, 谣。) nor a lone 998份。.

        Each paragraph's last few characters do not wrap (white-space: nowrap): its last line
        is three characters wide at least, not counting punctuation.
        """
        for page in printed[institution]:
            for line in page.lines:
                text = re.sub(r"\s", "", line.text)
                if PAGE_NUMBER.match(text) or not text:
                    continue
                words = re.sub(r"[，。、；：！？）》」』”’…—]", "", text)
                assert text_width(words) >= 3, text
        # the property company's three short ends of the review, whole on their lines
        if institution == "property-company":
            text = "".join(re.sub(r"\s", "", x.text) for p in printed[institution] for x in p.lines)
            for end in ("员工体温。", "不传谣。", "共计998份。"):
                assert end in text


def test_figures_carry_their_facts_in_the_dom(
    reference_html: dict[str, Path], tmp_path: Path
) -> None:
    """Chromium's DOM of the education summary has each figure's fact in its title."""
    result = subprocess.run(
        [
            *chromium_args(tmp_path / "profile"),
            "--dump-dom",
            reference_html["education-bureau"].as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=120,
        text=True,
    )
    titles = re.findall(r'<span class="figure" title="([^"]+)">11397</span>', result.stdout)
    assert len(titles) == 1
    fact = titles[0]
    assert fact == (
        "排查师生：11397人次；统计期间：2020年1月27日至2月9日；数据来自18个单位；"
        "报送情况：应报252份，实报248份"
    )
    assert "<script" not in result.stdout


class DevTools:
    """A DevTools Protocol session over Chromium's --remote-debugging-pipe (fd 3 in, 4 out)."""

    def __init__(self, profile: Path) -> None:
        to_chrome_r, self._to_chrome = os.pipe()
        self._from_chrome, from_chrome_w = os.pipe()
        # A small Python shim puts our pipe ends on the descriptors Chromium reads and writes
        # (3 and 4), moving them out of the way first in case one of them is 3 or 4 already.
        shim = (
            "import os, sys; r, w = os.dup(int(sys.argv[1])), os.dup(int(sys.argv[2])); "
            "os.dup2(r, 3); os.dup2(w, 4); os.set_inheritable(3, True); "
            "os.set_inheritable(4, True); os.execv(sys.argv[3], sys.argv[3:])"
        )
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-c",
                shim,
                str(to_chrome_r),
                str(from_chrome_w),
                *chromium_args(profile),
                "--remote-debugging-pipe",
                "about:blank",
            ],
            pass_fds=(to_chrome_r, from_chrome_w),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self._buffer = b""
        self._id = 0
        self.session = ""

    def send(self, method: str, **params: Any) -> dict[str, Any]:
        """Send a command and return its result (events in between are dropped)."""
        self._id += 1
        message: dict[str, Any] = {"id": self._id, "method": method, "params": params}
        if self.session:
            message["sessionId"] = self.session
        os.write(self._to_chrome, json.dumps(message).encode() + b"\0")
        while True:
            while b"\0" not in self._buffer:
                chunk = os.read(self._from_chrome, 65536)
                if not chunk:
                    raise RuntimeError("Chromium closed the DevTools pipe")
                self._buffer += chunk
            raw, self._buffer = self._buffer.split(b"\0", 1)
            reply = json.loads(raw)
            if reply.get("id") == self._id:
                if "error" in reply:
                    raise RuntimeError(reply["error"])
                result: dict[str, Any] = reply["result"]
                return result

    def evaluate(self, expression: str) -> Any:
        """The value of a JavaScript expression in the page (DevTools is not bound by the CSP)."""
        return self.send("Runtime.evaluate", expression=expression, returnByValue=True)[
            "result"
        ].get("value")

    def close(self) -> None:
        self.process.kill()
        self.process.wait(timeout=30)
        os.close(self._to_chrome)
        os.close(self._from_chrome)


def test_hovering_a_figure_shows_its_fact(reference_html: dict[str, Path], tmp_path: Path) -> None:
    """The mouse over 11397 in the education summary is over an element telling its fact."""
    chromium()
    tools = DevTools(tmp_path / "profile")
    try:
        targets = tools.send("Target.getTargets")["targetInfos"]
        page = next(t for t in targets if t["type"] == "page")
        tools.session = tools.send(
            "Target.attachToTarget", targetId=page["targetId"], flatten=True
        )["sessionId"]
        tools.send("Page.navigate", url=reference_html["education-bureau"].as_uri())
        for _ in range(100):
            if tools.evaluate("document.readyState") == "complete":
                break
        box = tools.evaluate(
            "(() => { const e = [...document.querySelectorAll('.figure')]"
            ".find(e => e.textContent === '11397'); e.scrollIntoView({block: 'center'});"
            " const r = e.getBoundingClientRect();"
            " return {x: r.left + r.width / 2, y: r.top + r.height / 2}; })()"
        )
        tools.send("Input.dispatchMouseEvent", type="mouseMoved", x=box["x"], y=box["y"])
        hovered = tools.evaluate(
            "(() => { const e = document.querySelector('.figure:hover');"
            " return e && [e.textContent, e.title]; })()"
        )
    finally:
        tools.close()
    assert hovered is not None, "no figure under the mouse"
    text, fact = hovered
    assert text == "11397"
    assert fact.startswith("排查师生：11397人次；")


@pytest.mark.parametrize("paragraphs", [18, 21])
def test_signature_never_alone_on_a_page(paragraphs: int, tmp_path: Path) -> None:
    """When the text fills a page, the last paragraph goes over with the signature."""
    import datetime

    from epireport.document import Document, Meta, Paragraph, Sentence, Signature
    from epireport.render import RenderOptions, render_html

    tool("pdftotext", "poppler-utils")
    document = Document(
        title="测试文档",
        meta=Meta("a", "某某单位", "2020-02"),
        preamble=tuple(Paragraph((Sentence("这是一行测试文字。"),)) for _ in range(paragraphs)),
        signature=Signature("某某单位", datetime.date(2020, 2, 7)),
    )
    source = tmp_path / "signed.html"
    source.write_text(render_html(document, RenderOptions()), encoding="utf-8")
    pdf = tmp_path / "signed.pdf"
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
    pages = read_pdf(pdf)
    assert len(pages) == 2  # these lengths push the signature past the first page
    text = [line.text.strip() for line in pages[-1].lines]
    assert text[0] == "这是一行测试文字。", text
