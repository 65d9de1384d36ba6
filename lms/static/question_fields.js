/* Question editors (lms.question_fields): list buttons without a page reload, and a live preview.
   Without JavaScript the same buttons submit the form and the server answers with the page. */
(function () {
  "use strict";
  var form = document.getElementById("question-form");
  if (!form) { return; }
  var panel = document.getElementById("question-preview");
  var timer = null;

  function post(url, data) {
    return fetch(url, {method: "POST", body: data, credentials: "same-origin",
                       headers: {"X-Requested-With": "fetch"}}).then(function (r) { return r.text(); });
  }

  function refreshPreview() {
    var data = new FormData(form);
    data.delete("list_action");
    post(form.dataset.preview, data).then(function (html) {
      panel.innerHTML = html;
      panel.setAttribute("data-updated", String(Date.now()));
    });
  }

  function schedule() {
    if (!panel || !form.dataset.preview) { return; }  // surveys' and polls' editors have no preview
    clearTimeout(timer);
    timer = setTimeout(refreshPreview, 400);
  }

  form.addEventListener("input", schedule);
  form.addEventListener("change", schedule);
  form.addEventListener("click", function (event) {
    var button = event.target.closest("button[name=list_action]");
    if (!button) { return; }
    event.preventDefault();
    var data = new FormData(form);
    data.set("list_action", button.value);
    var list = button.value.split(":")[1];
    post(form.action, data).then(function (html) {
      var page = new DOMParser().parseFromString(html, "text/html");
      var fresh = page.getElementById("question-form");
      if (!fresh) { return; }
      form.innerHTML = fresh.innerHTML;
      var rows = form.querySelectorAll("#" + list + "-list .qf-row");
      var target = button.value.indexOf("add:") === 0 && rows.length ? rows[rows.length - 1] : form.querySelector("#" + list + "-list");
      var input = target && target.querySelector("input:not([type=hidden]), button");
      if (input) { input.focus(); }
      schedule();
    });
  });
  if (panel && !panel.querySelector("[data-preview-ready]")) { schedule(); }
}());
