"""Report words waiting for the catalogues (issue 21: /work/notes/b-channels.messages.md).

The report looks every word up in the gettext catalogues and refuses a missing one.
Until the coordinator adds these messages to the ``.po`` files, the root
``conftest.py`` lends them to the English catalogue when the test session starts (only
those it lacks); delete this module and that hook once the catalogues have them.
"""

NEW_WORDS = {
    "change.points": "{value} pts",
    "seo.heading": "Organic search (Search Console)",
    "seo.none": "no Search Console data for {month}",
    "seo.clicks": "Clicks",
    "seo.impressions": "Impressions",
    "seo.ctr": "Click-through rate",
    "seo.position": "Average position",
    "seo.hidden": (
        "Anonymised queries hide {clicks} clicks ({share} of the property's); the query "
        "and page tables leave them out."
    ),
    "seo.col.query": "Query",
    "seo.col.group": "Keyword group",
    "seo.groups": "Keyword groups (impression-weighted average position; lower is better)",
    "seo.group.left_top_ten": (
        "The keyword group {group} dropped out of the top ten: average position {position}, "
        "{previous} the month before."
    ),
    "seo.group.entered_top_ten": (
        "The keyword group {group} reached the top ten: average position {position}, "
        "{previous} the month before."
    ),
    "seo.col.page": "Page",
    "seo.movers.queries": "Queries whose clicks changed most",
    "seo.movers.pages": "Pages whose clicks changed most",
    "seo.movers.positions": (
        "Queries whose average position changed most (at least {threshold} impressions "
        "in both months; lower is better)"
    ),
    "email.heading": "Email",
    "email.none": "no email was sent in {month}",
    "email.sent": "Sent",
    "email.unique_clicks": "Clicks (unique)",
    "email.click_rate": "Click rate",
    "email.unsubscribe_rate": "Unsubscribe rate",
    "email.open_rate": "Open rate",
    "email.open_caveat": (
        "Open rates are inflated by Apple Mail Privacy Protection, which opens every "
        "message on delivery: read them as an upper bound and judge sends by clicks."
    ),
    "email.col.send": "Send",
    "email.col.date": "Date",
    "kpi.organic_clicks": "Organic clicks",
    "kpi.organic_impressions": "Organic impressions",
    "kpi.email_sends": "Emails sent",
    "kpi.email_clicks": "Email clicks",
}
