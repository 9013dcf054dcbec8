// Wide tables as stacked rows on phones (static/css/design-system.css, section 4).
// Each cell gets its column's heading in data-label, shown above it under 576 px.
// Chromium drops a table's roles when its parts are shown as blocks, so the
// roles are stated here and a screen reader still hears a table with headers.
// A table opts out with data-stack="no" (e.g. a grid whose columns must line up).
(function () {
  function words(cell) {
    return (cell.textContent || "").replace(/\s+/g, " ").trim();
  }

  function headings(table) {
    var rows = table.tHead ? table.tHead.rows : [];
    if (!rows.length) {
      return null;
    }
    var labels = [];
    // The last heading row names the columns; a cell spanning columns names each.
    Array.prototype.forEach.call(rows[rows.length - 1].cells, function (cell) {
      for (var i = 0; i < (cell.colSpan || 1); i += 1) {
        labels.push(words(cell));
      }
    });
    return labels;
  }

  function stack(table) {
    var labels = headings(table);
    if (!labels || !labels.some(Boolean)) {
      return;
    }
    // ARIA lets a table own only rows and row groups: a caption holding a link
    // would be refused, so such a table keeps the browser's own roles.
    var roles = !(table.caption && table.caption.querySelector("a, button, input, select, textarea"));
    function role(element, name) {
      if (roles) {
        element.setAttribute("role", name);
      }
    }
    role(table, "table");
    Array.prototype.forEach.call(table.querySelectorAll(":scope > thead, :scope > tbody, :scope > tfoot"), function (group) {
      role(group, "rowgroup");
    });
    Array.prototype.forEach.call(table.rows, function (row) {
      role(row, "row");
      var column = 0;
      Array.prototype.forEach.call(row.cells, function (cell) {
        var span = cell.colSpan || 1;
        var inHead = row.parentNode === table.tHead;
        if (cell.tagName === "TH") {
          role(cell, inHead || cell.getAttribute("scope") === "col" ? "columnheader" : "rowheader");
        } else {
          role(cell, "cell");
        }
        if (!inHead && span === 1 && labels[column] && !cell.hasAttribute("data-label")) {
          cell.setAttribute("data-label", labels[column]);
        }
        column += span;
      });
    });
    table.classList.add("table-stacked");
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("main table.table"), function (table) {
      if (table.getAttribute("data-stack") !== "no") {
        stack(table);
      }
    });
  });
})();
