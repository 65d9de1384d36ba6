// The package frame's half of the bridge, served on the content origin at
// /elearning-content/<token>/__lms__/bridge.js. LmsBridge.call(method, data) → Promise of
// {status, data}; messages go to the parent (the lesson page) addressed to the portal origin only.
(function () {
  "use strict";
  var portal = LMS_PORTAL_ORIGIN;  // set by the portal in front of this file
  var pending = {};
  var counter = 0;
  window.addEventListener("message", function (event) {
    if (event.origin !== portal || event.source !== window.parent) { return; }
    var message = event.data;
    if (!message || message.lmsBridge !== 1 || !pending[message.id]) { return; }
    pending[message.id]({status: message.status, data: message.data});
    delete pending[message.id];
  });
  window.LmsBridge = {
    call: function (method, data) {
      counter += 1;
      var id = "c" + counter;
      return new Promise(function (resolve) {
        pending[id] = resolve;
        window.parent.postMessage({lmsBridge: 1, id: id, method: method, data: data || {}}, portal);
      });
    }
  };
})();
