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
  var first = yasgui.getTab();
  config.examples.forEach(function (ex, i) {
    if (i === 0) {
      first.setName(ex.name);
      first.setQuery(ex.query);
    } else {
      yasgui.addTab(false, { name: ex.name, yasqe: { value: ex.query } });
    }
  });
})();
