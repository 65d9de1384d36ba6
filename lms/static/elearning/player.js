// The lesson page's half of the cross-frame bridge. The package runs in #elearning-frame on the
// content origin; it can reach the portal only through postMessage. A message counts only when it
// comes from that frame's window AND from the content origin; its call is POSTed with the portal's
// CSRF token (the package never sees the token or the session), and the answer goes back to the
// frame addressed to the content origin only.
// cmi5 launchMethod "OwnWindow": no frame. The click opens an empty window first (a window opened
// after the launch request returns would be taken for a pop-up and blocked), then points it at the
// AU; if the browser refuses the window, this tab goes to the AU (cmi5 8.1 allows redirecting the
// LMS window). The AU's returnURL brings the learner back to the lesson.
(function () {
  "use strict";
  var box = document.getElementById("elearning-own-window");
  if (!box) { return; }
  var button = document.getElementById("elearning-open-window");
  var status = document.getElementById("elearning-status");
  button.addEventListener("click", function () {
    var win = window.open("", "_blank");
    button.disabled = true;
    fetch(box.dataset.launchUrl, {method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRFToken": box.dataset.csrf}, body: "{}"})
      .then(function (r) { return r.json().then(function (data) { return {status: r.status, data: data}; }); })
      .then(function (answer) {
        button.disabled = false;
        if (answer.status !== 200) {
          if (win) { win.close(); }
          status.textContent = answer.data.error || box.dataset.failed;
          return;
        }
        if (!win) { window.location.assign(answer.data.url); return; }
        win.opener = null;
        win.location.replace(answer.data.url);
        status.textContent = box.dataset.opened;
      }).catch(function () {
        button.disabled = false;
        if (win) { win.close(); }
        status.textContent = box.dataset.failed;
      });
  });
})();

(function () {
  "use strict";
  var box = document.getElementById("elearning-player");
  if (!box) { return; }
  var frame = document.getElementById("elearning-frame");
  var status = document.getElementById("elearning-status");
  var origin = box.dataset.contentOrigin;
  var csrf = box.dataset.csrf;
  var runtime = null;

  function post(url, body) {
    var text = JSON.stringify(body || {});
    // keepalive: a commit sent while the learner closes the tab still arrives (small bodies only).
    return fetch(url, {method: "POST", credentials: "same-origin", keepalive: text.length < 60000,
      headers: {"Content-Type": "application/json", "X-CSRFToken": csrf},
      body: text}).then(function (r) {
        return r.json().then(function (data) { return {status: r.status, data: data}; });
      });
  }

  // SCORM: the player's own buttons and the table of contents. A click asks the wrapper frame (on
  // the content origin, the only address the message goes to) to end the SCO with the request; the
  // wrapper checks it with the server first. Their state follows the server's answers the page relays.
  var nav = document.getElementById("scorm-nav");
  var contents = document.getElementById("scorm-contents");
  var buttons = nav ? nav.querySelectorAll("button[data-request]") : [];
  var delivered = false;

  function ask(request) {
    if (!runtime || !delivered) { return false; }
    frame.contentWindow.postMessage({lmsNav: 1, request: request}, origin);
    return true;
  }

  function showNav(state, item) {
    if (!nav) { return; }
    delivered = !!state;
    nav.hidden = false;
    Array.prototype.forEach.call(buttons, function (button) {
      var request = button.dataset.request;
      button.hidden = !!state && (state.hidden || []).indexOf(request) >= 0;
      button.disabled = !state || state[request] === "false";
    });
    if (contents && state) { updateContents(state); }
    if (contents && item) {
      Array.prototype.forEach.call(contents.querySelectorAll("li[data-item]"), function (row) {
        var link = row.querySelector("a");
        if (link && row.dataset.item === item) { link.setAttribute("aria-current", "page"); }
        else if (link) { link.removeAttribute("aria-current"); }
      });
    }
  }

  // The table of contents as the server sees it now: an item that became choosable gets its link,
  // one that no longer is loses it, and a completed one its tick (SCORM 2004 answers carry these).
  function updateContents(state) {
    Array.prototype.forEach.call(contents.querySelectorAll("li[data-item]"), function (row) {
      var id = row.dataset.item;
      var allowed = state.choice ? state.choice[id] : undefined;
      var link = row.querySelector("a");
      var label = link || row.querySelector("span:not(.scorm-done)");
      if (label && allowed === "true" && !link) {
        var anchor = document.createElement("a");
        anchor.href = contents.dataset.playUrl.replace("ITEM", encodeURIComponent(id));
        anchor.textContent = label.textContent;
        label.replaceWith(anchor);
        var note = row.querySelector(".scorm-refusal");
        if (note) { note.remove(); }
      } else if (link && allowed === "false" && link.getAttribute("aria-current") !== "page") {
        var span = document.createElement("span");
        span.className = "scorm-disabled";
        span.title = contents.dataset.unavailableLabel;
        span.textContent = link.textContent;
        link.replaceWith(span);
      }
      if (state.done && state.done.indexOf(id) >= 0 && !row.querySelector(".scorm-done")) {
        var tick = document.createElement("span");
        tick.className = "scorm-done";
        tick.setAttribute("aria-label", contents.dataset.doneLabel);
        tick.textContent = "✔";
        row.appendChild(document.createTextNode(" "));
        row.appendChild(tick);
      }
    });
  }

  function relayed(method, data) {
    if (!data) { return; }
    if (method === "scorm_init") {
      if (data.item && data.nav) { showNav(data.nav, data.item); } else { showNav(null); }
    } else if ((method === "scorm_commit" || method === "scorm_nav") && data.nav) {
      showNav(data.nav, null);
      if (method === "scorm_nav" && data.valid === false) { status.textContent = nav.dataset.unavailable; }
      else if (method === "scorm_nav") { status.textContent = ""; }
    }
  }

  Array.prototype.forEach.call(buttons, function (button) {
    button.addEventListener("click", function () { ask(button.dataset.request); });
  });
  if (contents && nav) {
    // With the script a TOC link is a choice request that first ends the SCO; without it, a page load.
    contents.addEventListener("click", function (event) {
      var link = event.target.closest ? event.target.closest("a") : null;
      var row = link ? link.closest("li[data-item]") : null;
      if (row && ask("{target=" + row.dataset.item + "}choice")) { event.preventDefault(); }
    });
  }

  window.addEventListener("message", function (event) {
    if (event.origin !== origin || event.source !== frame.contentWindow || !runtime) { return; }
    var message = event.data;
    if (!message || message.lmsBridge !== 1 || typeof message.method !== "string"
        || !/^[A-Za-z][A-Za-z0-9_]{0,39}$/.test(message.method)) { return; }
    post(runtime.replace("METHOD", message.method), message.data).then(function (answer) {
      if (answer.status === 200) { relayed(message.method, answer.data); }
      frame.contentWindow.postMessage({lmsBridge: 1, id: message.id, status: answer.status,
                                       data: answer.data}, origin);
    });
  });

  post(box.dataset.launchUrl).then(function (answer) {
    if (answer.status !== 200) {
      status.textContent = answer.data.error || box.dataset.failed;
      return;
    }
    runtime = answer.data.runtime;
    frame.src = answer.data.url;
    frame.hidden = false;
    status.textContent = "";
  }).catch(function () { status.textContent = box.dataset.failed; });
})();
