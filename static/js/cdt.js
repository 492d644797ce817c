/* CDT front-end bootstrap. Kept in a file (never inline) so the
   Content-Security-Policy can forbid inline scripts. */
document.documentElement.classList.remove("no-js");
document.documentElement.classList.add("has-js");
document.addEventListener("DOMContentLoaded", function () {
  if (window.ECL && typeof window.ECL.autoInit === "function") {
    window.ECL.autoInit();
  }
  showErrorSummary(document);
  fitWideContent();
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
/* htmx swaps only 2xx answers. A fragment that answers a refused change
   with itself and the reason (400 naming the field, 403, 409: the share
   panel) marks its root data-swap-errors, so the reason is shown in place
   rather than the click seeming to do nothing. */
document.addEventListener("htmx:beforeSwap", function (event) {
  var status = event.detail.xhr.status;
  if ((status === 400 || status === 403 || status === 409) && event.target.closest && event.target.closest("[data-swap-errors]")) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});
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
/* The error summary at the top of a form page (includes/form_errors.html)
   takes the focus, so a screen reader reads it first; each of its links
   moves the focus to the field it names, not only the scroll position. */
function showErrorSummary(root) {
  var summary = root.querySelector("[data-error-summary]");
  if (!summary) { return; }
  if (document.activeElement !== summary) { summary.focus(); }
  summary.querySelectorAll("a[href^='#']").forEach(function (link) {
    link.addEventListener("click", function (event) {
      var target = document.getElementById(link.getAttribute("href").slice(1));
      if (!target) { return; }
      event.preventDefault();
      var group = target.closest(".cdt-field") || target;
      group.scrollIntoView({block: "start"});
      target.focus({preventScroll: true});
    });
  });
}
/* Wide content scrolls inside its own box rather than widening the page on
   a phone: every table not made to stack is wrapped in one (focusable, and
   named after its table, when it does scroll, so a keyboard can scroll it),
   and the workflow diagram, drawn at a readable size, opens on the current
   step. */
function fitWideContent() {
  document.querySelectorAll("main table").forEach(function (table) {
    if (table.closest(".cdt-scroll") || table.classList.contains("cdt-stack-table") || table.classList.contains("cdt-board__table")) { return; }
    var box = document.createElement("div");
    box.className = "cdt-scroll";
    table.parentNode.insertBefore(box, table);
    box.appendChild(table);
  });
  document.querySelectorAll(".cdt-scroll, .cdt-workflow-wrap").forEach(function (box) {
    if (box.scrollWidth > box.clientWidth + 1) {
      var inner = box.querySelector("table, svg");
      var name = inner && (inner.getAttribute("aria-label") || (inner.caption && inner.caption.textContent) || (inner.querySelector("title") && inner.querySelector("title").textContent));
      var section = box.closest("section");
      var heading = !name && section && section.querySelector("h2, h3");
      box.setAttribute("tabindex", "0");
      box.setAttribute("role", "region");
      box.setAttribute("aria-label", (name || (heading && heading.textContent) || document.title).trim());
    } else {
      box.removeAttribute("tabindex");
      box.removeAttribute("role");
      box.removeAttribute("aria-label");
    }
  });
  var current = document.querySelector(".cdt-workflow-wrap [aria-current='step']");
  var wrap = current && current.closest(".cdt-workflow-wrap");
  if (wrap && wrap.scrollWidth > wrap.clientWidth + 1) {
    var left = current.getBoundingClientRect().left - wrap.getBoundingClientRect().left + wrap.scrollLeft;
    wrap.scrollLeft = Math.max(0, left - 16);
  }
}
window.addEventListener("resize", fitWideContent);
document.addEventListener("htmx:afterSettle", fitWideContent);
