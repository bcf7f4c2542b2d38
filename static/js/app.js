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
