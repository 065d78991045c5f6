"""Machine-readable refusals shared by pages and API: `{"code", "message", "details"}`."""

from dataclasses import dataclass, field


@dataclass
class DomainError(Exception):
    """A refused action: a stable code, a Chinese message, optional details (e.g. findings)."""

    code: str
    message: str
    details: list = field(default_factory=list)

    def __str__(self):
        return f"{self.code}: {self.message}"

    def as_dict(self) -> dict:
        return {"code": self.code, "message": self.message, "details": self.details}
