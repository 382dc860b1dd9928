// A page that comes back with errors puts the focus on its error summary. The summary's autofocus does it in a
// page of its own; a browser ignores autofocus inside a cross-origin frame (an LMS's iframe), so do it here too.
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.querySelector(".error-summary");
  if (summary && document.activeElement !== summary) {
    summary.focus();
  }
});
