// Ends an LTI Dynamic Registration (LTI-DR 1.0 §3.6): tells the LMS page that opened us, as an iframe or a
// window, to close us. Moodle and Canvas both listen for {subject: "org.imsglobal.lti.close"}.
// The message goes to the registering platform's origin (data-close-targets, space separated; "*" only for hosted
// Canvas, whose admin pages are on the school's own domain). The success page is left up for data-close-after
// seconds so the administrator can read it; the button closes at once. The error page closes on the button only.
document.addEventListener("DOMContentLoaded", function () {
  var page = document.getElementById("registration-done") || document.getElementById("registration-failed");
  if (!page) { return; }
  var targets = (page.getAttribute("data-close-targets") || "").split(" ").filter(Boolean);
  var message = { subject: "org.imsglobal.lti.close" };
  var error = page.getAttribute("data-error");
  if (error) { message.errormsg = error; }
  function close() {
    var target = window.opener || (window.parent !== window ? window.parent : null);
    if (!target) { return; }
    targets.forEach(function (origin) { target.postMessage(message, origin); });
  }
  var button = document.getElementById("registration-close");
  if (button) { button.hidden = false; button.addEventListener("click", close); }
  var seconds = parseInt(page.getAttribute("data-close-after") || "0", 10);
  if (seconds > 0) { window.setTimeout(close, seconds * 1000); }
});
