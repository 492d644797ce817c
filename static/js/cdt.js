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
