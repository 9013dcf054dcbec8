// The termly survey form: show each breakdown grid's running total beside the
// number it must add up to, and show a follow-up question only when the answer
// that asks for it is chosen. Without JavaScript every question is shown and
// the server checks the totals on submit.
(function () {
  "use strict";

  function numberIn(input) {
    var value = parseInt(input && input.value, 10);
    return isNaN(value) ? 0 : value;
  }

  function updateGrid(grid) {
    var sum = 0;
    grid.querySelectorAll("input.grid-cell").forEach(function (input) {
      sum += numberIn(input);
    });
    var output = grid.querySelector("[data-grid-sum]");
    if (!output) {
      return;
    }
    var totalName = grid.getAttribute("data-grid-total");
    var total = totalName ? document.querySelector('[name="' + totalName + '"]') : null;
    if (total && total.value !== "") {
      var target = numberIn(total);
      output.textContent = sum + " of " + target + (sum === target ? " (adds up)" : " (does not add up yet)");
    } else {
      output.textContent = String(sum);
    }
  }

  function chosen(name) {
    var values = [];
    document.querySelectorAll('[name="' + name + '"]').forEach(function (input) {
      if ((input.type === "radio" || input.type === "checkbox") && input.checked) {
        values.push(input.value);
      }
    });
    return values;
  }

  function updateFollowUp(item) {
    var asked = chosen(item.getAttribute("data-follow-up-of")).indexOf(item.getAttribute("data-follow-up-when")) !== -1;
    var hasError = item.classList.contains("survey-item-error");
    item.hidden = !asked && !hasError;
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector("[data-survey-form]");
    if (!form) {
      return;
    }
    var grids = Array.prototype.slice.call(form.querySelectorAll("[data-grid]"));
    var followUps = Array.prototype.slice.call(form.querySelectorAll("[data-follow-up-of]"));
    followUps.forEach(function (item) {
      var note = item.querySelector(".follow-up-note");
      if (note) {
        note.hidden = true;
      }
    });
    function refresh() {
      grids.forEach(updateGrid);
      followUps.forEach(updateFollowUp);
    }
    form.addEventListener("input", refresh);
    form.addEventListener("change", refresh);
    refresh();
  });
})();
