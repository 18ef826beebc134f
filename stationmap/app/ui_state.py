"""Every session-state key and URL query-parameter name the app uses, named once here.

The sidebar filters are bound to the URL with Streamlit's own ``bind="query-params"``, which
uses a widget's key as its query-parameter name. For those widgets the key *is* the URL name:
renaming one breaks every link people have already shared, so these names are short, lower-case
and meant to stay.

What a bound parameter carries is what the widget shows: a multiselect's chosen options as
their displayed labels (``?status=Under+investigation&country=United+Kingdom``), a date as
``YYYY-MM-DD``, a date range as two repeated values. A value equal to the widget's default is
left out, so a plain address shows everything.
"""

from __future__ import annotations

# --- URL query parameters, which are also the keys of the widgets bound to them ---------------

STATUS = "status"
COUNTRY = "country"
REGION = "region"
BUREAU = "bureau"
# What the sites rest on (stationmap.record.basis), as its displayed labels: ?basis=Media+only.
BASIS = "basis"
# The range of first-report dates, as two repeated values: ?reported=2022-09-01&reported=2023-06-30.
REPORTED = "reported"
# "q", as search boxes everywhere call it: people recognise it in a link.
TEXT = "q"
# The date statuses are derived for; absent means today.
AS_OF = "as_of"
# The interface language as its tag (?lang=zh-Hans; see stationmap.i18n), also the language
# picker's key. Absent: English for a link with filters, else the browser's preferred language.
LANGUAGE = "lang"
# "data=upload" while the session shows its own upload (stationmap.app.upload_marker): only that
# the view showed uploaded data, never the data. A session starting from such a link without an
# upload of its own (another server process) says the upload is gone.
DATA_SOURCE = "data"
UPLOADED_DATA_MARK = "upload"
# The site whose details the map page shows, so a copied link opens it again: set when a marker
# is clicked (or Enter pressed on it) or a site is chosen in the list under the map, removed by
# "Close". "Show on map" on the sites page opens /?site=<site_id> (with the filters in force);
# a site named by the address, not by a click, is also centred on and its popup opened. Not a
# widget: stationmap.app.opened_site reads and writes st.query_params[FOCUS_SITE].
FOCUS_SITE = "site"

# The filter widgets, in the order the sidebar shows them; "Reset filters" resets all of them.
FILTER_KEYS = (TEXT, STATUS, AS_OF, COUNTRY, REGION, BUREAU, BASIS, REPORTED)

# --- session-state keys that never reach the URL ----------------------------------------------

