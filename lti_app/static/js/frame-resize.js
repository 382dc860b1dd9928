// Inside an LMS iframe, tells the LMS how tall the page is ({subject: "lti.frameResize", height}), so that a
// platform that honours it (Canvas) grows the iframe instead of showing a second scrollbar. Sent on load and
// whenever the page's height changes; the message holds only a height, so it may go to any origin (the page that
// frames us is not known here: after the first page the referrer is the tool itself).
(function () {
  if (window.parent === window) { return; }
  var last = 0;
  function send() {
    var height = Math.ceil(document.documentElement.scrollHeight);
    if (height === last) { return; }
    last = height;
    window.parent.postMessage({ subject: "lti.frameResize", height: height }, "*");
  }
  var queued = false;
  function later() {
    if (queued) { return; }
    queued = true;
    window.requestAnimationFrame(function () { queued = false; send(); });
  }
  document.addEventListener("DOMContentLoaded", function () {
    send();
    if (window.ResizeObserver) { new window.ResizeObserver(later).observe(document.body); }
    window.addEventListener("load", later);
  });
}());
