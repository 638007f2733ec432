// The outreach home kept on the phone may be older than today's session: a session started on
// this phone and still waiting to be sent, or sent since, shows on the first button.
(function () {
  "use strict";
  var phone = window.MarsPhone;
  var button = document.querySelector("[data-start-session]");
  if (!button) return;
  var today = phone.queue.isoWithOffset(new Date()).slice(0, 10);
  phone.queue.entries().then(function (entries) {
    var waiting = entries.filter(function (e) { return e.kind === "session" && e.body.date === today; })[0];
    if (waiting) {
      button.textContent = "Today's session: " + waiting.body.area + " (waiting to send)";
      if (waiting.state === "refused") button.href = waiting.page + "?entry=" + encodeURIComponent(waiting.key);
    }
  });
})();
