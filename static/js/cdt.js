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
/* Tabs (the case page): each tab is a link the server renders (?tab=…),
   so they work without scripts. With scripts, a click switches in place
   and keeps the address bookmarkable; the arrow keys move between tabs; a
   link to a section in another tab (#council, #question-12) opens its tab. */
(function () {
  function select(root, tab, focus) {
    root.querySelectorAll("[role=tab]").forEach(function (other) {
      var on = other === tab;
      other.setAttribute("aria-selected", on ? "true" : "false");
      other.classList.toggle("ecl-tabs__link--active", on);
      other.tabIndex = on ? 0 : -1;
      var panel = document.getElementById(other.getAttribute("aria-controls"));
      if (panel) { panel.hidden = !on; }
    });
    fitWideContent();  // a panel hidden at load had no width to measure: its wide tables and diagram are fitted now
    if (focus) { tab.focus(); }
  }
  function openFor(target) {
    var panel = target && target.closest("[role=tabpanel]");
    var tab = panel && document.getElementById(panel.getAttribute("aria-labelledby"));
    if (!tab) { return; }
    if (panel.hidden) { select(tab.closest("[data-cdt-tabs]"), tab, false); }
    target.scrollIntoView();
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-cdt-tabs]").forEach(function (root) {
      var tabs = Array.prototype.slice.call(root.querySelectorAll("[role=tab]"));
      tabs.forEach(function (tab) {
        tab.tabIndex = tab.getAttribute("aria-selected") === "true" ? 0 : -1;
        tab.addEventListener("click", function (event) {
          if (event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) { return; }
          event.preventDefault();
          select(root, tab, false);
          var url = new URL(window.location.href);
          url.searchParams.set("tab", tab.getAttribute("data-tab"));
          url.hash = "";
          window.history.replaceState(null, "", url.toString());
          /* The language menu brings the reader back to the tab they are on. */
          document.querySelectorAll("input[name=next]").forEach(function (next) { next.value = url.pathname + url.search; });
        });
        tab.addEventListener("keydown", function (event) {
          var index = tabs.indexOf(tab), next = null;
          if (event.key === "ArrowRight") { next = tabs[(index + 1) % tabs.length]; }
          else if (event.key === "ArrowLeft") { next = tabs[(index - 1 + tabs.length) % tabs.length]; }
          else if (event.key === "Home") { next = tabs[0]; }
          else if (event.key === "End") { next = tabs[tabs.length - 1]; }
          if (next) { event.preventDefault(); next.click(); next.focus(); }
        });
      });
    });
    if (window.location.hash.length > 1) { openFor(document.getElementById(decodeURIComponent(window.location.hash.slice(1)))); }
  });
  window.addEventListener("hashchange", function () {
    if (window.location.hash.length > 1) { openFor(document.getElementById(decodeURIComponent(window.location.hash.slice(1)))); }
  });
  /* An in-page link to a section of another tab (the summary's "Assessments"). */
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[href^='?tab='], a[href^='#']");
    if (!link || link.getAttribute("role") === "tab") { return; }
    var hash = link.hash && link.hash.slice(1);
    var target = hash && document.getElementById(hash);
    if (target && target.closest("[role=tabpanel]")) { event.preventDefault(); openFor(target); window.history.replaceState(null, "", link.href); }
  });
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
