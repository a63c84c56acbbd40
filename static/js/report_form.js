/* The report form never loses a keystroke.
 * - Typing marks the form unsaved until htmx's autosave (3 s after typing stops) succeeds;
 *   leaving the page while unsaved asks first.
 * - Uploading evidence reloads the page: when there is unsaved text, the draft is saved first
 *   (the autosave request, with its new version number), then the file is sent.
 */
(function () {
  var form = document.getElementById("report-form");
  if (!form) {
    return;
  }
  var unsaved = false;
  form.addEventListener("input", function () {
    unsaved = true;
  });
  form.addEventListener("submit", function () {
    unsaved = false;
  });
  document.body.addEventListener("htmx:afterRequest", function (event) {
    if (event.detail.elt === form && event.detail.successful) {
      unsaved = false;
    }
  });
  window.addEventListener("beforeunload", function (event) {
    if (unsaved) {
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
          unsaved = false;
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
      if (!unsaved) {
        return;
      }
      event.preventDefault();
      saveThen(function () {
        upload.submit();
      }, 2);
    });
  });
})();
