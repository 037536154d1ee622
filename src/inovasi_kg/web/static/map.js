// The province map's pan and zoom (svg-pan-zoom from npm, served from our origin), by pointer, wheel and
// the +/− buttons, which also work by keyboard. Without JavaScript the map is a plain picture of links.
(function () {
  "use strict";
  var svg = document.getElementById("peta-svg");
  if (!svg || typeof window.svgPanZoom !== "function") { return; }
  var zoom = window.svgPanZoom(svg, {
    zoomEnabled: true, panEnabled: true, controlIconsEnabled: false, dblClickZoomEnabled: true,
    mouseWheelZoomEnabled: true, preventMouseEventsDefault: false, minZoom: 1, maxZoom: 12,
    zoomScaleSensitivity: 0.3, fit: true, center: true
  });
  zoom.resize(); zoom.fit(); zoom.center();  // the picture's size is known only once it is laid out
  window.provinceMap = zoom;  // for the browser tests
  document.getElementById("map-tools").hidden = false;
  document.getElementById("map-zoom-in").addEventListener("click", function () { zoom.zoomIn(); });
  document.getElementById("map-zoom-out").addEventListener("click", function () { zoom.zoomOut(); });
  document.getElementById("map-reset").addEventListener("click", function () { zoom.resetZoom(); zoom.center(); });
  window.addEventListener("resize", function () { zoom.resize(); zoom.fit(); zoom.center(); });
}());
