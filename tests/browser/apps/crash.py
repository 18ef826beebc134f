"""A page that raises, run from the repository root so .streamlit/config.toml applies: what a
visitor sees when any page of the dashboard crashes (tests/browser/test_public_server.py)."""

import streamlit as st

st.title("A page about to fail")
server_path = "/srv/secret/path/settings.py"
raise RuntimeError(f"internal detail {server_path}")
