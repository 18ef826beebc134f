"""The network adapter: polite, rate-limited Nominatim through geopy, and nothing else online.

It checks that the user agent names the application (Nominatim's usage policy), sends at most one
request a second through geopy's ``RateLimiter``, turns geopy's errors into
:class:`NetworkLookupError`, and stops asking once the service says we send too much.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

import geopy.exc
from geopy.extra.rate_limiter import RateLimiter
from geopy.geocoders import Nominatim
from geopy.geocoders.base import Geocoder
from geopy.location import Location

from stationmap.geocoding.names import (
    PROJECT_NAME,
    PROVIDER_NOMINATIM,
    GeocodingError,
    NetworkLookupError,
)

# Nominatim's usage policy allows at most one request per second.
NOMINATIM_MIN_DELAY_SECONDS = 1.0
NOMINATIM_TIMEOUT_SECONDS = 10.0
EXAMPLE_USER_AGENT = "stationmap/0.1 (contact: you@example.org)"


# --- the online geocoder ------------------------------------------------------------------------


def check_user_agent(user_agent: str | None) -> str:
    """Return the user agent if Nominatim may be asked with it; raise GeocodingError otherwise."""
    advice = (
        "Nominatim's usage policy asks every application to identify itself: pass e.g. "
        f'--user-agent "{EXAMPLE_USER_AGENT}" with your own contact address'
    )
    if user_agent is None or not user_agent.strip():
        raise GeocodingError(f"--online needs a user agent. {advice}")
    if PROJECT_NAME not in user_agent.casefold():
        raise GeocodingError(
            f"the user agent {user_agent!r} does not name {PROJECT_NAME}. {advice}"
        )
    return user_agent.strip()


class _RetryWarningWithoutTraceback(logging.Filter):
    """Drop the traceback geopy's RateLimiter attaches to each retry warning.

    The one-line reason is enough, and a traceback on the console reads as a crash while the
    run is in fact carrying on.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if "caught an error, retrying" in str(record.msg):
            record.exc_info = None
            record.exc_text = None
        return True


def _quieten_rate_limiter_retries() -> None:
    geopy_logger = logging.getLogger("geopy")
    if not any(isinstance(f, _RetryWarningWithoutTraceback) for f in geopy_logger.filters):
        geopy_logger.addFilter(_RetryWarningWithoutTraceback())


class NetworkGeocoder:
    """Polite access to an online geopy geocoder (Nominatim in real use).

    Every request goes through geopy's ``RateLimiter``. geopy's service errors become
    :class:`NetworkLookupError` with a readable reason. After the service says we are sending
    too much, or refuses us, no further request is sent in this run.
    """

    provider = PROVIDER_NOMINATIM

    def __init__(
        self,
        geocoder: Geocoder,
        *,
        min_delay_seconds: float = NOMINATIM_MIN_DELAY_SECONDS,
        max_retries: int = 2,
        error_wait_seconds: float = 5.0,
    ):
        """Wrap ``geocoder.geocode``; a delay of at least 1 s is required against Nominatim."""
        self.geocoder = geocoder
        _quieten_rate_limiter_retries()
        self.rate_limiter = RateLimiter(
            geocoder.geocode,
            min_delay_seconds=min_delay_seconds,
            max_retries=max_retries,
            # The rate limiter insists on never waiting less after an error than between calls.
            error_wait_seconds=max(error_wait_seconds, min_delay_seconds),
            swallow_exceptions=False,
        )
        self.stopped_because: str | None = None

    def locate(self, query: str | Mapping[str, str], *, country_code: str) -> Location | None:
        """Ask the service for ``query`` within ``country_code``; None when it knows no place."""
        if self.stopped_because is not None:
            raise NetworkLookupError(f"not asked: {self.stopped_because}")
        try:
            return self.rate_limiter(
                dict(query) if isinstance(query, Mapping) else query,
                exactly_one=True,
                country_codes=country_code.lower(),
            )
        except geopy.exc.GeocoderRateLimited as error:
            wait = f", asked to wait {error.retry_after} s" if error.retry_after else ""
            self.stopped_because = f"{self.provider} rate-limited this run{wait}"
            raise NetworkLookupError(
                f"{self.provider} rate-limited us{wait}; no more network lookups this run"
            ) from error
        except (
            geopy.exc.GeocoderQuotaExceeded,
            geopy.exc.GeocoderAuthenticationFailure,
            geopy.exc.GeocoderInsufficientPrivileges,
        ) as error:
            self.stopped_because = f"{self.provider} refused us this run ({error})"
            raise NetworkLookupError(
                f"{self.provider} refused the request ({error}); no more network lookups this run"
            ) from error
        except geopy.exc.GeocoderTimedOut as error:
            raise NetworkLookupError(f"{self.provider} timed out ({error})") from error
        except geopy.exc.GeocoderUnavailable as error:
            raise NetworkLookupError(f"{self.provider} is unavailable ({error})") from error
        except geopy.exc.GeocoderServiceError as error:
            raise NetworkLookupError(f"{self.provider} service error ({error})") from error
        except geopy.exc.GeopyError as error:
            raise NetworkLookupError(f"{self.provider} failed ({error})") from error


def build_nominatim(
    user_agent: str | None,
    *,
    min_delay_seconds: float = NOMINATIM_MIN_DELAY_SECONDS,
    max_retries: int = 2,
    error_wait_seconds: float = 5.0,
) -> NetworkGeocoder:
    """A rate-limited Nominatim client; raises GeocodingError for a bad user agent or delay."""
    agent = check_user_agent(user_agent)
    if min_delay_seconds < NOMINATIM_MIN_DELAY_SECONDS:
        raise GeocodingError(
            f"Nominatim's usage policy allows at most one request per second; "
            f"min_delay_seconds={min_delay_seconds:g} is too short"
        )
    return NetworkGeocoder(
        Nominatim(user_agent=agent, timeout=NOMINATIM_TIMEOUT_SECONDS),
        min_delay_seconds=min_delay_seconds,
        max_retries=max_retries,
        error_wait_seconds=error_wait_seconds,
    )
