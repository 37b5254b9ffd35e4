"""The source map as a table: source, channel, CRM property and value, owner, wiring, state.

Renders :class:`~partnerkit.analysis.source_map.SourceMap` (each source's state from
the source-map audit); in the monthly report it closes the insights section, in the
source-map document (:func:`~partnerkit.report.build_source_map`) it stands alone.
Nothing is computed here.
"""

from __future__ import annotations

from partnerkit.analysis.source_map import SourceMap, source_map
from partnerkit.report._context import Context
from partnerkit.report.i18n import N_
from partnerkit.report.sections import Block, Cell, Heading, Table, Text

__all__ = ["MESSAGE_IDS", "blocks", "table"]

#: The message ids built from codes at run time, listed for extraction.
MESSAGE_IDS = (
    N_("sourcemap.state.wired"),
    N_("sourcemap.state.unwired"),
    N_("sourcemap.state.silent"),
    N_("sourcemap.state.none"),
    N_("sourcemap.field.original_source"),
    N_("sourcemap.field.original_source_drill_1"),
    N_("sourcemap.field.original_source_drill_2"),
    N_("sourcemap.field.utm_source"),
    N_("sourcemap.field.utm_medium"),
    N_("sourcemap.field.utm_campaign"),
    N_("sourcemap.field.account_ids"),
    N_("sourcemap.field.campaign_ids"),
    N_("sourcemap.owner.partner"),
    N_("sourcemap.owner.in_house"),
    N_("sourcemap.wiring.native"),
    N_("sourcemap.wiring.zapier"),
    N_("sourcemap.wiring.api"),
    N_("sourcemap.wiring.form"),
    N_("sourcemap.wiring.import"),
    N_("sourcemap.wiring.manual"),
    N_("sourcemap.wiring.other"),
    N_("sourcemap.status.paused"),
    N_("sourcemap.status.retired"),
)


def blocks(ctx: Context) -> list[Block]:
    """The monthly report's source map: every source and its state at the month's audit."""
    f = ctx.f
    return [Heading(f.t("sourcemap.heading")), *table(ctx, source_map(ctx.ws, ctx.r.audit))]


def table(ctx: Context, found: SourceMap) -> list[Block]:
    """The source-map table, and the day its states were checked to."""
    f = ctx.f
    rows = []
    for e in found:
        s = e.source
        rules = " · ".join(
            f"{f.t(f'sourcemap.field.{name}')} = {', '.join(patterns)}"
            for name, patterns in e.rules
        )
        state = f.t(f"sourcemap.state.{e.state or 'none'}")
        if s.status.value != "active":
            state = f"{state} ({f.t(f'sourcemap.status.{s.status.value}')})"
        rows.append(
            (
                ctx.text(s.name),
                ctx.text(f.channel(s.channel.value)),
                ctx.text(rules or f.t("missing")),
                ctx.text(f.t(f"sourcemap.owner.{s.owner.value}")),
                ctx.text(f.t(f"sourcemap.wiring.{s.wiring.value}")),
                Cell(state),
            )
        )
    columns = (
        f.t("col.source"),
        f.t("sourcemap.col.channel"),
        f.t("sourcemap.col.rules"),
        f.t("sourcemap.col.owner"),
        f.t("sourcemap.col.wiring"),
        f.t("sourcemap.col.state"),
    )
    out: list[Block] = [Table("sourcemap", columns, tuple(rows))]
    if found.checked_to is not None:
        out.append(Text(f.t("sourcemap.checked_to", day=f.date(found.checked_to))))
    return out
