"""The dashboard starts under the real server and renders in a browser, offline."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

# Covers the first script run, which imports pandas and folium on a cold 2-core machine.
FIRST_RUN_TIMEOUT_MS = 30_000


def test_dashboard_renders_without_errors_or_third_party_requests(page, app_server):
    page.goto(app_server.base_url)

    app = page.get_by_test_id("stApp")
    expect(app).to_be_visible()
    # Streamlit marks the root once the script has run to the end on a live connection.
    expect(app).to_have_attribute("data-test-connection-state", "CONNECTED")
    expect(app).to_have_attribute(
        "data-test-script-state", "notRunning", timeout=FIRST_RUN_TIMEOUT_MS
    )
    expect(page.get_by_test_id("stException")).to_have_count(0)

    assert page.errors_seen == []
    assert page.third_party_requests == []
    assert any(url.startswith(app_server.base_url) for url in page.requests_seen)
