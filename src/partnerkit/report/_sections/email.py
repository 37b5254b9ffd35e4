"""The email part of section 3: the month's sends, clicks first, against the month before.

Renders :class:`~partnerkit.analysis.email.EmailMonth` from the month's evaluation; no
figure is computed here. Clicks lead; the open rate comes last with its caveat (Apple
Mail Privacy Protection opens every message on delivery). Nothing is shown when the
workspace has no email send in the month or the month before.
"""

from __future__ import annotations

from partnerkit.analysis.email import EmailMonth, EmailSend
from partnerkit.report._context import Context
from partnerkit.report._sections._channel import (
    Kind,
    figure_columns,
    figure_row,
    part,
    shown,
)
from partnerkit.report.i18n import N_
from partnerkit.report.sections import Block, Cell, Table, Text

__all__ = ["KPIS", "SHOWN", "build"]

#: The figures the report shows, in order: clicks lead, opens come last.
SHOWN: tuple[str, ...] = ("sent", "unique_clicks", "click_rate", "unsubscribe_rate", "open_rate")
#: The KPI a workspace target names for each email figure (see ``docs/report.md``).
KPIS: dict[str, str] = {
    "sent": "email_sends",
    "unique_clicks": "email_clicks",
    "click_rate": "email_click_rate",
    "unsubscribe_rate": "email_unsubscribe_rate",
    "open_rate": "email_open_rate",
}
#: Messages looked up by a built key (marked here for extraction).
_LOOKED_UP = (N_("email.heading"), N_("email.none"))
_NAMES = {
    "sent": N_("email.sent"),
    "unique_clicks": N_("email.unique_clicks"),
    "click_rate": N_("email.click_rate"),
    "unsubscribe_rate": N_("email.unsubscribe_rate"),
    "open_rate": N_("email.open_rate"),
}


def _kind(code: str) -> Kind:
    return "ratio" if code.endswith("_rate") else "count"


def build(ctx: Context) -> list[Block]:
    """The email heading, the month's figures, the open-rate caveat and the sends."""
    return part(ctx, "email", ctx.r.email, _body)


def _body(ctx: Context, email: EmailMonth) -> list[Block]:
    t = ctx.f.t
    rows = tuple(
        figure_row(ctx, t(_NAMES[code]), email.change(code), _kind(code), KPIS[code])
        for code in SHOWN
    )
    sends = (t("email.col.send"), t("email.col.date"), *(t(_NAMES[c]) for c in SHOWN))
    return [
        Table("email.totals", figure_columns(ctx), rows),
        Text(t("email.open_caveat")),
        Table("email.sends", sends, tuple(_send_row(ctx, s) for s in email.sends)),
    ]


def _send_row(ctx: Context, send: EmailSend) -> tuple[Cell, ...]:
    cells = [ctx.text(send.name or send.subject or send.email_id), ctx.text(ctx.f.date(send.date))]
    for code in SHOWN:
        if _kind(code) == "ratio":
            rate = send.totals.rates[code]
            cells.append(shown(ctx, rate.value, "ratio", rate.reason))
        else:
            cells.append(shown(ctx, send.totals.counts[code], "count", "missing_values"))
    return tuple(cells)
