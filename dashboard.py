"""Entry point: `streamlit run dashboard.py`."""

import streamlit as st

from stationmap import config
from stationmap.loader import load_dataset
from stationmap.summary import summarize

st.set_page_config(page_title="stationmap", layout="wide")
dataset = load_dataset(config.data_dir())
summary = summarize(dataset)
st.title("Alleged overseas police service stations")
st.metric("Sites", summary["sites"])
st.metric("Countries", summary["countries"])
for problem in dataset.problems:
    st.warning(str(problem))
