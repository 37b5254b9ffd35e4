"""Source-map audit and lead dedup on 1 million leads and 100 sources, against DuckDB SQL.

Data is generated in DuckDB (``range()``): leads over three months from 100 sources
(half matched by exact HubSpot original source, half by a glob on utm_campaign) plus
unmapped values, ~5% of people arriving twice through another source, a source that
goes silent and a campaign that spends without leads; ad-platform rows per source,
campaign and day.

partnerkit: :func:`audit_source_map` (every check) and :func:`dedup_leads`.
Baseline: the same questions written directly in DuckDB SQL, the way an analyst would
(rules as a table joined with ``=`` / ``LIKE``, per-month counts, last-lead dates,
spend against leads, email/phone groups with a fixed number of label passes and a
gap-based inquiry window). Both run in this process on the same Arrow tables.

``uv run python benchmarks/run.py audit [--scale 0.1]``
"""

from __future__ import annotations

import datetime as dt
import resource
import time
from typing import Any

N_LEADS = 1_000_000
N_SOURCES = 100
DAYS = 92  # August to October 2026
AS_OF = dt.datetime(2026, 11, 1, 6, tzinfo=dt.UTC)


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _workspace(n_sources: int) -> Any:
    from partnerkit.model import Workspace

    sources = []
    for k in range(n_sources):
        exact = k < n_sources // 2
        matching = (
            {"original_source": f"SRC_{k}", "account_ids": f"acct_{k}"}
            if exact
            else {"utm_campaign": f"camp-{k}-*", "campaign_ids": f"c-{k}-*"}
        )
        sources.append(
            {
                "id": f"s{k:03d}",
                "name": f"Source {k}",
                "channel": "paid_social" if k % 2 else "paid_search",
                "platform": "meta" if k % 2 else "google_ads",
                "wiring": ["native", "zapier", "form", "api"][k % 4],
                "owner": "partner",
                "matching": matching,
                "monthly_lead_target": 3000,
                "status": "paused" if k == n_sources - 1 else "active",
            }
        )
    return Workspace.model_validate(
        {
            "name": "Benchmark",
            "currency": "ILS",
            "timezone": "Asia/Jerusalem",
            "contract": {
                "start": "2026-08-01",
                "pricing": {"kind": "retainer", "monthly_fee": 1000},
            },
            "sources": sources,
        }
    )


def _data(con: Any, n_leads: int, n_sources: int) -> tuple[Any, Any]:
    """Generate the lead and performance tables (Arrow, with the record schemas)."""
    import pyarrow as pa

    from partnerkit.records import arrow_schema

    half = n_sources // 2
    values = n_sources * 11 // 10  # a tenth more source values than sources: unmapped
    con.execute(
        f"""
        CREATE OR REPLACE TABLE g AS
        SELECT i,
               CASE WHEN i % 20 = 0 THEN (i * 7 + 3) % {values} ELSE (i * 31 + 7) % {values} END
                 AS k,
               -- the person: every 20th lead is the previous lead's person again, about
               -- 2 hours later (7919 s), usually through another source
               CASE WHEN i % 20 = 0 AND i > 0 THEN i - 1 ELSE i END AS person,
               TIMESTAMPTZ '2026-08-01 00:00:00+00'
                 + to_seconds(((i * 7919) % ({DAYS} * 86400 - 7200))::BIGINT) AS at0
        FROM range({n_leads}) t(i)
        """
    )
    leads = con.sql(
        f"""
        SELECT 'hubspot' AS platform, 'portal' AS account_id, 'L' || i AS lead_id,
               md5('L' || i) AS record_id,
               CASE
                 WHEN k = 7 AND at0 >= TIMESTAMPTZ '2026-10-01 00:00:00+00'
                   THEN at0 - INTERVAL 40 DAY  -- source 7 goes silent in October
                 ELSE at0 END AS created_at,
               CASE WHEN k < {half} THEN 'SRC_' || k
                    WHEN k >= {n_sources} THEN 'UNKNOWN_' || (k - {n_sources})
                    ELSE 'OTHER_CAMPAIGNS' END AS original_source,
               CASE WHEN k >= {half} AND k < {n_sources}
                    THEN 'camp-' || k || '-' || (i % 7) END AS utm_campaign,
               md5('e' || person) AS email_hash,
               CASE WHEN i % 3 = 0 THEN md5('p' || person) END AS phone_hash
        FROM g
        """
    ).to_arrow_table()
    lead_schema = arrow_schema("lead")
    leads = pa.table(
        {
            f.name: (
                leads.column(f.name).cast(f.type)
                if f.name in leads.column_names
                else pa.nulls(leads.num_rows, f.type)
            )
            for f in lead_schema
        },
        schema=lead_schema,
    )
    perf = con.sql(
        f"""
        SELECT DATE '2026-08-01' + CAST(d AS INTEGER) AS date,
               CASE WHEN k % 2 = 1 THEN 'meta' ELSE 'google_ads' END AS platform,
               'acct_' || k AS account_id, 'campaign' AS level,
               'c-' || k || '-' || c AS campaign_id, 'Campaign ' || k || '/' || c AS campaign_name,
               'ILS' AS currency,
               CAST(50 + (k * 13 + d * 7 + c) % 200 AS DECIMAL(38, 6)) AS spend,
               CASE WHEN k = 13 AND c = 1 THEN 0.0
                    ELSE CAST((k + d + c) % 40 AS DOUBLE) END AS leads
        FROM range({n_sources}) s(k), range({DAYS}) t(d), range(2) u(c)
        """
    ).to_arrow_table()
    perf_schema = arrow_schema("performance")
    perf = pa.table(
        {
            f.name: (
                perf.column(f.name).cast(f.type)
                if f.name in perf.column_names
                else pa.nulls(perf.num_rows, f.type)
            )
            for f in perf_schema
        },
        schema=perf_schema,
    )
    return leads, perf


