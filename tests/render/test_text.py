from collections.abc import Callable

from epireport.document import Document, Meta, Paragraph, Section, Sentence
from epireport.render._options import RenderOptions
from epireport.render._text import INDENT, render_text

OPTIONS = RenderOptions()

PROPERTY_LINES = [
    "新冠肺炎疫情防控工作总结",
    "　　一、员工安全",
    "　　1.每日调查询问员工家里是否有外来人员，并测量员工体温；",
    "　　2.为员工发放防护用品，每日更换员工佩戴口罩(每人每天发放2只)，增强人体免疫力等。",
    "　　二、业主安全防护和消杀消毒",
    "　　1.规范小区出入口管理，对进出小区人员、车辆核查登记；",
    "　　2.生活垃圾清运由原来每日一次调整到每日两次，保证垃圾不出现胀箱、外溢现象；",
    "　　3.\u20091月某日在小区门岗处设立废弃口罩回收箱，并由专人每日消毒、焚烧。",
    "　　4.\u20092月某日为业主发放免费消毒泡腾片，每户根据需求5-15片不等。",
    "　　三、加强宣传引导",
    "　　1.在小区某个单元内和宣传栏粘贴疫情防控的各类温馨提示和相关通知，共计某某份；",
    "　　2.在门岗设立扩音器，开展疫情防控宣传。",
    "　　下一步，某某物业服务中心将继续根据业主需求，确保广大业主的健康安全!",
    "",
    "某某物业服务中心",
    "2020年2月10日",
]


def test_property_seed_lines(property_document: Document) -> None:
    """The property seed renders line for line: title, 一、 headings, 1. items, closing."""
    assert render_text(property_document, OPTIONS).splitlines() == PROPERTY_LINES


def test_output_ends_with_one_newline(property_document: Document) -> None:
    """The text ends with exactly one newline."""
    out = render_text(property_document, OPTIONS)
    assert out.endswith("\n")
    assert not out.endswith("\n\n")


def test_omitted_section_and_item_renumber(build_property: Callable[..., Document]) -> None:
    """Leaving out section 二 and an item renumbers what follows."""
    lines = render_text(build_property(omit_section=True), OPTIONS).splitlines()
    assert "　　二、加强宣传引导" in lines
    assert not any(line.startswith("　　三、") for line in lines)
    lines = render_text(build_property(omit_item=True), OPTIONS).splitlines()
    assert lines[5:9] == [
        "　　1.规范小区出入口管理，对进出小区人员、车辆核查登记；",
        "　　2.\u20091月某日在小区门岗处设立废弃口罩回收箱，并由专人每日消毒、焚烧。",
        "　　3.\u20092月某日为业主发放免费消毒泡腾片，每户根据需求5-15片不等。",
        "　　三、加强宣传引导",
    ]


def test_education_seed_lines(education_document: Document) -> None:
    """The education seed renders its 一是 points with inline 一是 lists in one line each."""
    assert render_text(education_document, OPTIONS).splitlines() == [
        "新冠肺炎疫情防控工作总结",
        "　　近日来，县科教局严格按照县委、县政府和市教育局疫情防控工作要求，"
        "建立了“四个三”工作机制。",
        "　　一是完善三项制度，落实网格管理。一是建立主要负责人坐班及班子成员值带班制度。"
        "落实门禁制度，严格控制进入校园人员及车辆。二是建立教职工及学生日排查制度；"
        "三是建立日报告、零报告制度。",
        "　　二是制定三类文件，明确工作责任：一是制定下发了工作方案和预案；"
        "二是督促各单位制定防控工作方案。",
        "　　三是落实三条措施，强化疫情防控。坚决杜绝师生参与各类群体性活动。",
    ]


def test_nested_headings_and_table(table_document: Document) -> None:
    """Depths 1 to 4 number 一、 （一） 1. （1）; a table is its caption and tab-separated rows."""
    assert render_text(table_document, OPTIONS).splitlines() == [
        "防控工作统计",
        "　　一、宣传情况",
        "　　（一）社会宣传",
        "　　表1 宣传物料",
        "类别\t数量",
        "户外广告牌\t12块",
        "　　1.广告牌",
        "　　（1）城区",
    ]


def test_draft_mark(property_document: Document) -> None:
    """A draft starts with 【草稿】 whether the options or the document ask for it."""
    assert render_text(property_document, RenderOptions(draft=True)).startswith("【草稿】\n")
    meta = Meta("property", "某某物业服务中心", "2020-02", draft=True)
    drafted = Document(title="总结", meta=meta)
    assert render_text(drafted, OPTIONS) == "【草稿】\n总结\n"


def test_one_line_per_paragraph_and_no_control_characters() -> None:
    """Line breaks inside a sentence are joined and control characters dropped."""
    tree = Document(
        title="总\x00结",
        meta=Meta("a", "b", "c"),
        sections=(Section("宣\n传", (Paragraph((Sentence("防控\n宣传\x0c工作"),)),)),),
    )
    assert render_text(tree, OPTIONS) == f"总结\n{INDENT}一、宣传\n{INDENT}防控宣传工作\n"
