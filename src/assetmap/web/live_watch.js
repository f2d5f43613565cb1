// An open map's watch for new data (web/live_watch.py). One request at a time asks the app's
// data-version route, which answers only when the data change (api/data_version.py); the
// answer reruns the map's fragment, which draws the change. While nothing changes, the page
// receives nothing.
const RETRY_MS = 1000;
const LONGEST_RETRY_MS = 30000;

const watches = new WeakMap();

function pause(ms, signal) {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => {
      clearTimeout(timer);
      resolve();
    }, {once: true});
  });
}

// The data version once it is no longer `version`, or null when `signal` stops the watch.
// A request that fails (the server restarting, the network gone) is tried again, later each
// time.
export async function waitForChange(url, version, signal, fetchFn = fetch) {
  let wait = RETRY_MS;
  while (!signal.aborted) {
    try {
      const response = await fetchFn(`${url}?since=${encodeURIComponent(version)}`, {
        signal, cache: "no-store", credentials: "same-origin",
      });
      if (response.status === 200) return (await response.json()).version;
      if (response.status !== 204) throw new Error(`data version: ${response.status}`);
      wait = RETRY_MS;
    } catch (error) {
      if (signal.aborted) break;
      await pause(wait, signal);
      wait = Math.min(wait * 2, LONGEST_RETRY_MS);
    }
  }
  return null;
}

function stop(element) {
  const watch = watches.get(element);
  if (watch) watch.controller.abort();
  watches.delete(element);
}

// Streamlit calls this on every run that draws the watch: a watch already waiting on the same
// version goes on; a new version starts a new one.
export default function (component) {
  const {data, parentElement, setTriggerValue} = component;
  const running = watches.get(parentElement);
  const same = running && running.url === data.url && running.version === data.version;
  if (!same || running.done) {
    if (running) running.controller.abort();
    const watch = {url: data.url, version: data.version, controller: new AbortController()};
    watches.set(parentElement, watch);
    waitForChange(watch.url, watch.version, watch.controller.signal).then((version) => {
      watch.done = true;
      if (version !== null && !watch.controller.signal.aborted) setTriggerValue("changed", version);
    });
  }
  return () => stop(parentElement);
}