BASELINE_AUDIT = """
-- rules: an equality join for exact original sources, a LIKE join for UTM globs
CREATE OR REPLACE TEMP TABLE matches AS
SELECT l.lead_id, r.source_id, r.ord FROM lead l
JOIN rules r ON l.original_source = r.original_source
UNION ALL
SELECT l.lead_id, r.source_id, r.ord FROM lead l
JOIN (SELECT * FROM rules WHERE utm_like IS NOT NULL) r ON l.utm_campaign LIKE r.utm_like;

CREATE OR REPLACE TEMP TABLE attributed AS
SELECT l.lead_id, l.created_at, l.email_hash, l.phone_hash, l.original_source,
       l.utm_campaign, CAST(timezone('Asia/Jerusalem', l.created_at) AS DATE) AS day,
       m.source_id
FROM lead l
LEFT JOIN (SELECT lead_id, arg_min(source_id, ord) AS source_id FROM matches GROUP BY 1) m
  USING (lead_id)
WHERE l.is_deleted IS NOT true;

CREATE OR REPLACE TEMP TABLE unmapped AS
SELECT original_source, utm_campaign, count(*) AS leads FROM attributed
WHERE source_id IS NULL GROUP BY ALL;

CREATE OR REPLACE TEMP TABLE volume AS
SELECT source_id, strftime(day, '%Y-%m') AS month, count(*) AS leads
FROM attributed WHERE source_id IS NOT NULL GROUP BY ALL;

CREATE OR REPLACE TEMP TABLE silent AS
SELECT r.source_id, max(a.day) AS last_lead,
       DATE '2026-10-31' - max(a.day) >= 14 AS silent
FROM rules r LEFT JOIN attributed a USING (source_id) WHERE r.status = 'active' GROUP BY ALL;

CREATE OR REPLACE TEMP TABLE perf_src AS
WITH c AS (SELECT DISTINCT account_id, campaign_id FROM performance),
m AS (SELECT c.*, r.source_id, r.ord FROM c JOIN rules r ON c.account_id = r.account_id
      UNION ALL
      SELECT c.*, r.source_id, r.ord FROM c
      JOIN (SELECT * FROM rules WHERE campaign_like IS NOT NULL) r
        ON c.campaign_id LIKE r.campaign_like)
SELECT p.*, s.source_id FROM performance p LEFT JOIN
  (SELECT account_id, campaign_id, arg_min(source_id, ord) AS source_id FROM m GROUP BY ALL) s
  USING (account_id, campaign_id);

CREATE OR REPLACE TEMP TABLE spend_vs_leads AS
SELECT coalesce(s.source_id, v.source_id) AS source_id, coalesce(s.month, v.month) AS month,
       s.spend, s.platform_leads, v.leads AS crm_leads,
       v.leads - s.platform_leads AS gap,
       CASE WHEN s.spend > 0 AND coalesce(v.leads, 0) = 0 THEN 'spend_without_leads' END
FROM (SELECT source_id, strftime(date, '%Y-%m') AS month, sum(spend) AS spend,
             sum(leads) AS platform_leads
      FROM perf_src GROUP BY ALL) s
FULL JOIN volume v ON v.source_id = s.source_id AND v.month = s.month;

CREATE OR REPLACE TEMP TABLE campaigns_no_leads AS
SELECT campaign_id, sum(spend) AS spend FROM perf_src GROUP BY ALL HAVING sum(leads) = 0;
"""

