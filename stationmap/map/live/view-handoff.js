// A view for the live map (mapbuilder.live_view), as streamlit-folium evaluates it: the script
// of feature_group_to_add (see bridge.js and folium_bridge.py). Python appends the view as
// this function's argument. It must stand alone: it can run before the map's own script has
// set up the map.
(function (view) {
    if (window.smApplyView) { window.smApplyView(view); } else { window.smPendingView = view; }
})
