"""What the geocoding tests share: rows and files to feed them, fakes, and three fixtures.

Everything is offline and deterministic: the online geocoder is always a fake, and the
fixture ``forbid_network``, which every geocoding test file applies, fails any test that opens a
socket. tests/conftest.py loads this module as a plugin, so the fixtures reach those files.
"""

from __future__ import annotations

import csv
import io
import socket
from pathlib import Path

import pytest
from geopy.geocoders.base import Geocoder
from geopy.location import Location

from stationmap.geocoding.cache import CACHE_COLUMNS, CachedPlace
from stationmap.geocoding.command import run_geocode
from stationmap.geocoding.gazetteer import GazetteerGeocoder, get_gazetteer
from stationmap.record import schema

SITE_COLUMNS = schema.column_names(schema.SITES_FILE)
TEST_USER_AGENT = "stationmap-tests/0.1 (contact: tests@example.org)"
FETCHED_AT = "2026-11-27T12:00:00+00:00"


@pytest.fixture
def forbid_network(monkeypatch: pytest.MonkeyPatch):
    """Fail any test that tries to reach a real service.

    The attempt is also recorded and checked afterwards, because geopy turns the error raised
    here into a GeocoderServiceError that the code under test reports and carries on from.
    """
    attempts: list[tuple] = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise AssertionError("a geocoding test tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    yield
    assert attempts == [], "a geocoding test tried to use the network"


@pytest.fixture(scope="session")
def gazetteer() -> GazetteerGeocoder:
    return get_gazetteer()


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    folder.mkdir()
    return folder


def site_row(site_id: str, **cells: str) -> dict[str, str]:
    """A sites.csv row with every schema column; unnamed cells are empty."""
    row = dict.fromkeys(SITE_COLUMNS, "")
    row.update(
        site_id=site_id,
        name=site_id,
        country="United Kingdom",
        iso2="GB",
        precision="city",
        source_ids="S001",
    )
    row.update(cells)
    return row


def sites_csv_bytes(
    rows: list[dict[str, str]], *, line_terminator: str = "\n", byte_order_mark: bool = False
) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=SITE_COLUMNS, lineterminator=line_terminator)
    writer.writeheader()
    writer.writerows(rows)
    return (b"\xef\xbb\xbf" if byte_order_mark else b"") + buffer.getvalue().encode("utf-8")


def write_sites(data_dir: Path, rows: list[dict[str, str]], **layout) -> Path:
    path = data_dir / schema.SITES_FILE
    path.write_bytes(sites_csv_bytes(rows, **layout))
    return path


def read_sites(data_dir: Path) -> list[dict[str, str]]:
    with open(data_dir / schema.SITES_FILE, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def run(data_dir: Path, **options) -> tuple[int, str]:
    out = io.StringIO()
    exit_code = run_geocode(data_dir, out=out, **options)
    return exit_code, out.getvalue()


def cached(query: str, country_code: str, level: str, lat: float, lon: float, **extra):
    values = {"provider": "gazetteer", "precision": level, "fetched_at": FETCHED_AT, **extra}
    return CachedPlace(query, country_code, level, lat, lon, **values)


class GazetteerSpy:
    """Wraps the real gazetteer and records which of its methods were called."""

    def __init__(self, real: GazetteerGeocoder):
        self.real = real
        self.calls: list[str] = []

    def __getattr__(self, name: str):
        method = getattr(self.real, name)

        def recorded(*args, **kwargs):
            self.calls.append(name)
            return method(*args, **kwargs)

        return recorded

    @property
    def lookups(self) -> list[str]:
        return [call for call in self.calls if call in ("geocode", "locate_capital")]


class FakeOnlineGeocoder(Geocoder):
    """Stands in for Nominatim: answers each query from a script, never from the network.

    A scripted exception is raised, as geopy's real geocoders raise them; a Location is returned;
    a query not in the script finds nothing.
    """

    def __init__(self, answers: dict[str, Location | Exception]):
        super().__init__(user_agent=TEST_USER_AGENT)
        self.answers = answers
        self.calls: list[tuple[object, str | None]] = []

    def geocode(self, query, *, exactly_one=True, country_codes=None, **_ignored):
        self.calls.append((query, country_codes))
        key = query["city"] if isinstance(query, dict) else query
        answer = self.answers.get(key)
        if isinstance(answer, Exception):
            raise answer
        return answer

    def calls_for(self, name: str) -> int:
        return sum(1 for query, _ in self.calls if name in str(query))


def online_options(fake: Geocoder, **overrides) -> dict:
    """run_geocode options that go online through the real RateLimiter, without sleeping."""
    options = {
        "online": True,
        "user_agent": TEST_USER_AGENT,
        "network_geocoder": fake,
        "min_delay_seconds": 0.0,
        "max_retries": 1,
        "error_wait_seconds": 0.0,
    }
    return options | overrides


HENDON_FROM_NOMINATIM = Location(
    "Hendon, London Borough of Barnet, London, England, United Kingdom",
    (51.5837, -0.2263),
    {"place_id": 1},
)


CACHE_HEADER = ",".join(CACHE_COLUMNS)


def cache_file_text(*rows: str) -> str:
    return "\n".join([CACHE_HEADER, *rows]) + "\n"
