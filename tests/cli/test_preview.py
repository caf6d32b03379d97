"""epireport preview: the page, its reloading, and the page in real headless Chromium.

Run as a script (``python tests/cli/test_preview.py``) to remake the screenshot on the
docs page, docs/images/preview.png, with headless Chromium.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import epireport
from epireport._cli.preview_cmd import HOST, Preview, serve
from epireport.cli import main

pytest.importorskip("epireport_district_publicity")

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOT = ROOT / "docs" / "images" / "preview.png"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

BASE = "{% extends 'district-publicity/report.md.j2' %}\n"
NEXT_STEPS = "{% block next_steps %}\n下一步，继续做好宣传，VERSION。\n{% endblock %}\n"


@pytest.fixture
def template(tmp_path: Path) -> Path:
    """A template under work: the district template with its next steps reworded."""
    path = tmp_path / "draft.md.j2"
    path.write_text(BASE + NEXT_STEPS.replace("VERSION", "第一稿"), encoding="utf-8")
    return path


@pytest.fixture
def served(template: Path) -> Iterator[str]:
    """The preview of the district example with *template*, served on a free port."""
    plugins = epireport.Plugins.create()
    preview = Preview(plugins, plugins.institution("district-publicity"), template=template)
    with serve(preview) as url:
        yield url


def fetch(url: str) -> tuple[str, dict[str, str]]:
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.read().decode("utf-8"), dict(response.headers)


def save(path: Path, text: str) -> None:
    """Write *text* and move the modification time on (coarse file system clocks)."""
    before = path.stat().st_mtime_ns
    path.write_text(text, encoding="utf-8")
    if path.stat().st_mtime_ns == before:
        os.utime(path, ns=(before + 1_000_000, before + 1_000_000))


class TestServer:
    def test_loopback_only_with_a_nonce_per_page(self, served: str) -> None:
        """The server listens on 127.0.0.1; the CSP allows only the page's own nonce."""
        assert served.startswith(f"http://{HOST}:")
        body, headers = fetch(served)
        csp = headers["Content-Security-Policy"]
        nonce = re.search(r"'nonce-([^']+)'", csp)
        assert nonce is not None
        assert "default-src 'none'" in csp
        assert f'<script nonce="{nonce[1]}">' in body
        _, headers2 = fetch(served)
        assert headers2["Content-Security-Policy"] != csp  # a fresh nonce every time

    def test_draft_and_final_side_by_side_with_facts_and_reference(self, served: str) -> None:
        """Both modes are on the page, figures carry their facts, the reference is there."""
        body, _ = fetch(served)
        assert '<section class="mode" id="draft">' in body
        assert '<section class="mode" id="final">' in body
        assert "下一步，继续做好宣传，第一稿。" in body
        assert 'class="fig"' in body
        assert re.search(r'<span class="tip">billboards · cgq · [^<]*value: \d+', body)
        assert "Template reference" in body
        assert "format_as_of" in body

    def test_the_version_changes_when_the_template_is_saved(
        self, served: str, template: Path
    ) -> None:
        """/version is a fingerprint of the watched files: saving the template changes it."""
        before, _ = fetch(served + "version")
        assert fetch(served + "version")[0] == before
        save(template, BASE + NEXT_STEPS.replace("VERSION", "第二稿"))
        after, _ = fetch(served + "version")
        assert after != before
        assert "第二稿" in fetch(served)[0]

    def test_the_version_changes_when_the_data_is_saved(
        self, template: Path, tmp_path: Path
    ) -> None:
        """With a DATA file, saving it changes /version and the page shows the new words."""
        example = epireport.example_input("district-publicity")
        data = tmp_path / "data.yaml"
        data.write_text(epireport.dumps_report(example), encoding="utf-8")
        plugins = epireport.Plugins.create()
        preview = Preview(
            plugins, plugins.institution("district-publicity"), data=data, template=template
        )
        assert data in preview.watched()
        with serve(preview) as url:
            before, _ = fetch(url + "version")
            save(data, data.read_text(encoding="utf-8").replace("李明常委", "王刚常委"))
            assert fetch(url + "version")[0] != before
            assert "王刚常委召开专题会议" in fetch(url)[0]

    def test_template_errors_are_shown_with_their_line(self, served: str, template: Path) -> None:
        """A template error is listed per problem and its line highlighted in the source."""
        save(template, BASE + "{% block next_steps %}\n{{ as_of(period) }}\n{% endblock %}\n")
        body, _ = fetch(served)
        assert "line 3: &#x27;as_of&#x27; is undefined" in body
        assert re.search(r'<span class="bad" data-line="3">\s+3  \{\{ as_of', body)

    def test_lint_findings_are_highlighted_on_their_line(self, served: str, template: Path) -> None:
        """A placeholder left in the final text is marked on its line with rule and message."""
        save(template, BASE + NEXT_STEPS.replace("VERSION", "共发放口罩xx只"))
        body, _ = fetch(served)
        final = body[body.index('id="final"') :]
        assert re.search(r'<div class="line lint error" data-line="\d+">', final)
        assert "EPI101 [error]" in final

    def test_unknown_paths_are_404(self, served: str) -> None:
        """Only / and /version are served."""
        with pytest.raises(urllib.error.HTTPError) as info:
            fetch(served + "etc/passwd")
        assert info.value.code == 404
        info.value.close()


