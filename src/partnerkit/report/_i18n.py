"""The report's words (English and Hebrew) and its number, money and date formats.

Formats come from babel for the workspace locale; sentences from :data:`MESSAGES`,
keyed by message id, one template per language (``str.format`` fields). A language
the catalogue lacks falls back to English; numbers still follow the locale.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from babel import Locale, UnknownLocaleError
from babel.dates import format_date
from babel.numbers import format_currency, format_decimal

__all__ = ["LANGUAGES", "MESSAGES", "Formatter"]

#: Languages with a full catalogue.
LANGUAGES = ("en", "he")

#: The message catalogue: message id → language → template.
MESSAGES: dict[str, dict[str, str]] = {
    # ------------------------------------------------------------------ titles
    "report.title": {"en": "Monthly report", "he": "דוח חודשי"},
    "report.subtitle": {
        "en": "{name} — {month}",
        "he": "{name} — {month}",
    },
    "report.generated": {
        "en": "Numbers counted to {day}, in {zone}. Currency: {currency}.",
        "he": "המספרים נספרו עד {day}, לפי אזור הזמן {zone}. מטבע: {currency}.",
    },
    "section.summary": {"en": "Executive summary", "he": "תקציר מנהלים"},
    "section.work": {"en": "Work done this month", "he": "העבודה שנעשתה החודש"},
    "section.channels": {"en": "Performance by source", "he": "ביצועים לפי מקור"},
    "section.insights": {"en": "Insights", "he": "תובנות"},
    "section.budget": {"en": "Budget", "he": "תקציב"},
    "section.funnel": {"en": "Funnel and revenue by source", "he": "משפך והכנסות לפי מקור"},
    "section.sla": {
        "en": "SLA scorecard and partnership health",
        "he": "עמידה ב-SLA ובריאות השותפות",
    },
    "section.learnings": {"en": "Learnings and tests", "he": "למידה וניסויים"},
    "section.next": {"en": "Next month", "he": "החודש הבא"},
    # ------------------------------------------------------------------ general
    "no_data": {"en": "No data: {reason}", "he": "אין נתונים: {reason}"},
    "missing": {"en": "—", "he": "—"},
    "no_records": {"en": "no records for this channel", "he": "אין רשומות לערוץ הזה"},
    "analysis_failed": {
        "en": "the analysis could not run ({reason})",
        "he": "הניתוח לא הצליח לרוץ ({reason})",
    },
    "col.metric": {"en": "Metric", "he": "מדד"},
    "col.this_month": {"en": "This month", "he": "החודש"},
    "col.previous": {"en": "Previous month", "he": "חודש קודם"},
    "col.change": {"en": "Change", "he": "שינוי"},
    "col.baseline": {"en": "Baseline", "he": "בסיס"},
    "col.target": {"en": "Target", "he": "יעד"},
    "col.status": {"en": "Status", "he": "סטטוס"},
    "col.channel": {"en": "Channel", "he": "ערוץ"},
    "col.campaign": {"en": "Campaign", "he": "קמפיין"},
    "col.source": {"en": "Source", "he": "מקור"},
    "col.planned": {"en": "Planned", "he": "מתוכנן"},
    "col.spend": {"en": "Spend", "he": "הוצאה"},
    "col.used": {"en": "Used", "he": "ניצול"},
    "col.projected": {"en": "Projected", "he": "צפי"},
    "col.flag": {"en": "Flag", "he": "סימון"},
    "col.leads": {"en": "Leads", "he": "לידים"},
    "col.customers": {"en": "Customers", "he": "לקוחות"},
    "col.won_deals": {"en": "Won deals", "he": "עסקאות שנסגרו"},
    "col.revenue": {"en": "Revenue", "he": "הכנסות"},
    "col.cpl": {"en": "CPL", "he": "עלות לליד"},
    "col.cac": {"en": "CAC", "he": "עלות רכישת לקוח"},
    "col.roi": {"en": "ROI", "he": "החזר השקעה"},
    "col.stage": {"en": "Stage", "he": "שלב"},
    "col.count": {"en": "Count", "he": "כמות"},
    "col.step_rate": {"en": "From previous stage", "he": "מהשלב הקודם"},
    "col.term": {"en": "Term", "he": "סעיף"},
    "col.rule": {"en": "Rule", "he": "כלל"},
    "col.met": {"en": "Met", "he": "עמד"},
    "col.breached": {"en": "Breached", "he": "הפרה"},
    "col.attainment": {"en": "Attainment", "he": "שיעור עמידה"},
    "col.required": {"en": "Required", "he": "נדרש"},
    "col.case": {"en": "Case", "he": "מקרה"},
    "col.started": {"en": "Started", "he": "התחיל"},
    "col.deadline": {"en": "Deadline", "he": "מועד אחרון"},
    "col.over_by": {"en": "Late by", "he": "איחור"},
    "col.detail": {"en": "Evidence", "he": "ראיה"},
    "col.part": {"en": "Part", "he": "רכיב"},
    "col.score": {"en": "Score", "he": "ציון"},
    "col.weight": {"en": "Weight", "he": "משקל"},
    "col.test": {"en": "Test", "he": "ניסוי"},
    "col.tested": {"en": "What was tested", "he": "מה נבדק"},
    "col.learned": {"en": "What was learned", "he": "מה למדנו"},
    "col.decision": {"en": "Decision", "he": "החלטה"},
    "col.platform_leads": {"en": "Ad-platform leads", "he": "לידים בפלטפורמה"},
    "col.crm_leads": {"en": "CRM leads", "he": "לידים ב-CRM"},
    "col.gap": {"en": "Gap", "he": "פער"},
    # ------------------------------------------------------------------ statuses
    "status.on_track": {"en": "on track", "he": "בכיוון"},
    "status.at_risk": {"en": "at risk", "he": "בסיכון"},
    "status.off_track": {"en": "off track", "he": "לא בכיוון"},
    "status.none": {"en": "not judged", "he": "לא נשפט"},
    "passed.true": {"en": "met", "he": "עומד"},
    "passed.false": {"en": "not met", "he": "לא עומד"},
    "passed.none": {"en": "not measured", "he": "לא נמדד"},
    "flag.on_budget": {"en": "on budget", "he": "בתקציב"},
    "flag.over": {"en": "over", "he": "חריגה"},
    "flag.under": {"en": "under", "he": "מתחת לתקציב"},
    "flag.unbudgeted": {"en": "no budget", "he": "ללא תקציב"},
    "decision.start": {"en": "start", "he": "להתחיל"},
    "decision.stop": {"en": "stop", "he": "להפסיק"},
    "decision.continue": {"en": "continue", "he": "להמשיך"},
    # ------------------------------------------------------------------ summary
    "summary.target": {
        "en": "{name}: {value} against a target of {target} — {status}{change}.",
        "he": "{name}: {value} מול יעד של {target} — {status}{change}.",
    },
    "summary.target_missing": {
        "en": "{name}: not computable — {reason}.",
        "he": "{name}: לא ניתן לחישוב — {reason}.",
    },
    "summary.change": {
        "en": "; {change} on the previous month ({previous})",
        "he": "; שינוי של {change} מהחודש הקודם ({previous})",
    },
    "summary.no_targets": {
        "en": "the workspace sets no targets for this month",
        "he": "לא הוגדרו יעדים לחודש הזה",
    },
    "summary.wins": {"en": "Wins", "he": "הצלחות"},
    "summary.problems": {"en": "Problems", "he": "בעיות"},
    "summary.win_kpi": {
        "en": "{channel}: {kpi} {value}, {change} on the previous month.",
        "he": "{channel}: {kpi} {value}, שינוי של {change} מהחודש הקודם.",
    },
    "summary.sla": {
        "en": "SLA: {met} of {measured} measured terms met.",
        "he": "SLA: {met} מתוך {measured} סעיפים שנמדדו עומדים ביעד.",
    },
    "summary.sla_term": {
        "en": "SLA {term} ({rule}): {attainment} met against {required} required — {passed}.",
        "he": "SLA {term} ({rule}): {attainment} עמידה מול {required} נדרש — {passed}.",
    },
    "summary.health": {
        "en": "Partnership health: {score} of 100.",
        "he": "בריאות השותפות: {score} מתוך 100.",
    },
    "summary.health_change": {
        "en": "Partnership health: {score} of 100 (previous report: {previous}).",
        "he": "בריאות השותפות: {score} מתוך 100 (הדוח הקודם: {previous}).",
    },
    "summary.pacing": {
        "en": "{name} is pacing to {projected} by the month's end against {target}.",
        "he": "{name} בקצב של {projected} עד סוף החודש מול {target}.",
    },
    "summary.nothing": {"en": "Nothing stands out.", "he": "אין ממצא בולט."},
    # ------------------------------------------------------------------ work
    "work.observations": {"en": "Observations", "he": "תצפיות"},
    "work.campaigns": {"en": "Campaigns run this month", "he": "קמפיינים שרצו החודש"},
    "work.campaign_line": {
        "en": "{name} ({source}): {spend} spent.",
        "he": "{name} ({source}): הוצאה של {spend}.",
    },
    "work.tests": {"en": "Tests running or finished", "he": "ניסויים שרצו או הסתיימו"},
    "work.test_line": {"en": "{name} — {status}.", "he": "{name} — {status}."},
    "work.previous_recs": {
        "en": "Recommended in the previous report",
        "he": "המלצות מהדוח הקודם",
    },
    "work.none": {
        "en": "no monthly note, campaign activity or test for this month",
        "he": "אין הערה חודשית, פעילות קמפיינים או ניסוי לחודש הזה",
    },
    # ------------------------------------------------------------------ channels
    "channels.none": {
        "en": "no channel had records this month",
        "he": "לא היו רשומות לאף ערוץ החודש",
    },
    "channels.spend_row": {"en": "Spend", "he": "הוצאה"},
    "chart.cpl": {"en": "Cost per lead by channel", "he": "עלות לליד לפי ערוץ"},
    "chart.cpl_target": {"en": "target {value}", "he": "יעד {value}"},
    "chart.history": {"en": "Spend and leads by month", "he": "הוצאה ולידים לפי חודש"},
    "chart.funnel": {
        "en": "The month's leads through the funnel (a cohort)",
        "he": "לידי החודש במשפך (קבוצה)",
    },
    "chart.budget": {"en": "Budget pacing by channel", "he": "קצב ניצול התקציב לפי ערוץ"},
    "chart.legend.spend": {"en": "spend", "he": "הוצאה"},
    "chart.legend.leads": {"en": "leads", "he": "לידים"},
    "chart.legend.planned": {"en": "planned", "he": "מתוכנן"},
    "chart.legend.actual": {"en": "actual", "he": "בפועל"},
    "chart.legend.projected": {"en": "projected", "he": "צפי"},
    # ------------------------------------------------------------------ insights
    "insights.movers": {"en": "Biggest movers", "he": "השינויים הגדולים"},
    "insights.mover": {
        "en": "{channel} {kpi}: {previous} → {value} ({change}).",
        "he": "{channel} {kpi}: {previous} ← {value} ({change}).",
    },
    "insights.silent": {"en": "Sources gone silent", "he": "מקורות שהשתתקו"},
    "insights.silent_line": {
        "en": "{name}: no lead for {days} days, last on {last}; {leads} leads before. {hint}",
        "he": "{name}: אין לידים כבר {days} ימים, האחרון ב-{last}; {leads} לידים קודם לכן. {hint}",
    },
    "insights.unmapped": {"en": "Unmapped leads", "he": "לידים ללא מקור"},
    "insights.unmapped_line": {
        "en": "{leads} lead(s) with source {value} match no source in the map.",
        "he": "{leads} לידים עם המקור {value} אינם משויכים לאף מקור במפה.",
    },
    "insights.unmapped_none": {
        "en": "Every lead of the month matches a source.",
        "he": "כל לידי החודש משויכים למקור.",
    },
    "insights.duplicates": {"en": "Duplicate leads", "he": "לידים כפולים"},
    "insights.duplicates_line": {
        "en": "{records} lead records are {inquiries} inquiries: {duplicates} duplicates.",
        "he": "{records} רשומות לידים הן {inquiries} פניות: {duplicates} כפולים.",
    },
    "insights.gap": {
        "en": "Ad platform vs CRM leads",
        "he": "לידים בפלטפורמת הפרסום מול ה-CRM",
    },
    "insights.findings": {"en": "Source-map findings", "he": "ממצאי מפת המקורות"},
    "insights.none": {"en": "None this month.", "he": "אין החודש."},
    # ------------------------------------------------------------------ budget
    "budget.by_channel": {"en": "By channel", "he": "לפי ערוץ"},
    "budget.by_campaign": {"en": "By campaign", "he": "לפי קמפיין"},
    "budget.fees": {"en": "Fees and media", "he": "עמלות ומדיה"},
    "budget.media": {"en": "Media spend", "he": "הוצאת מדיה"},
    "budget.management_fee": {"en": "Management fee", "he": "עמלת ניהול"},
    "budget.partner_fee": {"en": "Partner fee", "he": "שכר השותף"},
    "budget.total_planned": {"en": "Planned media", "he": "מדיה מתוכננת"},
    "budget.days": {
        "en": "{days} of {total} days counted.",
        "he": "נספרו {days} מתוך {total} ימים.",
    },
    # ------------------------------------------------------------------ funnel
    "funnel.stage.lead": {"en": "lead", "he": "ליד"},
    "funnel.stage.mql": {"en": "MQL", "he": "MQL"},
    "funnel.stage.sql": {"en": "SQL", "he": "SQL"},
    "funnel.stage.opportunity": {"en": "opportunity", "he": "הזדמנות"},
    "funnel.stage.customer": {"en": "became customers", "he": "הפכו ללקוחות"},
    "funnel.revenue": {"en": "Revenue by source", "he": "הכנסות לפי מקור"},
    "funnel.by_source": {"en": "Funnel by source", "he": "משפך לפי מקור"},
    "funnel.all": {"en": "All sources", "he": "כל המקורות"},
    "funnel.no_leads": {
        "en": "no lead was created this month",
        "he": "לא נוצרו לידים החודש",
    },
    # ------------------------------------------------------------------ sla
    "sla.breaches": {"en": "Breaches of {term}", "he": "הפרות של {term}"},
    "sla.more": {
        "en": "… and {count} more breaches (see the data).",
        "he": "… ועוד {count} הפרות (ראו בנתונים).",
    },
    "sla.health": {"en": "Partnership health", "he": "בריאות השותפות"},
    "sla.health_score": {"en": "Score: {score} of 100.", "he": "ציון: {score} מתוך 100."},
    "health.part.kpi": {"en": "targets", "he": "יעדים"},
    "health.part.sla": {"en": "SLA", "he": "SLA"},
    "health.part.hygiene": {"en": "source-map hygiene", "he": "תקינות מפת המקורות"},
    "health.part.survey": {"en": "survey", "he": "סקר"},
    # ------------------------------------------------------------------ learnings
    "learnings.notes": {"en": "Learnings noted this month", "he": "למידות שנרשמו החודש"},
    "learnings.none": {
        "en": "the learning log has no test for this month and the monthly note no learning",
        "he": "ביומן הלמידה אין ניסוי לחודש הזה ובהערה החודשית אין למידה",
    },
    # ------------------------------------------------------------------ next
    "next.plan": {"en": "The plan", "he": "התוכנית"},
    "next.recommendations": {"en": "Recommendations", "he": "המלצות"},
    "next.none": {
        "en": "no next steps were noted and the results suggest no change",
        "he": "לא נרשמו צעדים הבאים והתוצאות אינן מצביעות על שינוי",
    },
    "rec.shift": {
        "en": (
            "Move budget from {worst} (CPL {worst_cpl}, {worst_leads} leads, {worst_spend}) "
            "to {best} (CPL {best_cpl}, {best_leads} leads, {best_spend})."
        ),
        "he": (
            "להעביר תקציב מ-{worst} (עלות לליד {worst_cpl}, {worst_leads} לידים, {worst_spend}) "
            "ל-{best} (עלות לליד {best_cpl}, {best_leads} לידים, {best_spend})."
        ),
    },
    "rec.silent": {
        "en": "Fix {name}: no lead for {days} days. {hint}",
        "he": "לתקן את {name}: אין לידים כבר {days} ימים. {hint}",
    },
    "rec.no_leads": {
        "en": "Pause or re-tag {campaign}: {spend} spent with no lead.",
        "he": "לעצור או לתייג מחדש את {campaign}: הוצאה של {spend} ללא לידים.",
    },
    "rec.sla": {
        "en": "Restore SLA {term}: {attainment} met against {required} required.",
        "he": "להחזיר את SLA {term} ליעד: {attainment} עמידה מול {required} נדרש.",
    },
    "rec.target": {
        "en": "Close the gap on {name}: {value} against {target}.",
        "he": "לסגור את הפער ב-{name}: {value} מול {target}.",
    },
    "rec.under": {
        "en": "Use or release the {channel} budget: {spend} of {planned} spent.",
        "he": "לנצל או לשחרר את תקציב {channel}: הוצאה של {spend} מתוך {planned}.",
    },
    "rec.duplicates": {
        "en": "Deduplicate before counting: {duplicates} of {records} lead records repeat.",
        "he": "לאחד כפילויות לפני הספירה: {duplicates} מתוך {records} רשומות לידים חוזרות.",
    },
    # ------------------------------------------------------------------ periods
    "period.month": {"en": "{month}", "he": "{month}"},
    "period.cumulative": {"en": "since {start}", "he": "מאז {start}"},
    "col.month_attainment": {"en": "This month", "he": "החודש"},
    "col.cumulative_attainment": {"en": "Since {start}", "he": "מאז {start}"},
    "summary.sla_month": {
        "en": "SLA in {month}: {met} of {measured} measured terms met (since {start}: "
        "{met_all} of {measured_all}).",
        "he": "SLA ב{month}: {met} מתוך {measured} סעיפים שנמדדו עומדים ביעד (מאז {start}: "
        "{met_all} מתוך {measured_all}).",
    },
    "summary.sla_line": {
        "en": "SLA {term} ({rule}): {attainment} met in {month} against {required} required "
        "— {passed}; since {start}: {cumulative}.",
        "he": "SLA {term} ({rule}): {attainment} עמידה ב{month} מול {required} נדרש — {passed}; "
        "מאז {start}: {cumulative}.",
    },
    "summary.leads": {
        "en": "Leads in {month}: {inquiries} inquiries (lead records) from {people} people "
        "(each person counted once, across sources and repeat inquiries).",
        "he": "לידים ב{month}: {inquiries} פניות (רשומות לידים) של {people} אנשים "
        "(כל אדם נספר פעם אחת, בכל המקורות והפניות החוזרות).",
    },
    "summary.health_none": {
        "en": "Partnership health: not computable ({reason}).",
        "he": "בריאות השותפות: לא ניתן לחישוב ({reason}).",
    },
    "rec.sla_month": {
        "en": "Restore SLA {term}: {attainment} met in {month} against {required} required "
        "(since {start}: {cumulative}).",
        "he": "להחזיר את SLA {term} ליעד: {attainment} עמידה ב{month} מול {required} נדרש "
        "(מאז {start}: {cumulative}).",
    },
    "rec.under_source": {
        "en": "Use or release the {source} budget: {spend} of {planned} spent.",
        "he": "לנצל או לשחרר את תקציב {source}: הוצאה של {spend} מתוך {planned}.",
    },
    "sources.heading": {"en": "{source} ({channel})", "he": "{source} ({channel})"},
    "sources.none": {
        "en": "no source had spend or leads this month or the month before",
        "he": "לאף מקור לא היו הוצאה או לידים החודש או בחודש הקודם",
    },
    "chart.cpl_source": {"en": "Cost per lead by source", "he": "עלות לליד לפי מקור"},
    "chart.budget_source": {"en": "Budget pacing by source", "he": "קצב ניצול התקציב לפי מקור"},
    "budget.by_source": {"en": "By source", "he": "לפי מקור"},
    "col.people": {"en": "People", "he": "אנשים"},
    "col.inquiries": {"en": "Leads (inquiries)", "he": "לידים (פניות)"},
    "col.customers_won": {"en": "Customers won this month", "he": "לקוחות שנסגרו החודש"},
    "funnel.cohort": {
        "en": "The funnel follows a cohort: the {leads} leads created in {month}, and how "
        "many of them have reached each stage so far. Customers won in the month (from "
        "leads of any month) are in the revenue table.",
        "he": "המשפך עוקב אחר קבוצה: {leads} הלידים שנוצרו ב{month}, וכמה מהם הגיעו עד כה "
        "לכל שלב. לקוחות שנסגרו החודש (מלידים מכל חודש) מופיעים בטבלת ההכנסות.",
    },
    "insights.people_line": {
        "en": "{inquiries} inquiries (lead records) are {people} people: {duplicates} "
        "repeat a person already counted.",
        "he": "{inquiries} פניות (רשומות לידים) הן {people} אנשים: {duplicates} חוזרות "
        "על אדם שכבר נספר.",
    },
    # ------------------------------------------------------------------ reasons
    "reason.not_computed": {"en": "not computed", "he": "לא חושב"},
    "reason.no_rows": {"en": "no records for the month", "he": "אין רשומות לחודש"},
    "reason.no_rows_for_month": {
        "en": "no lead and no spend record in {month}",
        "he": "אין אף ליד ואף רשומת הוצאה ב-{month}",
    },
    "reason.not_synced": {
        "en": "no records at all: the source was never synced",
        "he": "אין רשומות כלל: המקור לא סונכרן",
    },
    "reason.month_not_started": {
        "en": "the month {month} has not started (as of {as_of})",
        "he": "החודש {month} עוד לא התחיל (נכון ל-{as_of})",
    },
    "reason.no_cases": {"en": "no case in the month", "he": "אין מקרים בחודש"},
    "reason.pending_only": {
        "en": "cases pending, none decided yet",
        "he": "יש מקרים ממתינים, אף אחד לא הוכרע עדיין",
    },
    "reason.no_evidence_log": {"en": "no evidence log given", "he": "לא ניתן יומן ראיות"},
    "reason.no_first_engagement": {
        "en": "no lead has a first-contact time",
        "he": "לאף ליד אין זמן מגע ראשון",
    },
    "reason.not_given": {"en": "not given", "he": "לא ניתן"},
    "reason.no_target_judged": {
        "en": "no target could be judged in the month",
        "he": "אף יעד לא נשפט בחודש",
    },
    "reason.no_sla_decided": {
        "en": "no SLA case decided in the month",
        "he": "אף מקרה SLA לא הוכרע בחודש",
    },
    "reason.month_not_judged": {
        "en": "the audit did not judge the month",
        "he": "הביקורת לא בדקה את החודש",
    },
    "reason.no_survey_in_time": {"en": "no recent survey", "he": "אין סקר עדכני"},
    "reason.parts_not_computable": {
        "en": "its parts {parts} are not computable",
        "he": "הרכיבים {parts} אינם ניתנים לחישוב",
    },
    "reason.no_part_given": {"en": "no part given", "he": "לא ניתן אף רכיב"},
    "reason.no_budget": {"en": "no budget", "he": "אין תקציב"},
    "reason.no_previous": {
        "en": "no previous value to compare",
        "he": "אין ערך קודם להשוואה",
    },
    # ------------------------------------------------------------------ the CLI
    "cli.not_synced": {
        "en": "nothing to report for {month}: there is no record in {where}. "
        "Run `partnerkit sync --config {config}` first.",
        "he": "אין על מה לדווח ל-{month}: אין רשומות ב-{where}. "
        "הריצו קודם `partnerkit sync --config {config}`.",
    },
    "cli.no_rows_for_month": {
        "en": "nothing to report for {month}: no lead and no spend record in that month. "
        "Run `partnerkit sync --config {config}` to bring it in.",
        "he": "אין על מה לדווח ל-{month}: אין אף ליד ואף רשומת הוצאה בחודש הזה. "
        "הריצו `partnerkit sync --config {config}` כדי להביא אותו.",
    },
    "cli.month_not_started": {
        "en": "cannot report on {month}: the month has not started (as of {as_of}).",
        "he": "אי אפשר לדווח על {month}: החודש עוד לא התחיל (נכון ל-{as_of}).",
    },
    # ------------------------------------------------------- the trial verdict (b-trial)
    "section.trial": {"en": "The trial period: verdict", "he": "תקופת הניסיון: ההכרעה"},
    "trial.ends_this_month": {
        "en": "The trial period ({start} to {end}) ends this month.",
        "he": "תקופת הניסיון ({start} עד {end}) מסתיימת החודש.",
    },
    "trial.ends_next_month": {
        "en": "The trial period ends next month, on {end}: this is the last report before "
        "the verdict.",
        "he": "תקופת הניסיון מסתיימת בחודש הבא, ב-{end}: זה הדוח האחרון לפני ההכרעה.",
    },
    "trial.final": {"en": "Verdict: {verdict}.", "he": "ההכרעה: {verdict}."},
    "trial.as_it_stands": {
        "en": "As it stands on {day}, with the figures projected to the trial's end, the "
        "verdict would be: {verdict}.",
        "he": "נכון ל-{day}, עם הנתונים בהטלה לסוף הניסיון, ההכרעה תהיה: {verdict}.",
    },
    "trial.verdict.continue": {"en": "continue", "he": "להמשיך"},
    "trial.verdict.extend": {"en": "extend the trial", "he": "להאריך את הניסיון"},
    "trial.verdict.end": {"en": "end the engagement", "he": "לסיים את ההתקשרות"},
    "trial.why.continue": {
        "en": "Every success criterion is met ({met} of {total}).",
        "he": "כל מדדי ההצלחה מתקיימים ({met} מתוך {total}).",
    },
    "trial.why.extend": {
        "en": "{met} of {total} success criteria met, {not_met} not met, {not_computable} "
        "not measurable: not enough to decide.",
        "he": "{met} מתוך {total} מדדי הצלחה מתקיימים, {not_met} לא מתקיימים, "
        "{not_computable} לא ניתנים למדידה: לא מספיק כדי להכריע.",
    },
    "trial.why.end": {
        "en": "{not_met} of {total} success criteria not met: more than half.",
        "he": "{not_met} מתוך {total} מדדי הצלחה לא מתקיימים: יותר ממחצית.",
    },
    "trial.no_verdict.no_criteria": {
        "en": "The contract sets no success criteria for the trial: there is nothing to "
        "judge it on.",
        "he": "החוזה אינו קובע מדדי הצלחה לתקופת הניסיון: אין לפי מה לשפוט אותה.",
    },
    "trial.no_verdict.nothing_measured": {
        "en": "None of the trial's success criteria could be measured: no verdict.",
        "he": "אף אחד ממדדי ההצלחה של הניסיון לא ניתן למדידה: אין הכרעה.",
    },
    "trial.measured": {
        "en": "Measured over the trial, from {start} to {day}.",
        "he": "נמדד לאורך הניסיון, מ-{start} עד {day}.",
    },
    "trial.col.criterion": {"en": "Success criterion", "he": "מדד הצלחה"},
    "trial.col.success": {"en": "Success means", "he": "הצלחה היא"},
    "trial.col.measured": {"en": "Measured", "he": "נמדד"},
    "trial.col.projected": {"en": "Projected to {end}", "he": "בהטלה ל-{end}"},
    "trial.col.outcome": {"en": "Result", "he": "תוצאה"},
    "trial.outcome.met": {"en": "met", "he": "מתקיים"},
    "trial.outcome.not_met": {"en": "not met", "he": "לא מתקיים"},
    "trial.outcome.not_computable": {"en": "not measurable", "he": "לא ניתן למדידה"},
    "trial.sla.response_time": {"en": "Response time (SLA)", "he": "זמן תגובה (אמנת שירות)"},
    "trial.sla.deliverable_turnaround": {
        "en": "Deliverable turnaround (SLA)",
        "he": "זמן אספקת תוצרים (אמנת שירות)",
    },
    "trial.sla.report_delivery": {"en": "Report delivery (SLA)", "he": "מסירת דוחות (אמנת שירות)"},
    "trial.sla.lead_follow_up": {
        "en": "Lead follow-up time (SLA)",
        "he": "זמן טיפול בלידים (אמנת שירות)",
    },
    "trial.sla.meeting_cadence": {
        "en": "Meeting cadence (SLA)",
        "he": "תדירות פגישות (אמנת שירות)",
    },
    "trial.sla.custom": {"en": "SLA term", "he": "סעיף באמנת השירות"},
    "trial.reason.no_dataset": {"en": "no records given", "he": "לא ניתנו רשומות"},
    "trial.reason.not_started": {
        "en": "the trial had not started",
        "he": "הניסיון עוד לא התחיל",
    },
    "trial.reason.no_rows": {
        "en": "no records in the trial",
        "he": "אין רשומות בתקופת הניסיון",
    },
    "trial.reason.kpi_not_computable": {
        "en": "the KPI has no value (nothing to divide by)",
        "he": "למדד אין ערך (אין במה לחלק)",
    },
    "trial.reason.analysis_failed": {
        "en": "the analysis could not run",
        "he": "הניתוח לא הצליח לרוץ",
    },
    "trial.reason.no_cases": {"en": "no case in the trial", "he": "אין מקרים בתקופת הניסיון"},
    "trial.reason.pending_only": {
        "en": "cases pending, none decided yet",
        "he": "יש מקרים ממתינים, אף אחד לא הוכרע עדיין",
    },
    "trial.reason.no_evidence_log": {"en": "no evidence log given", "he": "לא ניתן יומן ראיות"},
    "trial.reason.no_first_engagement": {
        "en": "no lead has a first-contact time",
        "he": "לאף ליד אין זמן מגע ראשון",
    },
    "trial.reason.sla_not_measured": {
        "en": "the SLA term was not measured",
        "he": "סעיף אמנת השירות לא נמדד",
    },
    "trial.reason.not_computable": {"en": "not measurable", "he": "לא ניתן למדידה"},
}

_CHANNELS_HE = {
    "paid_search": "חיפוש ממומן",
    "paid_social": "רשתות חברתיות ממומן",
    "organic_search": "חיפוש אורגני",
    "organic_social": "רשתות חברתיות אורגני",
    "email": "דיוור",
    "referral": "הפניות",
    "direct": "ישיר",
    "display": "באנרים",
    "video": "וידאו",
    "affiliate": "שותפים",
    "offline": "אופליין",
    "other": "אחר",
    "(unattributed)": "(ללא שיוך)",
}
_KPIS_EN = {"leads": "Leads (inquiries)", "customers": "New customers", "spend": "Spend"}
_KPIS_HE = {
    "spend": "הוצאה",
    "leads": "לידים (פניות)",
    "cpl": "עלות לליד",
    "impressions": "חשיפות",
    "clicks": "קליקים",
    "cpc": "עלות לקליק",
    "ctr": "שיעור הקלקה",
    "conversions": "המרות",
    "cpa": "עלות להמרה",
    "conversion_rate": "שיעור המרה",
    "roas": "החזר על הוצאות פרסום",
    "sessions": "כניסות",
    "sqls": "לידים מוכנים למכירה (SQL)",
    "customers": "לקוחות",
}


class Formatter:
    """Words and formats for one locale and currency.

    Attributes:
        locale: The babel locale.
        language: The catalogue language (``en`` or ``he``; others use English).
        currency: The ISO 4217 currency of money amounts.
        rtl: Whether the language is written right to left.
    """

    def __init__(self, locale: str, currency: str) -> None:
        """Set up formats for a locale tag (``he-IL``, ``en_US``) and a currency."""
        try:
            self.locale = Locale.parse(locale.replace("-", "_"))
        except (UnknownLocaleError, ValueError):
            self.locale = Locale.parse("en_US")
        self.language = self.locale.language if self.locale.language in LANGUAGES else "en"
        self.currency = currency
        self.rtl = self.locale.character_order == "right-to-left"

    @property
    def tag(self) -> str:
        """The language tag for ``<html lang>``."""
        return self.locale.language

    def t(self, key: str, **fields: object) -> str:
        """The message ``key`` in the report's language, with ``fields`` filled in."""
        templates = MESSAGES[key]
        return templates.get(self.language, templates["en"]).format(**fields)

    def number(self, value: Decimal | int | float, digits: int = 0) -> str:
        """A number with the locale's grouping, at most ``digits`` decimals."""
        pattern = "#,##0" + ("." + "#" * digits if digits else "")
        return format_decimal(value, format=pattern, locale=self.locale)

    def money(self, value: Decimal) -> str:
        """An amount in the workspace currency."""
        return format_currency(value, self.currency, locale=self.locale)

    def money_whole(self, amount: Decimal, currency: str | None = None) -> str:
        """An amount rounded to whole units, for charts (``4145.5`` → ``₪4,146``).

        Args:
            amount: The amount.
            currency: Its ISO 4217 currency (the workspace's by default).
        """
        import re

        pattern = self.locale.currency_formats["standard"].pattern
        whole = re.sub(r"\.0+", "", pattern)  # the locale's pattern without its decimals
        return format_currency(
            amount,
            currency or self.currency,
            format=whole,
            locale=self.locale,
            currency_digits=False,
        )

    def percent(self, value: Decimal, digits: int = 1) -> str:
        """A percentage given in percent units (``45.9`` → ``45.9%``)."""
        return self.number(value, digits) + "%"

    def share(self, value: Decimal) -> str:
        """A 0–1 share as a percentage (``0.3068`` → ``30.7%``)."""
        return self.percent(value * 100)

    def signed_percent(self, value: Decimal) -> str:
        """A relative change, with its sign."""
        sign = "+" if value > 0 else ("−" if value < 0 else "")
        return sign + self.percent(abs(value))

    def date(self, day: dt.date) -> str:
        """A day in the locale's medium format."""
        return format_date(day, format="medium", locale=self.locale)

    def month(self, day: dt.date) -> str:
        """A month and year, e.g. ``October 2026`` / ``אוקטובר 2026``."""
        return format_date(day, format="LLLL y", locale=self.locale)

    def short_month(self, day: dt.date) -> str:
        """A short month label for chart axes."""
        return format_date(day, format="LLL yy", locale=self.locale)

    def channel(self, channel: str | None) -> str:
        """A channel's name in the report's language."""
        key = channel or "(unattributed)"
        if self.language == "he":
            return _CHANNELS_HE.get(key, key)
        return key.replace("_", " ")

    def kpi(self, kpi: str, fallback: str) -> str:
        """A KPI's name in the report's language (``fallback`` is the catalogue's name).

        Leads say what they count: ``Leads (inquiries)``, every lead record.
        """
        if self.language == "he":
            return _KPIS_HE.get(kpi, fallback)
        return _KPIS_EN.get(kpi, fallback)

    def reason(self, code: str | None, **params: object) -> str:
        """A "not computable" reason code in words (an unknown code is shown as is)."""
        if not code:
            return self.t("reason.not_computed")
        key = f"reason.{code}"
        if key not in MESSAGES:
            return code
        try:
            return self.t(key, **params)
        except KeyError:
            return code
