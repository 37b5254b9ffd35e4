"""Roles: who supplies, approves and decides in each area, the point people, the grey zones.

Renders the workspace's RACI rows (:class:`~partnerkit.model.Responsibility`) and the
partner's point people and escalation path, naming each party: a person by name and
role, a side by its words. Nothing is computed here.
"""

from __future__ import annotations

from collections.abc import Sequence

from partnerkit.report._context import Context
from partnerkit.report.i18n import N_
from partnerkit.report.sections import Block, Bullets, Heading, Table

__all__ = ["MESSAGE_IDS", "build"]

#: The message ids built from codes at run time, listed for extraction.
MESSAGE_IDS = (
    N_("roles.side.partner"),
    N_("roles.side.in_house"),
    N_("roles.grey.true"),
    N_("roles.grey.false"),
)


def party(ctx: Context, ref: str | None) -> str:
    """A party of the RACI chart in words: a person (name, role) or a side."""
    f = ctx.f
    if ref is None:
        return f.t("missing")
    if ref in ("partner", "in_house"):
        return f.t(f"roles.side.{ref}")
    person = ctx.ws.partner.person(ref) if ctx.ws.partner is not None else None
    if person is None:
        return ref
    return f"{person.name} ({person.role})" if person.role else person.name


def _parties(ctx: Context, refs: Sequence[str]) -> str:
    return ", ".join(party(ctx, r) for r in refs) or ctx.f.t("missing")


def build(ctx: Context) -> list[Block]:
    """The RACI chart with grey zones flagged, then the point people and escalation path."""
    f = ctx.f
    out: list[Block] = []
    if ctx.ws.roles:
        rows = tuple(
            (
                ctx.text(r.area),
                ctx.text(_parties(ctx, r.responsible)),
                ctx.text(party(ctx, r.accountable)),
                ctx.text(_parties(ctx, r.consulted)),
                ctx.text(_parties(ctx, r.informed)),
                ctx.text(f.t(f"roles.grey.{str(r.grey_zone).lower()}")),
                ctx.text(r.notes or ""),
            )
            for r in ctx.ws.roles
        )
        columns = (
            f.t("roles.col.area"),
            f.t("roles.col.responsible"),
            f.t("roles.col.accountable"),
            f.t("roles.col.consulted"),
            f.t("roles.col.informed"),
            f.t("roles.col.grey_zone"),
            f.t("roles.col.notes"),
        )
        out.append(Table("roles", columns, rows))
        grey = [r.area for r in ctx.ws.roles if r.grey_zone]
        if grey:
            out.append(
                ctx.sentence(
                    N_("roles.grey_zones"),
                    {"areas": ctx.text(", ".join(grey)), "n": ctx.number(len(grey))},
                    "bad",
                )
            )
    else:
        out.append(ctx.nodata(N_("roles.none")))
    partner = ctx.ws.partner
    out.append(Heading(f.t("roles.point_people")))
    point = partner.point_people if partner is not None else None
    if point is None or (point.partner is None and point.in_house is None):
        out.append(ctx.nodata(N_("roles.no_point_people")))
    else:
        lines = [
            ctx.sentence(
                N_("roles.point_person"),
                {"side": ctx.text(f.t(f"roles.side.{side}")), "person": ctx.text(party(ctx, ref))},
            )
            for side, ref in (("partner", point.partner), ("in_house", point.in_house))
            if ref is not None
        ]
        out.append(Bullets(tuple(lines)))
    if partner is not None and partner.escalation:
        out.append(Heading(f.t("roles.escalation")))
        steps = []
        for n, step in enumerate(partner.escalation, start=1):
            who = party(ctx, step.person)
            if step.after is None:
                steps.append(ctx.sentence("roles.step", {"person": ctx.text(who)}, None, n=n))
                continue
            value = f.number(step.after.value, 2)
            within = f.t(f"sla.rule.within.{step.after.unit}", value=value)
            cells = {"person": ctx.text(who)}
            steps.append(ctx.sentence("roles.step_after", cells, None, n=n, within=within))
        out.append(Bullets(tuple(steps)))
    return out
