// On a phone a list's filters fold away behind their own name ("Filter partners",
// with how many are applied), so the first screen shows the results, not the
// form (static/css/design-system.css, section 4). A form showing an error stays
// open. Wider screens, and browsers without JavaScript, show the form as it is.
(function () {
  if (!window.matchMedia("(max-width: 575.98px)").matches) {
    return;
  }

  function applied(form) {
    var count = 0;
    Array.prototype.forEach.call(form.elements, function (field) {
      if (!field.name || field.name === "sort" || field.name === "page" || field.type === "hidden") {
        return;
      }
      if (field.type === "submit" || field.type === "button") {
        return;
      }
      if (field.type === "checkbox" || field.type === "radio" ? field.checked : field.value) {
        count += 1;
      }
    });
    return count;
  }

  var forms = document.querySelectorAll('main form[method="get"][aria-label^="Filter"]');
  Array.prototype.forEach.call(forms, function (form) {
    var count = applied(form);
    var details = document.createElement("details");
    details.className = "phone-filters";
    var summary = document.createElement("summary");
    summary.className = "btn btn-outline-secondary";
    summary.textContent = form.getAttribute("aria-label") + (count ? " (" + count + " applied)" : "");
    details.appendChild(summary);
    details.open = form.querySelector(".is-invalid") !== null;
    form.parentNode.insertBefore(details, form);
    details.appendChild(form);
  });
})();
