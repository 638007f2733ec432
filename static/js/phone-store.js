// The phone's own store, IndexedDB "mars-phone": `queue` (what the worker saved, waiting to be
// sent, keyed by its idempotency key), `people` (the team's list of people seen lately, for
// finding someone with no signal) and `meta` (when that list was fetched and must be dropped;
// the ids of sessions sent from the queue). Nothing else about people is kept on the phone.
// Loaded on every signed-in page: sign-out (sign-out.js) deletes it all.
(function () {
  "use strict";
  var NAME = "mars-phone";
  var STORES = { queue: "key", people: "id", meta: "name" };
  var opening = null;

  function open() {
    if (!opening) {
      opening = new Promise(function (resolve, reject) {
        var request = indexedDB.open(NAME, 1);
        request.onupgradeneeded = function () {
          Object.keys(STORES).forEach(function (name) {
            if (!request.result.objectStoreNames.contains(name)) {
              request.result.createObjectStore(name, { keyPath: STORES[name] });
            }
          });
        };
        request.onsuccess = function () {
          var db = request.result;
          // Another page deleting the store (a sign-out) must not wait for this one.
          db.onversionchange = function () {
            db.close();
            opening = null;
          };
          resolve(db);
        };
        request.onerror = function () {
          opening = null;
          reject(request.error);
        };
      });
    }
    return opening;
  }

  // One transaction over the named stores; `work` gets them by name and may return a request,
  // whose result is the answer once the transaction has completed.
  function transact(names, mode, work) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(names, mode);
        var stores = {};
        names.forEach(function (name) { stores[name] = tx.objectStore(name); });
        var request = work(stores);
        tx.oncomplete = function () { resolve(request ? request.result : undefined); };
        tx.onerror = tx.onabort = function () { reject(tx.error); };
      });
    });
  }

  function exists() {
    // Without databases() (older browsers) assume it may: opening it is harmless.
    if (!indexedDB.databases) return Promise.resolve(true);
    return indexedDB.databases().then(function (list) {
      return list.some(function (db) { return db.name === NAME; });
    });
  }

  function destroy() {
    var closing = opening ? opening.then(function (db) { db.close(); }, function () {}) : Promise.resolve();
    opening = null;
    return closing.then(function () {
      return new Promise(function (resolve, reject) {
        var request = indexedDB.deleteDatabase(NAME);
        request.onsuccess = function () { resolve(); };
        request.onerror = function () { reject(request.error); };
      });
    });
  }

  window.MarsPhone = window.MarsPhone || {};
  window.MarsPhone.store = {
    NAME: NAME,
    exists: exists,
    destroy: destroy,
    transact: transact,
    all: function (name) {
      return transact([name], "readonly", function (s) { return s[name].getAll(); });
    },
    get: function (name, key) {
      return transact([name], "readonly", function (s) { return s[name].get(key); });
    },
    put: function (name, value) {
      return transact([name], "readwrite", function (s) { s[name].put(value); });
    },
    remove: function (name, key) {
      return transact([name], "readwrite", function (s) { s[name].delete(key); });
    },
  };
})();
