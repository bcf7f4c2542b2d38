// Complaint page (complaints/complaint_detail.html): picking a reply template copies its
// text into the reply box. Delegated, so it keeps working after htmx swaps the body.
document.addEventListener("change", (event) => {
  if (!event.target.matches("[data-reply-template]")) return;
  const box = document.getElementById("reply-body");
  if (box && event.target.value) box.value = event.target.value;
});
