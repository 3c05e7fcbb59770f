"""What :func:`punos_lib.publish.render` produced, for the command line."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["RenderReport"]


@dataclass
class RenderReport:
    """What :func:`render` produced."""

    engine: str
    site_index: Path | None = None
    pdf: Path | None = None
    pages: list[Path] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        """Human-readable summary lines for the command line."""
        out = [f"rendered with {self.engine}"]
        if self.site_index:
            out.append(f"website: {self.site_index} ({len(self.pages)} pages)")
        if self.pdf:
            out.append(f"PDF: {self.pdf}")
        out.extend(f"warning: {w}" for w in self.warnings)
        return out
