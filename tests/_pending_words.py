"""Report words waiting for the catalogues (issue 22: /work/notes/b-leads.messages.md).

The report looks every word up in the gettext catalogues and refuses a missing one.
Until the coordinator adds these messages to the ``.po`` files, ``tests/conftest.py``
lends them to the English catalogue for the test session (only those it lacks); delete
this module and that fixture once the catalogues have them.
"""

NEW_WORDS = {
    "leadq.heading": "Lead quality by source",
    "leadq.definition": (
        "Sales-ready and nurture leads as the lead definition agreed with sales says; "
        "sales' rating is the mean lead-quality answer of the partnership survey in the "
        "month."
    ),
    "col.sales_ready": "Sales-ready",
    "col.nurture": "Nurture",
    "col.disqualified": "Disqualified",
    "col.sales_ready_share": "Sales-ready share",
    "col.survey_score": "Sales' rating (1–{scale})",
    "col.survey_score_plain": "Sales' rating",
    "kpi.sales_ready_leads": "Sales-ready leads",
    "kpi.nurture_leads": "Nurture leads",
    "kpi.joint_closed_deals": "Joint closed deals",
}
