// Saves every answer on the page as soon as it is given, so a closed tab loses nothing.
// Without this script the page still saves when the person moves between steps.
(function () {
  "use strict";
  var form = document.querySelector("form[data-autosave]");
  // Not form.action: the submit buttons are named "action" and would shadow it.
  if (!form || !window.fetch || !window.FormData) return;
  var status = document.getElementById("autosave-status");
  var timer = null;
  var pending = false;

  function save() {
    timer = null;
    pending = false;
    var data = new FormData(form);
    data.set("action", "autosave");
    fetch(form.getAttribute("action"), { method: "POST", body: data, credentials: "same-origin", keepalive: true })
      .then(function (response) {
        // 204: all saved. 422: some answer is not valid yet; say nothing until it is.
        // 409: the workshop was closed; nothing more can be saved, and the person is told.
        if (!status) return;
        if (response.status === 409) status.textContent = status.dataset.closed;
        else status.textContent = response.status === 204 ? status.dataset.saved : "";
      })
      .catch(function () { /* the next step's submit saves it anyway */ });
  }

  function later(delay) {
    pending = true;
    if (timer) clearTimeout(timer);
    timer = setTimeout(save, delay);
  }

  form.addEventListener("change", function () { later(250); });
  form.addEventListener("input", function (event) {
    if (event.target.matches("input[type=text], textarea")) later(1000);
  });
  // Leaving the page with a save still waiting: send it now.
  window.addEventListener("pagehide", function () { if (pending) save(); });
  form.addEventListener("submit", function () { if (timer) clearTimeout(timer); pending = false; });
})();
