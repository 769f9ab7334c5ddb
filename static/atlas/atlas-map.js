/* The Atlas maps' behaviour (geo/atlas_map.py): districts from TopoJSON with a restylable
 * style table, district names, site markers, legend, attribution and fit.
 *
 * A file of its own, served by the app (static/), so a map's per-run message carries only
 * its data and a few calls (issue #14): the code is fetched once and cached by the browser.
 * Every "data" argument is a Promise (a JSON data block in the page, or a fetched file).
 * Texts arrive already HTML-escaped where they are set as HTML (Python escapes them).
 */
(function () {
  "use strict";

  // Stripes of each gap colour on white: the fill of a low-coverage gap figure (url(#atlas-hatch-N)).
  function hatchPatterns(colours) {
    if (document.getElementById("atlas-hatch-0")) { return; }
    var ns = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(ns, "svg");
    svg.setAttribute("width", "0");
    svg.setAttribute("height", "0");
    svg.setAttribute("style", "position:absolute");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    var defs = document.createElementNS(ns, "defs");
    colours.forEach(function (colour, i) {
      var p = document.createElementNS(ns, "pattern");
      p.setAttribute("id", "atlas-hatch-" + i);
      p.setAttribute("patternUnits", "userSpaceOnUse");
      p.setAttribute("width", "7");
      p.setAttribute("height", "7");
      p.setAttribute("patternTransform", "rotate(45)");
      var white = document.createElementNS(ns, "rect");
      white.setAttribute("width", "7");
      white.setAttribute("height", "7");
      white.setAttribute("fill", "#ffffff");
      var stripe = document.createElementNS(ns, "rect");
      stripe.setAttribute("width", "3.5");
      stripe.setAttribute("height", "7");
      stripe.setAttribute("fill", colour);
      p.appendChild(white);
      p.appendChild(stripe);
      defs.appendChild(p);
    });
    svg.appendChild(defs);
    document.body.appendChild(svg);
  }

  // The districts as one interactive L.geoJson layer (a click gives streamlit-folium the district's
  // Feature), styled from a table the style group fills (styles() below). Every district is also a
  // keyboard control; names are written where they fit without overlapping; a checkbox hides them.
  function districts(map, o) {
    hatchPatterns(o.hatch);
    // On the map, and on the window for the style group that streamlit-folium evaluates on its own.
    // The style group may run before the districts have arrived: it fills the table and calls
    // apply(), which restyles once the layer exists (and is called again when it does).
    // heads: each district's name and division (sent once); tip: the figure's line (every rerun).
    var state = map._atlasDistricts = window.__atlasDistricts = {
      style: {}, tip: {}, heads: {}, outlines: {}, group: null, layer: null, plain: o.plain
    };
    function tooltip(district) {
      var head = state.heads[district], tip = state.tip[district];
      return [head, tip].filter(function (t) { return t; }).join("<br>");
    }
    state.apply = function () {
      if (!state.layer) { return; }
      var text = document.createElement("div");
      state.layer.eachLayer(function (l) {
        state.layer.resetStyle(l);
        // The district's name and figure, for a screen reader (the tooltip's text).
        text.innerHTML = tooltip(l.feature.properties.district).replace(/<br>/g, ". ");
        if (!text.textContent) { text.textContent = l.feature.properties.district; }
        if (l._path) { l._path.setAttribute("aria-label", text.textContent); }
      });
      if (state.group) {
        state.group.clearLayers();
        state.layer.eachLayer(function (l) {
          var outline = state.outlines[l.feature.properties.district];
          if (outline) { L.geoJson(l.feature, {style: outline, interactive: false}).addTo(state.group); }
        });
      }
    };
    // The layer is on the map at once, empty: streamlit-folium binds its click handler to the map's
    // layers right after this script, and a district's click reaches it through this layer.
    var layer = L.geoJson(null, {
      style: function (f) { return state.style[f.properties.district] || state.plain; }
    });
    layer.bindTooltip(function (l) {
      return tooltip(l.feature.properties.district);
    }, {sticky: true});
    layer.on("mouseover", function (e) { e.layer.setStyle(o.hover); });
    layer.on("mouseout", function (e) { layer.resetStyle(e.layer); });
    layer.addTo(map);
    Promise.all([o.topology, o.labels, o.heads]).then(function (loaded) {
      var topo = loaded[0];
      state.heads = loaded[2] || {};
      layer.addData(topojson.feature(topo, topo.objects[o.object]));
      state.layer = layer;
      layer.eachLayer(function (l) {
        var path = l._path;
        if (!path) { return; }
        path.setAttribute("tabindex", "0");
        path.setAttribute("role", "button");
        if (!path.getAttribute("aria-label")) { path.setAttribute("aria-label", l.feature.properties.district); }
        path.addEventListener("keydown", function (e) {
          if (e.key === "Enter" || e.key === " " || e.key === "Spacebar") {
            e.preventDefault();
            // The same event a mouse click gives (streamlit-folium reads the clicked feature from it).
            l.fire("click", {latlng: l.getBounds().getCenter(), originalEvent: e}, true);
          }
        });
      });
      if (loaded[1]) { districtNames(map, layer, loaded[1], o.namesLabel); }
      state.apply();
    }).catch(report("districts"));
  }

  function districtNames(map, layer, labels, namesLabel) {
    var pane = map.createPane("atlasLabels");
    pane.style.zIndex = 450;
    pane.style.pointerEvents = "none";
    var shown = L.layerGroup().addTo(map), markers = [], districtLayers = {};
    layer.eachLayer(function (l) { districtLayers[l.feature.properties.district] = l; });
    labels.forEach(function (d) {
      var icon = L.divIcon({className: "", iconSize: null,
                            html: '<span class="atlas-district-label" aria-hidden="true"></span>'});
      var m = L.marker([d[1], d[2]], {icon: icon, interactive: false, keyboard: false, pane: "atlasLabels"});
      m._atlasName = d[0];
      m._atlasHome = L.latLng(d[1], d[2]);
      markers.push(m);
    });
    // Largest first. A name is written at its district's label point, or just above, below or
    // beside it, where it stays inside its district and the frame and is clear of the map's
    // controls (legend, buttons), its markers and the names already written; else not at all.
    function place() {
      shown.clearLayers();
      var container = map.getContainer(), size = map.getSize(), origin = container.getBoundingClientRect();
      var boxes = [];
      function taken(el) {
        var r = el.getBoundingClientRect();
        if (r.width && r.height) {
          boxes.push([r.left - origin.left - 1, r.top - origin.top - 1, r.right - origin.left + 1, r.bottom - origin.top + 1]);
        }
      }
      container.querySelectorAll(".leaflet-control").forEach(taken);
      // A marker's badges can be wider than its icon: every part of it counts.
      container.querySelectorAll(".leaflet-marker-pane .leaflet-marker-icon").forEach(function (el) {
        taken(el);
        el.querySelectorAll("*").forEach(taken);
      });
      function clear(box) {
        if (box[0] < 0 || box[1] < 0 || box[2] > size.x || box[3] > size.y) { return false; }
        for (var i = 0; i < boxes.length; i++) {
          var q = boxes[i];
          if (box[0] < q[2] && q[0] < box[2] && box[1] < q[3] && q[1] < box[3]) { return false; }
        }
        return true;
      }
      markers.forEach(function (m) {
        var district = districtLayers[m._atlasName];
        var home = map.latLngToContainerPoint(m._atlasHome);
        if (district) {
          var b = district.getBounds();
          var sw = map.latLngToContainerPoint(b.getSouthWest()), ne = map.latLngToContainerPoint(b.getNorthEast());
          if (ne.x - sw.x < m._atlasName.length * 4.7 || sw.y - ne.y < 13) { return; }
        }
        m.setLatLng(m._atlasHome);
        shown.addLayer(m);
        var span = m.getElement().firstChild;
        span.textContent = m._atlasName;
        // The name's box as drawn (its line box can shift it from the point), kept as an offset from the point.
        var r = span.getBoundingClientRect(), w = r.width + 2, h = r.height + 2;
        var dx = r.left - origin.left - 1 - home.x, dy = r.top - origin.top - 1 - home.y;
        var offsets = [[0, 0], [0, -h], [0, h], [-w / 2, 0], [w / 2, 0], [-w / 2, -h], [w / 2, -h],
                       [-w / 2, h], [w / 2, h], [0, -2 * h], [0, 2 * h]];
        for (var i = 0; i < offsets.length; i++) {
          var x = home.x + offsets[i][0], y = home.y + offsets[i][1];
          var box = [x + dx, y + dy, x + dx + w, y + dy + h];
          var at = map.containerPointToLatLng([x, y]);
          if (clear(box) && (!district || i === 0 || inside(at, district))) {
            m.setLatLng(at);
            boxes.push(box);
            return;
          }
        }
        shown.removeLayer(m);
      });
    }
    map.on("zoomend moveend resize", function () { if (map.hasLayer(shown)) { place(); } });
    map.whenReady(place);
    var toggle = L.control({position: "topleft"});
    toggle.onAdd = function () {
      var div = L.DomUtil.create("div", "atlas-names-toggle leaflet-bar");
      var label = document.createElement("label");
      var box = document.createElement("input");
      box.type = "checkbox";
      box.checked = true;
      label.appendChild(box);
      label.appendChild(document.createTextNode(" " + namesLabel));
      div.appendChild(label);
      box.addEventListener("change", function () {
        if (box.checked) { shown.addTo(map); place(); } else { map.removeLayer(shown); }
      });
      L.DomEvent.disableClickPropagation(div);
      return div;
    };
    toggle.addTo(map);
    // Called again when markers, the legend or the fit change what a name must keep clear of.
    map._atlasPlaceLabels = function () { if (map.hasLayer(shown)) { place(); } };
    map._atlasPlaceLabels();
  }

  // Whether a point lies inside a district (even-odd rule over all its rings: holes and islands too).
  function inside(latlng, district) {
    var x = latlng.lng, y = latlng.lat, crossings = 0;
    (function walk(rings) {
      if (rings.length && rings[0] instanceof L.LatLng) {
        for (var i = 0, j = rings.length - 1; i < rings.length; j = i++) {
          var a = rings[i], b = rings[j];
          if ((a.lat > y) !== (b.lat > y) && x < (b.lng - a.lng) * (y - a.lat) / (b.lat - a.lat) + a.lng) { crossings++; }
        }
      } else { rings.forEach(walk); }
    })(district.getLatLngs());
    return crossings % 2 === 1;
  }

  function placeLabels(map) {
    if (map._atlasPlaceLabels) { map._atlasPlaceLabels(); }
  }

  // The style group (streamlit-folium evaluates it apart from the map script, on every rerun).
  function styles(group, state, data) {
    if (!state) { return; }
    state.style = {};
    state.tip = {};
    for (var d in data.districts) {
      state.style[d] = data.styles[data.districts[d][0]];
      state.tip[d] = data.districts[d][1];
    }
    state.outlines = data.outlines;
    state.group = group;
    state.apply();
  }

  // All site markers from one table: {"clusters": [[code, colour, name, text colour]],
  // "markers": [[lat, lon, [[cluster index, place, note or ""], ...]], ...]}, texts HTML-escaped.
  // Many sites (a national map) are gathered into counted clusters (Leaflet.markercluster) when
  // the script is there and o.cluster is set; a click or zoom opens them.
  function markers(layer, data, o) {
    o = o || {};
    data.then(function (data) {
      var K = data.clusters;
      var target = layer;
      if (o.cluster && L.markerClusterGroup) {
        target = L.markerClusterGroup({showCoverageOnHover: false, maxClusterRadius: 40, chunkedLoading: true});
        layer.addLayer(target);
      }
      function badge(k) {
        return '<span class="atlas-badge" style="background:' + k[1] + ';color:' + k[3] + '">' + k[0] + '</span>';
      }
      var made = [];
      data.markers.forEach(function (m) {
        var seen = {}, badges = [], codes = [];
        m[2].forEach(function (e) {
          if (!seen[e[0]]) { seen[e[0]] = true; badges.push(badge(K[e[0]])); codes.push(K[e[0]][0]); }
        });
        var w = 28 * badges.length;
        var icon = L.divIcon({html: '<div style="white-space:nowrap">' + badges.join(" ") + '</div>',
                              iconSize: [w, 24], iconAnchor: [Math.floor(w / 2), 12], className: "atlas-site"});
        var tip = '<div>' + m[2].map(function (e) {
          return '<b>' + K[e[0]][2] + '</b> \u2014 ' + e[1] + (e[2] ? '<br><i>' + e[2] + '</i>' : '');
        }).join('<br>') + '</div>';
        var marker = L.marker([m[0], m[1]], {icon: icon}).bindTooltip(tip, {sticky: false});
        // A screen reader hears "Cluster site: Cotton & textile; Oil & gas, Sanghar", not the badge codes.
        var names = [], sp = document.createElement("span");
        m[2].forEach(function (e) { sp.innerHTML = K[e[0]][2] + ", " + e[1]; names.push(sp.textContent); });
        // Starts with the badges' visible text, as WCAG 2.5.3 (label in name) asks.
        sp.innerHTML = codes.join(" ");
        var name = sp.textContent + ": cluster site, " + names.join("; ");
        function label() { var el = marker.getElement(); if (el) { el.setAttribute("aria-label", name); } }
        marker.on("add", label);
        made.push(marker);
      });
      // Each marker names itself when it is drawn ("add"; inside a cluster, when the cluster opens).
      if (target.addLayers) { target.addLayers(made); } else { made.forEach(function (m) { target.addLayer(m); }); }
      var map = layer instanceof L.Map ? layer : layer._map;
      if (map) { placeLabels(map); }
    }).catch(report("site markers"));
  }

  // A failure inside a Promise is otherwise silent: say it in the console (the browser tests read it).
  function report(what) {
    return function (e) { console.error("Atlas map, " + what + ": " + e); };
  }

  // Legend, attribution, plain background, the frame's title, and the fit: the legend is a strip
  // along the bottom (its site key starts closed on a narrow map) and the map is fitted above it.
  function extras(map, o) {
    // The component's iframe and the map are named for what they show (a screen reader's first word of the map).
    try { if (window.frameElement) { window.frameElement.title = o.title; } } catch (e) {}
    map.getContainer().setAttribute("aria-label", o.title);
    map.getContainer().setAttribute("role", "region");
    var legendDiv = null, fit = function () {}, observeLegend = function () {};
    if (o.legend) {
      o.legend.then(function (legendHtml) {
        var legend = L.control({position: "bottomleft"});
        legend.onAdd = function () {
          var div = legendDiv = L.DomUtil.create("div", "atlas-legend");
          div.innerHTML = legendHtml;
          L.DomEvent.disableClickPropagation(div);
          L.DomEvent.disableScrollPropagation(div);
          return div;
        };
        legend.addTo(map);
        if (map.getSize().x < 420) {
          legendDiv.querySelectorAll("details.atlas-key-box").forEach(function (d) { d.open = false; });
        }
        observeLegend(legendDiv);
        fit();
      }).catch(report("legend"));
    }
    if (!map.attributionControl) { L.control.attribution().addTo(map); }
    var tiles = [];
    map.eachLayer(function (l) { if (l instanceof L.TileLayer) { tiles.push(l); } });
    tiles.forEach(function (t) {
      if (t.getAttribution()) { map.attributionControl.removeAttribution(t.getAttribution()); }
      var warned = false;
      t.on("tileerror", function () {
        if (warned) { return; }
        warned = true;
        var note = L.control({position: "topright"});
        note.onAdd = function () {
          var div = L.DomUtil.create("div", "atlas-tiles-notice");
          div.setAttribute("role", "status");
          div.textContent = o.tilesFailed;
          return div;
        };
        note.addTo(map);
      });
    });
    map.attributionControl.addAttribution(tiles.length ? o.tilesAttribution : o.attribution);
    if (o.background) { map.getContainer().style.background = o.background; }
    wheelAfterClick(map);
    if (o.fit) {
      map.options.zoomSnap = 0.1;
      var fitBounds = L.latLngBounds(o.fit), fitPending = false;
      // Fitted above the legend or beside it (it sits bottom left), whichever shows the province
      // larger, so no district lies under it; then the zoom floor: one level out, never a blob.
      fit = function () {
        var size = map.getSize();
        if (!size.x || !size.y) { return; }
        // Leaflet ignores a new view while a zoom animation runs (a wheel zoom): fit when it ends.
        if (map._animatingZoom) {
          if (!fitPending) { fitPending = true; map.once("zoomend", function () { fitPending = false; fit(); }); }
          return;
        }
        var ways = [{topLeft: [8, 8], bottomRight: [8, 8]}];
        if (legendDiv && legendDiv.getBoundingClientRect().height) {
          var frame = map.getContainer().getBoundingClientRect(), legend = legendDiv.getBoundingClientRect();
          ways = [{topLeft: [8, 8], bottomRight: [8, Math.max(8, frame.bottom - legend.top + 6)]},
                  {topLeft: [Math.max(8, legend.right - frame.left + 6), 8], bottomRight: [8, 8]}];
        }
        map.setMinZoom(0);
        var best = null;
        ways.forEach(function (way) {
          var zoom = map.getBoundsZoom(fitBounds, false, L.point(way.topLeft).add(way.bottomRight));
          if (!best || zoom > best.zoom) { best = {zoom: zoom, way: way}; }
        });
        map.fitBounds(fitBounds, {paddingTopLeft: best.way.topLeft, paddingBottomRight: best.way.bottomRight, animate: false});
        map.setMinZoom(Math.max(0, map.getZoom() - 1));
        placeLabels(map);
      };
      // Fitted whenever the frame or the legend takes its size (streamlit-folium sizes the frame after
      // this script ran, a folded legend frees room): on the sizes themselves, not on a timer.
      var resized = new ResizeObserver(function () {
        map.invalidateSize({animate: false, pan: false});
        fit();
      });
      resized.observe(map.getContainer());
      observeLegend = function (div) { resized.observe(div); };
      // The frame's own height can change while the map's does not (the legend's height is in vh).
      window.addEventListener("resize", function () { fit(); });
      fit();
      var reset = L.control({position: "topleft"});
      reset.onAdd = function () {
        var bar = L.DomUtil.create("div", "leaflet-bar atlas-reset-view");
        var button = L.DomUtil.create("a", "", bar);
        button.href = "#";
        button.setAttribute("role", "button");
        button.setAttribute("aria-label", o.resetLabel);
        button.title = o.resetLabel;
        button.textContent = "\u2302";  // a house: back to the whole view
        L.DomEvent.disableClickPropagation(bar);
        L.DomEvent.on(button, "click", function (e) { L.DomEvent.preventDefault(e); fit(); });
        return bar;
      };
      reset.addTo(map);
      // Under the zoom buttons, where a reader of maps looks for it.
      if (map.zoomControl) { map.zoomControl.getContainer().after(reset.getContainer()); }
    }
  }

  // The wheel scrolls the page over a map nobody has clicked (a page scroll must not zoom the map
  // right out); a click on the map lets it zoom until the pointer leaves; Ctrl + wheel always zooms.
  function wheelAfterClick(map) {
    var container = map.getContainer();
    map.scrollWheelZoom.disable();
    L.DomEvent.on(container, "mousedown touchstart", function () { map.scrollWheelZoom.enable(); });
    L.DomEvent.on(container, "mouseleave", function () { map.scrollWheelZoom.disable(); });
    container.addEventListener("wheel", function (e) {
      if (!e.ctrlKey || map.scrollWheelZoom.enabled()) { return; }
      e.preventDefault();  // else Chromium zooms the page
      map.setZoomAround(map.mouseEventToContainerPoint(e), map.getZoom() + (e.deltaY < 0 ? 0.5 : -0.5), {animate: false});
    }, {passive: false});
  }

  window.AtlasMap = {districts: districts, styles: styles, markers: markers, extras: extras};
})();
