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
    var shown = L.layerGroup().addTo(map), markers = [], bounds = {};
    layer.eachLayer(function (l) { bounds[l.feature.properties.district] = l.getBounds(); });
    labels.forEach(function (d) {
      var icon = L.divIcon({className: "", iconSize: null,
                            html: '<span class="atlas-district-label" aria-hidden="true"></span>'});
      var m = L.marker([d[1], d[2]], {icon: icon, interactive: false, keyboard: false, pane: "atlasLabels"});
      m._atlasName = d[0];
      markers.push(m);
    });
    // Largest first; a name is written only where it fits inside its district and clear of the others.
    function place() {
      shown.clearLayers();
      var boxes = [];
      markers.forEach(function (m) {
        var p = map.latLngToContainerPoint(m.getLatLng()), w = m._atlasName.length * 6.3 + 4, h = 13;
        var b = bounds[m._atlasName];
        if (b) {
          var sw = map.latLngToContainerPoint(b.getSouthWest()), ne = map.latLngToContainerPoint(b.getNorthEast());
          if (ne.x - sw.x < w * 0.75 || sw.y - ne.y < h) { return; }
        }
        var box = [p.x - w / 2, p.y - h / 2, p.x + w / 2, p.y + h / 2];
        for (var i = 0; i < boxes.length; i++) {
          var q = boxes[i];
          if (box[0] < q[2] && q[0] < box[2] && box[1] < q[3] && q[1] < box[3]) { return; }
        }
        boxes.push(box);
        shown.addLayer(m);
        m.getElement().firstChild.textContent = m._atlasName;
      });
    }
    map.on("zoomend resize", function () { if (map.hasLayer(shown)) { place(); } });
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
    map._atlasPlaceLabels = place;
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
    var legendDiv = null, fit = function () {};
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
        legendDiv.addEventListener("toggle", function () { fit(); }, true);
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
    if (o.fit) {
      map.options.zoomSnap = 0.1;
      var fitBounds = L.latLngBounds(o.fit);
      fit = function () {
        var size = map.getSize(), bottom = 8;
        if (legendDiv) {
          var top = legendDiv.getBoundingClientRect().top - map.getContainer().getBoundingClientRect().top;
          bottom = Math.max(8, size.y - top + 6);
        }
        map.fitBounds(fitBounds, {paddingTopLeft: [8, 8], paddingBottomRight: [8, bottom], animate: false});
      };
      // Again once the frame has its final size (streamlit-folium sizes it after the script ran).
      fit();
      setTimeout(fit, 0);
      setTimeout(fit, 300);
      map.on("resize", function () { fit(); });
    }
  }

  window.AtlasMap = {districts: districts, styles: styles, markers: markers, extras: extras};
})();
