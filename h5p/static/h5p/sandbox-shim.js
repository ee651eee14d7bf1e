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
})();
