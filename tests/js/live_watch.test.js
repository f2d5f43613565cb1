// An open map's watch for new data (src/assetmap/web/live_watch.js), run by `node --test tests/js/`.
"use strict";

const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");
const {test} = require("node:test");

const SOURCE = path.join(__dirname, "../../src/assetmap/web/live_watch.js");
const load = () => import(`data:text/javascript,${encodeURIComponent(fs.readFileSync(SOURCE, "utf8"))}`);

// A stand-in for the data-version route: answers in turn, and keeps what it was asked.
function route(...answers) {
  const asked = [];
  const fetchFn = async (url) => {
    asked.push(url);
    const answer = answers.shift();
    if (answer instanceof Error) throw answer;
    return {status: answer.status, json: async () => answer.body};
  };
  return {asked, fetchFn};
}

test("asks again while nothing changes, and gives the new version when it does", async () => {
  const {waitForChange} = await load();
  const {asked, fetchFn} = route({status: 204}, {status: 204}, {status: 200, body: {version: 8}});
  const version = await waitForChange("/atlas/data-version", 7, new AbortController().signal, fetchFn);
  assert.equal(version, 8);
  assert.deepEqual(asked, Array(3).fill("/atlas/data-version?since=7"));
});

test("a failed request is tried again after a pause, and a stopped watch gives nothing", async () => {
  const {waitForChange} = await load();
  const {asked, fetchFn} = route(new Error("offline"), {status: 503}, {status: 200, body: {version: 3}});
  const started = Date.now();
  assert.equal(await waitForChange("/data-version", 2, new AbortController().signal, fetchFn), 3);
  assert.equal(asked.length, 3);
  assert.ok(Date.now() - started >= 2900, "one second, then two");

  const stopped = new AbortController();
  const waiting = route(new Error("offline"));
  const watched = waitForChange("/data-version", 2, stopped.signal, waiting.fetchFn);
  stopped.abort();
  assert.equal(await watched, null);
});
