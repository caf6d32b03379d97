"""Speed of composing a report, as a ratio against a bare Jinja2 baseline run in the same process.

The report is the size of the seeds' publicity summary (区委宣传部, the first seed document):
title, preamble, three numbered sections, a 一是/二是/三是 enumeration and 22 figures.

- **epireport**: :func:`epireport.narrative._compose.compose` from facts computed once,
  outside the timing (``compute_facts``): figure functions, the load-time reference check
  (cached), markers, the document tree (through the compiled plan of the output's shape,
  built in the warm-up: the eight reports are one template's output for eight units, one
  shape); then the same plus drawing it as plain text
  (:func:`epireport.render.render_text`). Two ways:

  - *figures written in the loop* (the conservative one): every compose gets a new fact-set
    object (a shallow copy, its cost counted), so each figure is looked up, formatted and
    given its ``FactRef`` inside the timing;
  - *from prepared facts*: the same fact sets every round, so what epireport keeps with a
    fact set (each figure's lookup, text, ``FactRef``; see
    :func:`epireport.narrative._figures.prepared_tables`) is worked out in the warm-up,
    as the baseline's figures are formatted before its timing.
- **baseline**: a bare ``jinja2.Environment`` template printing preformatted strings into the
  same text (figures formatted beforehand, no tree).

Fairness: both sides write the same words (checked for every report before timing). Each
round renders :data:`REPORTS` different reports (other units, other figures), one after
another, so that nothing remembered about one report can speed up the next; what both sides
keep between reports is what a real run keeps: the compiled template (and for epireport the
cached environment of the institution; in the prepared mode also each report's own prepared
facts, as the baseline keeps each report's preformatted strings). The sides are timed in turn
within each run, each for at least :data:`MIN_SECONDS`; the table gives the median over
:data:`RUNS` runs, and the ratio is the median of the per-run ratios (robust against a busy
machine), with their range (min-max).

Run: ``python3 benchmarks/bench_narrative.py [--runs N] [--seconds S]`` (from the repository
root; no install needed).
"""

# Template lines are whole prose paragraphs, one per line as the markup wants them.
# ruff: noqa: E501

import argparse
import copy
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

# The project is not installed in every checkout; benchmark the source tree itself.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

import jinja2

from epireport._plugins import Plugins, hookimpl, make_plugin_manager
from epireport.document import Document, RenderedParagraph, numbered
from epireport.facts import compute_facts
from epireport.model._indicators import Indicator, IndicatorSet, NumberStyle
from epireport.model._institution import Institution, NarrativeInput, NarrativeKind
from epireport.model._periods import Period
from epireport.model._report import ReportInput
from epireport.model._values import DataValue
from epireport.narrative._compose import compose
from epireport.narrative._templates import TemplateSource
from epireport.render._options import RenderOptions
from epireport.render._text import render_text

#: Runs per side; the table gives the median.
RUNS = 7
#: Each side runs for at least this long per run.
MIN_SECONDS = 0.3
#: Different reports per round (units with their own figures).
REPORTS = 8

H = NumberStyle.HEDGED
INDICATORS = [
    # code, name, classifier, style, value
    ("billboards", "户外广告牌", "块", None, 126),
    ("screens", "各类电子显示屏", "块", None, 48),
    ("banners", "标语横幅", "条", None, 1320),
    ("leaflets", "宣传单", "张", H, 32456),
    ("home_visits", "入户宣传走访", "次", H, 18532),
    ("messages", "微信群、qq群发信息", "条", H, 25710),
    ("vehicle_trips", "宣传车", "台次", None, 312),
    ("speakers", "小喇叭、流动音响", "个", None, 540),
    ("broadcast_hours", "村村通广播", "小时", None, 1280),
    ("guides", "防控行动指南", "份", None, 6000),
    ("meetings", "会议", "次", None, 6),
    ("news_items", "相关信息", "条次", None, 865),
    ("city_reports", "市级媒体报道", "条", None, 42),
    ("netizens", "参与接力的网民", "人次", H, 52340),
    ("opinions", "相关网络舆情", "条", None, 211),
    ("admonished", "训诫", "人", None, 7),
    ("verified", "核查", "人", None, 12),
    ("educated", "批评教育", "人", None, 9),
    ("deleted", "有害信息", "条", None, 64),
    ("weibo", "敏感微博言论", "条", None, 23),
    ("price_leads", "恶意涨价线索", "条", None, 5),
    ("rumours", "辟谣信息", "条", None, 17),
]

