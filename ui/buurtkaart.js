// Buurtkaart: one Leaflet map in the Streamlit page itself (no iframe).
//
// Streamlit calls this function on the first render and again whenever the data from Python
// changes, with the same parentElement. The map, its buurt polygons and its layers are kept
// per parentElement: a new indicator, year, colouring or selection only restyles the polygons
// that are already on screen, so the zoom and position stay where the user left them. The
// geometry is rebuilt only when another gemeente's buurten arrive.
//
// Data from Python (ui/maps.py, buurtkaart): vendor (where Leaflet is served), height, label,
// shapes {codes, origin, step, rings}, style {fill, tip, mark}, stories, initiatives, basemap,
// follow {key, current, version, missing, and once per version labels and fills} or null.

const maps = new WeakMap();
// Every indicator's labels and colours by version: they come once per session (ui/maps.py).
const known = new Map();
const OUTLINE = "#4d4d4d";
const BASEMAP_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png";
const BASEMAP_ATTRIBUTION = "&copy; OpenStreetMap-bijdragers";

// Each script once, by its address. The page's head (ui/assets.py) has already started Leaflet
// under the same name, so the map mostly finds it loaded.
function loadScript(src) {
  const loaded = (window.__buurtkaartScripts = window.__buurtkaartScripts || {});
  if (!loaded[src]) {
    loaded[src] = new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = src;
      script.onload = resolve;
      script.onerror = () => reject(new Error(`Kon ${src} niet laden`));
      document.head.appendChild(script);
    });
  }
  return loaded[src];
}

function loadCss(href) {
  if (document.querySelector(`link[data-buurtkaart="${href}"]`)) return;
  const link = document.createElement("link");
  link.rel = "stylesheet";
  link.href = href;
  link.dataset.buurtkaart = href;
  document.head.appendChild(link);
}

// Rings arrive as quantised steps: [dx, dy, dx, dy, ...] in units of `step` degrees, the
// first pair measured from `origin`.
function decode(shapes) {
  const [x0, y0] = shapes.origin;
  const step = shapes.step;
  return shapes.rings.map((polygons) =>
    polygons.map((rings) =>
      rings.map((deltas) => {
        const points = [];
        let x = 0;
        let y = 0;
        for (let i = 0; i < deltas.length; i += 2) {
          x += deltas[i];
          y += deltas[i + 1];
          points.push([y0 + y * step, x0 + x * step]);
        }
        return points;
      }),
    ),
  );
}

// mark: 0 plain, 1 no figure (dashed), 2 chosen buurt, 3 outlined (an initiative serves it).
function polygonStyle(fill, mark) {
  return {
    fillColor: fill,
    fillOpacity: 0.85,
    color: mark >= 2 ? "#000000" : OUTLINE,
    weight: mark >= 2 ? 4 : 1,
    dashArray: mark === 3 ? "10 6" : mark === 1 ? "4 3" : null,
  };
}

function createMap(parentElement, data) {
  const L = window.L;
  const div = document.createElement("div");
  div.className = "buurtkaart";
  div.style.height = `${data.height}px`;
  div.style.width = "100%";
  parentElement.appendChild(div);
  const map = L.map(div, { zoomSnap: 0.25, maxZoom: 18, zoomControl: false });
  L.control.zoom({ zoomInTitle: "Inzoomen", zoomOutTitle: "Uitzoomen" }).addTo(map);
  L.control.scale({ imperial: false }).addTo(map);
  map.attributionControl.setPrefix(false);
  div.leafletMap = map; // for tests that read the layers
  const resize = new ResizeObserver(() => map.invalidateSize());
  resize.observe(div); // the map in a column that changes width, or in an opened expander
  const state = { map, div, resize, polygons: [], restyles: 0 };
  const remember = () => {
    const c = map.getCenter();
    div.dataset.zoom = map.getZoom().toFixed(2);
    div.dataset.center = `${c.lat.toFixed(6)},${c.lng.toFixed(6)}`;
  };
  map.on("moveend zoomend", remember);
  return state;
}

