/* The one convention for errors over htmx (cdt/core/htmx.py says the server's half).
   Kept in a file, never inline, so the Content-Security-Policy can forbid inline scripts.

   1. A refusal answered with a fragment (4xx with the CDT-Error-Fragment header:
      the form again, with its error summary) is swapped in like a 2xx answer,
      then the focus moves to the summary (role="alert": announced).
   2. Any other failure (a 404 or 500 page, a plain-text 400, no answer) is not
      swapped; a message is shown just before the form that sent the request, with
      role="alert", so a click never seems to do nothing. Its words come translated
      from this script's data- attributes (base.html). */
(function () {
  var script = document.currentScript;
  function words(name, fallback) {
    return (script && script.getAttribute("data-" + name)) || fallback;
  }
  function isErrorFragment(xhr) {
    return xhr && xhr.status >= 400 && xhr.status < 500 && xhr.getResponseHeader("CDT-Error-Fragment") === "1";
  }
  function clearNotice(elt) {
    var form = elt && elt.closest ? elt.closest("form") || elt : elt;
    var previous = form && form.previousElementSibling;
    if (previous && previous.hasAttribute("data-htmx-error")) { previous.remove(); }
    return form;
  }
  function showNotice(elt, text) {
    var form = clearNotice(elt);
    var notice = document.createElement("div");
    notice.className = "ecl-notification ecl-notification--error cdt-htmx-error";
    notice.setAttribute("role", "alert");
    notice.setAttribute("tabindex", "-1");
    notice.setAttribute("data-htmx-error", "");
    notice.setAttribute("data-testid", "htmx-error");
    var content = document.createElement("div");
    content.className = "ecl-notification__content";
    var description = document.createElement("div");
    description.className = "ecl-notification__description";
    description.textContent = text;
    content.appendChild(description);
    notice.appendChild(content);
    if (form && form.parentNode) {
      form.parentNode.insertBefore(notice, form);
    } else {
      (document.getElementById("main-content") || document.body).prepend(notice);
    }
    notice.focus({ preventScroll: false });
  }

  document.addEventListener("htmx:beforeSwap", function (event) {
    var xhr = event.detail.xhr;
    if (isErrorFragment(xhr)) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    if (!isErrorFragment(event.detail.xhr)) { return; }
    var swapped = event.target;
    var summary = swapped.matches && swapped.matches("[data-error-summary]") ? swapped : swapped.querySelector && swapped.querySelector("[data-error-summary]");
    if (summary) { summary.focus(); }
  });

  /* A request that succeeds removes the message a failed one left. */
  document.addEventListener("htmx:beforeRequest", function (event) { clearNotice(event.detail.elt); });

  document.addEventListener("htmx:responseError", function (event) {
    var xhr = event.detail.xhr;
    if (isErrorFragment(xhr)) { return; }
    var type = xhr.getResponseHeader("Content-Type") || "";
    var text = type.indexOf("text/plain") === 0 && xhr.responseText && xhr.responseText.length < 500 ? xhr.responseText : "";
    var message = words("refused", "The request was refused") + " (" + xhr.status + ")" + (text ? ": " + text : ". " + words("reload", "Reload the page and try again."));
    showNotice(event.detail.elt, message);
  });

  document.addEventListener("htmx:sendError", function (event) {
    showNotice(event.detail.elt, words("unreachable", "The server could not be reached. Check your connection and try again."));
  });
})();
