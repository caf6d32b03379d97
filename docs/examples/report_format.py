"""Add a report format: a WeChat post with the figures' sources listed at the end."""

from pathlib import Path

import epireport
from epireport import ReportFormat, hookimpl
from epireport.document import (
    RenderedHeading,
    RenderedParagraph,
    RenderedSignature,
    RenderedTitle,
    numbered,
)


def render_wechat(document, options) -> str:
    """Draw the document tree: 【heading】 lines, blank lines between paragraphs, sources last.

    ``numbered`` walks the tree in reading order and hands out the numbers and markers, so a
    renderer never numbers anything itself.
    """
    lines, sources = [], []
    if options.is_draft(document.meta.draft):
        lines.append("（草稿）")
    for event in numbered(document):
        if isinstance(event, RenderedTitle):
            lines.append(f"# {event.text}")
        elif isinstance(event, RenderedHeading):
            lines.append(f"【{event.full}】")
        elif isinstance(event, RenderedParagraph):
            lines.append(event.text)
            sources.extend(f"{ref.text}：{', '.join(ref.sources)}" for ref in event.facts)
        elif isinstance(event, RenderedSignature):
            lines.append(f"（{event.unit}）")
    return "\n\n".join(lines) + "\n\n数据来源：\n" + "\n".join(sources) + "\n"


class WeChatFormat:
    """The plugin registering the format."""

    @staticmethod
    @hookimpl
    def epireport_register_formats() -> list[ReportFormat]:
        """Register ``--format wechat``."""
        return [
            ReportFormat(
                code="wechat",
                title="微信推文",
                suffix=".txt",
                media_type="text/plain",
                binary=False,
                render=render_wechat,
            )
        ]


plugins = epireport.Plugins.create(plugins=[WeChatFormat])
print(sorted(plugins.formats()))
data = Path(__file__).parent / "data" / "lotus.yaml"
print(epireport.render_report(data, format="wechat", plugins=plugins).output)
