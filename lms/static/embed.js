/* Embedded mode: tell the host portal (the parent window) our height and where we navigated.
   Messages go only to the origins in data-parent-origins (the issuer's frame_ancestors), never "*".
   Contract: {source: "dealer-lms", version: 1, type: "lms:navigate", path, title}
             {source: "dealer-lms", version: 1, type: "lms:resize", height} */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || window.parent === window) {
    return;
  }
  var origins = (script.getAttribute("data-parent-origins") || "").split(/\s+/).filter(Boolean);
  // Where the browser tells us the parent's origin, post only there (no console noise for the others).
  var ancestors = window.location.ancestorOrigins;
  if (ancestors && ancestors.length) {
    origins = origins.filter(function (origin) { return origin === ancestors[0]; });
  }
  if (!origins.length) {
    return;
  }

  function send(message) {
    message.source = "dealer-lms";
    message.version = 1;
    origins.forEach(function (origin) {
      window.parent.postMessage(message, origin);
    });
  }

  var lastHeight = -1;
  function reportHeight() {
    var height = Math.ceil(document.documentElement.scrollHeight);
    if (height !== lastHeight) {
      lastHeight = height;
      send({type: "lms:resize", height: height});
    }
  }

  send({
    type: "lms:navigate",
    path: window.location.pathname + window.location.search + window.location.hash,
    title: document.title
  });
  reportHeight();
  if (window.ResizeObserver) {
    new window.ResizeObserver(reportHeight).observe(document.documentElement);
  } else {
    window.addEventListener("resize", reportHeight);
  }
  window.addEventListener("load", reportHeight);
}());
