"""Hand-built documents resembling the seeds, shared by the renderer tests."""

import datetime
from collections.abc import Callable

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

S = Sentence


def para(*texts: str) -> Paragraph:
    return Paragraph(tuple(S(t) for t in texts))


def lead(text: str, *blocks: object) -> EnumerationItem:
    return EnumerationItem(S(text), blocks)  # type: ignore[arg-type]


LEAFLETS = FactRef(
    fact_id="leaflets/community-7/2020-02",
    indicator="leaflets",
    unit="community-7",
    period="2020-02",
    text="5-15片",
    value="2320",
    sources=("v-101", "v-102"),
)


def build_property_document(omit_section: bool = False, omit_item: bool = False) -> Document:
    """Build the property-company seed: three numbered sections of 1. items, then a closing."""
    staff = [
        lead("每日调查询问员工家里是否有外来人员，并测量员工体温;"),
        lead("为员工发放防护用品，每日更换员工佩戴口罩(每人每天发放2只)，增强人体免疫力等;"),
    ]
    owners = [
        lead("规范小区出入口管理，对进出小区人员、车辆核查登记;"),
        lead("生活垃圾清运由原来每日一次调整到每日两次，保证垃圾不出现胀箱、外溢现象;"),
        lead("1月某日在小区门岗处设立废弃口罩回收箱，并由专人每日消毒、焚烧。"),
        EnumerationItem(
            S(
                "2月某日为业主发放免费消毒泡腾片，每户根据需求5-15片不等。",
                facts=(LEAFLETS,),
            )
        ),
    ]
    if omit_item:
        del owners[1]
    publicity = [
        lead("在小区某个单元内和宣传栏粘贴疫情防控的各类温馨提示和相关通知，共计某某份;"),
        lead("在门岗设立扩音器，开展疫情防控宣传"),
    ]
    sections = [
        Section("员工安全", (Enumeration(tuple(staff), EnumerationStyle.ARABIC, False),)),
        Section(
            "业主安全防护和消杀消毒", (Enumeration(tuple(owners), EnumerationStyle.ARABIC, False),)
        ),
        Section("加强宣传引导", (Enumeration(tuple(publicity), EnumerationStyle.ARABIC, False),)),
    ]
    if omit_section:
        del sections[1]
    return Document(
        title="新冠肺炎疫情防控工作总结",
        meta=Meta(institution="property", unit="某某物业服务中心", period="2020-02"),
        sections=tuple(sections),
        closing=(para("下一步，某某物业服务中心将继续根据业主需求，", "确保广大业主的健康安全!"),),
        signature=Signature("某某物业服务中心", datetime.date(2020, 2, 10)),
    )


def build_education_document() -> Document:
    """Build the education seed: a preamble, then 一是 points whose items hold inline 一是 lists."""
    shi = EnumerationStyle.SHI

    def inline(*texts: str) -> Enumeration:
        return Enumeration(tuple(lead(t) for t in texts), shi, True)

    points = Enumeration(
        (
            lead(
                "完善三项制度，落实网格管理。",
                inline(
                    "建立主要负责人坐班及班子成员值带班制度。落实门禁制度，严格控制进入校园人员及车辆。",
                    "建立教职工及学生日排查制度",
                    "建立日报告、零报告制度、",
                ),
            ),
            lead(
                "制定三类文件，明确工作责任",
                inline("制定下发了工作方案和预案；", "督促各单位制定防控工作方案"),
            ),
            EnumerationItem(None, ()),  # nothing to say: takes no number
            lead("落实三条措施，强化疫情防控。", para("坚决杜绝师生参与各类群体性活动。")),
        ),
        shi,
        False,
    )
    return Document(
        title="新冠肺炎疫情防控工作总结",
        meta=Meta(institution="education", unit="县科教局", period="2020-02"),
        preamble=(
            para(
                "近日来，县科教局严格按照县委、县政府和市教育局疫情防控工作要求，建立了“四个三”工作机制。"
            ),
            points,
        ),
    )


def build_table_document() -> Document:
    """Build a document with nested sections and a table."""
    return Document(
        title="防控工作统计",
        meta=Meta(institution="district", unit="区委宣传部", period="2020-02"),
        sections=(
            Section(
                "宣传情况",
                sections=(
                    Section(
                        "社会宣传",
                        (Table("表1 宣传物料", ("类别", "数量"), (("户外广告牌", "12块"),)),),
                        sections=(Section("广告牌", sections=(Section("城区"),)),),
                    ),
                ),
            ),
        ),
    )


@pytest.fixture
def property_document() -> Document:
    """Return the property-company seed as a tree."""
    return build_property_document()


@pytest.fixture
def build_property() -> Callable[..., Document]:
    """Return the property-company builder, to omit a section or an item."""
    return build_property_document


@pytest.fixture
def education_document() -> Document:
    """Return the education seed as a tree."""
    return build_education_document()


@pytest.fixture
def table_document() -> Document:
    """Return a document with nested sections and a table."""
    return build_table_document()
