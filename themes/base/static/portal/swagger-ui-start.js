// Starts Swagger UI on /api/docs/ (templates/drf_spectacular/swagger_ui.html): the
// schema's address and SPECTACULAR_SETTINGS["SWAGGER_UI_SETTINGS"] come from data-
// attributes, so the page needs no inline script. The API takes bearer credentials,
// never the session, so no CSRF header is added.
"use strict";

(function () {
  const root = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({
    url: root.dataset.schemaUrl,
    dom_id: "#swagger-ui",
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
    ...JSON.parse(root.dataset.settings || "{}"),
  });
})();
