// Conditional questions without a round trip; the server re-checks every answer anyway.
(function () {
  "use strict";
  var form = document.querySelector("form.survey-form");
  if (!form) { return; }
  document.documentElement.classList.add("js");

  function answerOf(key) {
    var values = [];
    form.querySelectorAll('[name="q-' + key + '"]').forEach(function (input) {
      if ((input.type === "radio" || input.type === "checkbox") && !input.checked) { return; }
      if (input.value.trim() !== "") { values.push(input.value.trim()); }
    });
    return values;
  }

  function visible(fieldset) {
    return fieldset && !fieldset.hidden;
  }

  function update() {
    form.querySelectorAll("fieldset[data-show-if]").forEach(function (fieldset) {
      var rule = JSON.parse(fieldset.getAttribute("data-show-if"));
      var source = document.getElementById("question-" + rule.question);
      var wanted = ("equals" in rule ? [rule.equals] : rule["in"]).map(String);
      var given = visible(source) ? answerOf(rule.question) : [];
      var numeric = wanted.every(function (w) { return w !== "" && !isNaN(Number(w)); });
      fieldset.hidden = !given.some(function (value) {
        return wanted.indexOf(value) !== -1 || (numeric && wanted.map(Number).indexOf(Number(value.replace(",", "."))) !== -1);
      });
    });
  }

  form.addEventListener("change", update);
  form.addEventListener("input", update);
  update();
})();
