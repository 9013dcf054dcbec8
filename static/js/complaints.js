// Complaints: the partner list only matters when the complaint is about a
// partner, so it is hidden (and left empty) when "The Hub itself" is chosen.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("form").forEach(function (form) {
    var radios = form.querySelectorAll("input[type=radio][name$='about']");
    var partner = form.querySelector("select[name$='partner']");
    if (!radios.length || !partner) {
      return;
    }
    var wrapper = partner.closest(".mb-3") || partner.parentElement;
    var agreement = form.querySelector("select[name$='agreement']");
    var agreementWrapper = agreement ? agreement.closest(".mb-3") || agreement.parentElement : null;
    function update() {
      var checked = form.querySelector("input[type=radio][name$='about']:checked");
      var aboutHub = checked && checked.value === "hub";
      wrapper.hidden = aboutHub;
      if (aboutHub) {
        partner.value = "";
      }
      if (agreementWrapper) {
        agreementWrapper.hidden = aboutHub;
        if (aboutHub) {
          agreement.value = "";
        }
      }
    }
    radios.forEach(function (radio) {
      radio.addEventListener("change", update);
    });
    update();
  });
});
