// A reader who has opened the filters before. The app starts with its sidebar (the filters)
// closed (stationmap/app/render_order.py, sidebar_state); once a reader opens it, Streamlit
// keeps that in localStorage under "stSidebarCollapsed-<app>" and opens it on every later
// load. Tests and bench steps that use the filters start as that reader: this init script
// answers "not collapsed" for that key until the page stores a choice of its own.
(() => {
  const PREFIX = "stSidebarCollapsed-";
  const getItem = Storage.prototype.getItem;
  Storage.prototype.getItem = function (key) {
    const stored = getItem.call(this, key);
    if (stored === null && typeof key === "string" && key.startsWith(PREFIX)) {
      return "false";
    }
    return stored;
  };
})();
