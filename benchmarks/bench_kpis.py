"""The full KPI set on 10 million performance rows and 1 million leads (at scale 1).

partnerkit computes every KPI of the catalogue for a month and the month before, for
the whole account and by source (:func:`partnerkit.analysis.kpis.compute_kpis`); the
baseline is the same computation written by hand in DuckDB SQL (one query per record
kind with ``FILTER`` clauses, the source map as ``CASE`` expressions), over the same
Arrow tables, in the same process. Both must give the same numbers; the benchmark
checks that, then prints both times, the ratio and the peak memory.

Run: ``uv run python benchmarks/run.py kpis`` (``--scale 0.1`` for a quick look).
Target: partnerkit within 1.5× of the baseline.
"""

from __future__ import annotations

import datetime as dt
import gc
import resource
import time
from decimal import Decimal
from typing import Any

PERFORMANCE_ROWS = 10_000_000
LEADS = 1_000_000
DEALS = 100_000
MONTH = "2026-10"
AS_OF = dt.date(2026, 10, 31)
REPEAT = 5

WORKSPACE: dict[str, Any] = {
    "name": "Benchmark",
    "currency": "ILS",
    "timezone": "Asia/Jerusalem",
    "sources": [
        {
            "id": "meta-lead-ads",
            "name": "Meta lead ads",
            "channel": "paid_social",
            "wiring": "native",
            "owner": "partner",
            "matching": {"original_source": "PAID_SOCIAL", "account_ids": "act_1"},
        },
        {
            "id": "google-search",
            "name": "Google search",
            "channel": "paid_search",
            "wiring": "form",
            "owner": "partner",
            "matching": {"original_source": "PAID_SEARCH", "account_ids": "111"},
        },
        {
            "id": "google-pmax",
            "name": "Google PMax",
            "channel": "paid_search",
            "wiring": "native",
            "owner": "partner",
            "matching": {"campaign_ids": "g-7"},
        },
        {
            "id": "organic",
            "name": "Organic",
            "channel": "organic_search",
            "wiring": "form",
            "owner": "in_house",
            "matching": {"original_source": "ORGANIC_SEARCH"},
        },
    ],
    "campaigns": [
        {
            "id": "pmax",
            "name": "PMax",
            "source": "google-pmax",
            "objective": "leads",
            "start": dt.date(2026, 1, 1),
            "platform_campaign_ids": ["g-7"],
        }
    ],
}


def _rss_gb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024


def _conform(table: Any, kind: str) -> Any:
    """Give a generated table the record kind's exact Arrow schema (nulls elsewhere)."""
    import pyarrow as pa

    from partnerkit.records import arrow_schema

    schema = arrow_schema(kind)
    arrays = []
    for f in schema:
        if f.name in table.column_names:
            arrays.append(table.column(f.name).cast(f.type))
        else:
            arrays.append(pa.nulls(table.num_rows, f.type))
    return pa.Table.from_arrays(arrays, schema=schema)


def selects(n_perf: int, n_leads: int, n_deals: int) -> dict[str, str]:
    """The SQL generating each record table: 92 days, two ad accounts, four lead sources."""
    return {
        "performance": f"""
        SELECT
            md5(i::VARCHAR) AS record_id,
            DATE '2026-08-01' + CAST(i % 92 AS INTEGER) AS date,
            CASE WHEN i % 2 = 0 THEN 'meta' ELSE 'google_ads' END AS platform,
            CASE WHEN i % 2 = 0 THEN 'act_1' ELSE '111' END AS account_id,
            'ad' AS level,
            CASE WHEN i % 2 = 0 THEN 'm-' ELSE 'g-' END || (i // 92 % 40)::VARCHAR AS campaign_id,
            'ad-' || (i % 5000)::VARCHAR AS ad_id,
            CASE WHEN i % 2 = 0 THEN 'paid_social' ELSE 'paid_search' END AS channel,
            'ILS' AS currency,
            (i % 997) * 7 AS impressions,
            i % 53 AS clicks,
            CAST((i % 1000) / 7.0 AS DECIMAL(38, 6)) AS spend,
            CAST(i % 4 AS DOUBLE) / 2 AS conversions,
            CAST((i % 300) * 1.5 AS DECIMAL(38, 6)) AS conversion_value,
            CASE WHEN i % 10 = 0 THEN NULL ELSE i % 13 END AS sessions
        FROM range({n_perf}) t(i)
        """,
        "lead": f"""
        WITH base AS (
            SELECT i,
                TIMESTAMPTZ '2026-08-01 00:00:00+00' + to_seconds(i * 7919 % (92 * 86400)) AS t0
            FROM range({n_leads}) t(i)
        )
        SELECT
            md5('l' || i::VARCHAR) AS record_id,
            'hubspot' AS platform, 'portal' AS account_id,
            'L' || i::VARCHAR AS lead_id,
            t0 AS created_at,
            ['PAID_SOCIAL', 'PAID_SEARCH', 'ORGANIC_SEARCH', 'REFERRALS', NULL][i % 5 + 1]
                AS original_source,
            CASE WHEN i % 3 = 0 THEN t0 + INTERVAL 2 DAY END AS became_mql_at,
            CASE WHEN i % 6 = 0 THEN t0 + INTERVAL 5 DAY END AS became_sql_at,
            CASE WHEN i % 12 = 0 THEN t0 + INTERVAL 9 DAY END AS became_opportunity_at,
            CASE WHEN i % 24 = 0 THEN t0 + INTERVAL 20 DAY END AS became_customer_at,
            i % 97 = 0 AS is_deleted
        FROM base
        """,
        "deal": f"""
        SELECT
            md5('d' || i::VARCHAR) AS record_id,
            'hubspot' AS platform, 'portal' AS account_id,
            'D' || i::VARCHAR AS deal_id,
            TIMESTAMPTZ '2026-08-01 00:00:00+00' + to_seconds(i * 104729 % (92 * 86400))
                AS close_date,
            CAST(1000 + i % 9000 AS DECIMAL(38, 6)) AS amount,
            'ILS' AS currency,
            i % 3 = 0 AS is_closed_won,
            ['L' || ((i * 13) % {n_leads})::VARCHAR, 'L' || ((i * 31) % {n_leads})::VARCHAR]
                AS contact_ids
        FROM range({n_deals}) t(i)
        """,
    }


