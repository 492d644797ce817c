/* CDT front-end bootstrap. Kept in a file (never inline) so the
   Content-Security-Policy can forbid inline scripts. */
document.documentElement.classList.remove("no-js");
document.documentElement.classList.add("has-js");
document.addEventListener("DOMContentLoaded", function () {
  if (window.ECL && typeof window.ECL.autoInit === "function") {
    window.ECL.autoInit();
  }
  /* With scripts on, the language menu applies on change; the button stays for keyboard and no-JS users. */
  var select = document.getElementById("cdt-language");
  if (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  }
});
/* htmx: send Django's CSRF token on every request it makes. */
document.addEventListener("htmx:configRequest", function (event) {
  var match = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/);
  if (match) { event.detail.headers["X-CSRFToken"] = decodeURIComponent(match[1]); }
});
/* Errors over htmx: static/js/htmx-errors.js. */
/* Countdowns to a deadline: <time data-countdown datetime="ISO 8601">. */
(function () {
  function render(element) {
    var left = Date.parse(element.getAttribute("datetime")) - Date.now();
    if (isNaN(left)) { return; }
    if (left <= 0) { element.textContent = element.getAttribute("data-expired") || "deadline passed"; return; }
    var s = Math.floor(left / 1000), d = Math.floor(s / 86400), h = Math.floor((s % 86400) / 3600), m = Math.floor((s % 3600) / 60);
    element.textContent = (d ? d + " d " : "") + h + " h " + (m < 10 ? "0" : "") + m + " min " + (s % 60 < 10 ? "0" : "") + (s % 60) + " s";
  }
  function tick() { document.querySelectorAll("time[data-countdown]").forEach(render); }
  document.addEventListener("DOMContentLoaded", function () { tick(); window.setInterval(tick, 1000); });
})();
