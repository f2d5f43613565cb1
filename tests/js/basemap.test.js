// The base map's styles (src/assetmap/render/js/basemap.js), run by `node --test tests/js/`.
"use strict";

const assert = require("node:assert/strict");
const {describe, test} = require("node:test");
const {STYLES, basemapRules, byZoom} = require("../../src/assetmap/render/js/basemap.js");

// Stand-ins for protomaps-leaflet's symbolizer classes: they keep what they are given.
function Symbolizer(options) {
  this.options = options;
}
const P = {
  PolygonSymbolizer: Symbolizer,
  LineSymbolizer: Symbolizer,
  CenteredTextSymbolizer: Symbolizer,
  LineLabelSymbolizer: Symbolizer,
};
const LAYERS = ["water", "green", "buildings", "railways", "roads", "places"];
const feature = (kind, name = "") => ({props: {kind, name}});

describe("byZoom", () => {
  test("is flat outside its stops and linear between them", () => {
    const width = byZoom([[12, 1], [16, 9]]);
    assert.equal(width(10), 1);
    assert.equal(width(14), 5);
    assert.equal(width(18), 9);
    assert.equal(byZoom([[12, 1], [16, 9]], 2)(14), 10);
  });
});

describe("basemapRules", () => {
  test("draws every layer of the archive", () => {
    const {paintRules, labelRules} = basemapRules(P, "light");
    const drawn = new Set([...paintRules, ...labelRules].map((rule) => rule.dataLayer));
    assert.deepEqual([...drawn].sort(), [...LAYERS].sort());
  });

  test("draws each road kind once, over its casing", () => {
    const {paintRules} = basemapRules(P, "light");
    for (const kind of ["major", "medium", "minor", "pedestrian", "path"]) {
      const rules = paintRules.filter(
        (rule) => rule.dataLayer === "roads" && rule.filter(15, feature(kind)),
      );
      assert.equal(rules.length, kind === "path" ? 1 : 2, kind);
    }
  });

  test("labels named streets but not paths", () => {
    const {labelRules} = basemapRules(P, "light");
    const streets = labelRules.find((rule) => rule.dataLayer === "roads");
    assert.equal(streets.filter(15, feature("minor", "Kaisaniemenkatu")), true);
    assert.equal(streets.filter(15, feature("minor")), false);
    assert.equal(streets.filter(15, feature("path", "Rantapolku")), false);
  });

  test("high contrast is darker and larger than the light style", () => {
    const light = basemapRules(P, "light");
    const contrast = basemapRules(P, "contrast");
    assert.equal(contrast.backgroundColor, STYLES.contrast.background);
    const major = (rules) =>
      rules.paintRules.filter((r) => r.dataLayer === "roads" && r.filter(15, feature("major")));
    assert.ok(major(contrast)[1].symbolizer.options.width(15) > major(light)[1].symbolizer.options.width(15));
    assert.equal(major(contrast)[0].symbolizer.options.color, "#000000");
    assert.deepEqual(basemapRules(P, "unknown").backgroundColor, STYLES.light.background);
  });
});
