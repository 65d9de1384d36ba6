/* Course builder: drag a lesson onto another place; the drop posts the same move form the
   up/down buttons use (direction "to", the section and position), so the page works without it. */
(function () {
  "use strict";
  var dragged = null;

  function positionIn(list, y) {
    var items = Array.prototype.filter.call(list.querySelectorAll(".builder-lesson"), function (item) {
      return item !== dragged;
    });
    for (var i = 0; i < items.length; i++) {
      var box = items[i].getBoundingClientRect();
      if (y < box.top + box.height / 2) { return i; }
    }
    return items.length;
  }

  function send(lesson, sectionId, position) {
    var form = document.createElement("form");
    form.method = "post";
    form.action = lesson.dataset.moveUrl;
    var values = {csrf_token: document.querySelector("[data-builder]").dataset.csrf,
                  direction: "to", section_id: sectionId, position: position};
    Object.keys(values).forEach(function (name) {
      var input = document.createElement("input");
      input.type = "hidden"; input.name = name; input.value = values[name];
      form.appendChild(input);
    });
    document.body.appendChild(form);
    form.submit();
  }

  document.querySelectorAll(".builder-lesson").forEach(function (lesson) {
    lesson.setAttribute("draggable", "true");
    lesson.addEventListener("dragstart", function (event) {
      dragged = lesson;
      lesson.classList.add("dragging");
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", lesson.dataset.lessonId);
    });
    lesson.addEventListener("dragend", function () { lesson.classList.remove("dragging"); dragged = null; });
  });
  document.querySelectorAll(".builder-lessons").forEach(function (list) {
    list.addEventListener("dragover", function (event) {
      if (!dragged) { return; }
      event.preventDefault();
      list.classList.add("drop-target");
    });
    list.addEventListener("dragleave", function () { list.classList.remove("drop-target"); });
    list.addEventListener("drop", function (event) {
      if (!dragged) { return; }
      event.preventDefault();
      send(dragged, list.dataset.sectionId, positionIn(list, event.clientY));
    });
  });
})();