TEMPLATE = """\
# {{ unit }}疫情防控宣传工作总结
为做好全区肺炎疫情防控宣传工作，区委宣传部坚持以党中央、国务院关于新型冠状病毒感染的肺炎疫情防控工作部署为指导，坚持以人民为中心，深入贯彻市委市政府和区委区政府疫情防控工作要求，根据市委宣传部、市卫生健康委有关宣传安排，引导社会各界正确认识、科学防范，为打好打赢疫情防控战役提供坚强的宣传舆论支持，取得阶段宣传成效，现将宣传工作情况总结如下。
## 高度重视，加强领导
成立以{{ narrative.leader }}为组长的宣传工作组，召开专题会议，深入研究部署，落实宣传组各项责任。制定了{{ narrative.plans | book_titles }}，各成员单位紧密协作，情况互通，小组内召开了{{ figure("meetings") }}会议，及时高效推进各项宣传任务落实。
## 突出重点，压实责任
坚持以团结稳定鼓劲、正面宣传为主的方针，重点宣传党中央、国务院关于新型冠状病毒感染的肺炎疫情防控工作部署；宣传市委市政府和区委区政府防控工作安排；宣传我区防控工作推进情况、成效；宣传各级各单位深入一线开展防控工作；宣传科学防控疫情知识；开展舆情监测，及时回应社会关切。
::: shi
- 强抓社会宣传，打通宣传“最后一公里”。共发布{{ count_list(["billboards", "screens", "banners"]) }}，印制发布宣传单{{ figure("leaflets") }}，入户宣传走访{{ figure("home_visits") }}，以微信群、qq群发信息{{ figure("messages") }}，出动宣传车{{ figure("vehicle_trips") }}；统筹利用小喇叭、流动音响{{ figure("speakers") }}；利用村村通广播宣传累计{{ figure("broadcast_hours") }}。印制《新型冠状病毒社区(村)防控行动指南》{{ figure("guides") }}。
- 实抓新闻宣传，全面权威报道我区疫情防控工作。做好区属媒体新闻宣传，区属媒体全员在岗待命，组建一线采防小分队，全方位报道区防控工作指挥部各项工作部署，在电视、网站、手机报及“两微一端”等新媒体平台累计刊发转发相关信息{{ figure("news_items") }}。规范有序做好对外宣传，对接联系市级主流媒体报道我区疫情防控工作{{ figure("city_reports") }}。
- 硬抓舆情管控，营造清朗的网络空间。突出引导自媒体网络正面宣传，在论坛、微信群、qq群、微信朋友圈、微博等平台开展了广泛的防控知识宣传，参与接力的网民{{ figure("netizens") }}。从严从实从快抓舆情管控，网络监测到相关网络舆情{{ figure("opinions") }}，训诫{{ figure("admonished") }}，网络上举报落地核查{{ figure("verified") }}，批评教育{{ figure("educated") }}，删除有害信息{{ figure("deleted") }}，处置敏感微博言论{{ figure("weibo") }}。监测提供不法商家恶意涨价线索{{ figure("price_leads") }}，发布辟谣信息{{ figure("rumours") }}。属地网络舆情总体平稳，未发生热点舆情事件。
:::
## 下一步工作打算
在区疫情防控指挥部的领导下，持续加强全区疫情防控社会宣传，在电视、重点地段、电子屏等密集投放宣传标语，发布科学权威防控宣传资料。统筹区内区外媒体加强新闻宣传，增强全区上下打赢疫情防控攻坚战、狙击战的信心和决心。加强网络舆情监测，及时研判处置涉疫舆情，坚决打击造谣者，维护网络空间良好秩序。
@signature 区委宣传部
@date 2020-02-29
"""


