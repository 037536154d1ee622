// The query editor: YASGUI from our own origin, pointed at /sparql, our prefixes and named queries as tabs.
(function () {
  var config = JSON.parse(document.getElementById("yasgui-config").textContent);
  if (typeof Yasgui === "undefined") { return; }
  var plain = document.getElementById("plain-editor");
  if (plain) { plain.open = false; }
  var yasgui = new Yasgui(document.getElementById("yasgui"), {
    // an absolute URL: YASGUI builds `new URL(endpoint)`, which fails on a path alone (and then shows no error)
    requestConfig: { endpoint: new URL(config.endpoint, window.location.href).href, method: "POST" },
    copyEndpointOnNewTab: false,
    persistenceId: null
  });
  // YASGUI's own markup, made accessible: names for its fields, a focusable editor scroll area, tab
  // roles that match what is in the list, no aria-controls pointing at panels not in the page
  function mend() {
    var root = document.getElementById("yasgui");
    root.querySelectorAll("input.autocomplete").forEach(function (el) { el.setAttribute("aria-label", config.labels.endpoint); });
    root.querySelectorAll(".CodeMirror textarea").forEach(function (el) { el.setAttribute("aria-label", config.labels.query); });
    root.querySelectorAll(".CodeMirror-scroll").forEach(function (el) { el.setAttribute("tabindex", "0"); el.setAttribute("aria-label", config.labels.query); });
    root.querySelectorAll(".tabsList").forEach(function (list) {
      Array.prototype.forEach.call(list.children, function (child) {
        if (child.getAttribute("role") !== "tab") { child.setAttribute("role", "presentation"); }
        // a tab list holds tabs only: its "add a tab" button goes right after the list
        if (child.querySelector("button.addTab") && !child.querySelector("[role=tab]")) {
          list.parentNode.insertBefore(child, list.nextSibling);
        }
      });
    });
    root.querySelectorAll("[aria-controls]").forEach(function (el) {
      var target = el.getAttribute("aria-controls");
      if (target && !document.getElementById(target)) { el.removeAttribute("aria-controls"); }
    });
  }
  new MutationObserver(mend).observe(document.getElementById("yasgui"), { childList: true, subtree: true });
  var first = yasgui.getTab();
  config.examples.forEach(function (ex, i) {
    if (i === 0) {
      first.setName(ex.name);
      first.setQuery(ex.query);
    } else {
      yasgui.addTab(false, { name: ex.name, yasqe: { value: ex.query } });
    }
  });
  mend();
  // Downloads of the current tab's results (CSV, JSON, TSV, XML, XLSX) from the endpoint itself.
  var download = document.getElementById("download-form");
  if (download) {
    download.hidden = false;
    download.addEventListener("submit", function () {
      download.querySelector("input[name=query]").value = yasgui.getTab().getQuery();
    });
  }
})();
