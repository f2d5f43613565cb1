// The map's drawing on Leaflet: every asset on one canvas, area outlines or a choropleth, the
// links between assets, a covered zone. Each map's own script (mapping.py) only calls these
// functions with its data as JSON, so no user text is ever code or template. User text reaches
// the page through textContent, never as HTML. Needs Leaflet and map_data.js first.
(function (assetmap) {
  "use strict";

  const RADIUS = 7;
  // Pixels: of the assets of one kind within a square this wide, one sprite is drawn (Cells).
  const CELL = 3;

  function textElement(tag, text) {
    const element = document.createElement(tag);
    element.textContent = text;
    return element;
  }

  // `photoUrl` is the app's own address of an approved photo, "{id}" standing for its id.
  function popupContent(popup, photoUrl) {
    const root = document.createElement("div");
    root.className = "assetmap-popup";
    root.appendChild(textElement("strong", popup.title));
    if (popup.photo && photoUrl) {
      const image = document.createElement("img");
      image.src = photoUrl.replace("{id}", popup.photo);
      image.alt = `${popup.photoLabel}: ${popup.title}`;
      image.loading = "lazy";
      image.style.cssText = "display:block;max-width:100%;max-height:180px;margin:4px 0";
      root.appendChild(image);
    }
    const table = document.createElement("table");
    for (const [label, value] of popup.rows) {
      const row = table.insertRow();
      row.appendChild(textElement("th", label));
      row.appendChild(textElement("td", value));
    }
    if (popup.website) {
      const row = table.insertRow();
      row.appendChild(textElement("th", popup.websiteLabel));
      const link = textElement("a", popup.website);
      link.href = popup.website;
      link.target = "_blank";
      link.rel = "noopener noreferrer nofollow";
      row.insertCell().appendChild(link);
    }
    root.appendChild(table);
    return root;
  }

  // Each kind's circle drawn once, then copied: far cheaper than 100,000 paths to rasterise.
  function sprite(colour, ratio) {
    const side = 2 * (RADIUS + 2), canvas = document.createElement("canvas");
    canvas.width = canvas.height = side * ratio;
    const context = canvas.getContext("2d");
    context.scale(ratio, ratio);
    context.beginPath();
    context.arc(side / 2, side / 2, RADIUS, 0, 2 * Math.PI);
    context.globalAlpha = 0.9;
    context.fillStyle = colour;
    context.fill();
    context.globalAlpha = 1;
    context.lineWidth = 1.5;
    context.strokeStyle = "#1a1a1a";
    context.stroke();
    return canvas;
  }

  // One canvas for every asset, drawn from the payload's columns: no Leaflet object per asset.
  // The layer is on the map before its payload arrives (load), so that streamlit-folium,
  // which listens to the layers a map has when it is made, hears its clicks.
  const AssetLayer = L.Layer.extend({
    initialize: function (colours, photoUrl) {
      this._rows = null;
      this._colours = colours;
      this._photoUrl = photoUrl || "";
    },
    onAdd: function () {
      this._canvas = L.DomUtil.create("canvas", "leaflet-zoom-animated");
      this.getPane().appendChild(this._canvas);
      this._popup = L.popup({maxWidth: 320});
      this._popup.on("remove", () => this._reportOpen());
      this._tooltip = L.tooltip({direction: "top", offset: [0, -RADIUS]});
    },
    // Draws the payload `data` (mapping.assets_to_map_data, or map_data.parsePayload's).
    load: function (data) {
      this._rows = new assetmap.AssetRows(data);
      const count = this._rows.baseCount;
      this._world = this._project(0, count, new Float64Array(2 * count));
      this._baseWorld = this._world;
      this._screen = new Float32Array(2 * count);
      this._draw();
    },
    onRemove: function () {
      L.DomUtil.remove(this._canvas);
    },
    getEvents: function () {
      return {moveend: this._draw, viewreset: this._draw, zoomanim: this._animateZoom,
              click: this._click, mousemove: this._hover};
    },
    _latLng: function (i) {
      return L.latLng(this._rows.latLng(i));
    },
    _project: function (from, to, world) {
      for (let i = from; i < to; i++) {
        const point = this._map.project(this._latLng(i), 0);
        world[2 * i] = point.x;
        world[2 * i + 1] = point.y;
      }
      return world;
    },
    // Shows the assets added or changed since the payload was made, and hides the payload's
    // rows they replace: the map updates where it is, without a reload. When the change only
    // adds assets, only those are drawn.
    apply: function (next) {
      const rows = this._rows, added = rows.apply(next), baseCount = rows.baseCount;
      this._world = new Float64Array(2 * rows.count);
      this._world.set(this._baseWorld);
      this._project(baseCount, rows.count, this._world);
      const screen = new Float32Array(2 * rows.count);
      screen.set(this._screen.subarray(0, 2 * baseCount));
      this._screen = screen;
      if (added) {
        // The changes drawn before may sit at other rows now: place them all for hit-testing.
        for (let i = baseCount; i < rows.count; i++) this._place(i);
        for (const i of added) this._paint(i);
      } else {
        this._draw();
      }
      this._map.getContainer().dataset.assetCount = String(rows.shownCount());
    },
    // Changes arrive beside the map in the page (mapping.changes_html), for the payload named
    // `for`; a map drawn from another payload is about to be replaced and leaves them alone.
    watch: function (name) {
      let seen = null;
      const look = () => {
        const found = window.parent.document.querySelector(
          `[data-assetmap-changes][data-for="${name}"]`);
        const text = found ? found.dataset.assetmapChanges : null;
        if (text && text !== seen) {
          seen = text;
          this.apply(JSON.parse(text));
        }
      };
      look();
      new window.parent.MutationObserver(look).observe(
        window.parent.document.body, {childList: true, subtree: true, attributes: true,
                                      attributeFilter: ["data-assetmap-changes"]});
    },
    _draw: function () {
      if (!this._rows) return;
      // A quarter of the view extra on every side, so panning shows assets before it ends.
      const map = this._map, view = map.getSize(), ratio = window.devicePixelRatio || 1;
      const margin = view.divideBy(4).round(), size = view.add(margin.multiplyBy(2));
      const topLeft = map.containerPointToLayerPoint(margin.multiplyBy(-1));
      this._topLeft = map.layerPointToLatLng(topLeft);
      L.DomUtil.setPosition(this._canvas, topLeft);
      this._canvas.width = size.x * ratio;
      this._canvas.height = size.y * ratio;
      this._canvas.style.width = size.x + "px";
      this._canvas.style.height = size.y + "px";
      const context = this._canvas.getContext("2d");
      context.scale(ratio, ratio);
      this._frame = {
        context: context,
        size: size,
        scale: map.getZoomScale(map.getZoom(), 0),
        origin: map.getPixelOrigin().add(topLeft),
        sprites: this._rows.base.kinds.map(
          (kind) => sprite(this._colours[kind] || "#777777", ratio)),
      };
      // A million assets would be a million sprites, most under others: one per kind and
      // square is the same picture, and picking still finds every asset (_place).
      const cells = new assetmap.Cells(size.x, size.y, CELL, RADIUS + 2);
      for (let i = 0; i < this._rows.count; i++) this._paint(i, cells);
    },
    // Where row i is on the canvas, kept for hit-testing.
    _place: function (i) {
      const {scale, origin} = this._frame;
      const x = Math.round(this._world[2 * i] * scale - origin.x);
      const y = Math.round(this._world[2 * i + 1] * scale - origin.y);
      this._screen[2 * i] = x;
      this._screen[2 * i + 1] = y;
      return [x, y];
    },
    // Draws row i, unless `cells` (a Cells of this drawing) says its sprite is drawn already.
    _paint: function (i, cells) {
      const {context, size, sprites} = this._frame, half = RADIUS + 2;
      const [x, y] = this._place(i);
      if (x < -half || y < -half || x > size.x + half || y > size.y + half) return;
      if (!this._rows.shown(i)) return;
      const kind = this._rows.kind(i);
      if (cells && !cells.take(x, y, kind)) return;
      context.drawImage(sprites[kind], x - half, y - half, 2 * half, 2 * half);
    },
    _animateZoom: function (event) {
      if (!this._rows) return;
      const map = this._map;
      const offset = map._latLngToNewLayerPoint(this._topLeft, event.zoom, event.center);
      L.DomUtil.setTransform(this._canvas, offset, map.getZoomScale(event.zoom));
    },
    _nearest: function (containerPoint) {
      if (!this._rows) return -1;
      const point = this._map.containerPointToLayerPoint(containerPoint).subtract(
        this._map.latLngToLayerPoint(this._topLeft));
      const rows = this._rows;
      return assetmap.nearest(this._screen, rows.count, point, RADIUS + 2, (i) => rows.shown(i));
    },
    _click: function (event) {
      const i = this._nearest(event.containerPoint);
      if (i >= 0) this.openPopup(i);
    },
    _hover: function (event) {
      const i = this._nearest(event.containerPoint);
      this._map.getContainer().style.cursor = i >= 0 ? "pointer" : "";
      if (i >= 0) this.openTooltip(i);
      else this._map.closeTooltip(this._tooltip);
    },
    // With `pan` false, the map stays where it is even if the popup does not fit in view.
    openPopup: function (i, pan = true) {
      const content = popupContent(this._rows.popup(i), this._photoUrl);
      this._popup.options.autoPan = pan;
      this._popup.setLatLng(this._latLng(i)).setContent(content).openOn(this._map);
      this._popup.options.autoPan = true;
      this._openRow = i;
      this._reportOpen();
    },
    // The page keeps the open popup in its address (render/permalink.py). streamlit-folium
    // reports the tooltip text of the layer clicked last (last_object_clicked_tooltip): the
    // open row travels as that text (assetmap.openRowText), "none" once the popup closes.
    _reportOpen: function () {
      const text = assetmap.openRowText(this._popup.isOpen() ? this._openRow : -1);
      const tip = {_content: text, getContent: () => text};
      const noPopup = {_content: true, getContent: () => ({innerText: ""})};
      const latlng = this._popup.getLatLng() || this._map.getCenter();
      this.fire("click", {latlng: latlng, sourceTarget: {
        _tooltip: tip, getTooltip: () => tip, _popup: noPopup, getPopup: () => noPopup}});
    },
    openTooltip: function (i) {
      const label = textElement("span", this._rows.name(i));
      this._tooltip.setLatLng(this._latLng(i)).setContent(label);
      this._map.openTooltip(this._tooltip);
    },
    // Marker-like handles, made on demand, for scripts and tests that want one asset.
    getLayers: function () {
      const layer = this, map = this._map, rows = this._rows;
      const shown = Array.from({length: rows.count}, (_, i) => i).filter((i) => rows.shown(i));
      return shown.map((i) => ({
        feature: {properties: {name: rows.name(i), kind: rows.kindName(i)}},
        getLatLng: () => layer._latLng(i),
        openPopup: () => layer.openPopup(i),
        closePopup: () => map.closePopup(layer._popup),
        getPopup: () => layer._popup,
        openTooltip: () => layer.openTooltip(i),
        closeTooltip: () => map.closeTooltip(layer._tooltip),
        getTooltip: () => layer._tooltip,
      }));
    },
  });

  // Payloads by URL: a map drawn again in this frame (a rerun, a new filter and back) waits for
  // the fetch already under way instead of starting another.
  const payloads = new Map();

  function fetchPayload(url) {
    if (!payloads.has(url)) {
      payloads.set(url, fetch(url, {credentials: "same-origin"}).then((response) => {
        if (!response.ok) throw new Error(`map data: ${response.status} ${response.statusText}`);
        return response.arrayBuffer();
      }).then((buffer) => assetmap.parsePayload(buffer)).catch((error) => {
        payloads.delete(url);
        throw error;
      }));
    }
    return payloads.get(url);
  }

  // The assets of `data` (mapping.assets_to_map_data), or of the payload at the URL `data`
  // names (api/map_data.py), in `colours` by kind; with `watch`, the name of their payload,
  // the changes given for it are shown as they come. `photoUrl` is where approved photos are
  // (api/photos.py), "{id}" standing for a photo's id. Until a fetched payload is drawn,
  // assetmap.assets is null and assetmap.loading the promise of the layer.
  function addAssets(map, data, colours, watch, photoUrl) {
    const layer = new AssetLayer(colours, photoUrl).addTo(map);
    function draw(loaded) {
      layer.load(loaded);
      map.getContainer().dataset.assetCount = String(layer._rows.count);
      if (watch) layer.watch(watch);
      Object.assign(assetmap, {map: map, assets: layer});
      return layer;
    }
    Object.assign(assetmap, {map: map, assets: null});
    if (typeof data !== "string") {
      assetmap.loading = Promise.resolve(draw(data));
      return;
    }
    assetmap.loading = fetchPayload(data).then((loaded) => {
      // A map drawn since in this frame replaces this one: its payload is not drawn here.
      return assetmap.map === map ? draw(loaded) : null;
    });
    assetmap.loading.catch((error) => {
      map.getContainer().dataset.assetError = String(error.message || error);
    });
  }

  // Area outlines, or a choropleth when the features have a `fill`; `noData` is the fill of
  // areas without a value.
  function addAreas(map, data, noData) {
    function style(feature) {
      const fill = feature.properties.fill;
      if (fill === undefined) {
        return {color: "#444", weight: 2, dashArray: "6 4", fillColor: "#888", fillOpacity: 0.05};
      }
      const empty = fill === noData;
      return {color: empty ? "#777" : "#333", weight: 1, dashArray: empty ? "4 4" : null,
              fillColor: fill, fillOpacity: empty ? 0.4 : 0.75};
    }
    const layer = L.geoJSON(data, {
      style: style,
      onEachFeature: (feature, shape) => {
        const label = document.createElement("div");
        label.appendChild(textElement("strong", feature.properties.name));
        for (const text of feature.properties.lines || []) {
          label.appendChild(textElement("div", text));
        }
        shape.bindTooltip(label, {sticky: true});
      },
    }).addTo(map);
    Object.assign(assetmap, {map: map, areas: layer});
  }

  function addLinks(map, data) {
    const lines = L.geoJSON(data, {
      style: {color: "#D55E00", weight: 2.5, opacity: 0.8},
      onEachFeature: (feature, line) => {
        line.bindTooltip(textElement("span", feature.properties.label), {sticky: true});
      },
    }).addTo(map);
    Object.assign(assetmap, {links: lines});
  }

  function addZone(map, data) {
    const zone = L.geoJSON(data, {
      interactive: false,
      style: {color: "#0072B2", weight: 1, fillColor: "#56B4E9", fillOpacity: 0.35},
    }).addTo(map);
    Object.assign(assetmap, {zone: zone});
  }

  // Fits the map to `bounds` ([[south, west], [north, east]]) once it has a size: a map drawn
  // while hidden (a closed tab) has none yet. A map the page has sent elsewhere before then
  // (a found spot, a shared link's view) stays there: the late fit must not undo it.
  function fitBounds(map, bounds) {
    const zoom = map.getZoom(), centre = map.getCenter();
    let fitted = false;
    function sentElsewhere() {
      const now = map.project(map.getCenter(), zoom), then = map.project(centre, zoom);
      return map.getZoom() !== zoom || now.distanceTo(then) > 2;
    }
    function fit() {
      map.invalidateSize();
      if (!fitted && map.getSize().x > 0) {
        fitted = true;
        if (!sentElsewhere()) {
          map.fitBounds(bounds, {padding: [10, 10]});
        }
      }
    }
    new ResizeObserver(fit).observe(map.getContainer());
    fit();
  }

  // Opens the popup of the payload's `row` (a shared address names the asset), once the
  // payload is drawn, keeping the view the address names.
  function openAsset(map, row) {
    (assetmap.loading || Promise.resolve()).then(() => {
      if (assetmap.assets && row >= 0 && row < assetmap.assets._rows.count) {
        assetmap.assets.openPopup(row, false);
      }
    }, () => {});
  }

  // Moves the map to a spot the page has found, at once and with no animation: it runs with
  // the spot's pin, so a resize or a rerun cannot cut a pan short halfway.
  function goTo(map, lat, lon, zoom) {
    (map || assetmap.map).setView([lat, lon], zoom, {animate: false});
  }

  // `html` is our own translated credit, never user text.
  function addAttribution(map, html) {
    map.attributionControl.addAttribution(html);
  }

  // Leaflet guesses its marker images' folder from its CSS, which may arrive after its script.
  function iconImages(path) {
    L.Icon.Default.imagePath = path;
  }

  // Leaflet.draw's words in the reader's language, before its control is made (web/drawing.py):
  // `texts` has L.drawLocal's shape and holds our own translated text, never user text (some
  // of it reaches the page as HTML); what it does not name stays as it was.
  function drawTexts(texts) {
    (function merge(target, source) {
      for (const [key, value] of Object.entries(source)) {
        if (typeof value === "object") {
          merge(target[key] = target[key] || {}, value);
        } else {
          target[key] = value;
        }
      }
    })(L.drawLocal, texts);
  }

  Object.assign(assetmap, {
    addAssets, addAreas, addLinks, addZone, fitBounds, addAttribution, iconImages, openAsset, goTo,
    drawTexts,
  });
})(window.assetmap);
