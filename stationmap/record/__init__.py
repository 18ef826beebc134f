"""The domain: schema, loading, status on a date, filters, site views. No Streamlit."""
