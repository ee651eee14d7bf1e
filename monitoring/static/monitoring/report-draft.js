/*
 * The report form keeps its draft on the phone and sends it when the connection
 * returns. Without this script the form is a plain multipart POST and works the
 * same; with it:
 * - every change is saved in localStorage (photos as data URLs when they fit;
 *   if the phone's storage is full, the text is kept and the person is told);
 * - sending while offline queues the draft; the "online" event (or opening the
 *   page again) sends it with fetch, with the same idempotency key, so a draft
 *   sent twice is stored once by the server;
 * - no inline code, no eval, no other site: it runs under the site's CSP
 *   (ADR 0013). Messages come translated from the page (json_script).
 */
(function () {
  "use strict";

  var form = document.querySelector("form[data-report-draft]");
  var messagesNode = document.getElementById("report-draft-messages");
  if (!form || !messagesNode || !window.localStorage || !window.fetch) {
    return;
  }
  var messages = JSON.parse(messagesNode.textContent);
  var statusNode = document.querySelector("[data-draft-status]");
  var storeKey = "seguimiento-borrador:" + location.host + ":" + form.dataset.reportDraft;
  var sending = false;

  function show(text) {
    statusNode.textContent = text;
    statusNode.hidden = false;
    // The button is at the end of a long form: bring the news into view.
    statusNode.scrollIntoView({ block: "center" });
  }

  function readDraft() {
    try {
      return JSON.parse(localStorage.getItem(storeKey));
    } catch (error) {
      return null;
    }
  }

  function writeDraft(draft) {
    try {
      localStorage.setItem(storeKey, JSON.stringify(draft));
      return true;
    } catch (error) {
      // Full storage: keep the text, drop the photos, and say so.
      draft.photos = [];
      draft.photosDropped = true;
      try {
        localStorage.setItem(storeKey, JSON.stringify(draft));
      } catch (ignored) {
        return false;
      }
      show(messages.photos_not_kept);
      return false;
    }
  }

  function fieldsOf() {
    var fields = {};
    Array.prototype.forEach.call(form.elements, function (element) {
      if (!element.name || element.type === "file" || element.name === "csrfmiddlewaretoken") {
        return;
      }
      if ((element.type === "radio" || element.type === "checkbox") && !element.checked) {
        return;
      }
      fields[element.name] = element.type === "checkbox" ? "on" : element.value;
    });
    return fields;
  }

  function restore(draft) {
    Array.prototype.forEach.call(form.elements, function (element) {
      if (!element.name || element.type === "file" || element.name === "csrfmiddlewaretoken") {
        return;
      }
      var value = draft.fields[element.name];
      if (element.type === "radio") {
        element.checked = value === element.value;
      } else if (element.type === "checkbox") {
        element.checked = value === "on";
      } else if (value !== undefined) {
        element.value = value;
      }
    });
  }

  function currentDraft() {
    var draft = readDraft() || { photos: [] };
    draft.fields = fieldsOf();
    return draft;
  }

  function readPhotos(files) {
    return Promise.all(Array.prototype.map.call(files, function (file) {
      return new Promise(function (resolve, reject) {
        var reader = new FileReader();
        reader.onload = function () {
          resolve({ name: file.name, type: file.type, data: reader.result });
        };
        reader.onerror = reject;
        reader.readAsDataURL(file);
      });
    }));
  }

  function blobOf(dataUrl) {
    // Decoded here: fetching a data: URL would need connect-src data:.
    var parts = dataUrl.split(",");
    var type = parts[0].slice(5).split(";")[0];
    var bytes = atob(parts[1]);
    var buffer = new Uint8Array(bytes.length);
    for (var i = 0; i < bytes.length; i += 1) {
      buffer[i] = bytes.charCodeAt(i);
    }
    return new Blob([buffer], { type: type });
  }

  function send() {
    var draft = readDraft();
    if (!draft || !draft.queued || sending) {
      return;
    }
    sending = true;
    show(messages.sending);
    var body = new FormData();
    body.append("csrfmiddlewaretoken", form.elements.csrfmiddlewaretoken.value);
    Object.keys(draft.fields).forEach(function (name) {
      body.append(name, draft.fields[name]);
    });
    var photoInput = form.elements.photos;
    if (draft.photos.length) {
      draft.photos.forEach(function (photo) {
        body.append("photos", blobOf(photo.data), photo.name);
      });
    } else {
      Array.prototype.forEach.call(photoInput.files, function (file) {
        body.append("photos", file, file.name);
      });
    }
    fetch(form.action || location.href, {
      method: "POST",
      body: body,
      credentials: "same-origin",
    }).then(function (response) {
      sending = false;
      if (response.ok && response.redirected) {
        localStorage.removeItem(storeKey);
        show(messages.sent);
        location.assign(response.url);
        return null;
      }
      draft.queued = false;
      writeDraft(draft);
      if (response.status === 400) {
        // The server's own page, with its messages beside each field.
        return response.text().then(function (html) {
          document.open();
          document.write(html);
          document.close();
        });
      }
      show(messages.refused);
      return null;
    }).catch(function () {
      sending = false;
      show(messages.offline);
    });
  }

  form.addEventListener("change", function (event) {
    if (event.target.type === "file") {
      readPhotos(event.target.files).then(function (photos) {
        // Read again: the person may have sent the form while photos were read.
        var draft = currentDraft();
        draft.photos = photos;
        draft.photosDropped = false;
        writeDraft(draft);
      });
    } else {
      writeDraft(currentDraft());
    }
  });
  form.addEventListener("input", function () {
    writeDraft(currentDraft());
  });

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var draft = currentDraft();
    draft.queued = true;
    writeDraft(draft);
    if (navigator.onLine) {
      send();
    } else {
      show(messages.offline);
    }
  });

  window.addEventListener("online", send);

  var saved = readDraft();
  if (saved && saved.fields) {
    restore(saved);
    if (saved.queued && navigator.onLine) {
      send();
    } else if (saved.queued) {
      show(messages.offline);
    } else {
      show(saved.photosDropped ? messages.photos_not_kept : messages.restored);
    }
  }
}());