def test_the_command_refuses_a_missing_data_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Preview with a DATA path that is not there is a usage error, before any server starts."""
    assert main(["preview", "district-publicity", str(tmp_path / "nope.yaml")]) == 2
    assert "no such file" in capsys.readouterr().err


# ------------------------------------------------------------------------ real Chromium


class Chromium:
    """Headless Chromium driven over its DevTools pipe (file descriptors 3 and 4)."""

    def __init__(self, profile: Path) -> None:
        assert CHROMIUM is not None
        to_browser_read, to_browser_write = os.pipe()
        from_browser_read, from_browser_write = os.pipe()
        # Out of the way of 3 and 4, which the child needs free for dup2.
        child_in = os.dup2(to_browser_read, 100)
        child_out = os.dup2(from_browser_write, 101)
        os.close(to_browser_read)
        os.close(from_browser_write)

        def pipes() -> None:
            os.dup2(child_in, 3)
            os.dup2(child_out, 4)

        self.process = subprocess.Popen(
            [
                CHROMIUM,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--remote-debugging-pipe",
                f"--user-data-dir={profile}",
                "--window-size=1400,1000",
                "about:blank",
            ],
            # close_fds would close 3 and 4 after preexec_fn; Python's own descriptors are
            # not inheritable, so nothing else leaks into the browser.
            close_fds=False,
            preexec_fn=pipes,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        os.close(child_in)
        os.close(child_out)
        self.write = os.fdopen(to_browser_write, "wb", buffering=0)
        self.read = os.fdopen(from_browser_read, "rb", buffering=0)
        self.buffer = b""
        self.next_id = 0
        self.session: str | None = None

    def send(self, method: str, **params: Any) -> dict[str, Any]:
        """Send a DevTools command and return its result (events are skipped)."""
        self.next_id += 1
        message: dict[str, Any] = {"id": self.next_id, "method": method, "params": params}
        if self.session is not None and not method.startswith("Target."):
            message["sessionId"] = self.session
        self.write.write(json.dumps(message).encode() + b"\0")
        while True:
            while b"\0" not in self.buffer:
                chunk = self.read.read(65536)
                if not chunk:
                    raise RuntimeError("Chromium closed its DevTools pipe")
                self.buffer += chunk
            raw, _, self.buffer = self.buffer.partition(b"\0")
            reply = json.loads(raw)
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return dict(reply.get("result", {}))

    def open(self, url: str) -> None:
        target = self.send("Target.createTarget", url=url)["targetId"]
        self.session = self.send("Target.attachToTarget", targetId=target, flatten=True)[
            "sessionId"
        ]

    def evaluate(self, expression: str) -> Any:
        result = self.send("Runtime.evaluate", expression=expression, returnByValue=True)
        return result["result"].get("value")

    def wait_for(self, expression: str, timeout: float = 30) -> Any:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            with contextlib.suppress(RuntimeError):
                value = self.evaluate(expression)
                if value:
                    return value
            time.sleep(0.2)
        raise AssertionError(f"timed out waiting for {expression}")

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.send("Browser.close")
        self.write.close()
        self.read.close()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


needs_chromium = pytest.mark.skipif(
    CHROMIUM is None, reason="headless Chromium (Debian's chromium package) is not installed"
)


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[Chromium]:
    chromium = Chromium(tmp_path / "profile")
    try:
        yield chromium
    finally:
        chromium.close()


@needs_chromium
def test_in_chromium_load_edit_see_the_change_and_hover_a_figure(
    served: str, template: Path, browser: Chromium
) -> None:
    """The page loads, reloads by itself when the template is saved, and shows a fact on hover."""
    browser.open(served)
    browser.wait_for("document.body && document.body.innerText.includes('第一稿')")
    assert browser.evaluate("document.querySelectorAll('#final .fig').length") > 5
    # The script ran under the CSP (its nonce): the page polls and reloads on its own.
    save(template, BASE + NEXT_STEPS.replace("VERSION", "第二稿"))
    browser.wait_for("document.body && document.body.innerText.includes('第二稿')")
    # Hover the first figure of the final text: its fact appears.
    box = browser.evaluate(
        "(() => { const r = document.querySelector('#final .fig').getBoundingClientRect();"
        " return [r.x + r.width / 2, r.y + r.height / 2]; })()"
    )
    tip = "getComputedStyle(document.querySelector('#final .fig .tip')).display"
    assert browser.evaluate(tip) == "none"
    browser.send("Input.dispatchMouseEvent", type="mouseMoved", x=box[0], y=box[1])
    browser.wait_for(f"{tip} === 'block'")
    assert "value:" in browser.evaluate("document.querySelector('#final .fig .tip').innerText")


def screenshot(url: str, target: Path, profile: Path) -> None:
    """Photograph *url* with ``chromium --headless --screenshot``."""
    assert CHROMIUM is not None
    subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            f"--user-data-dir={profile}",
            "--window-size=1400,900",
            "--virtual-time-budget=3000",
            f"--screenshot={target}",
            url,
        ],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        timeout=120,
    )


@needs_chromium
def test_the_docs_screenshot_is_made_by_chromium(served: str, tmp_path: Path) -> None:
    """Chromium --headless --screenshot photographs the page; the docs carry such a picture."""
    target = tmp_path / "preview.png"
    screenshot(served, target, tmp_path / "profile")
    data = target.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert (width, height) == (1400, 900)
    assert SCREENSHOT.is_file(), "run python tests/cli/test_preview.py to make the screenshot"


if __name__ == "__main__":
    # Remake docs/images/preview.png: the district example, a template under work with a
    # slip in its opening, so that the picture shows a finding too. Run from a scratch
    # folder, so that the page names the template file without a machine's path.
    with tempfile.TemporaryDirectory() as tmp:
        os.chdir(tmp)
        work = Path("draft.md.j2")
        work.write_text(
            BASE + "{% block opening %}\n为做好全区疫情防控宣传工作，现将xx项工作总结如下。\n"
            "{% endblock %}\n",
            encoding="utf-8",
        )
        plugins = epireport.Plugins.create()
        preview = Preview(plugins, plugins.institution("district-publicity"), template=work)
        with serve(preview) as url:
            SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
            screenshot(url, SCREENSHOT, Path(tmp) / "profile")
    sys.stdout.write(f"wrote {SCREENSHOT.relative_to(ROOT)}\n")
