"""Plain descriptions of a version's content, used to write many elements at once.

The demo catalogue, the CSV/Excel importers and tests describe what a version should contain
with these dataclasses; ``services.item_version_set_content`` writes them. A ``None`` list
means "leave those rows as they are"; a list (even empty) replaces them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from banhao.catalog.choices import MaterialForm, MaterialNecessity, MaterialSource, MaterialType


@dataclass(frozen=True)
class MaterialSpec:
    name: str
    material_type: str = MaterialType.OTHER
    form: str = MaterialForm.BOTH
    original_copies: int = 1
    photocopy_copies: int = 0
    necessity: str = MaterialNecessity.REQUIRED
    source_channel: str = MaterialSource.APPLICANT
    source_explanation: str = ""
    issuing_body: str = ""
    is_key: bool = False
    notes: str = ""

    #: Fields compared and written by importers, in template order.
    FIELDS = (
        "name",
        "material_type",
        "form",
        "original_copies",
        "photocopy_copies",
        "necessity",
        "source_channel",
        "source_explanation",
        "issuing_body",
        "is_key",
        "notes",
    )

    def as_tuple(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in self.FIELDS)

    @classmethod
    def from_material(cls, material: Any) -> MaterialSpec:
        """The spec of a stored ``catalog.Material`` (files are not part of a spec)."""
        return cls(**{name: getattr(material, name) for name in cls.FIELDS})


@dataclass(frozen=True)
class OptionSpec:
    label: str
    materials: tuple[str, ...] = ()  # material names of the same version


@dataclass(frozen=True)
class SituationSpec:
    question: str
    options: tuple[OptionSpec, ...]


@dataclass(frozen=True)
class FeeSpec:
    name: str
    standard: str
    basis: str = ""
    is_reducible: bool = False
    reduction_basis: str = ""


@dataclass(frozen=True)
class FaqSpec:
    question: str
    answer: str


@dataclass(frozen=True)
class ReviewStepSpec:
    department: str  # department name (org.Department.name)
    name: str


@dataclass
class VersionContent:
    """Scalar elements (``ServiceItemVersion`` field names) plus child rows."""

    fields: dict[str, Any] = field(default_factory=dict)
    materials: list[MaterialSpec] | None = None
    situations: list[SituationSpec] | None = None
    fees: list[FeeSpec] | None = None
    faqs: list[FaqSpec] | None = None
    review_steps: list[ReviewStepSpec] | None = None