def sizes(scale: float) -> tuple[int, int, int]:
    """Performance rows, leads and deals at a scale."""
    return (
        max(int(PERFORMANCE_ROWS * scale), 1_000),
        max(int(LEADS * scale), 200),
        max(int(DEALS * scale), 20),
    )


def generate(scale: float) -> Any:
    """Build the dataset in DuckDB, then hand it to partnerkit as Arrow tables."""
    import duckdb

    from partnerkit.analysis import Dataset

    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    tables = {
        kind: _conform(con.sql(query).to_arrow_table(), kind)
        for kind, query in selects(*sizes(scale)).items()
    }
    con.close()
    return Dataset(tables)


# ------------------------------------------------------------------- baseline

_OCT = "DATE '2026-10-01' AND DATE '2026-10-31'"
_SEP = "DATE '2026-09-01' AND DATE '2026-09-30'"
# Jerusalem midnights in UTC: 1 Sep (UTC+3), 1 Oct (UTC+3), 1 Nov (UTC+2, after DST).
_TS = {
    "oct": ("TIMESTAMPTZ '2026-09-30 21:00:00+00'", "TIMESTAMPTZ '2026-10-31 22:00:00+00'"),
    "sep": ("TIMESTAMPTZ '2026-08-31 21:00:00+00'", "TIMESTAMPTZ '2026-09-30 21:00:00+00'"),
}
_PERF_SOURCE = (
    "CASE WHEN campaign_id = 'g-7' THEN 'google-pmax' WHEN account_id = 'act_1' "
    "THEN 'meta-lead-ads' WHEN account_id = '111' THEN 'google-search' END"
)
_LEAD_SOURCE = (
    "CASE original_source WHEN 'PAID_SOCIAL' THEN 'meta-lead-ads' "
    "WHEN 'PAID_SEARCH' THEN 'google-search' WHEN 'ORGANIC_SEARCH' THEN 'organic' END"
)


def _in(col: str, month: str) -> str:
    lo, hi = _TS[month]
    return f"{col} >= {lo} AND {col} < {hi}"


def _perf_sql(group: str) -> str:
    aggs = []
    for m, days in (("oct", _OCT), ("sep", _SEP)):
        w = f"date BETWEEN {days}"
        aggs.append(f"count(*) FILTER (WHERE {w}) AS rows_{m}")
        for col in (
            "spend",
            "conversions",
            "clicks",
            "impressions",
            "conversion_value",
            "sessions",
        ):
            aggs.append(f"sum({col}) FILTER (WHERE {w}) AS {col}_{m}")
    return (
        f"SELECT {group} AS g, currency, {', '.join(aggs)} FROM performance "
        f"WHERE date BETWEEN DATE '2026-09-01' AND DATE '2026-10-31' GROUP BY ALL"
    )


