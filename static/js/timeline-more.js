// "Show more" on a person's timeline appends the next page of older entries in place. The button
// that had focus is replaced, so focus moves to the first new entry, and the live region says how
// many came, for those who cannot see the list grow.
(function () {
  "use strict";
  document.body.addEventListener("htmx:afterSettle", function (event) {
    var list = event.detail.target;
    if (!list || list.id !== "timeline-entries") return;
    var starts = list.querySelectorAll("li[data-page-start]");
    var start = starts[starts.length - 1];
    if (!start) return;
    var added = 1;
    for (var next = start.nextElementSibling; next; next = next.nextElementSibling) added++;
    var status = document.getElementById("timeline-status");
    if (status) {
      var shown = list.querySelectorAll("li").length;
      status.textContent = added + " older entries added, " + shown + " shown.";
    }
    var link = start.querySelector("a");
    if (link) link.focus();
  });
})();
