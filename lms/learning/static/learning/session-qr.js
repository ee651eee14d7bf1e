/*
 * The attendance page renews its session QR without reloading: every
 * data-refresh-seconds it asks the facilitator's JSON endpoint for a fresh code
 * and swaps the SVG in place. Nothing else on the page is touched, so boxes
 * ticked but not saved stay ticked. Without this script the page works the
 * same with its «Actualizar el código QR» link. No inline code, no eval, no
 * other site: it runs under the site's CSP (ADR 0013).
 */
(function () {
  "use strict";

  var box = document.querySelector("[data-qr-refresh-url]");
  if (!box || !window.fetch || !window.DOMParser) {
    return;
  }
  var url = box.dataset.qrRefreshUrl;
  var seconds = parseInt(box.dataset.qrRefreshSeconds, 10) || 60;
  var statusNode = document.querySelector("[data-qr-status]");
  var messages = JSON.parse(document.getElementById("qr-messages").textContent);

  function say(text) {
    if (statusNode) {
      statusNode.textContent = text;
    }
  }

  function refresh() {
    fetch(url, { credentials: "same-origin", cache: "no-store" })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(String(response.status));
        }
        return response.json();
      })
      .then(function (data) {
        // Parsed as HTML, as the page's own inline SVG was: the markup has no
        // xmlns, and the HTML parser puts <svg> in the SVG namespace by itself.
        var parsed = new DOMParser().parseFromString(data.svg, "text/html");
        var svg = parsed.body.querySelector("svg");
        if (!svg) {
          throw new Error("not an svg");
        }
        box.replaceChildren(document.importNode(svg, true));
        box.dataset.qrRenewals = String((parseInt(box.dataset.qrRenewals, 10) || 0) + 1);
        var now = new Date();
        say(messages.renewed.replace("%(time)s", now.toLocaleTimeString([], {
          hour: "2-digit", minute: "2-digit"
        })));
      })
      .catch(function () {
        say(messages.failed);
      });
  }

  say(messages.auto);
  window.setInterval(refresh, seconds * 1000);
})();