def _lead_sql(group: str) -> str:
    live = "coalesce(is_deleted <> TRUE, TRUE)"
    aggs = []
    for m in ("oct", "sep"):
        aggs += [
            f"count(*) FILTER (WHERE {_in('created_at', m)} AND {live}) AS leads_{m}",
            # people: no two generated leads share an email or phone, so a person is a lead
            f"count(DISTINCT coalesce(email_hash, phone_hash, lead_id)) "
            f"FILTER (WHERE {_in('created_at', m)} AND {live}) AS people_{m}",
            f"count(*) FILTER (WHERE {_in('became_mql_at', m)} AND {live}) AS mqls_{m}",
            f"count(*) FILTER (WHERE {_in('became_sql_at', m)} AND {live}) AS sqls_{m}",
            f"count(*) FILTER (WHERE {_in('became_customer_at', m)} AND {live}) AS cust_{m}",
            f"count(*) FILTER (WHERE {_in('became_mql_at', m)} AND became_sql_at IS NOT NULL "
            f"AND {live}) AS mql_sql_{m}",
            f"count(*) FILTER (WHERE {_in('created_at', m)} AND became_customer_at IS NOT NULL "
            f"AND {live}) AS lead_cust_{m}",
        ]
    lo, hi = _TS["sep"][0], _TS["oct"][1]
    anywhen = " OR ".join(
        f"({c} >= {lo} AND {c} < {hi})"
        for c in ("created_at", "became_mql_at", "became_sql_at", "became_customer_at")
    )
    return f"SELECT {group} AS g, {', '.join(aggs)} FROM lead WHERE {anywhen} GROUP BY ALL"


def _deal_sql(by_source: bool) -> str:
    won = "is_closed_won = TRUE AND coalesce(is_deleted <> TRUE, TRUE)"
    aggs = ", ".join(
        f"sum(amount) FILTER (WHERE {_in('close_date', m)} AND {won}) AS revenue_{m}, "
        f"count(*) FILTER (WHERE {_in('close_date', m)} AND {won}) AS won_{m}"
        for m in ("oct", "sep")
    )
    when = f"close_date >= {_TS['sep'][0]} AND close_date < {_TS['oct'][1]}"
    if not by_source:
        return f"SELECT NULL AS g, currency, {aggs} FROM deal WHERE {when} GROUP BY ALL"
    return f"""
        WITH pick AS (
            SELECT deal_id, src FROM (
                SELECT d.deal_id, {_LEAD_SOURCE} AS src,
                    row_number() OVER (PARTITION BY d.deal_id ORDER BY l.created_at, l.lead_id) AS r
                FROM (SELECT DISTINCT deal_id, unnest(contact_ids) AS lead_id FROM deal) d
                JOIN lead l ON l.lead_id = d.lead_id
            ) WHERE r = 1
        )
        SELECT p.src AS g, currency, {aggs} FROM deal LEFT JOIN pick p USING (deal_id)
        WHERE {when} GROUP BY ALL
    """


def _one_currency(rows: list[dict[str, Any]]) -> dict[Any, dict[str, Any]]:
    """Amounts are never added across currencies: every row must be in ILS here."""
    out: dict[Any, dict[str, Any]] = {}
    for row in rows:
        currency = row.pop("currency", "ILS")
        if currency not in ("ILS", None):
            raise ValueError(f"amounts in {currency}: the baseline has no exchange rates")
        assert row["g"] not in out, "one currency per group"
        out[row["g"]] = row
    return out


def _ratio(top: Any, bottom: Any, scale: int = 1) -> Decimal | None:
    if top is None or bottom is None or bottom == 0:
        return None
    return Decimal(str(top)) / Decimal(str(bottom)) * scale


def _kpis(p: dict[str, Any], lead: dict[str, Any], d: dict[str, Any], m: str) -> dict[str, Any]:
    """The catalogue's formulas applied to the hand-written sums."""

    def s(col: str) -> Any:
        if p.get(f"rows_{m}", 0) == 0:
            return 0
        return p[f"{col}_{m}"]  # NULL when every row counted lacks the column

    spend = s("spend")
    revenue = d.get(f"revenue_{m}") or 0
    return {
        "spend": spend,
        "cpl": _ratio(spend, lead.get(f"leads_{m}", 0)),
        "cpa": _ratio(spend, s("conversions")),
        "cpc": _ratio(spend, s("clicks")),
        "cpm": _ratio(spend, s("impressions"), 1000),
        "ctr": _ratio(s("clicks"), s("impressions"), 100),
        "conversion_rate": _ratio(s("conversions"), s("clicks"), 100),
        "roas": _ratio(s("conversion_value"), spend),
        "roi": _ratio(Decimal(str(revenue)) - Decimal(str(spend)), spend, 100),
        "cac": _ratio(spend, lead.get(f"cust_{m}", 0)),
        "leads": lead.get(f"leads_{m}", 0),
        "people": lead.get(f"people_{m}", 0),
        "mqls": lead.get(f"mqls_{m}", 0),
        "sqls": lead.get(f"sqls_{m}", 0),
        "customers": lead.get(f"cust_{m}", 0),
        "mql_to_sql_rate": _ratio(lead.get(f"mql_sql_{m}", 0), lead.get(f"mqls_{m}", 0), 100),
        "lead_to_customer_rate": _ratio(
            lead.get(f"lead_cust_{m}", 0), lead.get(f"leads_{m}", 0), 100
        ),
        "sessions": s("sessions"),
        "revenue": revenue,
        "clicks": s("clicks"),
        "impressions": s("impressions"),
        "conversions": s("conversions"),
    }


