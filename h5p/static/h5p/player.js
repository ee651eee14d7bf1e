/* Runs inside the sandboxed player iframe (opaque origin). Starts h5p-standalone
   when the lesson page sends the learner's saved state, and relays xAPI
   statements, saved state and height to the lesson page with postMessage. */
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("h5p-config").textContent);
  var started = false;
  var parentWindow = window.parent;

  function send(message) {
    if (parentWindow && parentWindow !== window) {
      // The lesson page checks event.source; the payload is the learner's own.
      parentWindow.postMessage(message, "*");
    }
  }

  function instance() {
    var frames = document.querySelectorAll("iframe.h5p-iframe");
    for (var i = 0; i < frames.length; i++) {
      try {
        var h = frames[i].contentWindow.H5P;
        if (h && h.instances && h.instances.length) { return h.instances[0]; }
      } catch (e) { /* not ready */ }
    }
    if (window.H5P && window.H5P.instances && window.H5P.instances.length) {
      return window.H5P.instances[0];
    }
    return null;
  }

  var lastState = null;
  function sendState() {
    var current = instance();
    if (!current || typeof current.getCurrentState !== "function") { return; }
    var state;
    try { state = JSON.stringify(current.getCurrentState()); } catch (e) { return; }
    if (state && state !== lastState && state !== "{}" && state !== "undefined") {
      lastState = state;
      send({ type: "h5p-state", state: state });
    }
  }

  function sendHeight() {
    // Measure the content, not the document: the document grows with the iframe.
    var box = document.getElementById("h5p-container");
    send({ type: "h5p-height", height: Math.ceil(box.getBoundingClientRect().height) });
  }

  // The first script error on the page: says why a player that never became
  // ready failed (a library that throws while starting).
  var firstError = null;
  window.addEventListener("error", function (event) {
    if (!firstError) { firstError = String(event.message || event.type); }
  });
  var failed = false;
  function fail(reason) {
    if (failed || document.body.getAttribute("data-h5p-ready")) { return; }
    failed = true;
    document.body.setAttribute("data-h5p-error", reason);
    send({ type: "h5p-error", message: reason });
  }
  // Not started after this long: report it rather than leave an empty frame.
  var START_TIMEOUT_MS = 20000;

  function start(resume) {
    if (started) { return; }
    started = true;
    setTimeout(function () {
      fail(firstError || "El reproductor no respondió en " + START_TIMEOUT_MS / 1000 + " s");
    }, START_TIMEOUT_MS);
    var options = {
      id: config.key,
      h5pJsonPath: config.h5pJsonPath,
      contentJsonPath: config.contentJsonPath,
      librariesPath: config.librariesPath,
      frameJs: config.frameJs,
      frameCss: config.frameCss,
      // This document is already the sandboxed iframe; a nested iframe would get
      // another opaque origin and the player could not write into it.
      embedType: "div",
      xAPIObjectIRI: config.activityIri,
      frame: false,
      copyright: false,
      export: false,
      icon: false,
      fullScreen: false,
      // H5P core's dialogs and notices in the site's language (player_texts.py).
      translations: config.translations
    };
    if (resume) {
      // h5p-standalone 3.8 hands this to H5P core as is: core reads
      // contentUserData[subContentId][dataType], so index 0 holds the main state.
      options.contentUserData = [{ state: resume }];
      // Core passes previousState to the content only when saveFreq is set. With
      // no H5PIntegration.user it never posts state itself; this relay does.
      options.saveFreq = 30;
    }
    var el = document.getElementById("h5p-container");
    new H5PStandalone.H5P(el, options).then(function () {
      // H5P core logs a library that failed to build and carries on: an empty
      // content box is a failure too.
      var box = el.querySelector(".h5p-content");
      if (!box || !box.children.length) {
        fail(firstError || "La actividad no mostró nada al iniciar");
        return;
      }
      if (failed) { return; }
      document.body.setAttribute("data-h5p-ready", "1");
      send({ type: "h5p-loaded" });
      H5P.externalDispatcher.on("xAPI", function (event) {
        send({ type: "h5p-xapi", statement: event.data.statement });
        setTimeout(sendState, 0);
      });
      setInterval(sendState, 10000);
      setInterval(sendHeight, 1000);
      sendHeight();
    }).catch(function (error) {
      fail(String(error));
    });
  }

  window.addEventListener("message", function (event) {
    if (event.source !== parentWindow) { return; }
    var message = event.data || {};
    if (message.type === "h5p-init") { start(message.resume || null); }
  });
  if (parentWindow === window) {
    start(null);  // opened on its own: play without saving
  } else {
    send({ type: "h5p-ready" });
  }
})();
