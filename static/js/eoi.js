// The EOI form: totals and the Hub Grant share, live as the partner types,
// and buttons to add budget and funding lines. The server decides when the
// partner submits (eoi/funding.py); this only shows the same figures sooner.
// Money is counted in whole pence with BigInt, never in floating point.
(function () {
  "use strict";

  var form = document.querySelector("[data-eoi-form]");
  if (!form) {
    return;
  }

  // "1,234.5" -> 123450n pence; "" -> 0n; anything else -> null (not an amount).
  function pence(text) {
    var t = (text || "").replace(/[£,\s]/g, "");
    if (t === "") {
      return 0n;
    }
    if (!/^\d+(\.\d{0,2})?$/.test(t)) {
      return null;
    }
    var parts = t.split(".");
    var fraction = ((parts[1] || "") + "00").slice(0, 2);
    return BigInt(parts[0]) * 100n + BigInt(fraction);
  }

  // Hundredths of a per cent from "50.00" -> 5000n.
  function hundredths(text) {
    return pence(text) || 0n;
  }

  function money(p) {
    var negative = p < 0n;
    if (negative) {
      p = -p;
    }
    var pounds = (p / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
    var pennies = (p % 100n).toString().padStart(2, "0");
    return (negative ? "-£" : "£") + pounds + "." + pennies;
  }

  function percent(h) {
    return (h / 100n).toString() + "." + (h % 100n).toString().padStart(2, "0") + "%";
  }

  function ceilDiv(a, b) {
    return (a + b - 1n) / b;
  }

  function removed(input) {
    var row = input.closest("[data-line]");
    var box = row && row.querySelector("[data-line-delete]");
    return box ? box.checked : false;
  }

  var threshold = hundredths(form.dataset.threshold);
  var inKindCounts = form.dataset.inKindCounts === "true";
  var maxHubGrant = form.dataset.maxHubGrant ? pence(form.dataset.maxHubGrant) : null;
  var live = {};
  document.querySelectorAll("[data-live]").forEach(function (el) {
    live[el.dataset.live] = el;
  });

  function update() {
    var total = 0n;
    var funding = 0n;
    var inKind = 0n;
    var invalid = false;
    form.querySelectorAll("[data-budget-amount]").forEach(function (input) {
      var p = pence(input.value);
      if (p === null) {
        invalid = true;
      } else if (!removed(input)) {
        total += p;
      }
    });
    var hubInput = form.querySelector("[data-hub-grant]");
    var hub = pence(hubInput ? hubInput.value : "");
    if (hub === null) {
      invalid = true;
      hub = 0n;
    }
    funding += hub;
    form.querySelectorAll("[data-funding-amount]").forEach(function (input) {
      var p = pence(input.value);
      if (p === null) {
        invalid = true;
        return;
      }
      if (removed(input)) {
        return;
      }
      funding += p;
      var kind = input.closest("[data-line]").querySelector("[data-funding-kind]");
      if (kind && kind.value === "in_kind") {
        inKind += p;
      }
    });
    var other = funding - hub - (inKindCounts ? 0n : inKind);

    live.total.textContent = money(total);
    live.funding.textContent = money(funding);
    live.hub.textContent = money(hub);
    live.other.textContent = money(other);
    live.share.textContent = total > 0n ? percent(ceilDiv(hub * 10000n, total)) : "—";

    var verdict;
    if (invalid) {
      verdict = "Enter each amount in pounds and pence, like 1250.00, to see your figures.";
    } else if (total === 0n) {
      verdict = "Add your budget lines to see the Hub Grant share.";
    } else {
      var problems = [];
      if (funding !== total) {
        var gap = total - funding;
        problems.push(
          "Your funding adds up to " + money(funding) + " but the total cost is " + money(total) +
            " (" + money(gap < 0n ? -gap : gap) + (gap > 0n ? " still to find)." : " too much).")
        );
      }
      var required = ceilDiv(threshold * total, 10000n);
      var limit = ((10000n - threshold) * total) / 10000n;
      var shortfall = required - other;
      if (hub - limit > shortfall) {
        shortfall = hub - limit;
      }
      if (shortfall > 0n) {
        problems.push(
          "The Hub Grant is " + percent(ceilDiv(hub * 10000n, total)) + " of the cost; at least " +
            percent(threshold) + " (" + money(required) + ") must come from other sources, which bring " +
            money(other) + ": " + money(shortfall) + " short."
        );
      }
      if (maxHubGrant !== null && hub > maxHubGrant) {
        problems.push("The Hub Grant is more than this call's maximum of " + money(maxHubGrant) + ".");
      }
      verdict = problems.length
        ? problems.join(" ")
        : "On these figures the match-funding rule is met.";
    }
    live.verdict.textContent = verdict;
  }

  // Add a line: copy the empty form from its <template>, numbered as the next form.
  document.querySelectorAll("[data-add-line]").forEach(function (button) {
    var prefix = button.dataset.addLine;
    var template = document.getElementById(prefix + "-template");
    var body = form.querySelector('[data-lines="' + prefix + '"] tbody');
    var count = form.querySelector('input[name="' + prefix + '-TOTAL_FORMS"]');
    button.hidden = false;
    button.addEventListener("click", function () {
      var index = parseInt(count.value, 10);
      var html = template.innerHTML.replace(/__prefix__/g, String(index)).replace(/__n__/g, String(index + 1));
      body.insertAdjacentHTML("beforeend", html);
      count.value = String(index + 1);
      var first = body.lastElementChild.querySelector("input, select");
      if (first) {
        first.focus();
      }
      update();
    });
  });

  form.addEventListener("input", update);
  form.addEventListener("change", update);
  update();
})();
