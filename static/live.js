// Live workshop figures: ask the server for the counts every few seconds (a 304 when
// nothing changed) and swap in the team's result when it changed. Without this
// script the page shows the same figures on each reload. The advisor's responses are
// never stored by the browser (Cache-Control: no-store), so the script keeps the last
// ETag itself and sends it back.
(function () {
  "use strict";
  var root = document.querySelector("[data-live]");
  if (!root || !window.fetch) return;
  var statusUrl = root.dataset.statusUrl;
  var teamUrl = root.dataset.teamUrl;
  var teamVersion = root.dataset.teamVersion;
  // Never more often than once a second, whatever the setting says.
  var every = Math.max(1, parseFloat(root.dataset.pollSeconds) || 3) * 1000;
  var team = document.getElementById("team");
  var hint = root.querySelector(".no-js-hint");
  if (hint) hint.hidden = true;

  var sentence = document.querySelector("[data-count-sentence]");
  var shown = null;
  var etag = null;

  // Only a change is written, so the status sentence is announced once per change.
  function showCounts(state) {
    var now = [state.joined, state.in_progress, state.completed].join("/");
    if (now === shown) return;
    shown = now;
    ["joined", "in_progress", "completed"].forEach(function (key) {
      document.querySelectorAll('[data-count="' + key + '"]').forEach(function (el) {
        el.textContent = state[key];
      });
    });
    if (sentence) {
      sentence.textContent = sentence.dataset.countSentence
        .replace("{joined}", state.joined)
        .replace("{answering}", state.in_progress)
        .replace("{finished}", state.completed);
    }
  }

  function refreshTeam(version) {
    if (!team || !teamUrl) { teamVersion = version; return Promise.resolve(); }
    return fetch(teamUrl, { credentials: "same-origin", cache: "no-store" })
      .then(function (response) { if (!response.ok) throw new Error(response.status); return response.text(); })
      .then(function (html) {
        team.innerHTML = html;
        teamVersion = version;
        document.dispatchEvent(new CustomEvent("lyftkollen:team-updated"));
      });
  }

  function poll() {
    var headers = etag ? { "If-None-Match": etag } : {};
    fetch(statusUrl, { credentials: "same-origin", cache: "no-store", headers: headers })
      .then(function (response) {
        if (response.status === 304) return null;
        if (!response.ok) throw new Error(response.status);
        etag = response.headers.get("ETag");
        return response.json();
      })
      .then(function (state) {
        if (!state) return null;
        showCounts(state);
        if (state.team_version !== teamVersion) return refreshTeam(state.team_version);
        return null;
      })
      .catch(function () { /* a lost connection: try again at the next tick */ })
      .then(function () { setTimeout(poll, every); });
  }
  setTimeout(poll, every);
})();