def baseline_template() -> str:
    """The same text as a bare template: figures and list pre-joined, structure hard-coded."""
    body = TEMPLATE
    for code, *_ in INDICATORS:
        body = body.replace(f'{{{{ figure("{code}") }}}}', f"{{{{ f.{code} }}}}")
    body = body.replace('{{ count_list(["billboards", "screens", "banners"]) }}', "{{ f.outdoor }}")
    body = body.replace("{{ narrative.plans | book_titles }}", "{{ plans }}")
    body = body.replace("## 高度重视", "一、高度重视")
    body = body.replace("## 突出重点", "二、突出重点").replace("## 下一步", "三、下一步")
    body = body.replace("# ", "")
    body = body.replace("::: shi\n", "").replace(":::\n", "")
    for marker in ("一是", "二是", "三是"):
        body = body.replace("\n- ", "\n" + marker, 1)
    return body.replace("@signature ", "").replace("@date 2020-02-29", "2020年2月29日")


class Case:
    """One report, prepared for both sides: epireport's inputs and the baseline's context."""

    def __init__(
        self, report: ReportInput, institution: Institution, facts: object, plugins: Plugins
    ) -> None:
        self.report = report
        self.institution = institution
        self.facts = facts
        self.plugins = plugins
        # The baseline gets what epireport computes, already formatted.
        doc = self.compose()
        formatted = {
            f.indicator: f.text + next(k for c, _, k, _, _ in INDICATORS if c == f.indicator)
            for e in numbered(doc)
            if isinstance(e, RenderedParagraph)
            for f in e.facts
        }
        formatted["outdoor"] = "、".join(
            f"{n}{formatted[c]}"
            for c, n, *_ in INDICATORS
            if c in ("billboards", "screens", "banners")
        )
        self.context = {
            "unit": report.unit_name,
            "narrative": report.narrative,
            "plans": "".join(f"《{p}》" for p in report.narrative["plans"]),
            "f": formatted,
        }

    def compose(self) -> Document:
        return compose(self.report, self.institution, self.facts, self.plugins)


def setup(reports: int = REPORTS) -> tuple[list[Case], jinja2.Template]:
    """Build the institution, the template plugin and *reports* different reports."""
    indicators = tuple(
        Indicator(code=c, name=n, classifier=k, number_style=s or NumberStyle.EXACT)
        for c, n, k, s, _ in INDICATORS
    )
    institution = Institution(
        code="bench",
        title="区委宣传部",
        indicator_sets=(IndicatorSet(code="publicity", title="宣传", indicators=indicators),),
        narrative_inputs=(
            NarrativeInput(code="plans", title="方案", kind=NarrativeKind.LIST),
            NarrativeInput(code="leader", title="组长"),
        ),
    )

    class Templates:
        @staticmethod
        @hookimpl
        def epireport_register_templates() -> list[TemplateSource]:
            return [
                TemplateSource("bench", loader=jinja2.DictLoader({"bench/report.md.j2": TEMPLATE}))
            ]

    plugins = Plugins(make_plugin_manager(plugins=[Templates], autoload=False, strict=True))
    period = Period.parse("2020-01-23/2020-02-29")
    cases = []
    for n in range(reports):
        unit = f"d{n + 1}"
        # Other figures per unit (never zero: every sentence stays, as in the seed).
        values = tuple(
            DataValue.reported(c, unit, period, v + 7 * n * (i + 1))
            for i, (c, _, _, _, v) in enumerate(INDICATORS)
        )
        report = ReportInput(
            institution="bench",
            unit=unit,
            unit_name=f"城关{n + 1}区",
            period=period,
            values=values,
            narrative={
                "leader": "区委常委、宣传部部长",
                "plans": ["城关区疫情防控宣传工作方案", "城关区网络舆情导控工作预案"],
            },
        )
        cases.append(Case(report, institution, compute_facts(report, institution), plugins))
    bare = jinja2.Environment(trim_blocks=True, lstrip_blocks=True).from_string(baseline_template())
    return cases, bare


