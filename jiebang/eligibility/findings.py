from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    BLOCK = "block"  # 不予受理: cannot submit
    JUSTIFY = "justify"  # allowed only with a written justification
    PRIORITY = "priority"  # a flag reviewers see; never blocks


@dataclass(frozen=True)
class Finding:
    """One rule's verdict on one item: what is wrong, how to fix it, and the guide clause."""

    code: str
    severity: Severity
    message: str
    clause: str
    field: str = ""  # the form field (or section) to point the applicant to
    justified: bool = False  # for JUSTIFY: a justification was given, so it does not block

    @property
    def blocks(self) -> bool:
        return self.severity == Severity.BLOCK or (
            self.severity == Severity.JUSTIFY and not self.justified
        )

    def as_dict(self) -> dict:
        return {
            "code": self.code,
            "severity": str(self.severity),
            "message": self.message,
            "clause": self.clause,
            "field": self.field,
            "blocks": self.blocks,
        }
