// The demo LMS's storage frame (1EdTech postMessage Storage, lti-pm-s, as Canvas answers it): the tool's frame
// sends {subject: "lti.put_data" | "lti.get_data" | "lti.capabilities", message_id, key, value}; the answer goes to
// that frame and origin only, with the subject + ".response", the same message_id, and the key and value (or an
// "error": {code, message}). Values are kept per origin in this frame's memory while the course page is open.
(function () {
  var allowed = document.querySelector('meta[name="demo-tool-origin"]').getAttribute("content");
  var stores = {};
  var SUBJECTS = ["lti.capabilities", "lti.put_data", "lti.get_data"];

  window.addEventListener("message", function (event) {
    var data = event.data;
    if (!data || typeof data !== "object" || SUBJECTS.indexOf(data.subject) === -1 || !event.source) { return; }
    var answer = { subject: data.subject + ".response", message_id: data.message_id };
    if (event.origin !== allowed) {
      answer.error = { code: "unsupported_subject", message: "This origin may not use the LMS storage" };
    } else if (data.subject === "lti.capabilities") {
      answer.supported_messages = [
        { subject: "lti.capabilities" }, { subject: "lti.put_data", frame: window.name }, { subject: "lti.get_data", frame: window.name }
      ];
    } else if (typeof data.key !== "string" || !data.key) {
      answer.error = { code: "bad_request", message: "key is missing" };
    } else {
      var store = stores[event.origin] = stores[event.origin] || {};
      answer.key = data.key;
      if (data.subject === "lti.put_data") {
        if (data.value === undefined || data.value === null) { delete store[data.key]; } else { store[data.key] = String(data.value); }
        answer.value = data.value;
      } else {
        answer.value = Object.prototype.hasOwnProperty.call(store, data.key) ? store[data.key] : null;
      }
    }
    event.source.postMessage(answer, event.origin);
  });
}());
