"""Generate the bundled demo data (deterministic; re-run to rebuild the files).

The demo business is Negev Solar, a residential solar installer that hands its
marketing to the agency Blue Orbit Digital. Three months (August to October 2026)
of exports as the platforms hand them over:

* ``meta_ads_export.csv``: a Meta Ads Manager daily campaign export.
* ``google_ads_export.csv``: a Google Ads campaign report (two title lines first).
* ``crm_contacts.csv``: a HubSpot contacts export (emails are fakes at example.com
  and are hashed on read; phones are fake 555 numbers).

With deliberate problems for the analysis to find: the Zapier-wired partner form goes
silent on 2026-10-09; some people arrive through two sources; a Google display test
campaign spends and brings no leads; one row of the Meta export is malformed.

Usage: ``uv run python scripts/make_demo_data.py``
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

OUT = Path(__file__).resolve().parent.parent / "src" / "partnerkit" / "demo" / "data"
START, END = dt.date(2026, 8, 1), dt.date(2026, 10, 31)
SILENT_FROM = dt.date(2026, 10, 9)
TZ = ZoneInfo("Asia/Jerusalem")  # the export carries local times with their offset

META_CAMPAIGNS = [
    ("120210000000000001", "NS | Lead Ads | Homeowners 30-65", Decimal("260"), 0.9),
    ("120210000000000002", "NS | Lead Ads | Retargeting", Decimal("110"), 0.45),
]
GOOGLE_CAMPAIGNS = [
    ("21000000001", "Search | Solar installation | Exact", Decimal("420"), 0.75),
    ("21000000002", "Search | Brand", Decimal("60"), 0.35),
    ("21000000003", "Display | Awareness test", Decimal("140"), 0.0),
]


def days() -> list[dt.date]:
    n = (END - START).days + 1
    return [START + dt.timedelta(days=i) for i in range(n)]


def poisson(rng: random.Random, mean: float) -> int:
    # Knuth's method; small means only.
    limit, k, p = pow(2.718281828459045, -mean), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def money(value: float) -> Decimal:
    return Decimal(str(round(value, 2)))


def write_meta(rng: random.Random) -> list[tuple[dt.date, str, int]]:
    rows, leads = [], []
    for day in days():
        weekend = day.weekday() in (4, 5)  # Friday and Saturday are quiet in Israel
        for cid, name, budget, lead_rate in META_CAMPAIGNS:
            spend = budget * money(rng.uniform(0.85, 1.1))
            impressions = int(float(spend) * rng.uniform(38, 46))
            clicks = int(impressions * rng.uniform(0.011, 0.017))
            n = poisson(rng, lead_rate * (0.6 if weekend else 1.0) * 3.2)
            leads.append((day, cid, n))
            rows.append(
                {
                    "Reporting starts": day.isoformat(),
                    "Reporting ends": day.isoformat(),
                    "Campaign ID": cid,
                    "Campaign name": name,
                    "Day": day.isoformat(),
                    "Amount spent (ILS)": f"{spend.quantize(Decimal('0.01'))}",
                    "Impressions": str(impressions),
                    "Link clicks": str(clicks),
                    "Leads": str(n) if n else "",
                }
            )
    rows[40]["Amount spent (ILS)"] = "n/a (billing delay)"  # the malformed row
    with (OUT / "meta_ads_export.csv").open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return leads


def write_google(rng: random.Random) -> list[tuple[dt.date, str, float]]:
    rows, conversions = [], []
    for day in days():
        for cid, name, budget, conv_rate in GOOGLE_CAMPAIGNS:
            cost = budget * money(rng.uniform(0.8, 1.15))
            impressions = int(float(cost) * rng.uniform(9, 14))
            clicks = (
                int(impressions * rng.uniform(0.05, 0.09))
                if conv_rate
                else int(impressions * 0.004)
            )
            conv = round(poisson(rng, conv_rate * 2.6) * rng.choice([1.0, 1.0, 0.5]), 2)
            conversions.append((day, cid, conv))
            rows.append(
                [
                    day.isoformat(),
                    cid,
                    name,
                    "Enabled",
                    f"{impressions:,}",
                    f"{clicks:,}",
                    f"{cost.quantize(Decimal('0.01')):,}",
                    f"{conv:.2f}",
                ]
            )
    with (OUT / "google_ads_export.csv").open("w", newline="", encoding="utf-8") as f:
        f.write("Campaign report\n")
        f.write('"August 1, 2026 - October 31, 2026"\n')
        writer = csv.writer(f)
        writer.writerow(
            [
                "Day",
                "Campaign ID",
                "Campaign",
                "Campaign status",
                "Impr.",
                "Clicks",
                "Cost",
                "Conversions",
            ]
        )
        writer.writerows(rows)
    return conversions


SOURCES = {
    # source id: (original source, drill 1, drill 2, mean leads per day, utm)
    "meta_lead_ads": (
        "PAID_SOCIAL",
        "Facebook",
        "NS | Lead Ads",
        None,
        ("facebook", "paid_social"),
    ),
    "google_search": ("PAID_SEARCH", "google", "solar installation", None, ("google", "cpc")),
    "organic_search": ("ORGANIC_SEARCH", "google", "", 1.1, (None, None)),
    "partner_form": ("OFFLINE", "INTEGRATION", "Zapier", 0.9, ("solarcompare", "partner")),
    "referral": ("REFERRALS", "friends.negevsolar.example", "", 0.35, ("referral", "referral")),
}


def write_contacts(
    rng: random.Random,
    meta: list[tuple[dt.date, str, int]],
    google: list[tuple[dt.date, str, float]],
) -> None:
    contacts: list[dict[str, str]] = []
    counter = [1000]

    def add(day: dt.date, source: str, email: str | None = None) -> str:
        counter[0] += 1
        original, drill1, drill2, _, (utm_source, utm_medium) = SOURCES[source]
        hour, minute = rng.randint(7, 22), rng.randint(0, 59)
        created = dt.datetime.combine(day, dt.time(hour, minute))
        email = email or f"lead{counter[0]}@example.com"
        stage = rng.choices(
            ["lead", "marketingqualifiedlead", "salesqualifiedlead", "customer"], [55, 25, 14, 6]
        )[0]
        mql = created + dt.timedelta(hours=rng.randint(1, 72)) if stage != "lead" else None
        sql = (
            mql + dt.timedelta(days=rng.randint(1, 10))
            if mql and stage in ("salesqualifiedlead", "customer")
            else None
        )
        customer = (
            sql + dt.timedelta(days=rng.randint(5, 30)) if sql and stage == "customer" else None
        )
        first_touch = created + dt.timedelta(minutes=rng.choice([12, 35, 50, 95, 240, 600, 1500]))

        def stamp(t: dt.datetime | None) -> str:
            return t.replace(tzinfo=TZ).isoformat(timespec="minutes") if t else ""

        contacts.append(
            {
                "Record ID": str(counter[0] * 7919),
                "Create Date": stamp(created),
                "Email": email,
                "Phone Number": f"+972-55-555-{counter[0] % 10000:04d}",
                "Original Source": original,
                "Original Source Drill-Down 1": drill1,
                "Original Source Drill-Down 2": drill2,
                "UTM Source": utm_source or "",
                "UTM Medium": utm_medium or "",
                "Lifecycle Stage": stage,
                "Became a Marketing Qualified Lead Date": stamp(mql),
                "Became a Sales Qualified Lead Date": stamp(sql),
                "Became a Customer Date": stamp(customer),
                "First Contact Date": stamp(first_touch),
            }
        )
        return email

    meta_by_day: dict[dt.date, int] = {}
    for day, _, n in meta:
        meta_by_day[day] = meta_by_day.get(day, 0) + n
    google_by_day: dict[dt.date, float] = {}
    for day, _, c in google:
        google_by_day[day] = google_by_day.get(day, 0) + c
    for day in days():
        # The CRM sees ~85% of what Meta reports (the usual lead-ads sync gap).
        for _ in range(round(meta_by_day.get(day, 0) * 0.85)):
            email = add(day, "meta_lead_ads")
            if rng.random() < 0.05:  # the same person also fills in the search form
                add(day + dt.timedelta(days=rng.randint(0, 3)), "google_search", email)
        for _ in range(round(google_by_day.get(day, 0))):
            add(day, "google_search")
        for source in ("organic_search", "partner_form", "referral"):
            mean = SOURCES[source][3]
            assert mean is not None
            if source == "partner_form" and day >= SILENT_FROM:
                continue
            for _ in range(poisson(rng, mean)):
                add(day, source)
    contacts.sort(key=lambda c: c["Create Date"])
    with (OUT / "crm_contacts.csv").open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(contacts[0]))
        writer.writeheader()
        writer.writerows(contacts)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    rng = random.Random(20261031)
    meta = write_meta(rng)
    google = write_google(rng)
    write_contacts(rng, meta, google)
    print(f"wrote demo data to {OUT}")


if __name__ == "__main__":
    main()
