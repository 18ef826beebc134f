"""Streamlit-only code: sidebar and filters, session state, uploads, language, footer."""
