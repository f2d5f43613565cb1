// The built-in base map's styles, drawn by protomaps-leaflet (vendored, window.protomapsL)
// from the vector tiles the app serves itself (api/tiles.py; layers and kinds as
// io/basemap.py writes them). "light" is quiet under the assets, so their colours stand out;
// "contrast" is for a projector at a meeting. The rules are built from plain data by
// basemapRules, with the renderer's symbolizer classes passed in, so node --test checks them
// without a browser (tests/js/basemap.test.js).
(function (root) {
  "use strict";

  const STYLES = {
    light: {
      background: "#f3f2ee",
      water: "#c9dde8",
      waterLine: "#a9c7d8",
      green: "#dfe9d6",
      wood: "#d3e2c8",
      building: "#e4e0d8",
      buildingLine: "#d3cec4",
      casing: "#d8d4cb",
      major: "#ffffff",
      minor: "#ffffff",
      path: "#cfcac0",
      railway: "#b3aea5",
      label: "#77736b",
      placeLabel: "#5d5a53",
      halo: "#ffffff",
      scale: 1,
    },
    contrast: {
      background: "#ffffff",
      water: "#8fc1e3",
      waterLine: "#3d85c6",
      green: "#c5e1b5",
      wood: "#a9d18e",
      building: "#c9c9c9",
      buildingLine: "#8a8a8a",
      casing: "#000000",
      major: "#fff2a8",
      minor: "#ffffff",
      path: "#555555",
      railway: "#222222",
      label: "#000000",
      placeLabel: "#000000",
      halo: "#ffffff",
      scale: 1.4,
    },
  };

  // A width or size that grows with the zoom: linear between [zoom, value] stops, flat
  // outside them.
  function byZoom(stops, scale = 1) {
    return function (z) {
      if (z <= stops[0][0]) return stops[0][1] * scale;
      for (let i = 1; i < stops.length; i++) {
        const [z1, v1] = stops[i];
        if (z <= z1) {
          const [z0, v0] = stops[i - 1];
          return (v0 + ((v1 - v0) * (z - z0)) / (z1 - z0)) * scale;
        }
      }
      return stops[stops.length - 1][1] * scale;
    };
  }

  function kindIs(...kinds) {
    return (z, feature) => kinds.includes(feature.props.kind);
  }

  const ROAD_WIDTHS = {
    major: [[11, 1], [14, 4], [17, 14]],
    medium: [[12, 0.8], [14, 3], [17, 11]],
    minor: [[13, 0.6], [15, 2.5], [17, 8]],
    pedestrian: [[13, 0.6], [15, 2.5], [17, 8]],
  };

  // {paintRules, labelRules, backgroundColor} for protomaps-leaflet, in style `name`.
  // `P` holds the renderer's symbolizer classes (window.protomapsL in the browser).
  function basemapRules(P, name) {
    const s = STYLES[name] || STYLES.light;
    const k = s.scale;
    const roads = Object.keys(ROAD_WIDTHS);
    const paintRules = [
      {dataLayer: "water", symbolizer: new P.PolygonSymbolizer({fill: s.water})},
      {
        dataLayer: "water",
        filter: kindIs("river", "stream", "canal", "drain", "ditch"),
        symbolizer: new P.LineSymbolizer({color: s.waterLine, width: byZoom([[13, 0.5], [17, 3]], k)}),
      },
      {dataLayer: "green", filter: kindIs("wood"), symbolizer: new P.PolygonSymbolizer({fill: s.wood})},
      {
        dataLayer: "green",
        filter: (z, f) => f.props.kind !== "wood",
        symbolizer: new P.PolygonSymbolizer({fill: s.green}),
      },
      {
        dataLayer: "buildings",
        symbolizer: new P.PolygonSymbolizer({fill: s.building, stroke: s.buildingLine, width: 0.5}),
      },
      {
        dataLayer: "roads",
        filter: kindIs("path"),
        minzoom: 14,
        symbolizer: new P.LineSymbolizer({color: s.path, width: byZoom([[14, 0.6], [17, 1.6]], k), dash: [3, 2]}),
      },
      {
        dataLayer: "railways",
        symbolizer: new P.LineSymbolizer({color: s.railway, width: byZoom([[12, 0.6], [17, 2]], k)}),
      },
      ...roads.map((kind) => ({
        dataLayer: "roads",
        filter: kindIs(kind),
        symbolizer: new P.LineSymbolizer({
          color: s.casing,
          width: byZoom(ROAD_WIDTHS[kind].map(([z, w]) => [z, w + 1.5]), k),
        }),
      })),
      ...roads.map((kind) => ({
        dataLayer: "roads",
        filter: kindIs(kind),
        symbolizer: new P.LineSymbolizer({
          color: kind === "major" ? s.major : s.minor,
          width: byZoom(ROAD_WIDTHS[kind], k),
        }),
      })),
    ];
    const text = {fill: s.label, stroke: s.halo, width: 2.5};
    const labelRules = [
      {
        dataLayer: "places",
        symbolizer: new P.CenteredTextSymbolizer({
          ...text,
          fill: s.placeLabel,
          width: 3,
          font: `600 ${Math.round(13 * k)}px sans-serif`,
        }),
      },
      {
        dataLayer: "roads",
        minzoom: 14,
        filter: (z, f) => f.props.kind !== "path" && Boolean(f.props.name),
        symbolizer: new P.LineLabelSymbolizer({...text, font: `500 ${Math.round(11 * k)}px sans-serif`}),
      },
      {
        dataLayer: "green",
        minzoom: 15,
        filter: (z, f) => Boolean(f.props.name),
        symbolizer: new P.CenteredTextSymbolizer({
          ...text,
          fill: name === "contrast" ? "#274e13" : "#6f8a63",
          font: `italic ${Math.round(11 * k)}px sans-serif`,
        }),
      },
    ];
    return {paintRules, labelRules, backgroundColor: s.background};
  }

  // Draws the base map under `map`'s other layers. options: url ({z}/{x}/{y} template),
  // style ("light" or "contrast"), attribution (our own HTML), maxDataZoom.
  function addBasemap(map, options) {
    const P = root.protomapsL;
    if (!P) return;
    const rules = basemapRules(P, options.style);
    const layer = P.leafletLayer({
      url: options.url,
      maxDataZoom: options.maxDataZoom,
      attribution: options.attribution,
      maxZoom: 19,
      ...rules,
    });
    layer.addTo(map);
    layer.bringToBack();
    root.assetmap.basemap = layer;
  }

  const api = {STYLES, basemapRules, byZoom};
  if (typeof module !== "undefined" && module.exports) module.exports = api;
  else root.assetmap = Object.assign(root.assetmap || {}, api, {addBasemap});
})(typeof window !== "undefined" ? window : globalThis);