function setShapes(state, shapes) {
  const L = window.L;
  if (state.buurten) state.buurten.remove();
  state.buurten = L.featureGroup();
  state.polygons = decode(shapes).map((latlngs, i) => {
    const polygon = L.polygon(latlngs, { bubblingMouseEvents: false });
    const code = shapes.codes[i];
    polygon.on("click", () => state.setTriggerValue("buurt", code));
    polygon.on("mouseover", () => polygon.setStyle({ weight: 3, color: "#000000" }));
    polygon.on("mouseout", () => polygon.setStyle(polygon.own));
    polygon.bindTooltip("", { sticky: false });
    polygon.addTo(state.buurten);
    return polygon;
  });
  state.buurten.addTo(state.map);
  state.map.fitBounds(state.buurten.getBounds()); // the map's first view draws the paths
  // Not one Tab stop per buurt: without a mouse the buurt is chosen in the list beside the
  // map, and the table under it has every figure.
  for (const polygon of state.polygons) polygon.getElement()?.setAttribute("tabindex", "-1");
}

// `tip` null keeps the tooltips; `by` says who chose the colours: "server" or "browser".
function setStyle(state, fill, mark, tip, by) {
  let recoloured = false;
  state.polygons.forEach((polygon, i) => {
    const own = polygonStyle(fill[i], mark[i]);
    recoloured ||= polygon.own?.fillColor !== own.fillColor;
    polygon.own = own;
    polygon.setStyle(own);
    if (tip) polygon.setTooltipContent(tip[i]);
    if (mark[i] >= 2) polygon.bringToFront();
  });
  if (!recoloured) return;
  state.restyles += 1;
  // For tests and the benchmark: how often, when and by whom the colours changed.
  state.div.dataset.restyles = String(state.restyles);
  state.div.dataset.restyledAt = performance.now().toFixed(1);
  state.div.dataset.restyledBy = by;
}

// Recolour at once when another indicator is picked in the page's picker (the Streamlit
// widget with key follow.key), from every indicator's colours sent along (follow.fills: per
// indicator its colours and one character per buurt, a colour's place or "-" for none): the
// colours change a tenth of a second before the rerun brings legend and tooltips. The picker
// shows its choice as the value of its text box; an unknown text (while typing) is ignored.
// Without the picker (another Streamlit, say) the map simply waits for the rerun.
function follow(state, data) {
  const { version, fills, labels } = data.follow ?? {};
  if (fills) known.set(version, { fills, labels });
  state.follow =
    data.follow && known.has(version) ? { ...data.follow, ...known.get(version) } : null;
  state.showing = data.follow?.current;
  if (!data.follow || state.watcher) return;
  state.watcher = new MutationObserver((records) => {
    const picker = state.follow && `.st-key-${state.follow.key} input`;
    for (const { target } of records) {
      if (picker && target.matches(picker)) recolour(state, target.value);
    }
  });
  state.watcher.observe(document.body, { subtree: true, attributeFilter: ["value"] });
}

function recolour(state, label) {
  const id = state.follow.labels[label];
  if (!id || id === state.showing || !state.follow.fills[id]) return;
  state.showing = id;
  const [palette, places] = state.follow.fills[id];
  const fill = [...places].map((c) => (c === "-" ? state.follow.missing : palette[+c]));
  // Chosen and outlined buurten keep their line; a buurt without a figure gets the dashes.
  const mark = state.marks.map((m, i) => (m >= 2 ? m : places[i] === "-" ? 1 : 0));
  setStyle(state, fill, mark, null, "browser");
}

function setStories(state, stories, vendor) {
  const L = window.L;
  if (state.stories) state.stories.remove();
  state.stories = null;
  const turn = (state.storiesTurn = (state.storiesTurn || 0) + 1);
  if (!stories || !stories.length) return;
  loadCss(`${vendor}/markercluster/MarkerCluster.css`);
  loadCss(`${vendor}/markercluster/MarkerCluster.Default.css`);
  loadScript(`${vendor}/markercluster/leaflet.markercluster.js`).then(() => {
    if (turn !== state.storiesTurn) return; // newer stories arrived meanwhile
    const cluster = L.markerClusterGroup({ maxClusterRadius: 40, disableClusteringAtZoom: 16 });
    for (const [lat, lon, colour, tip, popup] of stories) {
      L.circleMarker([lat, lon], {
        radius: 7, color: "#ffffff", weight: 1.5, fill: true, fillColor: colour, fillOpacity: 0.95,
      })
        .bindTooltip(tip)
        .bindPopup(popup, { maxWidth: 320 })
        .addTo(cluster);
    }
    state.stories = cluster.addTo(state.map);
  });
}