BASELINE_DEDUP = """
-- dedup: people by email or phone (three label passes), inquiries by a 30-day gap
CREATE OR REPLACE TEMP TABLE p0 AS
SELECT row_number() OVER (ORDER BY created_at, lead_id) AS rid, * FROM attributed;
CREATE OR REPLACE TEMP TABLE p1 AS
SELECT *, least(min(rid) OVER (PARTITION BY email_hash),
                CASE WHEN phone_hash IS NULL THEN rid
                     ELSE min(rid) OVER (PARTITION BY phone_hash) END) AS label FROM p0;
CREATE OR REPLACE TEMP TABLE p2 AS
SELECT * REPLACE (least(min(label) OVER (PARTITION BY email_hash),
                        CASE WHEN phone_hash IS NULL THEN label
                             ELSE min(label) OVER (PARTITION BY phone_hash) END) AS label)
FROM p1;
CREATE OR REPLACE TEMP TABLE p3 AS
SELECT * REPLACE (least(min(label) OVER (PARTITION BY email_hash),
                        CASE WHEN phone_hash IS NULL THEN label
                             ELSE min(label) OVER (PARTITION BY phone_hash) END) AS label)
FROM p2;
CREATE OR REPLACE TEMP TABLE inq AS
SELECT *, sum(new) OVER (PARTITION BY label ORDER BY created_at, rid) AS episode FROM (
  SELECT *, CASE WHEN lag(created_at) OVER (PARTITION BY label ORDER BY created_at, rid)
                      >= created_at - INTERVAL 30 DAY THEN 0 ELSE 1 END AS new FROM p3);
CREATE OR REPLACE TEMP TABLE by_source AS
WITH i AS (SELECT label, episode, list(DISTINCT source_id) AS sources FROM inq GROUP BY ALL)
SELECT s.source_id, count(*) AS inquiries, count(*) FILTER (WHERE len(i.sources) > 1) AS shared
FROM i, unnest(i.sources) s(source_id) GROUP BY ALL;
"""


def _rules(ws: Any) -> Any:
    import pyarrow as pa

    rows = []
    for i, s in enumerate(ws.sources):
        m = s.matching
        rows.append(
            {
                "source_id": s.id,
                "ord": i,
                "status": s.status.value,
                "original_source": m.original_source[0] if m.original_source else None,
                "utm_like": m.utm_campaign[0].replace("*", "%") if m.utm_campaign else None,
                "account_id": m.account_ids[0] if m.account_ids else None,
                "campaign_like": m.campaign_ids[0].replace("*", "%") if m.campaign_ids else None,
            }
        )
    return pa.Table.from_pylist(rows)


def main(scale: float) -> None:
    import duckdb

    from partnerkit.analysis import Dataset
    from partnerkit.analysis.audit import audit_source_map
    from partnerkit.analysis.dedup import dedup_leads

    n_leads = max(int(N_LEADS * scale), 1000)
    n_sources = max(10, round(N_SOURCES * min(scale * 10, 1)))  # 100 from scale 0.1 up
    ws = _workspace(n_sources)
    started = time.perf_counter()
    gen = duckdb.connect()
    leads, perf = _data(gen, n_leads, n_sources)
    gen.close()
    print(
        f"generated {leads.num_rows:,} leads and {perf.num_rows:,} ad-platform rows from "
        f"{n_sources} sources in {time.perf_counter() - started:.1f} s "
        f"(peak RSS {_peak_mb():,.0f} MB)",
        flush=True,
    )

    # partnerkit
    data = Dataset({"lead": leads, "performance": perf})
    started = time.perf_counter()
    audit = audit_source_map(ws, data, end=dt.date(2026, 10, 31), as_of=AS_OF)
    audit_s = time.perf_counter() - started
    started = time.perf_counter()
    dedup = dedup_leads(ws, data, start=dt.date(2026, 8, 1), end=dt.date(2026, 10, 31))
    dedup_s = time.perf_counter() - started
    ours = audit_s + dedup_s
    print(
        f"partnerkit: audit {audit_s:.2f} s + dedup {dedup_s:.2f} s = {ours:.2f} s "
        f"({audit.findings.num_rows:,} findings, {dedup.inquiries_count:,} inquiries; "
        f"peak RSS {_peak_mb():,.0f} MB)",
        flush=True,
    )

    # the baseline: the same questions in DuckDB SQL
    con = duckdb.connect()
    con.register("lead", leads)
    con.register("performance", perf)
    con.register("rules", _rules(ws))
    started = time.perf_counter()
    con.execute(BASELINE_AUDIT)
    base_audit = time.perf_counter() - started
    started = time.perf_counter()
    con.execute(BASELINE_DEDUP)
    base_dedup = time.perf_counter() - started
    base = base_audit + base_dedup
    inquiries = con.execute("SELECT count(DISTINCT (label, episode)) FROM inq").fetchall()[0][0]
    unmapped_base = con.execute("SELECT coalesce(sum(leads), 0) FROM unmapped").fetchall()[0][0]
    con.close()
    unmapped_ours = sum(audit.unmapped.column("leads").to_pylist())
    assert unmapped_ours == unmapped_base, (unmapped_ours, unmapped_base)
    print(
        f"DuckDB SQL baseline: audit {base_audit:.2f} s + dedup {base_dedup:.2f} s = "
        f"{base:.2f} s ({inquiries:,} inquiries by a 30-day gap; {unmapped_base:,} unmapped "
        f"leads in both; peak RSS {_peak_mb():,.0f} MB)",
        flush=True,
    )
    print(
        f"audit {audit_s / base_audit:.2f}×, dedup {dedup_s / base_dedup:.2f}×: "
        f"partnerkit {ours / base:.2f}× the DuckDB SQL baseline",
        flush=True,
    )
