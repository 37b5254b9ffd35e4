"""The demo's month worked out by hand: DuckDB over the raw record tables, no partnerkit rule.

The source map of ``partnerkit/demo/partnerkit.yaml`` is written out here as SQL, in
its order (the first rule that matches wins): leads by their original source and its
drill-downs (HubSpot's, and LinkedIn's form leads: ``PAID_SOCIAL`` / ``linkedin``),
spend by ad account (every campaign of an account belongs to the account's source; the
display test is a Google Ads search campaign). Days are in the
workspace's time zone (Asia/Jerusalem); deleted leads do not count.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import duckdb

TZ = "Asia/Jerusalem"

LEAD_SOURCE = """
CASE
  WHEN upper(original_source) = 'PAID_SOCIAL' AND lower(original_source_drill_1) = 'facebook'
    THEN 'meta-lead-ads'
  WHEN upper(original_source) = 'PAID_SOCIAL' AND lower(original_source_drill_1) = 'linkedin'
    THEN 'linkedin-lead-gen'
  WHEN upper(original_source) = 'PAID_SEARCH' THEN 'google-search'
  WHEN upper(original_source) = 'ORGANIC_SEARCH' THEN 'organic-search'
  WHEN upper(original_source) = 'OFFLINE' AND original_source_drill_2 = 'Zapier'
    THEN 'partner-form'
  WHEN upper(original_source) = 'REFERRALS' THEN 'referral-programme'
  WHEN upper(original_source) = 'OFFLINE' AND original_source_drill_1 = 'IMPORT'
    THEN 'trade-show'
END"""

SPEND_SOURCE = """
CASE account_id
  WHEN 'act_5550001112' THEN 'meta-lead-ads'
  WHEN '508000123' THEN 'linkedin-lead-gen'
  WHEN '5550102030' THEN 'google-search'
END"""


def connect(dataset: Any) -> duckdb.DuckDBPyConnection:
    """A fresh DuckDB connection over the dataset's raw Arrow tables."""
    con = duckdb.connect()
    for kind, table in dataset.tables.items():
        con.register(f"raw_{kind.value}", table)
    return con


def month_by_source(dataset: Any, month: str) -> dict[str, dict[str, Any]]:
    """Spend, inquiries (lead records), customers won and CPL per source for a month."""
    first = dt.date.fromisoformat(f"{month}-01")
    last = (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    return days_by_source(dataset, first, last)


def days_by_source(dataset: Any, first: dt.date, last: dt.date) -> dict[str, dict[str, Any]]:
    """Spend, inquiries, customers won and CPL per source from ``first`` to ``last``."""
    con = connect(dataset)
    leads = con.execute(
        f"""
        SELECT {LEAD_SOURCE} AS source, count(*) AS n
        FROM raw_lead
        WHERE is_deleted IS NOT true
          AND timezone('{TZ}', created_at)::DATE BETWEEN DATE '{first}' AND DATE '{last}'
        GROUP BY ALL
        """
    ).fetchall()
    customers = con.execute(
        f"""
        SELECT {LEAD_SOURCE} AS source, count(*) AS n
        FROM raw_lead
        WHERE is_deleted IS NOT true
          AND timezone('{TZ}', became_customer_at)::DATE BETWEEN DATE '{first}' AND DATE '{last}'
        GROUP BY ALL
        """
    ).fetchall()
    spend = con.execute(
        f"""
        SELECT {SPEND_SOURCE} AS source, sum(spend) AS spend
        FROM raw_performance
        WHERE date BETWEEN DATE '{first}' AND DATE '{last}' AND spend IS NOT NULL
        GROUP BY ALL
        """
    ).fetchall()
    out: dict[str, dict[str, Any]] = {}
    for source, n in leads:
        out.setdefault(source, {})["inquiries"] = n
    for source, n in customers:
        out.setdefault(source, {})["customers"] = n
    for source, total in spend:
        if source is not None:
            out.setdefault(source, {})["spend"] = Decimal(total)
    for row in out.values():
        if row.get("spend") is not None and row.get("inquiries"):
            row["cpl"] = row["spend"] / row["inquiries"]
    return out


def month_totals(dataset: Any, month: str) -> dict[str, Any]:
    """Spend, inquiries, people (distinct e-mail hashes) and customers won in a month."""
    con = connect(dataset)
    first = f"{month}-01"
    inquiries, people = con.execute(
        f"""
        SELECT count(*), count(DISTINCT coalesce(email_hash, phone_hash, lead_id))
        FROM raw_lead
        WHERE is_deleted IS NOT true
          AND strftime(timezone('{TZ}', created_at), '%Y-%m') = '{month}'
        """
    ).fetchone()  # type: ignore[misc]
    (customers,) = con.execute(
        f"""
        SELECT count(*) FROM raw_lead
        WHERE is_deleted IS NOT true
          AND strftime(timezone('{TZ}', became_customer_at), '%Y-%m') = '{month}'
        """
    ).fetchone()  # type: ignore[misc]
    (spend,) = con.execute(
        f"""
        SELECT sum(spend) FROM raw_performance
        WHERE date >= DATE '{first}' AND date < DATE '{first}' + INTERVAL 1 MONTH
        """
    ).fetchone()  # type: ignore[misc]
    return {
        "inquiries": inquiries,
        "people": people,
        "customers": customers,
        "spend": Decimal(spend),
    }
