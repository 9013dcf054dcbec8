// Move focus to a form's error summary so screen-reader and keyboard users
// hear what went wrong first (GOV.UK error summary pattern).
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.querySelector("[data-error-summary]");
  if (summary) {
    summary.focus();
  }
});

// A counter under every long answer (a textarea whose maxlength is 1,000 or
// more; the limit comes from the form, hubportal.text_limits). Screen readers
// hear it only when few characters are left, not on every key press.
document.addEventListener("DOMContentLoaded", function () {
  var fields = document.querySelectorAll("textarea[maxlength]");
  Array.prototype.forEach.call(fields, function (field) {
    var limit = parseInt(field.getAttribute("maxlength"), 10);
    if (!(limit >= 1000)) {
      return;
    }
    var counter = document.createElement("div");
    counter.className = "form-text char-counter";
    counter.id = (field.id || field.name) + "-counter";
    var live = document.createElement("div");
    live.className = "visually-hidden";
    live.setAttribute("aria-live", "polite");
    field.insertAdjacentElement("afterend", counter);
    counter.insertAdjacentElement("afterend", live);
    var described = field.getAttribute("aria-describedby");
    field.setAttribute("aria-describedby", (described ? described + " " : "") + counter.id);
    var warned = false;
    function update() {
      var left = limit - field.value.length;
      counter.textContent = left.toLocaleString("en-GB") + " of " + limit.toLocaleString("en-GB") + " characters left";
      var near = left <= limit / 10;
      counter.classList.toggle("text-danger", near);
      if (near && !warned) {
        live.textContent = left.toLocaleString("en-GB") + " characters left";
      }
      warned = near;
    }
    field.addEventListener("input", update);
    update();
  });
});
