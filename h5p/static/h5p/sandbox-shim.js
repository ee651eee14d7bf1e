/* Loaded first in the sandboxed player. An opaque origin has no Web Storage:
   reading window.localStorage throws, and H5P core reads it (e.g. for the
   anonymous xAPI actor). Give it a per-page in-memory store instead; nothing
   persists, and the learner's real state is saved by the platform. */
(function () {
  "use strict";
  function memoryStorage() {
    var data = {};
    return {
      getItem: function (k) { return Object.prototype.hasOwnProperty.call(data, k) ? data[k] : null; },
      setItem: function (k, v) { data[k] = String(v); },
      removeItem: function (k) { delete data[k]; },
      clear: function () { data = {}; },
      key: function (i) { return Object.keys(data)[i] || null; },
      get length() { return Object.keys(data).length; }
    };
  }
  ["localStorage", "sessionStorage"].forEach(function (name) {
    try {
      void window[name];
    } catch (e) {
      Object.defineProperty(window, name, { value: memoryStorage(), configurable: true });
    }
  });

  /* Every file is cross-origin for an opaque origin. Ask H5P core to load media
     in CORS mode (the platform sends Access-Control-Allow-Origin), so content
     that draws images on a canvas (e.g. Agamotto) can still read it. */
  var integration;
  Object.defineProperty(window, "H5PIntegration", {
    configurable: true,
    get: function () { return integration; },
    set: function (value) {
      if (value && typeof value === "object") {
        value.crossorigin = "anonymous";
        value.crossoriginRegex = ".*";
      }
      integration = value;
    }
  });
})();
