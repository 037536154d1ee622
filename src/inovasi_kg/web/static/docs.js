// /docs: Swagger UI (npm swagger-ui-dist, served from our origin) over our own /openapi.json.
(function () {
  if (typeof SwaggerUIBundle === "undefined") { return; }
  SwaggerUIBundle({
    url: new URL("/openapi.json", window.location.href).href,
    dom_id: "#swagger-ui",
    deepLinking: false,
    validatorUrl: null,  // never ask an outside validator
    tryItOutEnabled: false,
    onComplete: function () {  // its server picker has no name of its own
      document.querySelectorAll("#swagger-ui select#servers").forEach(function (el) {
        el.setAttribute("aria-label", document.documentElement.lang === "en" ? "Server" : "Server API");
      });
    }
  });
})();
