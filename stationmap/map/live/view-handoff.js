// One run's view for the live map, evaluated by streamlit-folium (see folium_bridge.view_layer).
(function (view) {
    if (window.smApplyView) { window.smApplyView(view); } else { window.smPendingView = view; }
})
