// Keeps the progress bar of a background matching run current: reads the run's status every 2 seconds and
// reloads the page once the run is over, to show the draft (or the error). Without JavaScript the page has a
// "Refresh" link instead.
(function () {
  "use strict";
  var panel = document.querySelector("[data-run-status]");
  if (!panel || !window.fetch) { return; }
  var url = panel.getAttribute("data-run-status");

  function show(run) {
    var bar = panel.querySelector("progress");
    if (bar) { bar.value = run.progress; bar.textContent = run.progress + "%"; }
    panel.querySelectorAll("[data-run-field]").forEach(function (element) {
      var value = run[element.getAttribute("data-run-field")];
      if (value !== undefined && value !== null) { element.textContent = value; }
    });
  }

  function reload() {
    // In a cookie-less LMS frame the page came by a POST carrying the frame's token (frame-session.js).
    if (window.rementorFrame) { window.rementorFrame.navigate(window.location.href); } else { window.location.reload(); }
  }

  function tick() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (run) {
        if (run && !run.busy) { reload(); return; }
        if (run) { show(run); }
        window.setTimeout(tick, 2000);
      })
      .catch(function () { window.setTimeout(tick, 2000); });
  }

  window.setTimeout(tick, 2000);
}());
