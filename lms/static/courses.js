/* Course player: complete a lesson at the end of its video or after it has been read; live Markdown preview. */
(function () {
  "use strict";

  function postForm(form) {
    if (form.dataset.sent) { return; }
    form.dataset.sent = "1";
    var body = new FormData(form);
    fetch(form.action, {
      method: "POST", body: body, credentials: "same-origin",
      headers: {"Accept": "application/json", "X-CSRFToken": body.get("csrf_token")}
    }).then(function (response) {
      if (response.ok) {
        var button = form.querySelector("button");
        if (button) { button.disabled = true; button.textContent = "✓ " + button.textContent; }
      } else { delete form.dataset.sent; }
    }).catch(function () { delete form.dataset.sent; });
  }

  function setUpCompletion() {
    var form = document.querySelector("[data-complete-form]");
    if (!form) { return; }
    var video = document.querySelector("video[data-complete-on-end]");
    if (video) { video.addEventListener("ended", function () { postForm(form); }); }
    var seconds = parseInt(form.dataset.autoAfter || "0", 10);
    var end = document.querySelector("[data-lesson-end]");
    if (!seconds || !end || !("IntersectionObserver" in window)) { return; }
    var openedAt = Date.now();
    // Read = the end of the lesson was on screen after the reader spent some time on the page.
    var observer = new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) {
        if (!entry.isIntersecting) { return; }
        var wait = Math.max(0, seconds * 1000 - (Date.now() - openedAt));
        window.setTimeout(function () { postForm(form); observer.disconnect(); }, wait);
      });
    });
    observer.observe(end);
  }

  function setUpPreview() {
    var source = document.querySelector("[data-preview-source]");
    var target = document.querySelector("[data-preview-target]");
    if (!source || !target) { return; }
    var form = source.form;
    var timer = null;
    function refresh() {
      var body = new FormData();
      body.append("body", source.value);
      body.append("csrf_token", form.querySelector("input[name=csrf_token]").value);
      fetch(source.dataset.previewSource, {
        method: "POST", body: body, credentials: "same-origin",
        headers: {"X-CSRFToken": body.get("csrf_token")}
      }).then(function (response) { return response.ok ? response.text() : null; })
        .then(function (html) { if (html !== null) { target.innerHTML = html; } });
    }
    source.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(refresh, 400);
    });
    refresh();
  }

  document.addEventListener("DOMContentLoaded", function () {
    setUpCompletion();
    setUpPreview();
  });
}());
