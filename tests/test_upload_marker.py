"""The URL marks a view of uploaded data; a session that starts from one without the upload
says the upload is gone and shows the published data with the same filters
(stationmap.app.upload_marker).

This is what a reader sees behind a load balancer when the process holding their session has
stopped and their next load goes to another (tests/browser/test_cluster.py does it for real).
"""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from stationmap.app import ui_state
from stationmap.record.filters import FilterState
from tests.conftest import small_files
from tests.test_app_pages import (
    PAGES,
    assert_ran_cleanly,
    expected_counts,
    filter_summary,
    run_app,
    run_page,
    summary_for,
    upload_files,
)

MARK = {ui_state.DATA_SOURCE: ui_state.UPLOADED_DATA_MARK}
GONE = "The uploaded data this view showed is gone"


def lost_notices(app: AppTest) -> list[str]:
    return [warning.value for warning in app.main.warning if GONE in warning.value]


def marked(app: AppTest) -> bool:
    return app.query_params.get(ui_state.DATA_SOURCE) == ui_state.UPLOADED_DATA_MARK


def test_the_url_is_marked_on_every_page_while_the_upload_is_in_use_and_unmarked_after():
    app = upload_files(run_page("pages/upload.py"), small_files())
    assert not marked(app)

    app.button(key=ui_state.USE_MY_DATA).click().run()
    for page, _heading in PAGES:
        app.switch_page(page).run()
        assert_ran_cleanly(app)
        assert marked(app), page
        assert not lost_notices(app), page

    app.button(key=ui_state.SWITCH_TO_PUBLISHED).click().run()

    assert not marked(app)
    assert not lost_notices(app)


def test_a_marked_link_without_the_upload_says_it_is_gone_and_keeps_the_filters():
    status = "Reported closed"
    app = run_app({**MARK, ui_state.STATUS: status})
    closed = FilterState(statuses=("reported_closed",))

    assert_ran_cleanly(app)
    assert len(lost_notices(app)) == 1
    # The published data, filtered as the link says.
    assert filter_summary(app) == summary_for(expected_counts(closed))
    assert app.query_params[ui_state.STATUS] == status

    # Said on every page, and kept in the URL so that a reload says it again, until the reader
    # has read it; a link copied after that claims no upload.
    app.switch_page("pages/sites.py").run()
    assert len(lost_notices(app)) == 1 and marked(app)
    app.button(key=ui_state.UPLOAD_LOST_DISMISS).click().run()
    assert not lost_notices(app) and not marked(app)
    app.switch_page("pages/map.py").run()
    assert not lost_notices(app) and not marked(app)


def test_a_link_without_the_mark_says_nothing_about_uploads():
    app = run_app({ui_state.STATUS: "Reported closed"})

    assert_ran_cleanly(app)
    assert not lost_notices(app)


def test_a_new_upload_in_use_ends_the_notice():
    app = run_app(MARK)
    assert lost_notices(app)

    app = upload_files(app.switch_page("pages/upload.py").run(), small_files())
    app.button(key=ui_state.USE_MY_DATA).click().run()

    assert_ran_cleanly(app)
    assert not lost_notices(app)
    assert marked(app)
    assert filter_summary(app) == "Showing 3 of 3 sites · 2 countries"

    app.button(key=ui_state.SWITCH_TO_PUBLISHED).click().run()
    assert not lost_notices(app)
