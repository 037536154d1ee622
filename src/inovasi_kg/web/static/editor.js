// The query editor: YASGUI from our own origin, pointed at /sparql, our prefixes and named queries as tabs.
(function () {
  var config = JSON.parse(document.getElementById("yasgui-config").textContent);
  if (typeof Yasgui === "undefined") { return; }
  var form = document.getElementById("query-form");
  var yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: { endpoint: config.endpoint, method: "POST" },
    copyEndpointOnNewTab: false,
    persistenceId: null
  });
  config.examples.forEach(function (ex, i) {
    var tab = i === 0 ? yasgui.getTab() : yasgui.addTab(false);
    tab.setName(ex.name);
    tab.setQuery(ex.query);
  });
  if (form && form.parentNode && form.parentNode.tagName === "DETAILS") { form.parentNode.open = false; }
})();
