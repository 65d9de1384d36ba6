/* Quiz editor: drag a question row to a new place (the ↑/↓ buttons stay for keyboards and no-JS).
   A drop posts the new position to the row's move endpoint, as a drag-and-drop client of
   /quizzes/<id>/questions/<link>/move with ``to``; the page then reloads in the new order. */
(function () {
  "use strict";
  var table = document.querySelector("table.quiz-fixed");
  if (!table) { return; }
  var form = document.getElementById("quiz-marks");
  var token = form.querySelector("input[name=csrf_token]").value;
  var dragged = null;
  var rows = table.querySelectorAll("tbody tr[data-move]");
  Array.prototype.forEach.call(rows, function (row) {
    row.draggable = true;
    row.addEventListener("dragstart", function (event) {
      dragged = row;
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", row.dataset.position);  // Firefox starts a drag only with data
      row.classList.add("dragging");
    });
    row.addEventListener("dragend", function () { row.classList.remove("dragging"); });
    row.addEventListener("dragover", function (event) { event.preventDefault(); });
    row.addEventListener("drop", function (event) {
      event.preventDefault();
      if (!dragged || dragged === row) { return; }
      var body = new FormData();
      body.set("csrf_token", token);
      body.set("to", row.dataset.position);
      fetch(dragged.dataset.move, {method: "POST", body: body, credentials: "same-origin"})
        .then(function () { window.location.reload(); });
    });
  });
}());

/* Random draws: choosing a category says how many questions it holds and caps the number to draw
   at that, so an author sees before saving whether the category can feed the draw (the server
   checks it again and answers next to the field). */
(function () {
  "use strict";
  var form = document.getElementById("quiz-draw");
  if (!form) { return; }
  var select = form.querySelector("select[name='draw-category_id']");
  var count = form.querySelector("input[name='draw-count']");
  var hint = document.getElementById("draw-pool");
  function show() {
    var option = select.options[select.selectedIndex];
    if (!option) { return; }
    var pool = option.dataset.pool || "0";
    hint.textContent = hint.dataset.template.replace("N", pool);
    if (count) { count.max = Math.max(1, Math.min(500, parseInt(pool, 10) || 0)); }
  }
  select.addEventListener("change", show);
  show();
}());
