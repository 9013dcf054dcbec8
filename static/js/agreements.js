// Agreements: show only the fields that apply, and add up a project's payment
// schedule as staff type. The server checks everything; this only helps.
(function () {
  "use strict";

  function group(name) {
    return document.getElementById("div_id_" + name);
  }

  function showIf(name, visible) {
    var el = group(name);
    if (!el) {
      return;
    }
    // Never hide a field the server has flagged.
    var flagged = el.querySelector(".is-invalid, .invalid-feedback");
    el.hidden = !visible && !flagged;
  }

  function checkedValues(name) {
    return Array.prototype.map.call(
      document.querySelectorAll('input[name="' + name + '"]:checked'),
      function (input) { return input.value; }
    );
  }

  // The annual review: conditions only when renewing with conditions; reasons
  // and evidence only when recommending not to renew or to terminate.
  function setUpReview() {
    var recommendation = document.getElementById("id_recommendation");
    var ending = document.querySelector("[data-ending-fields]");
    if (!recommendation) {
      return;
    }
    function update() {
      var value = recommendation.value;
      var ends = value === "not_renew" || value === "terminate";
      showIf("conditions", value === "renew_with_conditions");
      if (ending) {
        var flagged = ending.querySelector(".is-invalid, .invalid-feedback");
        ending.hidden = !ends && !flagged;
      }
      showIf("other_reason", checkedValues("reasons").indexOf("other") !== -1);
    }
    recommendation.addEventListener("change", update);
    document.addEventListener("change", function (event) {
      if (event.target.name === "reasons") {
        update();
      }
    });
    update();
  }

  // The recommendation: the other reason when "Other" is ticked; suspension
  // offered only for a safeguarding concern.
  function setUpRecommendation() {
    var suspend = document.getElementById("id_suspend_partner");
    if (!suspend || !document.querySelector("[data-recommendation-form]")) {
      return;
    }
    function update() {
      var reasons = checkedValues("reasons");
      showIf("other_reason", reasons.indexOf("other") !== -1);
      var safeguarding = reasons.indexOf("safeguarding") !== -1;
      suspend.disabled = !safeguarding;
      if (!safeguarding) {
        suspend.checked = false;
      }
    }
    document.addEventListener("change", function (event) {
      if (event.target.name === "reasons") {
        update();
      }
    });
    update();
  }

  // A project's payment schedule: the running total against the contribution.
  function setUpSchedule() {
    var output = document.querySelector("[data-schedule-total]");
    var contribution = document.getElementById("id_hub_contribution");
    if (!output || !contribution) {
      return;
    }
    function pence(value) {
      var number = Number(String(value || "").replace(/[£,\s]/g, ""));
      return isFinite(number) ? Math.round(number * 100) : 0;
    }
    function pounds(p) {
      return "£" + (p / 100).toLocaleString("en-GB", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    }
    function update() {
      var total = 0;
      document.querySelectorAll('input[name^="instalments-"][name$="-amount"]').forEach(function (input) {
        var remove = document.getElementById(input.id.replace(/-amount$/, "-DELETE"));
        if (!remove || !remove.checked) {
          total += pence(input.value);
        }
      });
      var target = pence(contribution.value);
      var difference = target - total;
      output.textContent = "The instalments add up to " + pounds(total) + " of the Hub's contribution of " +
        pounds(target) + (difference === 0 ? ": they match." : difference > 0 ?
          ": " + pounds(difference) + " still to schedule." : ": " + pounds(-difference) + " too much.");
    }
    document.addEventListener("input", update);
    document.addEventListener("change", update);
    update();
  }

  document.addEventListener("DOMContentLoaded", function () {
    setUpReview();
    setUpRecommendation();
    setUpSchedule();
  });
})();
