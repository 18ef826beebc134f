// Whether Streamlit is idle and nothing has moved or run for args.quietMs (page_watch.js):
// the end of a load, for its Cumulative Layout Shift. Returns true or false.
(args) => {
  const app = document.querySelector('[data-testid="stApp"]');
  const idle = app !== null && app.getAttribute('data-test-script-state') === 'notRunning';
  return idle && performance.now() - (window.__smLastChange || 0) >= args.quietMs;
}
