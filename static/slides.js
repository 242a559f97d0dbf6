// The projector's slides: step with the arrow keys, PageUp/PageDown (what a clicker
// sends), space, Home/End or the buttons, without a reload, so full screen stays; F
// toggles full screen. The address follows the slide, so a reload stays on it. When
// live.js swaps in the slides anew (the team's result changed), the same slide shows.
// Without this script each slide is a page of its own, with links to the next.
(function () {
  "use strict";
  var main = document.getElementById("main");
  var deck = document.getElementById("team");
  if (!main || !deck) return;
  var base = main.dataset.slideBase;
  var current = parseInt(main.dataset.current, 10) || 1;
  var prev = document.getElementById("slide-prev");
  var next = document.getElementById("slide-next");
  var count = document.getElementById("slide-count");
  var full = document.getElementById("slide-fullscreen");
  var countWords = count.textContent.replace(/\d+/, "{num}").replace(/\d+/, "{count}");
  var title = document.title.split(" – ").slice(1).join(" – ");

  function slides() { return deck.querySelectorAll(".slide"); }

  var currentKey = null;

  function show(number, remember) {
    var all = slides();
    current = Math.max(1, Math.min(all.length, number));
    currentKey = all[current - 1].dataset.key;
    all.forEach(function (slide, i) { slide.hidden = i + 1 !== current; });
    count.textContent = countWords.replace("{num}", current).replace("{count}", all.length);
    prev.href = base + Math.max(1, current - 1);
    next.href = base + Math.min(all.length, current + 1);
    var heading = all[current - 1].querySelector("h1");
    if (heading) document.title = heading.textContent + " – " + title;
    if (remember) history.replaceState(null, "", base + current);
  }

  function toggleFullScreen() {
    if (document.fullscreenElement) document.exitFullscreen();
    else if (document.documentElement.requestFullscreen) document.documentElement.requestFullscreen();
  }

  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    // Space and F belong to a focused button or field; on a link (the one just clicked)
    // they step and toggle as anywhere else.
    var onControl = event.target.closest && event.target.closest("button, input, select, textarea");
    var key = event.key;
    if (key === "ArrowRight" || key === "ArrowDown" || key === "PageDown" || (key === " " && !onControl)) {
      event.preventDefault(); show(current + 1, true);
    } else if (key === "ArrowLeft" || key === "ArrowUp" || key === "PageUp") {
      event.preventDefault(); show(current - 1, true);
    } else if (key === "Home") {
      event.preventDefault(); show(1, true);
    } else if (key === "End") {
      event.preventDefault(); show(slides().length, true);
    } else if ((key === "f" || key === "F") && !onControl) {
      event.preventDefault(); toggleFullScreen();
    }
  });
  prev.addEventListener("click", function (event) { event.preventDefault(); show(current - 1, true); });
  next.addEventListener("click", function (event) { event.preventDefault(); show(current + 1, true); });
  if (full && document.documentElement.requestFullscreen) {
    full.hidden = false;
    full.addEventListener("click", toggleFullScreen);
  }
  // The slides came anew: stay on the same slide (its key), wherever it now is; if it
  // is gone, on the first of its kind, else at the same number.
  document.addEventListener("lyftkollen:team-updated", function () {
    var all = Array.prototype.slice.call(slides());
    var kind = currentKey ? currentKey.split("-")[0] : "";
    var same = all.findIndex(function (s) { return s.dataset.key === currentKey; });
    if (same < 0) same = all.findIndex(function (s) { return s.dataset.key.split("-")[0] === kind; });
    show(same >= 0 ? same + 1 : current, true);
  });
  show(current, false);
})();
