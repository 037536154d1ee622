// The query editor: YASGUI from our own origin, pointed at /sparql, our prefixes and named queries as tabs.
(function () {
  var config = JSON.parse(document.getElementById("yasgui-config").textContent);
  if (typeof Yasgui === "undefined") { return; }
  var plain = document.getElementById("plain-editor");
  if (plain) { plain.open = false; }
  var yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: { endpoint: config.endpoint, method: "POST" },
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
