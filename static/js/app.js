// Ops Portal page behaviour shared by every page.
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
