// The map's pure parts (src/assetmap/render/js/map_data.js), run by `node --test tests/js/`.
"use strict";

const assert = require("node:assert/strict");
const {describe, test} = require("node:test");
const fs = require("node:fs");
const path = require("node:path");
const {AssetRows, Cells, isWebsite, nearest, openRowText, parsePayload} = require(
  "../../src/assetmap/render/js/map_data.js");

const LABELS = {kind: "Kind", category: "Category", area: "Area", website: "Website"};
const KINDS = ["person", "association", "place", "institution"];

// Columns as mapping.assets_to_map_data makes them; `extra` for details and websites.
function payload(names, extra = {}) {
  return {
    scale: 1000000,
    base: [24.9, 60.1],
    x: names.map((_, i) => 40000 + i),
    y: names.map((_, i) => 70000 + 2 * i),
    kinds: KINDS,
    kl: ["Person", "Association", "Place", "Institution"],
    k: names.map((_, i) => i % 4),
    cl: ["Park", "Library"],
    c: names.map((_, i) => i % 2),
    al: ["Kluuvi", ""],
    a: names.map((_, i) => i % 2),
    n: names,
    labels: LABELS,
    ...extra,
  };
}

function changes(names, keys, hidden) {
  return {hidden: hidden, rows: names.length ? {...payload(names), keys: keys} : null};
}

describe("decoding the payload", () => {
  const rows = new AssetRows(payload(["Park bench", "<img src=x>", "Choir", "Hall"], {
    d: [[["Sector", "Public"]], [], [], []],
    w: ["https://example.org/", "", "", ""],
  }));

  test("coordinates are steps of 1e-6 degrees from the south-west corner", () => {
    const [lat, lng] = rows.latLng(1);
    assert.ok(Math.abs(lat - 60.170002) < 1e-9 && Math.abs(lng - 24.940001) < 1e-9);
  });

  test("kinds, categories and areas are indexes into label lists", () => {
    assert.equal(rows.name(1), "<img src=x>");
    assert.equal(rows.kind(2), 2);
    assert.equal(rows.kindName(3), "institution");
    assert.equal(rows.count, 4);
    assert.equal(rows.shownCount(), 4);
  });

  test("a popup has kind, category, the area when there is one, then the details", () => {
    assert.deepEqual(rows.popup(0), {
      title: "Park bench",
      rows: [["Kind", "Person"], ["Category", "Park"], ["Area", "Kluuvi"], ["Sector", "Public"]],
      website: "https://example.org/",
      websiteLabel: "Website",
      photo: "",
      photoLabel: "",
    });
    assert.deepEqual(rows.popup(1).rows, [["Kind", "Association"], ["Category", "Library"]]);
    assert.equal(rows.popup(1).website, "");
  });

  test("a payload without details gives name, kind, category and area only", () => {
    const summary = new AssetRows(payload(["One"]));
    assert.deepEqual(summary.popup(0).rows,
                     [["Kind", "Person"], ["Category", "Park"], ["Area", "Kluuvi"]]);
    assert.equal(summary.popup(0).website, "");
  });
});

describe("the binary payload", () => {
  // map_payload.MapRows.binary's bytes for tests/test_mapping.py's binary_frame, in its order.
  function fixture() {
    const file = fs.readFileSync(path.join(__dirname, "fixtures", "payload.bin"));
    return file.buffer.slice(file.byteOffset, file.byteOffset + file.byteLength);
  }
  const XSS = "<img src=x onerror=alert(1)></script><script>alert(2)</script> {{ 7*1913 }} ${x}";

  test("names come back as text, whatever their characters", () => {
    const rows = new AssetRows(parsePayload(fixture()));
    assert.equal(rows.count, 4);
    assert.deepEqual([0, 1, 2, 3].map((i) => rows.name(i)),
                     ["Choir", XSS, "", "Töölö 🌳 walkers"]);
  });

  test("coordinates are summed back from row-to-row differences", () => {
    const rows = new AssetRows(parsePayload(fixture()));
    const expected = [[60.1599, 24.9799], [60.1702, 24.9401], [60.17, 24.95], [60.1801, 24.9213]];
    expected.forEach(([lat, lng], i) => {
      const [gotLat, gotLng] = rows.latLng(i);
      assert.ok(Math.abs(gotLat - lat) < 1e-9 && Math.abs(gotLng - lng) < 1e-9, `row ${i}`);
    });
  });

  test("kinds, categories, areas and photos are read as in the JSON payload", () => {
    const rows = new AssetRows(parsePayload(fixture()));
    assert.deepEqual([0, 1, 2, 3].map((i) => rows.kindName(i)),
                     ["association", "place", "place", "person"]);
    assert.deepEqual(rows.popup(1).rows,
                     [["Kind", "Place"], ["Category", "Park"], ["Area", "Kluuvi"]]);
    assert.deepEqual(rows.popup(2).rows, [["Kind", "Place"], ["Category", "Playground"],
                                          ["Area", "Kluuvi"]]);
    assert.equal(rows.popup(3).photo, "0123456789abcdef0123456789abcdef");
    assert.equal(rows.popup(0).photo, "");
  });

  test("anything but a whole payload is refused", () => {
    const whole = fixture();
    assert.throws(() => parsePayload(new TextEncoder().encode("{\"n\": []}").buffer),
                  /not a map payload/);
    assert.throws(() => parsePayload(whole.slice(0, whole.byteLength - 3)));
  });
});

