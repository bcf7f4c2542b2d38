// Ops Portal page behaviour shared by every page. Pages carry no inline script or on…=
// handler (Content-Security-Policy: script-src 'self'): they mark elements with data-*
// attributes and the listeners below act on them.

if (window.htmx) {
  // htmx would add its indicator rules in an inline <style>, which style-src 'self'
  // refuses (no page uses hx-indicator); and nothing here may need eval.
  htmx.config.includeIndicatorStyles = false;
  htmx.config.allowEval = false;
}

document.addEventListener("DOMContentLoaded", () => {
  if (window.htmx) {
    // Show 4xx answers (validation, permission, conflict messages) in the target,
    // instead of htmx's default of ignoring them; 5xx stays an error.
    htmx.config.responseHandling = [
      { code: "204", swap: false },
      { code: "[23]..", swap: true },
      { code: "4..", swap: true, error: false },
      { code: "...", swap: false, error: true },
    ];
  }
});

// "Add a row" for a Django formset: clone its empty form (rendered in a <template> with
// the __prefix__ placeholder) as the next row and count it in TOTAL_FORMS.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-formset-add]");
  if (!button) return;
  const prefix = button.dataset.formsetAdd;
  const total = document.getElementById(`id_${prefix}-TOTAL_FORMS`);
  const max = document.getElementById(`id_${prefix}-MAX_NUM_FORMS`);
  const index = Number(total.value);
  if (max && index >= Number(max.value)) return;
  const template = document.querySelector(`template[data-formset-empty="${prefix}"]`);
  const html = template.innerHTML.replaceAll("__prefix__", String(index));
  const rows = document.querySelector(`[data-formset-rows="${prefix}"]`);
  rows.insertAdjacentHTML("beforeend", html);
  total.value = String(index + 1);
  rows.lastElementChild.querySelector("input, select, textarea")?.focus();
});

// <select data-autosubmit>: choosing an option submits its form.
document.addEventListener("change", (event) => {
  const select = event.target.closest("[data-autosubmit]");
  if (select && select.form) select.form.requestSubmit();
});

// <input type=checkbox data-check-all="selector">: ticks or clears every box matching it.
document.addEventListener("change", (event) => {
  const master = event.target.closest("[data-check-all]");
  if (!master) return;
  document.querySelectorAll(master.dataset.checkAll).forEach((box) => {
    box.checked = master.checked;
  });
});

// <button data-tick-all>: ticks every box of the fieldset it is in.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-tick-all]");
  if (!button) return;
  button.closest("fieldset").querySelectorAll("input[type=checkbox]").forEach((box) => {
    box.checked = true;
  });
});

// <form data-confirm="question">: asks before submitting.
document.addEventListener("submit", (event) => {
  const form = event.target.closest("form[data-confirm]");
  if (form && !window.confirm(form.dataset.confirm)) event.preventDefault();
});

// <button data-print> prints the page; <button data-history-back> goes back.
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) window.print();
  else if (event.target.closest("[data-history-back]")) window.history.back();
});

// A refused form's message at the top (role="alert" data-focus-alert tabindex="-1") takes
// the focus, on a full page load and after an htmx swap, so keyboard and screen-reader
// users land on what went wrong.
function focusAlert(root) {
  const alert = (root || document).querySelector("[data-focus-alert]");
  if (alert) alert.focus();
}
document.addEventListener("DOMContentLoaded", () => focusAlert(document));
document.addEventListener("htmx:afterSwap", (event) => focusAlert(event.detail.target));
