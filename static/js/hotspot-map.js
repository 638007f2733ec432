// The hotspot list on a map: a marker for each hotspot in the list that has coordinates, each
// leading to its page. The list stays the text alternative; nothing here is needed to use it.
(function () {
  "use strict";
  var box = document.querySelector("[data-hotspot-map]");
  if (!box || typeof L === "undefined") return;
  var places = Array.prototype.slice.call(document.querySelectorAll("[data-hotspot]"));
  if (!places.length) return;

  function text(value) {
    // Leaflet writes attributions as HTML: what comes from the settings is text.
    var span = document.createElement("span");
    span.textContent = value;
    return span.innerHTML;
  }

  box.hidden = false; // Leaflet measures the box as it starts
  var map = L.map(box, { scrollWheelZoom: false });
  L.tileLayer(box.dataset.tiles, {
    maxZoom: 19,
    attribution: box.dataset.attribution ? text(box.dataset.attribution) : "",
  }).addTo(map);
  var icon = L.icon({
    iconUrl: box.dataset.icon,
    iconRetinaUrl: box.dataset.icon2x,
    shadowUrl: box.dataset.shadow,
    iconSize: [25, 41],
    iconAnchor: [12, 41],
    popupAnchor: [1, -34],
    shadowSize: [41, 41],
  });
  var points = places.map(function (place) {
    var point = [parseFloat(place.dataset.latitude), parseFloat(place.dataset.longitude)];
    var link = document.createElement("a");
    link.href = place.dataset.url;
    link.textContent = place.dataset.name;
    L.marker(point, { icon: icon, title: place.dataset.name, alt: place.dataset.name })
      .bindPopup(link)
      .addTo(map);
    return point;
  });
  if (points.length === 1) {
    map.setView(points[0], 16);
  } else {
    map.fitBounds(points, { padding: [24, 24], maxZoom: 16 });
  }
})();
