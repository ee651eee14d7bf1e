/* Lesson page side of the H5P player: accepts messages only from its own
   sandboxed iframe and posts xAPI statements and saved state to the platform
   with the CSRF token. Statement ids are set here, so a retry is idempotent.
   Its messages come from Django's JavaScript catalog (djangojs domain, served
   by h5p:js_catalog before this script); without it they stay in Spanish. */
(function () {
  "use strict";
  if (window.__h5pRelay) { return; }
  window.__h5pRelay = true;

  var gettext = window.gettext || function (text) { return text; };
  var interpolate = window.interpolate || function (format, values) {
    return format.replace(/%\((\w+)\)s/g, function (_, name) { return String(values[name]); });
  };

  function uuid() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return ("0" + x.toString(16)).slice(-2); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  function post(box, url, body, attempt) {
    attempt = attempt || 0;
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": box.dataset.csrf },
      body: JSON.stringify(body)
    }).then(function (response) {
      if (response.status >= 500 && attempt < 3) {
        return new Promise(function (r) { setTimeout(r, 1000 * (attempt + 1)); })
          .then(function () { return post(box, url, body, attempt + 1); });
      }
      return response.json().then(function (data) { return { ok: response.ok, data: data }; });
    }).catch(function () {
      if (attempt < 3) {
        return new Promise(function (r) { setTimeout(r, 1000 * (attempt + 1)); })
          .then(function () { return post(box, url, body, attempt + 1); });
      }
      return { ok: false, data: { error: gettext("Sin conexión: su resultado no se guardó.") } };
    });
  }

  function showStatus(box, result) {
    var status = box.querySelector("[data-h5p-status]");
    if (!status) { return; }
    if (!result.ok) { status.textContent = result.data.error || gettext("No se pudo guardar."); return; }
    var s = result.data.state || {};
    var scored = s.best_score_raw !== null && s.best_score_raw !== undefined && s.best_score_max;
    var values = { raw: s.best_score_raw, max: s.best_score_max };
    var text;
    if (scored && s.passed) {
      text = interpolate(gettext("Progreso guardado: mejor puntaje %(raw)s de %(max)s (aprobada)."), values, true);
    } else if (scored && s.completed) {
      text = interpolate(gettext("Progreso guardado: mejor puntaje %(raw)s de %(max)s (completada)."), values, true);
    } else if (scored) {
      text = interpolate(gettext("Progreso guardado: mejor puntaje %(raw)s de %(max)s."), values, true);
    } else if (s.passed) {
      text = gettext("Progreso guardado (aprobada).");
    } else if (s.completed) {
      text = gettext("Progreso guardado (completada).");
    } else {
      text = gettext("Progreso guardado.");
    }
    status.textContent = text;
    box.__stored = (box.__stored || 0) + result.data.stored;
    box.setAttribute("data-h5p-saved", String(box.__stored));
  }

  // Once, per activity: hide the empty frame, say so, and report it.
  function failed(box, frame, reason) {
    if (box.hasAttribute("data-h5p-failed")) { return; }
    box.setAttribute("data-h5p-failed", "1");
    frame.hidden = true;
    var status = box.querySelector("[data-h5p-status]");
    if (status) {
      status.textContent = gettext(
        "Esta actividad no pudo abrirse. Recargue la página; si sigue igual, " +
        "avise a quien orienta el curso (el error ya quedó registrado)."
      );
      status.classList.add("h5p-failed");
    }
    post(box, box.dataset.failureUrl, { message: String(reason || "").slice(0, 300) });
  }

  // The player document answers within this time after it loads, or it failed
  // (its page did not load, or its scripts did not run at all).
  var READY_TIMEOUT_MS = 25000;

  function setup(box) {
    var frame = box.querySelector("iframe");
    var watchdog = null;
    frame.addEventListener("load", function () {
      if (watchdog === null && !box.hasAttribute("data-h5p-started")) {
        watchdog = setTimeout(function () {
          if (!box.hasAttribute("data-h5p-started")) {
            failed(box, frame, "El reproductor no respondió");
          }
        }, READY_TIMEOUT_MS);
      }
    });
    var resumeNode = box.querySelector('script[type="application/json"]');
    var resume = resumeNode ? JSON.parse(resumeNode.textContent || '""') : "";
    var signedIn = box.dataset.signedIn === "1";
    function sendInit() {
      frame.contentWindow.postMessage({ type: "h5p-init", resume: resume || null }, "*");
    }
    // The player may be ready before this script runs: init on load too (the
    // player starts only once).
    frame.addEventListener("load", sendInit);
    window.addEventListener("message", function (event) {
      // Only our own player; its origin is "null" (sandbox), so check the window.
      if (event.source !== frame.contentWindow) { return; }
      var message = event.data || {};
      if (message.type === "h5p-ready") {
        sendInit();
      } else if (message.type === "h5p-loaded") {
        box.setAttribute("data-h5p-started", "1");
      } else if (message.type === "h5p-error") {
        box.setAttribute("data-h5p-started", "0");
        failed(box, frame, message.message);
      } else if (message.type === "h5p-height" && message.height > 0) {
        var height = Math.min(message.height, 4000) + "px";
        if (frame.style.height !== height) { frame.style.height = height; }
      } else if (message.type === "h5p-xapi" && signedIn && message.statement) {
        var statement = message.statement;
        statement.id = statement.id || uuid();
        post(box, box.dataset.xapiUrl, [statement]).then(function (r) { showStatus(box, r); });
      } else if (message.type === "h5p-state" && signedIn && typeof message.state === "string") {
        post(box, box.dataset.stateUrl, { state: message.state });
      }
    });
  }

  function init() {
    document.querySelectorAll("[data-h5p-activity]").forEach(setup);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
