// The queue of what the worker saved on the phone (contacts, sightings, session starts). Saving
// always puts the entry here first, with its idempotency key made on the phone, then tries to
// send at once: online and offline are one path. Sending goes in order, one at a time, each
// entry a JSON POST with its Idempotency-Key (the same on every retry, so a repeat never makes a
// second record) and the CSRF token read from the cookie at send time:
//   2xx (a replay too)       sent: the entry goes;
//   400 (422)                refused: kept, with the server's reasons, for the worker to correct;
//   401, 403, a redirect     kept; "Sign in again to send them";
//   409, 5xx, no network     kept, waiting; sent again later.
// It sends by itself on the `online` event and when a phone page opens, and on "Send now".
// A contact logged while today's session is still waiting names that entry (session_entry); the
// session goes first and its new id is put in the contact. An entry is sent only by the worker
// who saved it.
(function () {
  "use strict";
  var phone = window.MarsPhone;
  var store = phone.store;
  var TIMEOUT_MS = 20000;
  var sending = null;
  var again = null;
  var signInNeeded = false;

  function newKey() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var bytes = crypto.getRandomValues(new Uint8Array(16));
    return Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join("");
  }

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]*)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  // An instant as ISO 8601 with the phone's offset: "2026-12-01T06:12:30+00:00".
  function isoWithOffset(date) {
    var offset = -date.getTimezoneOffset();
    var sign = offset >= 0 ? "+" : "-";
    offset = Math.abs(offset);
    return date.getFullYear() + "-" + pad(date.getMonth() + 1) + "-" + pad(date.getDate()) +
      "T" + pad(date.getHours()) + ":" + pad(date.getMinutes()) + ":" + pad(date.getSeconds()) +
      sign + pad(Math.floor(offset / 60)) + ":" + pad(offset % 60);
  }

  function entries() {
    return store.all("queue").then(function (list) {
      return list.sort(function (a, b) { return a.order - b.order || (a.key < b.key ? -1 : 1); });
    });
  }

  // Who is signed in on this page: an entry goes only with the session of the worker who saved
  // it (after an expired session, someone else may sign in on the same phone).
  function signedIn() {
    var meta = document.querySelector('meta[name="mars-user"]');
    return meta ? meta.content : "";
  }

  function notify() {
    document.dispatchEvent(new CustomEvent("mars-phone-queue"));
  }

  // Keep an entry (new, or corrected with its key) as waiting, then try to send everything.
  function save(entry) {
    entry.key = entry.key || newKey();
    entry.user = entry.user || signedIn();
    entry.state = "waiting";
    entry.errors = null;
    entry.problem = "";
    return entries().then(function (list) {
      // After everything already saved, whatever the phone's clock says.
      var last = list.length ? list[list.length - 1].order : 0;
      entry.order = entry.order || Math.max(Date.now(), last + 1);
      return store.put("queue", entry);
    }).then(function () {
      notify();
      return entry;
    });
  }

  function discard(key) {
    return store.remove("queue", key).then(notify);
  }

  // Whether an entry can go now: a contact waits for the session it was logged in while that
  // session is still on the phone.
  function ready(entry) {
    if (entry.user && entry.user !== signedIn()) {
      entry.problem = "Saved by another worker on this phone: it is sent when they sign in here.";
      return store.put("queue", entry).then(function () { return false; });
    }
    if (!entry.session_entry) return Promise.resolve(true);
    return Promise.all([
      store.get("queue", entry.session_entry),
      store.get("meta", "session:" + entry.session_entry),
    ]).then(function (found) {
      var session = found[0];
      var sent = found[1];
      if (session) {
        entry.problem = session.state === "refused"
          ? "Waits for today's session, which was not accepted: correct the session below."
          : "Waits for today's session to be sent first.";
        return store.put("queue", entry).then(function () { return false; });
      }
      // Sent (its id is known), or discarded (then the contact has no session).
      entry.body.session = sent ? sent.id : null;
      delete entry.session_entry;
      entry.problem = "";
      return store.put("queue", entry).then(function () { return true; });
    });
  }

  function post(entry) {
    var controller = new AbortController();
    var timer = setTimeout(function () { controller.abort(); }, TIMEOUT_MS);
    return fetch(entry.url, {
      method: "POST",
      credentials: "same-origin",
      redirect: "manual",
      signal: controller.signal,
      headers: {
        "Content-Type": "application/json",
        Accept: "application/json",
        "Idempotency-Key": entry.key,
        "X-CSRFToken": csrfToken(),
      },
      body: JSON.stringify(entry.body),
    }).finally(function () { clearTimeout(timer); });
  }

  function answer(response) {
    return response.json().catch(function () { return {}; });
  }

  // One entry: "sent", "refused", "waiting", "sign-in" or "offline".
  function sendOne(entry) {
    return post(entry).then(function (response) {
      if (response.type === "opaqueredirect" || response.status === 401 || response.status === 403) {
        return "sign-in";
      }
      if (response.ok) {
        return answer(response).then(function (saved) {
          var done = [store.remove("queue", entry.key)];
          if (entry.kind === "session") {
            done.push(store.put("meta", {
              name: "session:" + entry.key,
              id: saved.id,
              area: saved.area || entry.body.area,
              date: saved.date || entry.body.date,
            }));
          }
          return Promise.all(done).then(function () { return "sent"; });
        });
      }
      if (response.status === 400 || response.status === 422) {
        return answer(response).then(function (errors) {
          entry.state = "refused";
          entry.errors = errors;
          entry.problem = "";
          return store.put("queue", entry).then(function () { return "refused"; });
        });
      }
      entry.problem = "The server could not take it just now (" + response.status + "): it will be sent again.";
      return store.put("queue", entry).then(function () { return "waiting"; });
    }, function () {
      return "offline";
    });
  }

  function sendAll() {
    return entries().then(function (list) {
      var result = { sent: 0, stopped: "" };
      var i = 0;
      function next() {
        if (i >= list.length) return result;
        var entry = list[i++];
        if (entry.state !== "waiting") return next();
        return ready(entry).then(function (go) {
          if (!go) return next();
          return sendOne(entry).then(function (outcome) {
            if (outcome === "sent") result.sent++;
            if (outcome === "sign-in" || outcome === "offline") {
              result.stopped = outcome;
              return result;
            }
            return next();
          });
        });
      }
      return next();
    });
  }

  function afterSync() {
    var refreshed = phone.people ? phone.people.refresh() : Promise.resolve();
    return refreshed.then(function () {
      if (navigator.serviceWorker && navigator.serviceWorker.controller) {
        navigator.serviceWorker.controller.postMessage("refresh-shell");
      }
    });
  }

  // Send what is waiting; one sending at a time (across the phone's tabs too, where it can). Asked
  // while a sending is under way (the network came back during one that began without it), it
  // sends again once that one is over.
  function send() {
    if (!navigator.onLine) return Promise.resolve({ sent: 0, stopped: "offline" });
    if (sending) {
      again = again || sending.then(function () {
        again = null;
        return send();
      });
      return again;
    }
    var run = function () {
      return sendAll().then(function (result) {
        signInNeeded = result.stopped === "sign-in";
        notify();
        return (result.sent ? afterSync() : Promise.resolve()).then(function () { return result; });
      });
    };
    sending = (navigator.locks ? navigator.locks.request("mars-phone-send", run) : run())
      .catch(function () { return { sent: 0, stopped: "offline" }; })
      .finally(function () {
        sending = null;
        notify();
      });
    notify();
    return sending;
  }

  function counts() {
    return entries().then(function (list) {
      return {
        entries: list,
        waiting: list.filter(function (e) { return e.state === "waiting"; }),
        refused: list.filter(function (e) { return e.state === "refused"; }),
      };
    });
  }

  phone.queue = {
    newKey: newKey,
    isoWithOffset: isoWithOffset,
    entries: entries,
    counts: counts,
    save: save,
    discard: discard,
    send: send,
    signInNeeded: function () { return signInNeeded; },
    isSending: function () { return Boolean(sending); },
  };
})();
