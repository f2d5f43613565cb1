// An open map's watch for new data (web/live_watch.py). One request at a time asks the app's
// data-version route, which answers only when the data change (api/data_version.py); the
// answer reruns the map's fragment, which draws the change. While nothing changes, the page
// receives nothing.
//
// A browser keeps six connections to a host (HTTP/1.1), and each waiting request holds one:
// so one tab asks for all the browser's tabs (the holder of a Web Lock) and tells the others
// (a BroadcastChannel); when it closes, another takes over. Where there are no Web Locks (a
// page over plain http from another machine), each tab asks for itself.
const RETRY_MS = 1000;
const LONGEST_RETRY_MS = 30000;

// Kept on the page, not in this module: Streamlit may load the module more than once.
const state = (globalThis.assetmapLiveWatch ??= {sources: new Map(), watches: new WeakMap()});

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

// What this page hears of the data version at `url`: the newest version (null until one is
// heard) and who listens. The first watch starts the asking, from its own `version`.
function source(url, version) {
  const found = state.sources.get(url);
  if (found) return found;
  const heard = {latest: null, listeners: new Set(), channel: null};
  state.sources.set(url, heard);
  const hear = (newer) => {
    if (heard.latest !== null && newer <= heard.latest) return;
    heard.latest = newer;
    for (const listener of [...heard.listeners]) listener(newer);
  };
  const ask = async () => {
    let since = heard.latest ?? version;
    for (;;) {
      const newer = await waitForChange(url, since, new AbortController().signal);
      if (heard.channel) heard.channel.postMessage(newer);
      hear(newer);
      since = newer;
    }
  };
  const name = `assetmap data version ${url}`;
  if (typeof BroadcastChannel !== "undefined" && navigator.locks) {
    heard.channel = new BroadcastChannel(name);
    heard.channel.onmessage = (event) => hear(event.data);
    navigator.locks.request(name, ask);
  } else {
    ask();
  }
  return heard;
}

function stop(element) {
  const watch = state.watches.get(element);
  if (watch) watch.heard.listeners.delete(watch.listener);
  state.watches.delete(element);
}

// Streamlit calls this on every run that draws the watch: a watch still waiting on the same
// version goes on; a new version starts a new one. A newer version reruns the fragment, once.
export default function (component) {
  const {data, parentElement, setTriggerValue} = component;
  const running = state.watches.get(parentElement);
  if (running && running.url === data.url && running.version === data.version && !running.done) {
    return () => stop(parentElement);
  }
  stop(parentElement);
  const heard = source(data.url, data.version);
  const watch = {url: data.url, version: data.version, done: false, heard: heard};
  watch.listener = (newer) => {
    if (watch.done || newer <= watch.version) return;
    watch.done = true;
    heard.listeners.delete(watch.listener);
    setTriggerValue("changed", newer);
  };
  heard.listeners.add(watch.listener);
  state.watches.set(parentElement, watch);
  if (heard.latest !== null) watch.listener(heard.latest);
  return () => stop(parentElement);
}
