// Inside an LMS frame that keeps no cookie (a launch through the LMS's postMessage storage), the page holds the
// frame's session token (<meta name="rementor-frame">) and sends it back with every request to ReMentor, never in
// a URL: a link or a GET form becomes a small POST (_rm_nav=get, _rm_frame) that the server turns back into that
// GET; a POST form gets the token as a hidden field; script requests (fetch) send it as the X-ReMentor-Frame
// header. A redirect page (<meta name="rementor-frame-next">) goes on to its address the same way; a script that
// would reload the page calls window.rementorFrame.navigate(address) instead.
(function () {
  var tokenMeta = document.querySelector('meta[name="rementor-frame"]');
  if (!tokenMeta) { return; }
  var token = tokenMeta.getAttribute("content");
  var here = window.location.origin;

  function sameOrigin(url) {
    try { return new URL(url, window.location.href).origin === here; } catch (e) { return false; }
  }

  function hidden(form, name, value) {
    var input = document.createElement("input");
    input.type = "hidden";
    input.name = name;
    input.value = value;
    form.appendChild(input);
  }

  function navigate(url) {
    var form = document.createElement("form");
    form.method = "post";
    form.action = url;
    form.style.display = "none";
    hidden(form, "_rm_nav", "get");
    hidden(form, "_rm_frame", token);
    document.body.appendChild(form);
    HTMLFormElement.prototype.submit.call(form);
  }

  window.rementorFrame = { navigate: navigate };  // for scripts that would reload the page

  document.addEventListener("click", function (event) {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) {
      return;
    }
    var link = event.target.closest ? event.target.closest("a[href]") : null;
    if (!link || link.hasAttribute("download")) { return; }
    var target = link.getAttribute("target");
    if (target && target !== "_self") { return; }
    var href = link.getAttribute("href");
    if (href.charAt(0) === "#" || !sameOrigin(link.href)) { return; }
    var url = new URL(link.href);
    if (url.pathname === window.location.pathname && url.search === window.location.search && url.hash) { return; }
    event.preventDefault();
    navigate(link.href);
  });

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (event.defaultPrevented || !(form instanceof HTMLFormElement) || !sameOrigin(form.action)) { return; }
    if (form.getAttribute("target") && form.getAttribute("target") !== "_self") { return; }
    if ((form.getAttribute("method") || "get").toLowerCase() === "get") {
      event.preventDefault();
      var url = new URL(form.action);
      url.search = new URLSearchParams(new FormData(form, event.submitter || undefined)).toString();
      navigate(url.toString());
      return;
    }
    if (!form.querySelector('input[name="_rm_frame"]')) { hidden(form, "_rm_frame", token); }
  });

  if (window.fetch) {
    var plainFetch = window.fetch.bind(window);
    window.fetch = function (resource, options) {
      var url = typeof resource === "string" ? resource : resource.url;
      if (!sameOrigin(url)) { return plainFetch(resource, options); }
      var init = Object.assign({}, options || {});
      var headers = new Headers(init.headers || (typeof resource === "string" ? undefined : resource.headers));
      headers.set("X-ReMentor-Frame", token);
      init.headers = headers;
      return plainFetch(resource, init);
    };
  }

  document.addEventListener("DOMContentLoaded", function () {
    var next = document.querySelector('meta[name="rementor-frame-next"]');
    if (next && sameOrigin(next.getAttribute("content"))) { navigate(next.getAttribute("content")); }
  });
}());
