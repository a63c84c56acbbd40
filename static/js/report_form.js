/* The report form never loses a keystroke.
 * - The form is unsaved while it differs from what the server last stored (htmx autosaves 3 s
 *   after typing stops); leaving the page while unsaved asks first.
 * - Uploading evidence reloads the page: when there is unsaved text, the draft is saved first
 *   (the autosave request, with its new version number), then the file is sent.
 */
(function () {
  var form = document.getElementById("report-form");
  if (!form) {
    return;
  }
  // Unsaved means differing from what the server last stored: the fields' default values, which
  // the page was rendered with and each successful save moves on. Comparing values, not
  // listening for keystrokes, also counts text typed before this deferred script ran.
  var fields = form.querySelectorAll("textarea, input:not([type=hidden]), select");
  function unsavedFields() {
    return Array.prototype.some.call(fields, function (f) {
      if (f.type === "checkbox" || f.type === "radio") {
        return f.checked !== f.defaultChecked;
      }
      if (f.tagName === "SELECT") {
        return Array.prototype.some.call(f.options, function (o) {
          return o.selected !== o.defaultSelected;
        });
      }
      return f.value !== f.defaultValue;
    });
  }
  function markSaved() {
    Array.prototype.forEach.call(fields, function (f) {
      if (f.type === "checkbox" || f.type === "radio") {
        f.defaultChecked = f.checked;
      } else if (f.tagName === "SELECT") {
        Array.prototype.forEach.call(f.options, function (o) {
          o.defaultSelected = o.selected;
        });
      } else {
        f.defaultValue = f.value;
      }
    });
  }
  var submitting = false;
  form.addEventListener("submit", function () {
    submitting = true;
  });
  document.body.addEventListener("htmx:afterRequest", function (event) {
    if (event.detail.elt === form && event.detail.successful) {
      markSaved();
    }
  });
  window.addEventListener("beforeunload", function (event) {
    if (!submitting && unsavedFields()) {
      event.preventDefault();
      event.returnValue = "";
    }
  });

  // The autosave request itself, awaited: its answer carries the draft's new version number. A
  // quiet autosave already in flight may win the version race (409): try again once it landed.
  function saveThen(done, attempts) {
    fetch(form.getAttribute("hx-post"), {
      method: "POST",
      body: new FormData(form),
      headers: { "HX-Request": "true" },
      credentials: "same-origin",
    })
      .then(function (response) {
        return response.text().then(function (html) {
          var version = /name="lock_version" value="(\d+)"/.exec(html);
          if (!response.ok || !version) {
            throw new Error("not saved");
          }
          form.querySelector("[name=lock_version]").value = version[1];
          markSaved();
          done();
        });
      })
      .catch(function () {
        if (attempts > 1) {
          window.setTimeout(function () {
            saveThen(done, attempts - 1);
          }, 1000);
        } else {
          window.alert("草稿未能保存,请先点“保存草稿”,再上传佐证材料。");
        }
      });
  }

  document.querySelectorAll("form[data-save-draft-first]").forEach(function (upload) {
    upload.addEventListener("submit", function (event) {
      if (!unsavedFields()) {
        return;
      }
      event.preventDefault();
      saveThen(function () {
        upload.submit();
      }, 2);
    });
  });
})();
