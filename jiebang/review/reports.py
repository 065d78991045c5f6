"""Exports of a review round."""

import io

from openpyxl import Workbook


def ranking_xlsx(review_round, context) -> bytes:
    """Ranking table: rank, code, title, unit, scores kept/dropped, mean, spread, flags, decision."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("评审排名")
    header = [
        "排名",
        "编号",
        "名称",
        "申报单位",
        "评分数",
        "有效分",
        "去掉的分",
        "平均分",
        "极差",
        "需合议",
        "合议意见",
        "决定",
        "决定理由",
    ]
    sheet.append(header)
    rows = sorted(
        context["rows"],
        key=lambda r: (
            r["result"].rank is None if r["result"] else True,
            r["result"].rank if r["result"] and r["result"].rank else 0,
        ),
    )
    for row in rows:
        result, view, item = row["result"], row["view"], row["item"]
        identity = dict(view.identity) if view else {}
        # The side under review: the solvers of a proposal or project, else the issuer.
        unit = identity.get("揭榜单位") or identity.get("发榜单位", "")
        sheet.append(
            [
                result.rank if result else None,
                item.code,
                view.title if view else "",
                unit,
                result.n if result else 0,
                "、".join(str(s) for s in result.used) if result else "",
                "、".join(str(s) for s in result.dropped) if result else "",
                float(result.mean) if result and result.mean is not None else None,
                float(result.spread) if result and result.spread is not None else None,
                "是" if result and result.needs_consensus else "",
                item.consensus_note,
                item.get_decision_display(),
                item.decision_reason,
            ]
        )
    experts = workbook.create_sheet("评审专家")
    experts.append(["编号", "专家", "单位", "匹配度", "状态", "总分"])
    for row in rows:
        for a in row["assignments"]:
            experts.append(
                [
                    row["item"].code,
                    a.expert.person.name,
                    a.expert.display_unit,
                    round(a.affinity, 3),
                    a.get_state_display(),
                    float(a.score.total) if hasattr(a, "score") else None,
                ]
            )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
