"""English words of the review documents until the catalogues have them (issue 22).

The review documents' message ids are new; the coordinator extracts them into
``messages.pot`` and fills the ``en``, ``he`` and ``th`` catalogues from the table in
the branch's notes. Until then :class:`Words` looks an id up in the catalogue first
and falls back to the English text here, so the documents can be written in English.
Once the catalogues hold every id below, this module and :func:`words` can go
(``Formatter`` does the same).
"""

from __future__ import annotations

from partnerkit.report.i18n import Formatter

__all__ = ["PENDING", "Words", "words"]

PENDING: dict[str, str] = {
    # the source map
    "sourcemap.title": "Source map",
    "sourcemap.subtitle": "{name}",
    "sourcemap.heading": "The source map",
    "sourcemap.col.channel": "Channel",
    "sourcemap.col.rules": "CRM property and value",
    "sourcemap.col.owner": "Owner",
    "sourcemap.col.wiring": "Wired by",
    "sourcemap.col.state": "State",
    "sourcemap.checked_to": "States as the source-map audit found them up to {day}.",
    "sourcemap.state.wired": "wired",
    "sourcemap.state.unwired": "unwired: no matching rule",
    "sourcemap.state.silent": "silent",
    "sourcemap.state.none": "not checked: the audit did not run",
    "sourcemap.field.original_source": "Original source",
    "sourcemap.field.original_source_drill_1": "Original source drill-down 1",
    "sourcemap.field.original_source_drill_2": "Original source drill-down 2",
    "sourcemap.field.utm_source": "UTM source",
    "sourcemap.field.utm_medium": "UTM medium",
    "sourcemap.field.utm_campaign": "UTM campaign",
    "sourcemap.field.account_ids": "Ad account",
    "sourcemap.field.campaign_ids": "Ad campaign",
    "sourcemap.owner.partner": "the partner",
    "sourcemap.owner.in_house": "in-house",
    "sourcemap.wiring.native": "native integration",
    "sourcemap.wiring.zapier": "Zapier or a similar automation",
    "sourcemap.wiring.api": "API integration",
    "sourcemap.wiring.form": "website form",
    "sourcemap.wiring.import": "file import",
    "sourcemap.wiring.manual": "typed in by hand",
    "sourcemap.wiring.other": "other",
    "sourcemap.status.paused": "paused",
    "sourcemap.status.retired": "retired",
    # the quarterly review
    "review.title": "Quarterly review",
    "review.subtitle": "{name} — {quarter}",
    "review.section.overview": "The quarter",
    "review.section.trends": "Targets month by month",
    "review.section.sla": "SLA and partnership health by month",
    "review.section.cost": "Cost per result",
    "review.section.learnings": "Tests and what was learnt",
    "review.section.proposal": "Start, stop, continue",
    "review.section.next_quarter": "Next quarter",
    "review.section.roles": "Roles and responsibilities",
    "review.quarter": "The quarter {quarter}, {start} to {end}, counted up to {day}.",
    "review.months_with_data": "Months with data: {months}.",
    "review.months_without_data": "Months without data",
    "review.month_why": "{month}: no data ({reason}).",
    "review.to_date": "The quarter to date",
    "review.totals_failed": "the quarter's totals could not be computed: {reason}",
    "review.no_targets": "the workspace has no target for these months",
    "review.no_sla": "the workspace has no SLA term, or it could not be measured",
    "review.col.month": "Month",
    "review.col.value": "Value",
    "review.col.learning_goal": "Learning goal",
    "review.on_media": "{kpi} (on media spend)",
    "review.learning.answered": "answered",
    "review.learning.not_answered": "not answered",
    "review.learning.open": "open: the test runs",
    "review.learning.not_started": "not started",
    "review.learning_score": (
        "Learning goals answered: {answered} of {decided} tests decided ({score})."
    ),
    "review.no_tests": "the learning log has no test that ran in the quarter",
    "review.no_test_decided": "no test of the quarter is decided yet: no learning goal to score",
    "review.action.continue": "Continue",
    "review.action.stop": "Stop",
    "review.action.start": "Start",
    "review.nothing": "Nothing here: the quarter's numbers call for none.",
    "review.item.target_met": "{name}: on track in each of the {months} month(s) with data.",
    "review.item.lead_target_met": (
        "{source}: {leads} leads in {months} month(s), at least its {target} a month each month."
    ),
    "review.item.spend_without_leads": (
        "{source}: spent {spend} in the quarter and brought no lead."
    ),
    "review.item.test": "Test {test}: {learning}",
    "review.rule": (
        "The rule: continue what met its target in every month with data; stop what spent "
        "without a lead over the quarter and the campaigns to pause; start what the last "
        "month's recommendations propose; tests follow their decision."
    ),
    "review.planned_tests": "Tests planned",
    "review.planned_test": "{test}: {goal}",
    "review.plan_summary": "The proposal: start {start}, continue {continue}, stop {stop}.",
    "cli.quarter_not_started": (
        "cannot review {quarter}: the quarter has not started (as of {as_of})."
    ),
    "cli.no_rows_for_quarter": (
        "nothing to review for {quarter}: no lead and no spend record in any of its "
        "months. Run `partnerkit sync --config {config}` to bring them in."
    ),
    # roles
    "roles.none": "the workspace writes down no roles (roles: in the workspace file)",
    "roles.col.area": "Area",
    "roles.col.responsible": "Supplies (responsible)",
    "roles.col.accountable": "Approves and decides (accountable)",
    "roles.col.consulted": "Consulted",
    "roles.col.informed": "Informed",
    "roles.col.grey_zone": "Grey zone",
    "roles.col.notes": "Notes",
    "roles.grey.true": "yes",
    "roles.grey.false": "no",
    "roles.grey_zones": "{n} grey zone(s) to settle: {areas}.",
    "roles.side.partner": "the partner",
    "roles.side.in_house": "in-house",
    "roles.point_people": "Point people",
    "roles.no_point_people": "the workspace names no point people (partner.point_people)",
    "roles.point_person": "{side}: {person}",
    "roles.escalation": "Escalation path",
    "roles.step": "Step {n}: {person}",
    "roles.step_after": "Step {n}: {person}, when an issue is not resolved {within}",
    # the trial verdict on its own
    "trial_doc.title": "Trial verdict",
    "trial_doc.subtitle": "{name}",
    "trial_doc.runs": "The trial period runs from {start} to {end}.",
    "trial_doc.over": "The trial period ran from {start} to {end}.",
}


class Words(Formatter):
    """A :class:`Formatter` that falls back to :data:`PENDING` for ids no catalogue has."""

    def has(self, key: str) -> bool:
        """Whether the catalogue or :data:`PENDING` has the message ``key``."""
        return super().has(key) or key in PENDING

    def t(self, key: str, **fields: object) -> str:
        """The message ``key``: the catalogue's, else the pending English text.

        Raises:
            KeyError: Neither has the message.
        """
        if super().has(key) or key not in PENDING:
            return super().t(key, **fields)
        return PENDING[key].format(**fields)


def words(fmt: Formatter) -> Words:
    """The formatter's locale and currency, with the pending words (itself when it has them)."""
    if isinstance(fmt, Words):
        return fmt
    return Words(fmt.bcp47, fmt.currency)
