/* Quiz attempt page: autosave each question when it changes, show the timer, confirm finishing.
   Without JavaScript the form still works: "Save answers" and "Submit and finish" post it whole. */
(function () {
  "use strict";
  var form = document.getElementById("quiz-form");
  if (!form) { return; }
  var meta = document.querySelector('meta[name="csrf-token"]');
  var token = meta ? meta.getAttribute("content") : (form.querySelector('input[name="csrf_token"]') || {}).value;
  var url = form.getAttribute("data-autosave");
  var status = document.getElementById("quiz-status");
  var pending = {};
  var timers = {};
  // Each slot's saves are numbered, continuing from the stored answer's number: the server keeps
  // an answer unless a save numbered higher arrives, so a slow or repeated older save cannot undo it.
  var seqs = {};
  form.querySelectorAll("fieldset.quiz-slot").forEach(function (fieldset) {
    seqs[fieldset.getAttribute("data-position")] = parseInt(fieldset.getAttribute("data-seq"), 10) || 0;
  });

  function slotFields(fieldset) {
    var fields = {};
    fieldset.querySelectorAll("input, select, textarea").forEach(function (el) {
      if (!el.name || el.disabled) { return; }
      if ((el.type === "radio" || el.type === "checkbox") && !el.checked) {
        if (!(el.name in fields)) { fields[el.name] = []; }
        return;
      }
      (fields[el.name] = fields[el.name] || []).push(el.value);
    });
    return fields;
  }

  function say(fieldset, text) {
    var out = fieldset.querySelector(".quiz-slot-status");
    if (out) { out.textContent = text; }
  }

  function save(fieldset) {
    var position = parseInt(fieldset.getAttribute("data-position"), 10);
    var version = parseInt(fieldset.getAttribute("data-version"), 10);
    var seq = seqs[position] = (seqs[position] || 0) + 1;
    pending[position] = true;
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: {"Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": token},
      body: JSON.stringify({position: position, version: version, seq: seq, fields: slotFields(fieldset)})
    }).then(function (response) {
      return response.json().then(function (body) { return {ok: response.ok, body: body}; });
    }).then(function (result) {
      if (result.ok) {
        delete pending[position];
        say(fieldset, form.getAttribute("data-saved"));
        return;
      }
      var error = result.body && result.body.error;
      if (error && error.code === "stale_answer") {
        if (seq < seqs[position]) { return; }  // this page's newer save of the slot decides
        // Another window saved a newer answer; this page's next change goes after it.
        seqs[position] = Math.max(seqs[position], error.seq || 0);
        delete pending[position];
      }
      say(fieldset, error ? error.message : form.getAttribute("data-failed"));
      if (status && error) { status.textContent = error.message; }
      if (error && error.result_url && (error.code === "time_up" || error.code === "finished")) {
        window.location.assign(error.result_url);
      }
    }).catch(function () {
      say(fieldset, form.getAttribute("data-failed"));
      window.setTimeout(function () { if (pending[position]) { save(fieldset); } }, 5000);
    });
  }

  function schedule(fieldset, delay) {
    var key = fieldset.getAttribute("data-position");
    window.clearTimeout(timers[key]);
    timers[key] = window.setTimeout(function () { save(fieldset); }, delay);
  }

  form.addEventListener("change", function (event) {
    var fieldset = event.target.closest("fieldset.quiz-slot");
    if (fieldset) { schedule(fieldset, 0); }
  });
  form.addEventListener("input", function (event) {
    var fieldset = event.target.closest("fieldset.quiz-slot");
    if (fieldset && (event.target.tagName === "TEXTAREA" || event.target.type === "text")) { schedule(fieldset, 1500); }
  });

  // The whole form is newer than every autosave sent before it: number each slot past them.
  function numberSlots() {
    form.querySelectorAll("fieldset.quiz-slot").forEach(function (fieldset) {
      var position = fieldset.getAttribute("data-position");
      var input = form.querySelector('input[name="seq-' + position + '"]');
      if (!input) {
        input = document.createElement("input");
        input.type = "hidden"; input.name = "seq-" + position;
        form.appendChild(input);
      }
      seqs[position] = (seqs[position] || 0) + 1;
      input.value = seqs[position];
    });
  }

  var finishing = false;
  form.addEventListener("submit", function (event) {
    var button = event.submitter;
    if (button && button.hasAttribute("data-finish")) {
      if (finishing) { event.preventDefault(); return; }
      if (!window.confirm(form.getAttribute("data-confirm"))) { event.preventDefault(); return; }
      finishing = true;
    }
    numberSlots();
  });

  var timer = document.getElementById("quiz-timer");
  if (timer) {
    var deadline = Date.parse(timer.getAttribute("data-deadline"));
    var tick = function () {
      var left = Math.max(0, Math.floor((deadline - Date.now()) / 1000));
      var m = Math.floor(left / 60), s = left % 60;
      timer.textContent = m + ":" + (s < 10 ? "0" : "") + s;
      if (left <= 0) {
        window.clearInterval(interval);
        finishing = true;
        var finish = document.createElement("input");
        finish.type = "hidden"; finish.name = "action"; finish.value = "finish";
        form.appendChild(finish);
        numberSlots();
        form.submit();
      }
    };
    var interval = window.setInterval(tick, 1000);
    tick();
  }
})();
