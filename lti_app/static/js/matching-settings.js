// Matching settings: a value whose rule or criterion is off is disabled (and not sent: the stored value is kept).
document.addEventListener("DOMContentLoaded", function () {
  var form = document.getElementById("matching-settings");
  if (!form) { return; }
  function sync() {
    form.querySelectorAll("[data-needs]").forEach(function (input) {
      var rule = document.getElementById(input.getAttribute("data-needs"));
      input.disabled = rule ? !rule.checked : false;
    });
    form.querySelectorAll("[data-needs-weight]").forEach(function (select) {
      var weight = document.getElementById(select.getAttribute("data-needs-weight"));
      select.disabled = weight ? Number(weight.value) === 0 : false;
    });
  }
  form.addEventListener("input", sync);
  form.addEventListener("change", sync);
  sync();
});
