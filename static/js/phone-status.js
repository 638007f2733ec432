// The status line of the phone pages (outreach home, log a contact, start today's session):
// "Saved on this phone: 2 waiting to send", a "Send now" button, "Sign in again to send them"
// when the server asks, and the entries it refused, each opening its form to correct. On these
// pages the queue sends by itself when the page opens and when the network comes back, and the
// phone's list of people is fetched again.
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

  // The server's first reason, in a line.
  function reason(errors) {
    if (!errors) return "";
    var keys = Object.keys(errors);
    for (var i = 0; i < keys.length; i++) {
      var value = errors[keys[i]];
      var text = Array.isArray(value) ? value.join(" ") : String(value);
      if (text) return keys[i] === "detail" || keys[i] === "non_field_errors" ? text : keys[i].replace(/_/g, " ") + ": " + text;
    }
    return "";
  }

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
      c.refused.forEach(function (entry) { refusedList.appendChild(item(entry, reason(entry.errors))); });
      refused.hidden = !c.refused.length;
    });
  }

  function sendNow() {
    if (!navigator.onLine) return render();
    return phone.queue.send().then(function (result) {
      if (!result.sent && result.stopped !== "offline") phone.people.refresh();
    });
  }

  document.addEventListener("mars-phone-queue", render);
  sendButton.addEventListener("click", function () { phone.queue.send(); });
  window.addEventListener("online", sendNow);
  render().then(sendNow);
})();
