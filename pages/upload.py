"""Your data: check your own sites, events and sources files, then see them on every page.

The files are validated by stationmap.app.upload with the same rules as the published data, and
the result lives in this browser session only (stationmap.app.session_files): in the server's
memory, never on its disk, never in a cache other sessions can read, and released when the
browser disconnects.
"""

import streamlit as st

from stationmap.app import chrome, data, session_files, ui_state, upload
from stationmap.i18n import N_, _, n_
from stationmap.record import schema

UPLOADERS = {
    schema.SITES_FILE: ui_state.UPLOAD_SITES,
    schema.EVENTS_FILE: ui_state.UPLOAD_EVENTS,
    schema.SOURCES_FILE: ui_state.UPLOAD_SOURCES,
}

# Each uploader's help; events and sources may be left out, and say what that changes (as the
# loader's notes do).
UPLOAD_HELP = {
    schema.SITES_FILE: N_("Same columns as the template {file}"),
    schema.EVENTS_FILE: N_(
        "Same columns as the template {file}. Optional: without it, every site is shown as "
        "alleged, undated, with no responses."
    ),
    schema.SOURCES_FILE: N_(
        "Same columns as the template {file}. Optional: without it, no source is shown or checked."
    ),
}


def show_problem_rows(problems, what_label: str) -> None:
    """Problems or notices as a table: file, row ("whole file" when it is not one row), what."""
    st.dataframe(
        upload.problems_table(problems),
        hide_index=True,
        width="stretch",
        column_config={
            "file": st.column_config.TextColumn(_("File")),
            "row": st.column_config.TextColumn(
                _("Row"), help=_("Line in the file; the header is line 1.")
            ),
            "column": st.column_config.TextColumn(_("Column")),
            "problem": st.column_config.TextColumn(what_label, width="large"),
        },
    )


def show_result(result: upload.UploadResult) -> None:
    """What loaded, every problem (file, row, column, what), and the sites not placed."""
    dataset = result.dataset
    sites, events, sources, problems = st.columns(4)
    sites.metric(_("Sites loaded"), len(dataset.sites))
    events.metric(_("Events loaded"), len(dataset.events))
    sources.metric(_("Sources loaded"), len(dataset.sources))
    problems.metric(_("Problems"), dataset.problem_count)
    if dataset.problems:
        st.warning(
            n_(
                "{n} problem. The rows concerned are left out and every other row is used. "
                "Fix them in your files and upload them again.",
                "{n} problems. The rows concerned are left out and every other row is used. "
                "Fix them in your files and upload them again.",
                dataset.problem_count,
            ).format(n=dataset.problem_count),
            icon=":material/warning:",
        )
        with st.container(key=ui_state.UPLOAD_PROBLEMS):
            show_problem_rows(dataset.problems, _("What is wrong"))
    else:
        st.success(_("No problems found: every row loaded."), icon=":material/check_circle:")
    if dataset.notices:
        st.info(
            n_(
                "{n} note: nothing is left out for it, but it changes what is shown.",
                "{n} notes: nothing is left out for them, but they change what is shown.",
                len(dataset.notices),
            ).format(n=len(dataset.notices)),
            icon=":material/info:",
        )
        with st.container(key=ui_state.UPLOAD_NOTICES):
            show_problem_rows(dataset.notices, _("Note"))
    if result.placed:
        with st.expander(
            n_(
                "{n} site without coordinates was placed with the offline gazetteer",
                "{n} sites without coordinates were placed with the offline gazetteer",
                len(result.placed),
            ).format(n=len(result.placed))
        ):
            st.code("\n".join(result.placed), language=None, wrap_lines=True)
    if result.unplaced:
        st.warning(
            n_(
                "{n} site could not be placed on the map. It stays in the tables; give its "
                "latitude and longitude, or a city the gazetteer knows, to map it.",
                "{n} sites could not be placed on the map. They stay in the tables; give their "
                "latitude and longitude, or a city the gazetteer knows, to map them.",
                len(result.unplaced),
            ).format(n=len(result.unplaced)),
            icon=":material/wrong_location:",
        )
        st.dataframe(
            upload.unplaced_table(result),
            hide_index=True,
            width="stretch",
            column_config={
                "site_id": st.column_config.TextColumn(_("Site")),
                "reason": st.column_config.TextColumn(_("Why not"), width="large"),
            },
        )


dataset, site_view, filtered, state = chrome.page_data()