RESET_FILTERS = "reset_filters"
# The map page's streamlit-folium widget (its last click lives here) and the container that
# shows the clicked site's details.
SITE_MAP = "site_map"
# The container of that map's frame: stationmap/web/map-fit.css sizes the frame to the window
# through it (.st-key-map_frame).
MAP_FRAME = "map_frame"
# Set once this session's sidebar has been drawn: its widgets' code is then in the browser, and
# the map page is drawn whole in one run (render_order.map_first).
CHROME_DRAWN = "chrome_drawn"
# A page's first visit (the sites' table, the timeline's charts): the reporter that says the
# main widget shows, and that it has (stationmap.app.drawn_first).
FIRST_VIEW_REPORTER = "drawn_first_reporter"
# The loader of the other pages' widget code (stationmap.app.widget_code).
WIDGET_CODE_LOADER = "widget_code_loader"
FIRST_VIEW_DRAWN = "first_view_drawn"
# Set by a run that put that reporter on its page: the run its report starts is still to come.
# dashboard.py clears it before each page (render_order.show_deferred_navigation reads it).
REPORT_PENDING = "report_pending"
# Set in a session's first run, which names no pages (render_order.navigation_position).
NAVIGATION_DEFERRED = "navigation_deferred"
# The page the last run drew (its URL path), whether this run's page came from another or is
# the session's first, and whether from another (stationmap.app.drawn_first.note_page).
LAST_PAGE = "last_page"
PAGE_ENTERED = "page_entered"
CAME_FROM_PAGE = "came_from_page"
SITE_DETAILS = "site_details"
# The sites page: the site whose details are open (a list below the table, set too by a row's
# Details button and by ticking a row), the Details buttons' click, and the row last ticked.
SITE_CHOICE = "site_choice"
SITE_DETAILS_CLICK = "site_details_click"
SITE_TICKED = "site_ticked"
# The search box above that list, when the table is too long to list whole.
SITE_SEARCH = "site_search"
# The map page's heading row, and the line under it: what every site is, where its sources are.
MAP_TITLE = "map_title"
MAP_INTRO = "map_intro"
MAP_HEADLINE = "map_headline"
MAP_SKIP = "map_skip"
# The map page's keyboard and screen-reader aids: the box after the map that "Skip the map"
# moves focus to, the "Close" button of the details, the text view of the map and its list of
# sites (one button each: "site_list-E001").
AFTER_MAP = "after_map"
CLOSE_SITE = "close_site"
MAP_AS_TEXT = "map_as_text"
# Its expander, whose content is made only once opened (map_access.map_as_text).
MAP_AS_TEXT_OPEN = "map_as_text_open"
SITE_LIST = "site_list"
# Which click of the map's value the page has acted on (folium_bridge.clicked_count), the site
# that click opened (a site named in the address by a click is not centred on again), and a
# site just opened from the list, whose details then take focus.
SITE_CLICKS_SEEN = "site_clicks_seen"
SITE_OPENED_BY_CLICK = "site_opened_by_click"
SITE_FROM_LIST = "site_from_list"
# The FilterState the sidebar produced in this run, read by chrome.page_data() on every page.
CURRENT_FILTERS = "current_filters"
# How this session's sidebar started (render_order.sidebar_state): said the same on every run.
SIDEBAR_START = "sidebar_start"
# The sites page's table; its key also carries a digest of the rows shown (tables.selection_key),
# so a selected row is forgotten when the filters change the rows.
SITES_TABLE = "sites_table"
# The sites page's switch that shows the summary per country (built only when it is on).
SHOW_COUNTRY_SUMMARY = "show_country_summary"
# The sites page's "Show on map" button, the site it asked the map to centre on (until the
# page switches), and its export buttons.
SHOW_ON_MAP = "show_on_map"
FOCUS_REQUEST = "focus_request"
DOWNLOAD_SITES_CSV = "download_sites_csv"
DOWNLOAD_SITES_GEOJSON = "download_sites_geojson"
DOWNLOAD_EVENTS_CSV = "download_events_csv"
DOWNLOAD_MAP_HTML = "download_map_html"
# The sites page's offline map is built only when asked: the button that asks for it, and the
# view it was asked for (the file itself is kept in stationmap.app.session_files).
PREPARE_MAP_HTML = "prepare_map_html"
OFFLINE_MAP_REQUEST = "offline_map_request"
# The "Your data" page's template downloads (one per file: "template_download-sites.csv").
TEMPLATE_DOWNLOAD = "template_download"
# The "Your data" page's three file uploaders.
UPLOAD_SITES = "upload_sites"
UPLOAD_EVENTS = "upload_events"
UPLOAD_SOURCES = "upload_sources"
# The box holding the table of problems found in the uploaded files.
UPLOAD_PROBLEMS = "upload_problems"
# The Sources page's switch from the sources of what the filters show to every source.
SOURCES_SHOW_ALL = "sources_show_all"
# The Sources page's tabs: only the open one is made (see pages/sources.py).
SOURCES_TAB = "sources_tab"
# The box holding the notes: what loaded but changes what is shown (a file left out).
UPLOAD_NOTICES = "upload_notices"
# Whether the pages show this session's validated upload (which stationmap.app.session_files
# keeps). Never in the URL: a link cannot carry someone's files.
USE_UPLOADED_DATA = "use_uploaded_data"
# Set once this session has looked for the upload marker; set while the session should be told
# that its upload is gone; the box that tells it, and its button.
UPLOAD_MARKER_SEEN = "upload_marker_seen"
UPLOAD_LOST = "upload_lost"
UPLOAD_LOST_NOTICE = "upload_lost_notice"
UPLOAD_LOST_DISMISS = "upload_lost_dismiss"
# The buttons that switch to the uploaded data, back to the published data, or forget the upload.
USE_MY_DATA = "use_my_data"
SWITCH_TO_PUBLISHED = "switch_to_published"
FORGET_UPLOAD = "forget_upload"
# The container of the banner every page shows while uploaded data is in use.
UPLOAD_BANNER = "upload_banner"
# The box the sources page shows the data's changelog in.
CHANGELOG = "changelog"
# The timeline page's event-group filter, bound to the URL like the sidebar filters: its
# chosen groups as their displayed names (?group=Police+visits+and+investigations).
EVENT_GROUP = "group"
# The URL parameters that carry labels in the interface language (the bound multiselects and
# pills): a link carrying them must open in the language they were written in.
LABELLED_KEYS = (STATUS, COUNTRY, REGION, BUREAU, BASIS, EVENT_GROUP)
# The timeline page's two charts; a click on an event in either selects it.
TIMELINE_CHART = "timeline_chart"
LANE_CHART = "lane_chart"
# The box under the timeline's charts that shows the events clicked on them.
SELECTED_EVENTS = "selected_events"
# With too many events to list at once, the month whose events the list shows.
TIMELINE_MONTH = "timeline_month"
# The expander that lists every event by month, drawn only once opened (see pages/timeline.py).
TIMELINE_LIST = "timeline_list"

