// The map's pure parts: the payload's rows and the changes since it was made, which websites
// become links, and which asset a pointer is on. No Leaflet and no page, so node --test runs
// them (tests/js/); the browser loads this file before map.js, into window.assetmap.
(function (root) {
  "use strict";

  // A website becomes a link only as a web address: never javascript:, data: or the like.
  function isWebsite(text) {
    return /^https?:\/\//i.test(text);
  }

  // A photo id as the app makes them (32 hex digits): anything else is never put in a URL.
  function isPhotoId(text) {
    return /^[0-9a-f]{32}$/.test(text || "");
  }

  // The binary payload (map_payload.MapRows.binary) as AssetRows reads it: the header's
  // labels and details, typed arrays for the long columns, and each name decoded from the
  // names' UTF-8 bytes when it is asked for (`name(j)`), as text. Throws on anything else.
  function parsePayload(buffer) {
    const bytes = new Uint8Array(buffer);
    const magic = String.fromCharCode(...bytes.subarray(0, 4));
    if (magic !== "AMB1" || bytes.length < 8) throw new Error("not a map payload");
    const headerEnd = 8 + new DataView(buffer).getUint32(4, true);
    const decoder = new TextDecoder();
    const data = JSON.parse(decoder.decode(bytes.subarray(8, headerEnd)));
    const count = data.count;
    let at = headerEnd;
    // Typed arrays read the platform's byte order: little-endian on every browser's.
    function take(Type) {
      at += (Type.BYTES_PER_ELEMENT - at % Type.BYTES_PER_ELEMENT) % Type.BYTES_PER_ELEMENT;
      const column = new Type(buffer, at, count);
      at += column.byteLength;
      return column;
    }
    const x = take(Int32Array), y = take(Int32Array), ends = take(Uint32Array);
    const Codes = data.wide ? Uint32Array : Uint16Array;
    const c = take(Codes), a = take(Codes), k = take(Uint8Array);
    for (let i = 1; i < count; i++) {
      x[i] += x[i - 1];
      y[i] += y[i - 1];
    }
    const text = bytes.subarray(at);
    if (count && ends[count - 1] !== text.length) throw new Error("a map payload cut short");
    return Object.assign(data, {
      x: x, y: y, k: k, c: c, a: a,
      name: (j) => decoder.decode(text.subarray(j ? ends[j - 1] : 0, ends[j])),
    });
  }

  // The name of row j of `data`: a payload's (parsePayload) or a change's (a list).
  function nameAt(data, j) {
    return data.name ? data.name(j) : data.n[j];
  }

  // The assets a map draws, from the payload that mapping.assets_to_map_data makes: columns,
  // with coordinates as integer steps from a corner and labels as indexes into lists.
  // Rows 0..baseCount-1 are the payload's; the rest are `changes`, the assets added or changed
  // since (apply). A changed asset is hidden among the first and shown again after.
  class AssetRows {
    constructor(base) {
      this.base = base;
      this.baseCount = base.name ? base.count : base.n.length;
      this.changes = null;
      this.hidden = new Uint8Array(this.baseCount);
      this.hiddenCount = 0;
      this.count = this.baseCount;
      this._applied = {hidden: "", keys: new Set()};
    }

    // The columns that hold row i, and its index in them.
    locate(i) {
      return i < this.baseCount ? [this.base, i] : [this.changes, i - this.baseCount];
    }

    shown(i) {
      return i >= this.baseCount || !this.hidden[i];
    }

    shownCount() {
      return this.count - this.hiddenCount;
    }

    name(i) {
      const [data, j] = this.locate(i);
      return nameAt(data, j);
    }

    // Index into base.kinds: changes come in the same list of kinds as the payload.
    kind(i) {
      const [data, j] = this.locate(i);
      return data.k[j];
    }

    kindName(i) {
      const [data, j] = this.locate(i);
      return data.kinds[data.k[j]];
    }

    // [latitude, longitude]
    latLng(i) {
      const [data, j] = this.locate(i);
      return [data.base[1] + data.y[j] / data.scale, data.base[0] + data.x[j] / data.scale];
    }

    // What the popup shows: the name, rows of [label, value] (kind, category, the area when
    // there is one, then the details), the website when it may be a link, and the id of the
    // asset's first approved photo ("" for none).
    popup(i) {
      const [data, j] = this.locate(i);
      const rows = [[data.labels.kind, data.kl[data.k[j]]],
                    [data.labels.category, data.cl[data.c[j]]]];
      if (data.al[data.a[j]]) rows.push([data.labels.area, data.al[data.a[j]]]);
      const website = data.w ? data.w[j] : "";
      return {
        title: nameAt(data, j),
        rows: rows.concat(data.d ? data.d[j] : []),
        website: isWebsite(website) ? website : "",
        websiteLabel: data.labels.website,
        photo: data.p && isPhotoId(data.p[j]) ? data.p[j] : "",
        photoLabel: data.labels.photo || "",
      };
    }

    // Takes `next` (see mapping.changes_html): every change since the payload, not only the
    // newest. Returns the rows to draw when the change only adds assets to what was applied
    // before, or null when everything must be drawn again.
    apply(next) {
      const rows = next.rows && next.rows.n.length ? next.rows : null;
      const keys = rows ? rows.keys : [], hiddenKey = next.hidden.join(",");
      const keySet = new Set(keys), before = this._applied;
      const onlyAdded = before.hidden === hiddenKey && [...before.keys].every(
        (key) => keySet.has(key));
      this.hidden = new Uint8Array(this.baseCount);
      for (const i of next.hidden) this.hidden[i] = 1;
      this.hiddenCount = next.hidden.length;
      this.changes = rows;
      this.count = this.baseCount + keys.length;
      this._applied = {hidden: hiddenKey, keys: keySet};
      if (!onlyAdded) return null;
      const added = [];
      keys.forEach((key, j) => before.keys.has(key) || added.push(this.baseCount + j));
      return added;
    }
  }

  // The shown row whose point in `screen` (x, y pairs) is nearest to `point`, within `reach`
  // pixels; -1 when none is. Of two as near, the later wins: it is drawn on top.
  function nearest(screen, count, point, reach, shown) {
    let found = -1, best = reach * reach;
    for (let i = 0; i < count; i++) {
      const dx = screen[2 * i] - point.x;
      const dy = screen[2 * i + 1] - point.y;
      const distance = dx * dx + dy * dy;
      if (distance <= best && shown(i)) {
        best = distance;
        found = i;
      }
    }
    return found;
  }

  // Which sprites a drawing of many assets may leave out: of the assets of one kind whose
  // points fall in one `cell` by `cell` pixel square, only the first is drawn, since the
  // others would be drawn within a few pixels of it, under the same colour. Where assets are
  // further apart than that (zoomed in), every one is drawn. `pad` pixels around the canvas
  // count too: a sprite there still shows its edge.
  class Cells {
    constructor(width, height, cell, pad) {
      this.cell = cell;
      this.pad = pad;
      this.columns = Math.ceil((width + 2 * pad) / cell) + 1;
      this.taken = new Uint8Array(this.columns * (Math.ceil((height + 2 * pad) / cell) + 1));
    }

    // Whether the point (x, y) of kind `kind` (0-7) is the first of its kind in its square.
    take(x, y, kind) {
      const index = Math.floor((y + this.pad) / this.cell) * this.columns +
        Math.floor((x + this.pad) / this.cell);
      const bit = 1 << kind;
      if (this.taken[index] & bit) return false;
      this.taken[index] |= bit;
      return true;
    }
  }

  // What the map reports of its open popup: the payload row, or "none".
  function openRowText(row) {
    return Number.isInteger(row) && row >= 0 ? String(row) : "none";
  }

  const api = {AssetRows, Cells, isPhotoId, isWebsite, nearest, openRowText, parsePayload};
  if (typeof module !== "undefined" && module.exports) module.exports = api;
  else root.assetmap = Object.assign(root.assetmap || {}, api);
})(typeof window !== "undefined" ? window : globalThis);
