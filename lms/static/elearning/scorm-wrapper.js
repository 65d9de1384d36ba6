/* The SCORM wrapper frame's script (content origin). It asks the portal, through LmsBridge (the
   lesson page relays with the learner's CSRF token), for the item's CMI data, builds the
   scorm-again API the SCO looks for, and sends every commit back the same way. The wrapper has no
   portal credentials: scorm-again's HTTP service is replaced by the bridge. */
(function () {
  "use strict";
  var portal = LMS_PORTAL_ORIGIN;  // set by the portal in front of this file
  var params = new URLSearchParams(location.search);
  var item = params.get("item") || "";
  var api = null;
  var version = null;
  var lastCmi = null;
  var lastCommit = Promise.resolve();
  // What the SCO may ask for as it ends; the server's sequencing decides what it does.
  var NAV = /^(continue|previous|exit|exitAll|abandon|abandonAll|suspendAll|\{target=.+\}(choice|jump))$/;
  // What the player page's buttons and table of contents may ask for (a narrower set).
  var PAGE_NAV = /^(continue|previous|exit|suspendAll|\{target=[^{}]+\}choice)$/;
  var valid = {};       // adl.nav.request_valid as the server last computed it
  var ending = false;   // a request is on its way: a second press waits for it

  function commit(cmi, finished) {
    lastCmi = cmi;
    lastCommit = window.LmsBridge.call("scorm_commit", {item: item, cmi: cmi, finished: !!finished})
      .then(function (answer) {
        if (answer && answer.data && answer.data.nav) { setValid(answer.data.nav); }
        return answer;
      });
    return lastCommit;
  }

  var bridgeService = {
    reportsRequestCompletion: false,
    processHttpRequest: function (url, data, immediate, apiLog, processListeners, metadata) {
      commit(data, metadata && metadata.isTerminateCommit);
      return {result: "true", errorCode: 0};
    },
    updateSettings: function () {}
  };

  function go(answer) {
    // Move to another item: this frame reloads itself with it (the token in the path stays valid).
    if (answer && answer.data && answer.data.item) {
      location.replace(location.pathname + "?item=" + encodeURIComponent(answer.data.item));
    }
  }

  function navRequest() {
    // Read inside the Terminate listener: scorm-again resets adl.nav.request to "_none_" right after.
    if (version === "1.2") { return ""; }
    try { return String(api.adl.nav.request || ""); } catch (e) { return ""; }
  }

  function afterFinish(request) {
    if (!NAV.test(request)) { return; }
    // The ending commit must be stored before sequencing reads the SCO's result.
    var ask = function () { return window.LmsBridge.call("scorm_init", {nav: request, from: item}); };
    lastCommit.then(ask, ask).then(function (answer) {
      if (answer && answer.data && answer.data.item) { go(answer); } else { showEnd(answer && answer.data); }
    });
  }

  function showEnd(data) {
    var end = document.getElementById("scorm-end");
    end.hidden = false;
    // A refused choice says why, in the learner's language (the portal sends the text, never HTML).
    var reason = data && typeof data.message === "string" ? " " + data.message : "";
    end.textContent = data && data.error ? "\u2716" + reason : "\u2714";
    document.getElementById("sco").hidden = true;
  }

  function setValid(nav) {
    // scorm-again keeps request_valid read-only once the SCO has called Initialize; before that the
    // setters work, and afterwards the server's fresher answer (after a commit) replaces the stored
    // values. choice.{target=…} is answered by scoItemIdValidator, the library's hook for it.
    if (!nav || version === "1.2" || !api) { return; }
    valid = nav;
    var target = api.adl.nav.request_valid;
    ["continue", "previous"].forEach(function (key) {
      try { target[key] = nav[key]; } catch (e) { target["_" + key] = nav[key]; }
    });
  }

  function running() {
    return api && api.isInitialized() && !api.isTerminated();
  }

  function pageRequest(request) {
    // A button or TOC click on the player page. The wrapper commits what the SCO has so far, asks the
    // server whether the request is valid now, and only then ends the SCO with it (Terminate sends
    // the final commit first) or, if the SCO has already ended, sends the request itself.
    if (ending || !PAGE_NAV.test(request)) { return; }
    ending = true;
    var committed = Promise.resolve();
    if (running()) {
      try { committed = Promise.resolve(api.commit(version === "1.2" ? "LMSCommit" : "Commit", false)); }
      catch (e) { /* the check below still runs on what was stored */ }
    }
    var check = function () { return window.LmsBridge.call("scorm_nav", {nav: request, from: item}); };
    var stored = function () { return lastCommit; };
    committed.then(stored, stored).then(check, check).then(function (answer) {
      if (!answer || !answer.data || !answer.data.valid) { ending = false; return; }
      if (running()) {
        if (version !== "1.2") { api.SetValue("adl.nav.request", request); }
        pendingRequest = request;
        api[version === "1.2" ? "LMSFinish" : "Terminate"]("");
      } else {
        afterFinish(request);
      }
    });
  }

  var pendingRequest = "";

  window.addEventListener("message", function (event) {
    if (event.origin !== portal || event.source !== window.parent) { return; }
    var message = event.data;
    if (message && message.lmsNav === 1 && typeof message.request === "string") { pageRequest(message.request); }
  });

  function start(init) {
    version = init.version;
    item = init.item;
    var settings = {
      lmsCommitUrl: "bridge", dataCommitFormat: "flattened", httpService: bridgeService,
      autocommit: true, autocommitSeconds: 30, logLevel: 5, sendFullCommit: true,
      scoItemIdValidator: function (id) { return (valid.choice && valid.choice[id]) || "false"; }
    };
    if (version === "1.2") {
      api = new window.Scorm12API(settings);
      window.API = api;
    } else {
      api = new window.Scorm2004API(settings);
      window.API_1484_11 = api;
    }
    if (init.cmi && Object.keys(init.cmi).length) {
      try { api.loadFromFlattenedJSON(init.cmi, ""); } catch (e) { /* keep what loaded */ }
    }
    setValid(init.nav);
    api.on(version === "1.2" ? "LMSFinish" : "Terminate", function () {
      var request = navRequest() || pendingRequest;
      setTimeout(function () { afterFinish(request); }, 0);
    });
    // The learner closes the tab: scorm-again's own unload commit goes out through the bridge,
    // whose page posts with keepalive; this covers SCOs that never call LMSFinish.
    window.addEventListener("pagehide", function () {
      try {
        if (api && !api.isTerminated()) { api.commit(version === "1.2" ? "LMSCommit" : "Commit", false); }
      } catch (e) { /* nothing more can be done while unloading */ }
    });
    document.getElementById("sco").src = "../" + init.launch;
  }

  window.LmsBridge.call("scorm_init", {item: item}).then(function (answer) {
    var data = answer && answer.data;
    if (!data || data.end || data.error) {
      showEnd(data || {error: true});
      return;
    }
    start(data);
  });
})();
