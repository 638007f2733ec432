// Signing out deletes what the phone keeps of the worker who signs out: their entries in the
// queue, the list of people, the store's notes (IndexedDB "mars-phone") and the kept outreach
// pages (Cache Storage "mars-outreach-*", which carry their name). With no signal nothing is
// deleted (the sign-out could not reach MARS). With one, it first sends what can be sent, asks
// before dropping the worker's own unsent entries, then signs out; only once MARS has answered
// is anything deleted. Entries another worker saved on this phone stay for them (the database
// goes only when nothing is left). A session that merely expired keeps everything: this runs on
// the sign-out button only.
(function () {
  "use strict";
  var phone = window.MarsPhone;
  var forms = document.querySelectorAll("form[data-sign-out]");
  var CACHE_PREFIX = "mars-outreach-";

  function say(form, text) {
    var note = form.parentNode.querySelector("[data-sign-out-note]");
    if (!note) {
      note = document.createElement("p");
      note.className = "sign-out-note";
      note.setAttribute("role", "alert");
      note.setAttribute("data-sign-out-note", "");
      form.insertAdjacentElement("afterend", note);
    }
    note.textContent = text;
  }

  // The signer's own unsent entries and, apart, everyone else's.
  function unsent(user) {
    return phone.queue.entries().then(function (list) {
      var mine = list.filter(function (e) { return !e.user || e.user === user; });
      return { mine: mine, others: list.length - mine.length };
    });
  }

  function question(count) {
    return count === 1
      ? "1 entry saved on this phone has not been sent. Sign out and delete it?"
      : count + " entries saved on this phone have not been sent. Sign out and delete them?";
  }

  // The form's CSRF token, or the cookie's when there is one (a kept page's form may be older
  // than the last sign-in, which changes the token).
  function logout(form) {
    var data = new FormData(form);
    var token = phone.queue.csrfToken();
    if (token) data.set("csrfmiddlewaretoken", token);
    return fetch(form.action, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      redirect: "follow",
    }).then(function (response) {
      if (!response.ok) throw new Error("Sign-out answered " + response.status);
      return response;
    });
  }

  function dropCaches() {
    if (!window.caches) return Promise.resolve();
    return caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) { return name.indexOf(CACHE_PREFIX) === 0; })
        .map(function (name) { return caches.delete(name); }));
    });
  }

  function forget(found) {
    var keys = found.mine.map(function (e) { return e.key; });
    var store = found.exists ? phone.store.transact(["queue", "people", "meta"], "readwrite", function (s) {
      keys.forEach(function (key) { s.queue.delete(key); });
      s.people.clear();
      s.meta.clear();
    }).then(function () {
      return phone.store.all("queue");
    }).then(function (left) {
      if (!left.length) return phone.store.destroy();
    }) : Promise.resolve();
    return Promise.all([store.catch(function () {}), dropCaches().catch(function () {})]);
  }

  function signOut(form) {
    if (!navigator.onLine) {
      say(form, "Signing out needs a signal. Nothing has been deleted.");
      return Promise.resolve();
    }
    var found = {};
    return phone.store.exists().then(function (yes) {
      found.exists = yes;
      if (!yes) return { mine: [], others: 0 };
      return phone.queue.send({ quick: true }).then(function () {
        return phone.queue.signedIn();
      }).then(unsent);
    }).then(function (counted) {
      found.mine = counted.mine;
      found.others = counted.others;
      if (found.mine.length && !window.confirm(question(found.mine.length))) return null;
      return logout(form).then(function (response) {
        return forget(found).then(function () { location.assign(response.url); });
      }, function () {
        say(form, "Sign-out did not reach MARS: nothing has been deleted. Try again.");
      });
    });
  }

  Array.prototype.forEach.call(forms, function (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var button = form.querySelector("button");
      if (button) button.disabled = true;
      signOut(form).catch(function () {
        say(form, "Sign-out did not finish: try again.");
      }).then(function () { if (button) button.disabled = false; });
    });
  });
})();
