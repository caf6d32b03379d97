"""The township fixture plugin: returnees by origin, a 其中 item, a six-way split, from data."""

import re
from pathlib import Path

import pytest
from tests.fixtures.township import plugin as township

from epireport._cli import check_cmd
from epireport._pipeline import build_document, example_input, render_report
from epireport._plugins import Plugins
from epireport.cli import main
from epireport.document import Paragraph, numbered
from epireport.testing._manager import plugin_manager

TEMPLATE = Path(township.__file__).parent / "templates" / "township" / "report.md.j2"
EXAMPLE = Path(township.__file__).parent / "example.yaml"


@pytest.fixture
def plugins() -> Plugins:
    """The built-ins and the township plugin."""
    return Plugins(plugin_manager(township))


def test_every_figure_comes_from_data(plugins: Plugins) -> None:
    """The rendered report states each figure from the data; the template holds no number."""
    assert not re.search(r"\d", TEMPLATE.read_text(encoding="utf-8").split("-#}", 1)[1])
    text = render_report(example_input("township", plugins=plugins), plugins=plugins).output
    assert "全镇共排查返乡人员200人，其中武汉52人、湖北其他地区30人、省外其他地区118人。" in text
    assert "其中已解除隔离75人。" in text
    assert (
        "收到县指挥部推送的大数据比对人员106人，经逐一核查，已返回本镇46人、仍在外地31人、"
        "在外地隔离9人、途经未停留12人、信息有误5人、正在核实3人。"
    ) in text
    assert "全镇设置防控卡点5个，组织村干部入户排查3040户，发放宣传资料5000份。" in text


def test_each_figure_is_a_traceable_fact(plugins: Plugins) -> None:
    """Every figure of the body carries its fact and the data values behind it."""
    document, _facts = build_document(example_input("township", plugins=plugins), plugins=plugins)
    refs = [
        ref
        for section in document.sections
        for block in section.blocks
        if isinstance(block, Paragraph)
        for sentence in block.sentences
        for ref in sentence.facts
    ]
    assert len(refs) == 15
    assert all(ref.sources for ref in refs)
    wuhan = next(r for r in refs if r.indicator == "returnees[wuhan]")
    assert (wuhan.text, wuhan.value) == ("52", "52")
    assert sorted(wuhan.sources) == [
        "returnees[wuhan]@V01@20200215",
        "returnees[wuhan]@V02@20200215",
        "returnees[wuhan]@V03@20200215",
    ]
    assert numbered(document)


def test_check_flags_a_part_off_by_one(
    plugins: Plugins,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`epireport check` passes the example and flags one option figure that is off by one."""
    monkeypatch.setattr(check_cmd, "_make_plugins", lambda: plugins)
    assert main(["check", str(EXAMPLE)]) == 0
    capsys.readouterr()
    broken = tmp_path / "report.yaml"
    text = EXAMPLE.read_text(encoding="utf-8")
    old = "unit: V01, period: 20200215, options: [wuhan], value: 20}"
    assert old in text
    broken.write_text(text.replace(old, old.replace("20}", "21}")), encoding="utf-8")
    assert main(["check", str(broken)]) == 1
    out = capsys.readouterr().out
    assert "error: category-sum.returnees: unit V01, period 20200215" in out
    assert "V01 states returnees = 77, its options add up to 78" in out
    assert "returnees[wuhan] 21、returnees[hubei_other] 12、returnees[outside] 45" in out
