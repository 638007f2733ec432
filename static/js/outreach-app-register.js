/* Registers the outreach app's service worker (outreach/templates/outreach/service_worker.js) on
 * the outreach pages, where the browser has service workers (over HTTPS, or on localhost).
 *
 * A new version of the worker takes over open pages at once (it calls skipWaiting and
 * clients.claim), but this script never reloads a page for it: a form being filled would be lost.
 * Pages are fetched from the network first while there is a signal, so nothing stale is shown, and
 * the next page opened is served by the new worker.
 */
(function () {
  "use strict";
  if (!("serviceWorker" in navigator)) {
    return;
  }
  var script = document.currentScript;
  var worker = script && script.dataset.worker;
  var scope = script && script.dataset.scope;
  if (!worker || !scope) {
    return;
  }
  function register() {
    navigator.serviceWorker.register(worker, { scope: scope }).catch(function (error) {
      // Without the worker the pages still work online; only offline use is lost.
      console.warn("MARS: the offline outreach app could not be set up.", error);
    });
  }
  if (document.readyState === "complete") {
    register();
  } else {
    window.addEventListener("load", register);
  }
})();
