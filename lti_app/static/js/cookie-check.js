// Login step inside an LMS iframe: if the browser refuses cookies here, offer a new window instead. The test
// cookie has the attributes the login's state cookie gets (over HTTPS SameSite=None; Secure; Partitioned, over
// plain HTTP none), so the check passes exactly when that cookie will come back with the launch.
(function () {
  var box = document.getElementById("cookie-check");
  if (!box) { return; }
  var next = box.getAttribute("data-next");
  var secure = box.getAttribute("data-secure") === "yes";
  document.cookie = "rementor_cookie_check=1; path=/" + (secure ? "; SameSite=None; Secure; Partitioned" : "");
  var allowed = document.cookie.indexOf("rementor_cookie_check=1") !== -1;
  if (allowed) {
    window.location.replace(next);
  } else {
    document.getElementById("cookie-check-loading").hidden = true;
    document.getElementById("cookie-check-blocked").hidden = false;
  }
})();