def check_same_words(cases: list[Case], bare: jinja2.Template, options: RenderOptions) -> int:
    """Exit unless both sides write the same lines for every report; return the text length."""
    for case in cases:
        text = render_text(case.compose(), options)
        # Same words: the baseline prints the text epireport draws, minus indentation.
        ours = [line.strip("\u3000 ") for line in text.splitlines() if line.strip()]
        theirs = [line.strip() for line in bare.render(case.context).splitlines() if line.strip()]
        if ours != theirs:
            for a, b in zip(ours, theirs, strict=False):
                if a != b:
                    print("epireport:", a, "\nbaseline: ", b, file=sys.stderr)
                    break
            raise SystemExit(f"the baseline does not produce the same text for {case.report.unit}")
    return len(text)


def per_report(round_: Callable[[], object], reports: int, min_seconds: float) -> float:
    """Seconds per report: whole rounds of all reports, repeated for at least *min_seconds*."""
    rounds = 0
    start = time.perf_counter()
    while True:
        round_()
        rounds += 1
        elapsed = time.perf_counter() - start
        if elapsed >= min_seconds:
            return elapsed / (rounds * reports)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--runs", type=int, default=RUNS, help="runs per side (median)")
    parser.add_argument("--seconds", type=float, default=MIN_SECONDS, help="per side and run")
    args = parser.parse_args()
    cases, bare = setup()
    options = RenderOptions()
    length = check_same_words(cases, bare, options)
    contexts = [case.context for case in cases]

    def baseline() -> None:
        for context in contexts:
            bare.render(context)

    def composed() -> None:
        for case in cases:
            compose(case.report, case.institution, copy.copy(case.facts), case.plugins)

    def drawn() -> None:
        for case in cases:
            document = compose(case.report, case.institution, copy.copy(case.facts), case.plugins)
            render_text(document, options)

    def composed_prepared() -> None:
        for case in cases:
            compose(case.report, case.institution, case.facts, case.plugins)

    def drawn_prepared() -> None:
        for case in cases:
            render_text(compose(case.report, case.institution, case.facts, case.plugins), options)

    sides = {
        "bare Jinja2, preformatted strings": baseline,
        "compose, figures written in loop": composed,
        "compose + render_text, in loop": drawn,
        "compose, prepared facts": composed_prepared,
        "compose + render_text, prepared": drawn_prepared,
    }
    for side in sides.values():
        side()  # warm up: compile the templates, fill the institution's caches
    times: dict[str, list[float]] = {name: [] for name in sides}
    for _ in range(args.runs):
        for name, side in sides.items():
            times[name].append(per_report(side, len(cases), args.seconds))
    base = times["bare Jinja2, preformatted strings"]
    print(
        f"report of {length} characters, {len(INDICATORS)} figures, {len(cases)} reports per "
        f"round; median of {args.runs} runs of >= {args.seconds} s each, "
        f"Python {sys.version.split()[0]}"
    )
    print(f"{'what':34} {'µs/report':>10} {'reports/s':>10} {'ratio':>7} {'min-max':>11}")
    for name, measured in times.items():
        median = statistics.median(measured)
        ratios = [t / b for t, b in zip(measured, base, strict=True)]
        ratio = statistics.median(ratios)
        spread = f"{min(ratios):.2f}-{max(ratios):.2f}"
        print(f"{name:34} {median * 1e6:10.0f} {1 / median:10.0f} {ratio:7.2f} {spread:>11}")


if __name__ == "__main__":
    main()
