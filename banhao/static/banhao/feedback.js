// 好差评 rating form: the 差评 options are shown only when 不满意/非常不满意 is chosen.
// Without JavaScript every option stays visible (the server checks the rule anyway).
(function () {
  "use strict";
  var BAD = ["dissatisfied", "very_dissatisfied"];
  function update(form) {
    var options = form.querySelector("[data-bad-options]");
    if (!options) { return; }
    var chosen = form.querySelector("input[name=level]:checked");
    var bad = chosen !== null && BAD.indexOf(chosen.value) !== -1;
    options.classList.toggle("hidden", !bad);
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-rating-form]").forEach(function (form) {
      update(form);
      form.addEventListener("change", function () { update(form); });
    });
  });
})();
