// 办好 Banhao — behaviour that would otherwise be inline event handlers, which the
// Content-Security-Policy (script-src 'self') does not allow.
"use strict";

// <select data-autosubmit> submits its form when the choice changes (e.g. the 工作日历 centre).
document.addEventListener("change", (event) => {
  const target = event.target;
  if (target instanceof HTMLSelectElement && "autosubmit" in target.dataset && target.form) {
    target.form.requestSubmit();
  }
});
