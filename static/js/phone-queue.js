// The queue of what the worker saved on the phone (contacts, sightings, session starts). Saving
// always puts the entry here first, with its idempotency key made on the phone, then tries to
// send at once: online and offline are one path. Sending goes in order, one at a time, each
// entry a JSON POST with its Idempotency-Key (the same on every retry, so a repeat never makes a
// second record) and the CSRF token read from the cookie at send time:
//   2xx (a replay too)       sent: the entry goes;
//   401, a redirect, a 403 about signing in      kept; "Sign in again to send them";
//   408, 409, 429, 5xx, no network                kept, waiting; sent again later;
//   any other 4xx                                 refused: kept, with the server's reasons, for
//                                                 the worker to correct or discard.
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

  // Who is signed in: the page's <meta name="mars-user"> (pages rendered for the worker), else
  // the one last stored (the kept shell pages carry no user). "" when signed out (the store is
  // deleted at sign-out). An entry goes only with the session of the worker who saved it (after
  // an expired session, someone else may sign in on the same phone).
  function pageUser() {
    var meta = document.querySelector('meta[name="mars-user"]');
    return meta ? meta.content : "";
  }

  function signedIn() {
    var mine = pageUser();
    if (mine) return Promise.resolve(mine);
    return store.exists().then(function (yes) {
      return yes ? store.get("meta", "user").then(function (m) { return m ? m.id : ""; }) : "";
    }).catch(function () { return ""; });
  }

  // A page rendered for the worker says who it is: kept for the shell pages, on the phone pages,
  // and on any page once the phone keeps something.
  function rememberUser() {
    var mine = pageUser();
    if (!mine) return Promise.resolve();
    var phonePage = Boolean(document.querySelector("[data-phone-status]"));
    return (phonePage ? Promise.resolve(true) : store.exists()).then(function (yes) {
      if (!yes) return;
      return store.get("meta", "user").then(function (m) {
        if (!m || m.id !== mine) return store.put("meta", { name: "user", id: mine });
      });
    }).catch(function () {});
  }

  var SIGNED_OUT = "Signed out: sign in (with a signal) to log contacts on this phone";
  var persistAsked = false;

  function notify(detail) {
    document.dispatchEvent(new CustomEvent("mars-phone-queue", { detail: detail || {} }));
  }

  // Keep an entry (new, or corrected with its key) as waiting, then try to send everything.
  // Refused (rejected, nothing kept) when no one is signed in on this phone.
  function save(entry) {
    if (!persistAsked && navigator.storage && navigator.storage.persist) {
      persistAsked = true;
      navigator.storage.persist().catch(function () {});
    }
    return signedIn().then(function (user) {
      if (!user) {
        var error = new Error(SIGNED_OUT);
        error.signedOut = true;
        throw error;
      }
      entry.key = entry.key || newKey();
      entry.user = entry.user || user;
      entry.state = "waiting";
      entry.errors = null;
      entry.problem = "";
      return entries();
    }).then(function (list) {
      // After everything already saved, whatever the phone's clock says.
      var last = list.length ? list[list.length - 1].order : 0;
      entry.order = entry.order || Math.max(Date.now(), last + 1);
      return store.put("queue", entry);
    }).then(function () {
      notify({ saved: entry.key });
      return entry;
    });
  }

  function discard(key) {
    return store.remove("queue", key).then(notify);
  }

  // Whether an entry can go now: a contact waits for the session it was logged in while that
  // session is still on the phone.
  function ready(entry, user) {
    if (entry.user && entry.user !== user) {
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

  // A 403 that is about signing in (no session, the second factor, the CSRF check), not about
  // the entry itself.
  var SIGN_IN_WORDS = /credentials|authenticat|second factor|two-factor|two factor|csrf|sign in|log in|signed in|logged in/i;

  function refuse(entry, errors) {
    entry.state = "refused";
    entry.errors = errors;
    entry.problem = "";
    return store.put("queue", entry).then(function () { return "refused"; });
  }

  // One entry: "sent", "refused", "waiting", "sign-in" or "offline".
  //   401, an opaque redirect, a 403 about signing in   "sign-in" (kept);
  //   408, 409, 429, 5xx                                "waiting" (sent again later);
  //   any other 4xx                                     "refused" with the server's reasons.
  function sendOne(entry) {
    return post(entry).then(function (response) {
      var status = response.status;
      if (response.type === "opaqueredirect" || status === 401) return "sign-in";
      if (response.ok) {
        return answer(response).then(function (saved) {
          if (entry.kind !== "session") return store.remove("queue", entry.key).then(function () { return "sent"; });
          // The session leaves the queue and its id is kept in one step: a contact waiting for
          // it never finds neither.
          return store.transact(["queue", "meta"], "readwrite", function (s) {
            s.queue.delete(entry.key);
            s.meta.put({
              name: "session:" + entry.key,
              id: saved.id,
              area: saved.area || entry.body.area,
              date: saved.date || entry.body.date,
            });
          }).then(function () { return "sent"; });
        });
      }
      if (status === 403) {
        return answer(response).then(function (errors) {
          var detail = errors && typeof errors.detail === "string" ? errors.detail : "";
          if (!detail || SIGN_IN_WORDS.test(detail)) return "sign-in";
          return refuse(entry, errors);
        });
      }
      if (status >= 400 && status < 500 && [408, 409, 429].indexOf(status) === -1) {
        return answer(response).then(function (errors) {
          if (!errors || !Object.keys(errors).length) {
            errors = { detail: "MARS did not accept it (" + status + ")." };
          }
          return refuse(entry, errors);
        });
      }
      entry.problem = "The server could not take it just now (" + status + "): it will be sent again.";
      return store.put("queue", entry).then(function () { return "waiting"; });
    }, function () {
      return "offline";
    });
  }

  function sendAll() {
    return Promise.all([entries(), signedIn()]).then(function (found) {
      var list = found[0];
      var user = found[1];
      var result = { sent: 0, stopped: "", sentKeys: [] };
      var i = 0;
      function next() {
        if (i >= list.length) return result;
        var entry = list[i++];
        if (entry.state !== "waiting") return next();
        return ready(entry, user).then(function (go) {
          if (!go) return next();
          return sendOne(entry).then(function (outcome) {
            if (outcome === "sent") {
              result.sent++;
              result.sentKeys.push(entry.key);
            }
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

  // After a sync that sent something: the list of people again (who was seen has changed), and
  // the kept shell pages.
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
  // sends again once that one is over. With {quick: true} (signing out) it does not wait for the
  // list of people to be fetched again.
  function send(options) {
    var quick = Boolean(options && options.quick);
    if (!navigator.onLine) return Promise.resolve({ sent: 0, stopped: "offline", sentKeys: [] });
    if (sending) {
      again = again || sending.then(function () {
        again = null;
        return send(options);
      });
      return again;
    }
    var run = function () {
      return sendAll().then(function (result) {
        signInNeeded = result.stopped === "sign-in";
        notify({ sent: result.sent });
        if (!result.sent) return result;
        var after = afterSync();
        return quick ? result : after.then(function () { return result; });
      });
    };
    sending = (navigator.locks ? navigator.locks.request("mars-phone-send", run) : run())
      .catch(function () { return { sent: 0, stopped: "offline", sentKeys: [] }; })
      .finally(function () {
        sending = null;
        notify();
      });
    notify();
    return sending;
  }

  // The fields as the worker sees them, for the server's reasons ("Person: ...", not "client: ...").
  function labelFor(name, labels) {
    if (name === "detail" || name === "non_field_errors") return "";
    return (labels && labels[name]) || name.charAt(0).toUpperCase() + name.slice(1).replace(/_/g, " ");
  }

  // The server's first reason for a refused entry, in a line, with the field's label.
  function reason(entry) {
    var errors = entry.errors;
    if (!errors) return "";
    var keys = Object.keys(errors);
    for (var i = 0; i < keys.length; i++) {
      var value = errors[keys[i]];
      var text = Array.isArray(value) ? value.join(" ") : String(value);
      var label = labelFor(keys[i], entry.labels);
      if (text) return label ? label + ": " + text : text;
    }
    return "";
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
    signedIn: signedIn,
    csrfToken: csrfToken,
    labelFor: labelFor,
    reason: reason,
    SIGNED_OUT: SIGNED_OUT,
    isoWithOffset: isoWithOffset,
    entries: entries,
    counts: counts,
    save: save,
    discard: discard,
    send: send,
    signInNeeded: function () { return signInNeeded; },
    isSending: function () { return Boolean(sending); },
  };

  rememberUser();
})();
