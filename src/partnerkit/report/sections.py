"""The report's typed content: sections made of text, tables, charts and "no data" notes.

Renderers (HTML, Markdown) walk these blocks; tests read them. Every number is a
:class:`Cell` carrying both its formatted text and the raw value from the analysis
result it came from.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal, get_args

__all__ = [
    "SECTION_IDS",
    "Block",
    "Bullets",
    "Cell",
    "Chart",
    "Heading",
    "NoData",
    "Section",
    "SectionId",
    "Table",
    "Text",
]

SectionId = Literal[
    "trial",
    "summary",
    "work",
    "channels",
    "insights",
    "budget",
    "funnel",
    "sla",
    "learnings",
    "next",
]
#: The sections in the outline's order. The ``trial`` section is not among them: it
#: opens the report on its own in the month the trial ends and the month before (it is
#: first in :data:`SectionId`, which lists the rest in the outline's order).
SECTION_IDS: tuple[SectionId, ...] = get_args(SectionId)[1:]


@dataclass(frozen=True)
class Cell:
    """One value as shown, with the raw number behind it.

    Attributes:
        text: What the reader sees ("₪224.32", "on track", "—").
        value: The analysis result's number, or ``None`` for text and missing values.
        missing: Why there is no value (shown as a tooltip and in Markdown footnotes).
        numeric: Whether the cell is a number (numbers are isolated from the text's
            direction and aligned right).
    """

    text: str
    value: Decimal | None = None
    missing: str | None = None
    numeric: bool = False


@dataclass(frozen=True)
class Text:
    """A sentence whose ``{name}`` fields are cells.

    Attributes:
        template: The sentence with ``{name}`` fields (already translated).
        fields: The cells to put in the fields.
        tone: ``good``, ``bad`` or ``None`` (neutral).
    """

    template: str
    fields: dict[str, Cell] = field(default_factory=dict)
    tone: Literal["good", "bad"] | None = None

    def plain(self) -> str:
        """The sentence with the cells' text filled in."""
        return self.template.format(**{k: c.text for k, c in self.fields.items()})


@dataclass(frozen=True)
class Heading:
    """A sub-heading inside a section."""

    text: str


@dataclass(frozen=True)
class Bullets:
    """A bulleted list of sentences."""

    items: tuple[Text, ...]


@dataclass(frozen=True)
class Table:
    """A table of cells.

    Attributes:
        key: A stable name (``channel.paid_search``, ``budget.channel``) for tests and CSS.
        columns: Column headings.
        rows: The rows; each as long as ``columns``.
        caption: An optional caption.
    """

    key: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    caption: str | None = None


@dataclass(frozen=True)
class Chart:
    """An inline SVG chart.

    Attributes:
        key: A stable name (``history``, ``cpl``, ``funnel``, ``budget``).
        title: The chart's title.
        svg: The SVG markup.
        alt: What the chart shows, in words.
        data: The numbers behind the chart as a table (shown to screen readers in
            place of the drawing, and in the Markdown report).
    """

    key: str
    title: str
    svg: str
    alt: str
    data: Table | None = None


@dataclass(frozen=True)
class NoData:
    """A part of the report without data, and why.

    Attributes:
        reason: Why there is nothing to show, already in words.
    """

    reason: str


Block = Heading | Text | Bullets | Table | Chart | NoData


@dataclass(frozen=True)
class Section:
    """One numbered section of the report.

    Attributes:
        id: The section's id (see :data:`SECTION_IDS`).
        number: Its number in the report (1-based, after selection).
        title: Its title, in the report's language.
        blocks: Its content, in order.
    """

    id: SectionId
    number: int
    title: str
    blocks: tuple[Block, ...]

    @property
    def has_data(self) -> bool:
        """Whether the section shows anything but "no data" notes."""
        return any(not isinstance(b, NoData | Heading) for b in self.blocks)

    def tables(self) -> list[Table]:
        """The section's tables."""
        return [b for b in self.blocks if isinstance(b, Table)]

    def table(self, key: str) -> Table:
        """The table with this key.

        Raises:
            KeyError: There is none.
        """
        for b in self.tables():
            if b.key == key:
                return b
        raise KeyError(f"section {self.id!r} has no table {key!r}")

    def charts(self) -> list[Chart]:
        """The section's charts."""
        return [b for b in self.blocks if isinstance(b, Chart)]
