// Accessible names the Django admin leaves out (WCAG 1.3.1, 4.1.2). Runs after
// the admin's own scripts have built their widgets (select2, SelectFilter2).
(function () {
  "use strict";

  function text(element) {
    return element ? element.textContent.replace(/\s+/g, " ").trim() : "";
  }

  function labelListEditable() {
    // Inputs in an editable change list: name each from its column and row.
    document.querySelectorAll("#result_list tbody tr").forEach(function (row) {
      var rowName = text(row.querySelector("th a, th, td a"));
      row.querySelectorAll("input:not([type=hidden]):not([type=checkbox].action-select), select, textarea").forEach(
        function (control) {
          if (control.labels && control.labels.length) return;
          var cell = control.closest("td, th");
          var header = document.querySelectorAll("#result_list thead th")[cell.cellIndex];
          control.setAttribute("aria-label", (text(header) + " — " + rowName).trim());
        }
      );
    });
  }

  function labelTabularInlines() {
    // Tabular inlines (e.g. a case study's consents): each input named by its column and row.
    document.querySelectorAll(".inline-group .tabular table").forEach(function (table) {
      var headers = table.querySelectorAll("thead th");
      table.querySelectorAll("tbody tr").forEach(function (row, rowIndex) {
        row.querySelectorAll("input:not([type=hidden]), select, textarea").forEach(function (control) {
          if (control.labels && control.labels.length) return;
          var cell = control.closest("td");
          if (!cell) return;
          var header = text(headers[cell.cellIndex]);
          control.setAttribute("aria-label", (header || control.name) + " (row " + (rowIndex + 1) + ")");
        });
      });
    });
  }

  function labelSplitDateTimes() {
    // "Date: [ ] Time: [ ]": each input gets its field's label and which part it is.
    document.querySelectorAll("p.datetime").forEach(function (group) {
      var fieldLabel = text(group.closest(".form-row, .fieldBox, div") && group.closest("div").querySelector("label"));
      group.querySelectorAll("input").forEach(function (input, index) {
        if (input.labels && input.labels.length && index === 0) return;
        input.setAttribute("aria-label", (fieldLabel.replace(/:$/, "") + (index === 0 ? " (date)" : " (time)")).trim());
      });
    });
  }

  function nameWidgets() {
    // SelectFilter2's icon carries an aria-label that a plain span may not have.
    document.querySelectorAll("span.help-tooltip[aria-label]").forEach(function (icon) {
      icon.setAttribute("role", "img");
    });
    // select2 (autocomplete fields): the combobox takes the field's label.
    document.querySelectorAll(".select2-selection[role=combobox]").forEach(function (box) {
      var select = box.closest(".select2-container").previousElementSibling;
      var label = select && select.id ? document.querySelector("label[for='" + select.id + "']") : null;
      if (label) {
        if (!label.id) label.id = select.id + "_label";
        box.setAttribute("aria-labelledby", label.id);
      }
    });
    document.querySelectorAll(".select2-selection__rendered[role=textbox]").forEach(function (rendered) {
      rendered.setAttribute("aria-hidden", "true");
    });
  }

  function fixAll() {
    labelListEditable();
    labelTabularInlines();
    labelSplitDateTimes();
    nameWidgets();
  }

  // After jQuery's ready handlers (which build select2 and SelectFilter2 widgets).
  // Again at load, in case a widget was built late; each fix is idempotent.
  document.addEventListener("DOMContentLoaded", function () {
    window.setTimeout(fixAll, 0);
  });
  window.addEventListener("load", fixAll);
})();
