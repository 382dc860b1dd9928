// LTI Client Side postMessage Storage (1EdTech lti-cs-oidc, lti-cs-pm, lti-pm-s): the login keeps its state and
// nonce in the LMS's storage frame (window.parent.frames[lti_storage_target]) instead of a cookie, and the launch
// reads the state back. Messages go to the LMS's OIDC auth origin only, and only that origin's answers count:
//   {subject: "lti.put_data", message_id, key, value} -> {subject: "lti.put_data.response", message_id, key, value}
//   {subject: "lti.get_data", message_id, key}        -> {subject: "lti.get_data.response", message_id, key, value}
// (an answer with "error": {code, message} is a refusal). Without an answer in time the login falls back to the
// cookie flow (its cookie check and new-window offer), and the launch posts without the state (and is refused).
(function () {
  var box = document.getElementById("lti-storage");
  if (!box) { return; }
  var TIMEOUT_MS = 3000;
  var origin = box.getAttribute("data-origin");
  var targetName = box.getAttribute("data-target");
  var frame = null;
  try {
    frame = targetName === "_parent" ? window.parent : window.parent.frames[targetName];
  } catch (e) { frame = null; }
  if (window.parent === window) { frame = null; }
  var waiting = {};
  var counter = 0;

  function messageId() {
    counter += 1;
    return (window.crypto && window.crypto.randomUUID) ? window.crypto.randomUUID() : "m" + Date.now() + "-" + counter;
  }

  window.addEventListener("message", function (event) {
    if (event.origin !== origin || event.source !== frame) { return; }
    var data = event.data;
    if (!data || typeof data !== "object") { return; }
    var pending = waiting[data.message_id];
    if (!pending || data.subject !== pending.subject + ".response") { return; }
    delete waiting[data.message_id];
    if (data.error) { pending.reject(data.error); } else { pending.resolve(data); }
  });

  function ask(subject, key, value) {
    return new Promise(function (resolve, reject) {
      if (!frame) { reject({ code: "no_frame" }); return; }
      var id = messageId();
      waiting[id] = { subject: subject, resolve: resolve, reject: reject };
      var message = { subject: subject, message_id: id, key: key };
      if (value !== undefined) { message.value = value; }
      frame.postMessage(message, origin);
    });
  }

  function inTime(promise) {
    return Promise.race([promise, new Promise(function (resolve, reject) {
      window.setTimeout(function () { reject({ code: "timeout" }); }, TIMEOUT_MS);
    })]);
  }

  if (box.getAttribute("data-mode") === "login") {
    inTime(Promise.all([
      ask("lti.put_data", box.getAttribute("data-state-key"), box.getAttribute("data-state")),
      ask("lti.put_data", box.getAttribute("data-nonce-key"), box.getAttribute("data-nonce"))
    ])).then(function () {
      window.location.replace(box.getAttribute("data-next"));
    }, function () {
      window.location.replace(box.getAttribute("data-fallback"));
    });
  } else {
    var form = document.getElementById("lti-storage-launch");
    inTime(ask("lti.get_data", box.getAttribute("data-state-key"))).then(function (answer) {
      form.elements.lti_storage_value.value = typeof answer.value === "string" ? answer.value : "";
      form.submit();
    }, function () {
      form.submit();
    });
  }
}());
