"""The organic social part of section 3: Pages and Instagram accounts, month over month.

Renders :class:`~partnerkit.analysis.social.SocialMonth` from the month's evaluation; no
figure is computed here. One table for every account together (each figure against the
month before and its target), then a row per account. Reach is never a month's figure:
it counts distinct people, so it is shown as not computable with the analysis's reason
(``not_additive``), never as a sum. Followers are the level at month end. Nothing is
shown when the workspace has no social day in the month or the month before.
"""

from __future__ import annotations

from partnerkit.analysis.social import LEADING, SocialAccount, SocialMonth
from partnerkit.report._context import Context
from partnerkit.report._sections._channel import (
    Kind,
    figure_columns,
    figure_row,
    part,
    shown,
    target_cells,
)
from partnerkit.report.i18n import N_
from partnerkit.report.sections import Block, Cell, Table
from partnerkit.social import SocialTotals

__all__ = ["KPIS", "build"]

#: The KPI a workspace target names for each social figure (see ``docs/report.md``).
#: Reach has none: a month's reach is not computable, so no target can be judged on it.
KPIS: dict[str, str | None] = {
    "impressions": "social_impressions",
    "reach": None,
    "engagements": "social_engagements",
    "engagement_rate": "social_engagement_rate",
    "followers": "social_followers",
    "new_followers": "social_new_followers",
    "unfollows": "social_unfollows",
    "posts": "social_posts",
}
#: Messages looked up by a built key (marked here for extraction).
_LOOKED_UP = (N_("social.heading"), N_("social.none"))
_NAMES = {
    "impressions": N_("social.impressions"),
    "reach": N_("social.reach"),
    "engagements": N_("social.engagements"),
    "engagement_rate": N_("social.engagement_rate"),
    "followers": N_("social.followers"),
    "new_followers": N_("social.new_followers"),
    "unfollows": N_("social.unfollows"),
    "posts": N_("social.posts"),
}
_PLATFORMS = {
    "facebook_page": N_("social.platform.facebook_page"),
    "instagram": N_("social.platform.instagram"),
}


def _kind(code: str) -> Kind:
    return "ratio" if code == "engagement_rate" else "count"


def build(ctx: Context) -> list[Block]:
    """The social heading, every account's month together, then a row per account."""
    return part(ctx, "social", ctx.r.social, _body)


def _body(ctx: Context, social: SocialMonth) -> list[Block]:
    t = ctx.f.t
    rows = []
    for code in LEADING:
        if code == "reach":
            rows.append(_reach_row(ctx, social.total, social.previous))
        else:
            item = social.change(code)
            rows.append(figure_row(ctx, t(_NAMES[code]), item, _kind(code), KPIS[code]))
    # per account, reach is left out: it is never a month's figure (the totals say why)
    columns = (
        t("social.col.account"),
        t("social.col.platform"),
        *(t(_NAMES[c]) for c in LEADING if c != "reach"),
    )
    accounts = tuple(_account_row(ctx, a) for a in social.accounts)
    return [
        Table("social.totals", figure_columns(ctx), tuple(rows)),
        Table("social.accounts", columns, accounts),
    ]


def _reach_row(ctx: Context, total: SocialTotals, previous: SocialTotals) -> tuple[Cell, ...]:
    """Reach: never a month's figure (not even one day's, when a month has one); each says why."""
    name = _NAMES["reach"]
    return (
        ctx.text(ctx.f.t(name)),
        ctx.missing(_reach_reason(total)),
        ctx.missing(_reach_reason(previous)),
        ctx.missing(_reach_reason(total)),
        *target_cells(ctx, None),
    )


def _reach_reason(totals: SocialTotals) -> str:
    """Why a month's reach is not shown: the rollup's reason, else that it does not add up."""
    return totals.reach.reason or "not_additive"


def _account_row(ctx: Context, account: SocialAccount) -> tuple[Cell, ...]:
    platform = _PLATFORMS.get(account.platform)
    cells = [
        ctx.text(account.account_name or account.account_id),
        ctx.text(ctx.f.t(platform) if platform else account.platform),
    ]
    for code in LEADING:
        if code == "reach":
            continue
        item = next(c for c in account.changes if c.code == code)
        cells.append(shown(ctx, item.value, _kind(code), "missing_values"))
    return tuple(cells)
