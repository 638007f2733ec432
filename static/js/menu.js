// The main menu folds behind a "Menu" button on a phone and lies open in the bar on a wider
// screen. Loaded straight after the menu, not deferred, so a desktop never shows it folded.
(function () {
  "use strict";
  var menu = document.getElementById("main-menu");
  if (!menu) return;
  var wide = window.matchMedia("(min-width: 48rem)");
  function fit() {
    menu.open = wide.matches;
  }
  fit();
  wide.addEventListener("change", fit);
})();
