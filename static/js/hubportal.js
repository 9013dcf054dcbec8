// Move focus to a form's error summary so screen-reader and keyboard users
// hear what went wrong first (GOV.UK error summary pattern).
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.querySelector("[data-error-summary]");
  if (summary) {
    summary.focus();
  }
});