def baseline(data: Any) -> dict[tuple[str, str | None], dict[str, Any]]:
    """The KPI set by hand in DuckDB SQL: scope all, then by source; this month and last."""
    con = data.connection
    out: dict[tuple[str, str | None], dict[str, Any]] = {}
    for label, perf_g, lead_g, by_source in (
        ("all", "NULL", "NULL", False),
        ("source", _PERF_SOURCE, _LEAD_SOURCE, True),
    ):
        results = []
        for query in (_perf_sql(perf_g), _lead_sql(lead_g), _deal_sql(by_source)):
            rel = con.sql(query)
            names = rel.columns
            results.append(
                _one_currency([dict(zip(names, r, strict=True)) for r in rel.fetchall()])
            )
        perf, lead, deal = results
        for g in {*perf, *lead, *deal}:
            out[(label, g)] = {
                m: _kpis(perf.get(g, {}), lead.get(g, {}), deal.get(g, {}), m)
                for m in ("oct", "sep")
            }
    return out


# ------------------------------------------------------------------- partnerkit


def partnerkit(data: Any, ws: Any) -> tuple[Any, Any]:
    """The KPI set with partnerkit: scope all, then by source."""
    from partnerkit.analysis.kpis import compute_kpis

    whole = compute_kpis(ws, data, MONTH, as_of=AS_OF)
    by_source = compute_kpis(ws, data, MONTH, as_of=AS_OF, by="source")
    return whole, by_source


def _same(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(Decimal(str(a)) - Decimal(str(b))) <= Decimal("1e-9") * max(1, abs(Decimal(str(b))))


def check(whole: Any, by_source: Any, base: dict[tuple[str, str | None], dict[str, Any]]) -> int:
    """Compare every KPI value (this month and last); return how many were compared."""
    compared = 0
    for table, label in ((whole, "all"), (by_source, "source")):
        for value in table:
            group = None if label == "all" else value.scope.removeprefix("source ")
            group = None if group == "(unattributed)" else group
            expected = base.get((label, group))
            if expected is None:
                assert value.value in (None, 0), (value.kpi, value.scope, value.value)
                continue
            if value.kpi not in expected["oct"]:  # a KPI of a kind the data has none of
                assert value.value in (None, 0), (value.kpi, value.scope, value.value)
                continue
            for got, m in ((value.value, "oct"), (value.previous, "sep")):
                want = expected[m][value.kpi]
                assert _same(got, want), (value.kpi, value.scope, m, got, want)
                compared += 1
    return compared


def _race(a: Any, b: Any, repeat: int) -> tuple[float, Any, float, Any]:
    """Best time of each, alternating runs so both meet the same machine load."""
    best_a = best_b = float("inf")
    result_a = result_b = None
    for _ in range(repeat):
        for which in (0, 1):
            gc.collect()
            started = time.perf_counter()
            if which == 0:
                result_a = a()
                best_a = min(best_a, time.perf_counter() - started)
            else:
                result_b = b()
                best_b = min(best_b, time.perf_counter() - started)
    return best_a, result_a, best_b, result_b


def main(scale: float) -> None:
    from partnerkit.model import Workspace

    started = time.perf_counter()
    data = generate(scale)
    ws = Workspace.model_validate(WORKSPACE)
    rows = {k.value: t.num_rows for k, t in data.tables.items()}
    print(
        f"data: {rows['performance']:,} performance rows, {rows['lead']:,} leads, "
        f"{rows['deal']:,} deals in {time.perf_counter() - started:.1f} s; "
        f"peak RSS {_rss_gb():.2f} GB",
        flush=True,
    )
    repeat = REPEAT if scale >= 0.01 else 1
    base_time, base, pk_time, (whole, by_source) = _race(
        lambda: baseline(data), lambda: partnerkit(data, ws), repeat
    )
    print(f"baseline (hand-written DuckDB SQL): {base_time:.3f} s (best of {repeat})")
    print(f"partnerkit compute_kpis (all + by source): {pk_time:.3f} s (best of {repeat})")
    compared = check(whole, by_source, base)
    print(f"identical results: {compared} KPI values compared ({len(whole)} KPIs)")
    print(
        f"partnerkit {pk_time / base_time:.2f}× the DuckDB SQL baseline "
        f"(target ≤ 1.5×); peak RSS {_rss_gb():.2f} GB"
    )