st.title(_("Your data"))
st.markdown(
    _(
        "Check your own list of sites, events and sources with the same rules as the published "
        "data, then see it on the map, the timeline and every other page. **Your files stay in "
        "this browser session**: the server keeps them in memory, never writes them to disk and "
        "never shows them to anyone else, and they are gone when you close this tab."
    )
)
st.caption(
    _(
        "CSV files only, UTF-8, up to {size} bytes ({mb} MB) each. Working in Excel or another "
        "spreadsheet? Save each sheet as CSV (UTF-8); spreadsheet files such as .xlsx are not "
        "read."
    ).format(size=f"{upload.MAX_UPLOAD_BYTES:,}", mb=upload.WIDGET_LIMIT_MB)
)
st.caption(
    _(
        "A download made while your data is shown (a table or the offline map) comes from a "
        "plain address on this server: anyone who is given that address can fetch the file "
        "while this tab is connected, without your session. Share the file, not the link. When "
        "the tab closes or loses its connection, the server forgets your files and their "
        "downloads, and you upload them again."
    )
)

st.subheader(_("1. Start from the templates"))
template_columns = st.columns(len(schema.DATA_FILES))
for column, file in zip(template_columns, schema.DATA_FILES, strict=True):
    column.download_button(
        _("Template: {file}").format(file=file),
        data=upload.template_csv(file),
        file_name=file,
        mime="text/csv",
        key=f"{ui_state.TEMPLATE_DOWNLOAD}-{file}",
        icon=":material/download:",
        on_click="ignore",
    )
with st.expander(_("What each column means")):
    for file in schema.DATA_FILES:
        st.markdown(f"**{file}**")
        st.dataframe(
            upload.column_guide(file),
            hide_index=True,
            width="stretch",
            column_config={
                "column": st.column_config.TextColumn(_("Column")),
                "required": st.column_config.CheckboxColumn(_("Required")),
                "meaning": st.column_config.TextColumn(_("Meaning"), width="large"),
            },
        )
    st.caption(
        _(
            "Statuses are never typed: they are derived from events (see Sources, Method). Sites "
            "without coordinates are placed at their city, or their country's capital, with the "
            "offline gazetteer. Name public bodies, officials and public court cases only; never "
            "a private person, and no street address of a private business."
        )
    )

st.subheader(_("2. Upload your files"))
uploader_columns = st.columns(len(UPLOADERS))
for column, (file, key) in zip(uploader_columns, UPLOADERS.items(), strict=True):
    column.file_uploader(
        file,
        type=list(upload.ACCEPTED_EXTENSIONS),
        key=key,
        max_upload_size=upload.WIDGET_LIMIT_MB,
        help=_(UPLOAD_HELP[file]).format(file=file),
    )
files = {file: st.session_state.get(key) for file, key in UPLOADERS.items()}

st.subheader(_("3. Check what loaded"))
result = None
if any(files.values()):
    signature = upload.upload_signature(files)
    result = session_files.checked_upload(signature)
    if result is None:
        try:
            result = upload.dataset_from_uploads(upload.read_uploaded_files(files))
        except Exception as error:  # noqa: BLE001 -- a person gets a message, never a traceback
            st.error(
                _(
                    "These files could not be read ({error}). Save them as CSV (UTF-8) with the "
                    "template's columns and upload them again."
                ).format(error=type(error).__name__),
                icon=":material/error:",
            )
        else:
            session_files.keep_checked_upload(signature, result)
    if result is not None:
        show_result(result)
elif (stored := data.uploaded_data()) is not None:
    # Plain text, not Markdown: file names are whatever the person's computer called them.
    st.text(
        _("Your files from earlier in this session: {names}").format(
            names=", ".join(stored.names.values()) or "—"
        )
    )
    show_result(stored)
else:
    st.info(
        _(
            "Upload your sites.csv, events.csv and sources.csv above to check them. sites.csv "
            "alone is enough to map your sites."
        ),
        icon=":material/upload_file:",
    )

st.subheader(_("4. Show it on every page"))
stored = data.uploaded_data()
if result is not None:
    usable = len(result.dataset.sites) > 0
    st.button(
        _("Show my data on the map, timeline and every page"),
        key=ui_state.USE_MY_DATA,
        type="primary",
        on_click=data.use_checked_upload,
        disabled=not usable,
        icon=":material/visibility:",
        help=None if usable else _("No site loaded: fix the problems listed above first."),
    )
elif stored is not None:
    if not data.using_uploaded_data():
        st.button(
            _("Show my earlier files again"),
            key=ui_state.USE_MY_DATA,
            on_click=data.use_uploaded_data,
            icon=":material/visibility:",
        )
    st.button(
        _("Forget my files"),
        key=ui_state.FORGET_UPLOAD,
        on_click=data.forget_uploaded_data,
        icon=":material/delete:",
        help=_("Removes your files from this session and shows the published dataset."),
    )
else:
    st.caption(_("Nothing uploaded is in use: every page shows the published dataset."))
if data.using_uploaded_data():
    st.success(
        _(
            "Every page now shows your uploaded data, in this browser session only. The banner at "
            "the top of each page switches back to the published dataset."
        ),
        icon=":material/visibility:",
    )