describe("the sprites a crowded drawing leaves out", () => {
  test("one sprite per kind and square; another kind or square is drawn", () => {
    const cells = new Cells(30, 20, 3, 9);
    assert.equal(cells.take(10, 10, 2), true);
    assert.equal(cells.take(11, 11, 2), false);  // same square, same kind: under the first
    assert.equal(cells.take(11, 11, 0), true);   // another kind keeps its colour
    assert.equal(cells.take(13, 10, 2), true);   // the next square
  });

  test("points apart by a square or more are all drawn, edges and padding included", () => {
    const cells = new Cells(30, 20, 3, 9);
    const points = [];
    for (let x = -9; x <= 39; x += 3) for (let y = -9; y <= 29; y += 3) points.push([x, y]);
    assert.ok(points.every(([x, y]) => cells.take(x, y, 1)));
  });
});

describe("the bookkeeping of changed assets", () => {
  test("changed rows are hidden among the payload's and shown again after it", () => {
    const rows = new AssetRows(payload(["a", "b", "c"]));
    assert.equal(rows.apply(changes(["b again", "new"], ["b:2", "n:1"], [1])), null);
    assert.equal(rows.count, 5);
    assert.equal(rows.shownCount(), 4);
    assert.deepEqual([0, 1, 2, 3, 4].map((i) => rows.shown(i)), [true, false, true, true, true]);
    assert.equal(rows.name(3), "b again");
    assert.deepEqual(rows.locate(4), [rows.changes, 1]);
  });

  test("a change that only adds assets draws only the new ones", () => {
    const rows = new AssetRows(payload(["a", "b"]));
    assert.deepEqual(rows.apply(changes(["x"], ["x:1"], [])), [2]);
    assert.deepEqual(rows.apply(changes(["w", "x"], ["w:1", "x:1"], [])), [2]);
    assert.deepEqual(rows.apply(changes(["w", "x"], ["w:1", "x:1"], [])), []);
  });

  test("a change that hides rows or drops a change draws everything again", () => {
    const rows = new AssetRows(payload(["a", "b"]));
    rows.apply(changes(["x"], ["x:1"], []));
    assert.equal(rows.apply(changes(["x"], ["x:1"], [0])), null);
    assert.equal(rows.shownCount(), 2);
    assert.equal(rows.apply(changes(["y"], ["x:2"], [0])), null);
    assert.equal(rows.apply(changes([], [], [])), null);
    assert.equal(rows.count, 2);
    assert.equal(rows.changes, null);
    assert.ok(rows.shown(0) && rows.shown(1));
  });

  test("changes with no rows leave the payload as it is", () => {
    const rows = new AssetRows(payload(["a"]));
    assert.deepEqual(rows.apply({hidden: [], rows: null}), []);
    assert.equal(rows.count, 1);
  });
});

describe("the website check", () => {
  test("web addresses become links", () => {
    for (const url of ["https://example.org", "http://example.org/x?y=1", "HTTPS://EXAMPLE.ORG"]) {
      assert.ok(isWebsite(url), url);
    }
  });

  test("anything else stays text", () => {
    const refused = ["javascript:alert(1)", "JavaScript://%0aalert(1)", "data:text/html,x",
                     "//example.org", " https://example.org", "example.org", "ftp://x", "",
                     "https:example.org"];
    for (const url of refused) assert.ok(!isWebsite(url), url);
  });

  test("a popup names an approved photo by its id, and nothing else as one", () => {
    const id = "0123456789abcdef0123456789abcdef";
    const rows = new AssetRows(payload(["a", "b", "c"], {
      p: [id, "", "../../auth/session?x="], labels: {...LABELS, photo: "Photo"}}));
    assert.deepEqual([rows.popup(0).photo, rows.popup(0).photoLabel], [id, "Photo"]);
    assert.equal(rows.popup(1).photo, "");
    assert.equal(rows.popup(2).photo, "");
  });

  test("a popup leaves a script address out", () => {
    const rows = new AssetRows(payload(["a"], {d: [[]], w: ["javascript:alert(3)"]}));
    assert.equal(rows.popup(0).website, "");
  });
});

describe("the hit-testing", () => {
  const screen = new Float32Array([10, 10, 14, 10, 100, 100]);
  const all = () => true;

  test("the nearest asset within reach", () => {
    assert.equal(nearest(screen, 3, {x: 11, y: 10}, 9, all), 0);
    assert.equal(nearest(screen, 3, {x: 13, y: 11}, 9, all), 1);
    assert.equal(nearest(screen, 3, {x: 100, y: 108}, 9, all), 2);
  });

  test("none when every asset is out of reach", () => {
    assert.equal(nearest(screen, 3, {x: 100, y: 110}, 9, all), -1);
    assert.equal(nearest(screen, 0, {x: 10, y: 10}, 9, all), -1);
  });

  test("of two as near, the one drawn last", () => {
    assert.equal(nearest(screen, 3, {x: 12, y: 10}, 9, all), 1);
  });

  test("hidden assets are passed over", () => {
    assert.equal(nearest(screen, 3, {x: 13, y: 10}, 9, (i) => i !== 1), 0);
    assert.equal(nearest(screen, 3, {x: 100, y: 100}, 9, (i) => i !== 2), -1);
  });

  test("only the first `count` points are looked at", () => {
    assert.equal(nearest(screen, 2, {x: 100, y: 100}, 9, all), -1);
  });
});

describe("openRowText", () => {
  test("an open popup's row is reported as its number, none otherwise", () => {
    assert.equal(openRowText(0), "0");
    assert.equal(openRowText(41), "41");
    assert.equal(openRowText(-1), "none");
    assert.equal(openRowText(undefined), "none");
    assert.equal(openRowText(1.5), "none");
  });
});
