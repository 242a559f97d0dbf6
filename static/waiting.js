// A participant waiting for the advisor to show the results: ask now and then, and go
// to the result as soon as it may be shown. Without this script, "Check again" does it.
(function () {
  "use strict";
  var status = document.getElementById("waiting-status");
  if (!status || !window.fetch) return;
  var url = status.dataset.statusUrl;
  var again = document.getElementById("check-again");
  if (again) again.hidden = true;
  if (status.dataset.waiting) status.textContent = status.dataset.waiting;
  function ask() {
    fetch(url, { credentials: "same-origin", cache: "no-store" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (state) {
        if (state && state.visible) { window.location.reload(); return; }
        setTimeout(ask, 5000);
      })
      .catch(function () { setTimeout(ask, 10000); });
  }
  setTimeout(ask, 5000);
})();