function setInitiatives(state, initiatives) {
  const L = window.L;
  if (state.initiatives) state.initiatives.remove();
  state.initiatives = null;
  if (!initiatives || !initiatives.length) return;
  const layer = L.featureGroup();
  for (const [lat, lon, icon, title, popup] of initiatives) {
    L.marker([lat, lon], {
      title,
      icon: L.divIcon({ html: icon, iconSize: [16, 16], iconAnchor: [8, 8], className: "initiatief" }),
    })
      .bindTooltip(Object.assign(document.createElement("span"), { textContent: title }))
      .bindPopup(popup, { maxWidth: 340 })
      .addTo(layer);
  }
  state.initiatives = layer.addTo(state.map);
}

function setBasemap(state, on) {
  const L = window.L;
  if (on && !state.tiles) {
    state.tiles = L.tileLayer(BASEMAP_URL, { attribution: BASEMAP_ATTRIBUTION }).addTo(state.map);
  } else if (!on && state.tiles) {
    state.tiles.remove();
    state.tiles = null;
  }
}

// Each part is compared with what is on screen as JSON text, and only a changed part is redone.
function update(parentElement, data, setTriggerValue) {
  let state = maps.get(parentElement);
  if (!state) {
    state = createMap(parentElement, data);
    state.shown = {};
    maps.set(parentElement, state);
  }
  state.setTriggerValue = setTriggerValue;
  state.div.setAttribute("aria-label", data.label);
  state.div.style.height = `${data.height}px`;
  const changed = (part) => {
    const text = JSON.stringify(data[part] ?? null);
    if (state.shown[part] === text) return false;
    state.shown[part] = text;
    return true;
  };
  if (changed("shapes")) {
    setShapes(state, data.shapes);
    state.shown.style = null;
  }
  if (changed("style")) {
    state.marks = data.style.mark;
    setStyle(state, data.style.fill, data.style.mark, data.style.tip, "server");
  }
  follow(state, data);
  setBasemap(state, data.basemap);
  if (changed("initiatives")) setInitiatives(state, data.initiatives);
  if (changed("stories")) setStories(state, data.stories, data.vendor);
}

export default function ({ parentElement, data, setTriggerValue }) {
  const fail = (error) => {
    parentElement.textContent = `De kaart kon niet worden getoond: ${error.message}`;
  };
  const draw = () => update(parentElement, data, setTriggerValue);
  // Once, when the map is first drawn (or could not be): the page then sends what it held
  // back so that the map would show sooner.
  const announce = () => {
    if (data.announce && !parentElement.announced) {
      parentElement.announced = true;
      setTriggerValue("drawn", true);
    }
  };
  loadCss(`${data.vendor}/leaflet/leaflet.css`);
  // Once Leaflet is there (every render after the first), the map is restyled at once,
  // without giving the browser's other work a turn first.
  if (window.L && !parentElement.waiting) {
    try {
      draw();
    } catch (error) {
      fail(error);
    }
    announce();
  } else {
    const waiting = (parentElement.waiting || loadScript(`${data.vendor}/leaflet/leaflet.js`))
      .then(draw)
      .catch(fail)
      .finally(() => {
        if (parentElement.waiting === waiting) parentElement.waiting = null;
        announce();
      });
    parentElement.waiting = waiting;
  }
  // Streamlit calls the last cleanup when the map leaves the page; it may also call one
  // while a newer render is under way, so only a map that really left is removed.
  return () =>
    setTimeout(() => {
      const state = maps.get(parentElement);
      if (state && !parentElement.isConnected) {
        state.resize.disconnect();
        state.watcher?.disconnect();
        state.map.remove();
        maps.delete(parentElement);
      }
    }, 0);
}
