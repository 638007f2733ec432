// Signing out deletes what the phone keeps (IndexedDB "mars-phone": the queue and the list of
// people). First it sends what can be sent; what is still unsent is dropped only if the worker
// says so. A session that merely expired keeps everything: this runs on the sign-out button only.
(function () {
  "use strict";
  var phone = window.MarsPhone;
  var forms = document.querySelectorAll("form[data-sign-out]");

  function unsent() {
    return phone.queue.counts().then(function (c) { return c.entries.length; });
  }

  function signOut(form) {
    return phone.store.exists().then(function (yes) {
      if (!yes) return true;
      var sent = navigator.onLine ? phone.queue.send() : Promise.resolve();
      return sent.then(unsent).then(function (left) {
        if (left && !window.confirm(left + (left === 1 ? " entry" : " entries") +
            " saved on this phone " + (left === 1 ? "has" : "have") +
            " not been sent. Sign out and delete them?")) {
          return false;
        }
        return phone.store.destroy().then(function () { return true; });
      });
    }).catch(function () { return true; }).then(function (go) {
      if (go) form.submit();
    });
  }

  Array.prototype.forEach.call(forms, function (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var button = form.querySelector("button");
      if (button) button.disabled = true;
      signOut(form).then(function () { if (button) button.disabled = false; });
    });
  });
})();
