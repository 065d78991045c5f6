"""The submission receipt (回执) of one DemandVersion, read only from its frozen content."""

from django.conf import settings

from jiebang.core import clock
from jiebang.demands.documents.layout import (
    Document,
    Grid,
    Pair,
    Row,
    Section,
    Table,
    file_size,
    label_of,
    text,
)
from jiebang.demands.enums import AttachmentKind, Category

TITLE = "乌鲁木齐市重点领域科技创新攻关“揭榜挂帅”需求提交回执"
NOTE = "本回执由系统自动生成，服务器时间为准，可凭回执编号及摘要值核验提交内容。"


def submitted_at_text(moment) -> str:
    """'2024-08-30 19:29:58（北京时间）': receipts show the second the server accepted it."""
    return clock.beijing(moment).strftime("%Y-%m-%d %H:%M:%S") + "（北京时间）"


def _attachment_kind(item: dict) -> str:
    kind = label_of(AttachmentKind, item.get("kind"))
    return f"{kind}（{item['year']}年度）" if item.get("year") else kind


def document_for(version) -> Document:
    content = version.content or {}
    submitter = version.submitted_by
    attachments = Table(
        ["序号", "材料类别", "文件名", "大小"],
        [
            Row(
                [str(i), _attachment_kind(a), text(a.get("name")), file_size(a.get("size"))],
                detail=f"SM3：{a.get('sm3') or '—'}",
            )
            for i, a in enumerate(content.get("attachments") or [], 1)
        ],
        [8, 30, 46, 16],
        empty="（未上传附件）",
    )
    info = Grid(
        [
            [Pair("回执编号", version.receipt_number)],
            [
                Pair("需求编号", text(content.get("number"))),
                Pair("版本", f"第{version.version}版"),
            ],
            [Pair("需求名称", text(content.get("title")))],
            [Pair("发榜单位", text((content.get("organization") or {}).get("name")))],
            [
                Pair("需求类别", label_of(Category, content.get("category"))),
                Pair("提交人", submitter.real_name or submitter.username),
            ],
            [Pair("提交时间", submitted_at_text(version.submitted_at))],
            [Pair("内容摘要（SM3）", version.digest, mono=True)],
        ]
    )
    return Document(
        title=TITLE,
        sections=[Section("提交信息", [info]), Section("提交材料清单", [attachments])],
        closing=[NOTE],
        closing_right=settings.SITE_BUREAU_NAME,
    ).numbered()
