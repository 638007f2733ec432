// The status line of the phone pages (outreach home, log a contact, start today's session):
// "Saved on this phone: 2 waiting to send", a "Send now" button, "Sign in again to send them"
// when the server asks, "4 sent to MARS" after a sending, and the entries it refused, each
// opening its form to correct. On these pages the queue sends by itself when the page opens, when
// the network comes back, when the page comes back into view, and every 30 seconds while entries
// wait. The phone's list of people is fetched again after a sending that sent something, or when
// it is more than an hour old.
(function () {
  "use strict";
  var phone = window.MarsPhone;
  var box = document.querySelector("[data-phone-status]");
  if (!box) return;
  var count = box.querySelector("[data-phone-count]");
  var sendButton = box.querySelector("[data-phone-send]");
  var signIn = box.querySelector("[data-phone-sign-in]");
  var waitingList = box.querySelector("[data-phone-waiting-list]");
  var refused = box.querySelector("[data-phone-refused]");
  var refusedList = box.querySelector("[data-phone-refused-list]");
  var RETRY_MS = 30000;
  var lastWord = "";

  function item(entry, text) {
    var li = document.createElement("li");
    var link = document.createElement("a");
    link.href = entry.page + "?entry=" + encodeURIComponent(entry.key);
    link.textContent = entry.label;
    li.appendChild(link);
    if (text) {
      var why = document.createElement("span");
      why.className = "muted";
      why.textContent = " " + text;
      li.appendChild(why);
    }
    return li;
  }

  function render() {
    return phone.queue.counts().then(function (c) {
      var parts = [];
      if (c.waiting.length) parts.push(c.waiting.length + " waiting to send");
      if (c.refused.length) parts.push(c.refused.length + " not sent, needing correction");
      var text = parts.length ? "Saved on this phone: " + parts.join(", ") : "";
      if (lastWord) text = text ? lastWord + (/\.$/.test(lastWord) ? " " : ". ") + text : lastWord;
      if (count.textContent !== text) count.textContent = text;
      box.classList.toggle("has-entries", parts.length > 0);
      if (phone.queue.isSending()) box.setAttribute("aria-busy", "true");
      else box.removeAttribute("aria-busy");
      sendButton.hidden = !c.waiting.length;
      sendButton.disabled = phone.queue.isSending();
      signIn.hidden = !(c.waiting.length && phone.queue.signInNeeded());
      waitingList.textContent = "";
      c.waiting.forEach(function (entry) {
        if (entry.problem) {
          var li = document.createElement("li");
          li.textContent = entry.label + ": " + entry.problem;
          waitingList.appendChild(li);
        }
      });
      waitingList.hidden = !waitingList.children.length;
      refusedList.textContent = "";
      c.refused.forEach(function (entry) { refusedList.appendChild(item(entry, phone.queue.reason(entry))); });
      refused.hidden = !c.refused.length;
    });
  }

  // A word about the last sending: "4 sent to MARS", "No signal: ...". Cleared by a new save.
  function say(text) {
    lastWord = text;
    return render();
  }

  function sendNow() {
    if (!navigator.onLine) return render();
    return phone.queue.send().then(function (result) {
      // A sync that sent something fetches the list itself; otherwise only a stale one.
      if (!result.sent && result.stopped !== "offline") phone.people.refreshIfOld();
    });
  }

  document.addEventListener("mars-phone-queue", function (event) {
    var detail = event.detail || {};
    if (detail.saved) lastWord = "";
    // A sending has finished: what it sent, or nothing to say.
    if (typeof detail.sent === "number") lastWord = detail.sent ? detail.sent + " sent to MARS" : "";
    render();
  });
  sendButton.addEventListener("click", function () {
    if (!navigator.onLine) {
      say("No signal: they will be sent when there is one.");
      return;
    }
    phone.queue.send().then(function (result) {
      if (result.stopped === "sign-in") say("MARS needs you to sign in again before they can be sent.");
      else if (result.stopped === "offline") say("No signal: they will be sent when there is one.");
    });
  });
  window.addEventListener("online", sendNow);

  // While entries wait and the page is in view: try again every 30 seconds, and when the page
  // comes back into view.
  function waitingOnes() {
    return phone.queue.counts().then(function (c) { return c.waiting.length; });
  }

  setInterval(function () {
    if (document.visibilityState !== "visible" || !navigator.onLine || phone.queue.isSending()) return;
    waitingOnes().then(function (n) { if (n) phone.queue.send(); });
  }, RETRY_MS);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") sendNow();
  });
  render().then(sendNow);
})();