# --- the briefing page (pages/briefing.py; see stationmap.briefing.view) ----------------------

# Its URL parameters: /briefing?story=uk&slide=3, /briefing?present=1 (plus the shared filters),
# &print=1 (every slide of the story, one per printed page) and &contrast=high. Read and written
# through st.query_params, not bound widgets: a bound widget writes its displayed label into the
# URL, and a link must carry the story's id, which neither translation nor a retitling changes.
STORY = "story"
SLIDE = "slide"
PRESENT = "present"
PRINT = "print"
CONTRAST = "contrast"
# The map page's "Present this view" button.
PRESENT_VIEW = "present_view"
# The briefing's buttons. Next and Previous answer the arrow keys; Page Down and Page Up, which
# presentation clickers send, have a button each of their own (one shortcut per button), hidden.
BRIEFING_PREVIOUS = "briefing_previous"
BRIEFING_NEXT = "briefing_next"
BRIEFING_PAGE_UP = "briefing_page_up"
BRIEFING_PAGE_DOWN = "briefing_page_down"
# Escape leaves the slides for the list of stories (hidden, like Page Down and Page Up).
BRIEFING_EXIT = "briefing_exit"
BRIEFING_CONTRAST = "briefing_contrast"
BRIEFING_PRINT = "briefing_print"
BRIEFING_BACK = "briefing_back"
# "Start" on the list of stories, one per story: "briefing_start-uk".
BRIEFING_START = "briefing_start"
# Containers the briefing's style sheet addresses: the control bar, the hidden key buttons, the
# whole presentation, each slide ("briefing_slide-3"), and a slide's parts.
BRIEFING_BAR = "briefing_bar"
BRIEFING_KEYS = "briefing_keys"
BRIEFING_SHOW = "briefing_show"
# Set by a page whose run must have no footer under it; dashboard.py clears it before each page.
# A page that takes the whole screen (a slide): the footer would show at Streamlit's padding
# until the slide's style sheet hides it, and move as that sheet applies (a layout shift). A
# page that draws its main widget now and the rest in the run its reporter starts
# (stationmap.app.drawn_first.hold_rest): the footer would sit under the main widget until the
# rest came and pushed it down.
FOOTER_LEFT_OUT = "footer_left_out"
BRIEFING_SLIDE = "briefing_slide"
BRIEFING_TITLE = "briefing_title"
BRIEFING_FACTS = "briefing_facts"
BRIEFING_CAPTION = "briefing_caption"
BRIEFING_MAP = "briefing_map"
BRIEFING_TIMELINE = "briefing_timeline"
BRIEFING_SOURCES = "briefing_sources"
BRIEFING_PROBLEMS = "briefing_problems"
