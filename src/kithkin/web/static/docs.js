// Starts Swagger UI on /docs over this server's own OpenAPI document (no validator badge:
// it would send the document to validator.swagger.io).
window.addEventListener("load", function () {
  window.ui = SwaggerUIBundle({
    url: "/openapi.json",
    dom_id: "#swagger-ui",
    deepLinking: true,
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
    defaultModelsExpandDepth: 0,
    tryItOutEnabled: false,
  });
});
