// Keyboard shortcuts of the content review page (content/review.html): a approves,
// r goes to the return comment, n opens the next item; Ctrl/⌘+Enter submits the form
// being typed in. Letters typed into a field are left alone.
document.addEventListener("keydown", (event) => {
  if ((event.ctrlKey || event.metaKey) && event.key === "Enter" && event.target.form) {
    event.preventDefault();
    event.target.form.requestSubmit();
    return;
  }
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  const tag = (event.target.tagName || "").toLowerCase();
  if (tag === "input" || tag === "textarea" || tag === "select" || event.target.isContentEditable) {
    return;
  }
  if (event.key === "a") {
    const form = document.getElementById("approve-form");
    if (form) {
      event.preventDefault();
      form.requestSubmit();
    }
  } else if (event.key === "r") {
    const comment = document.getElementById("return-comment");
    if (comment) {
      event.preventDefault();
      comment.focus();
    }
  } else if (event.key === "n") {
    const next = document.getElementById("next-link");
    if (next) {
      event.preventDefault();
      window.location = next.href;
    }
  }
});
