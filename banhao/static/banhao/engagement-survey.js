// 办好 Banhao — conditional questions of a questionnaire (民说民评 问卷).
// A question with data-show-if="Q3:A,B" is shown only when question Q3 (itself shown) has one
// of the values A or B chosen. Hidden questions are cleared so they are not submitted. The
// server checks the same rule (banhao_core.surveys) and is authoritative.
"use strict";

(() => {
  const forms = document.querySelectorAll("form[data-survey-form]");
  const chosen = (form, code) => {
    const inputs = form.querySelectorAll(`[name="q_${code}"]`);
    const values = [];
    inputs.forEach((input) => {
      if ((input.type === "radio" || input.type === "checkbox") && !input.checked) return;
      if (input.value) values.push(input.value);
    });
    return values;
  };
  const update = (form) => {
    const shown = new Set();
    form.querySelectorAll("fieldset[data-question]").forEach((fieldset) => {
      const code = fieldset.dataset.question;
      const rule = fieldset.dataset.showIf;
      let visible = true;
      if (rule) {
        const [source, list] = rule.split(":");
        const wanted = new Set(list.split(","));
        visible = shown.has(source) && chosen(form, source).some((value) => wanted.has(value));
      }
      fieldset.hidden = !visible;
      if (visible) {
        shown.add(code);
      } else {
        fieldset.querySelectorAll("input, textarea").forEach((input) => {
          if (input.type === "radio" || input.type === "checkbox") input.checked = false;
          else input.value = "";
        });
      }
    });
  };
  forms.forEach((form) => {
    update(form);
    form.addEventListener("change", () => update(form));
    form.addEventListener("input", () => update(form));
  });
})();
