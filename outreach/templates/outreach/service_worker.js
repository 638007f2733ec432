{% autoescape off %}/* MARS outreach service worker, served by outreach.views.app.service_worker.
 *
 * Keeps the outreach shell (the pages that log a contact or a sighting and start a session, and the
 * files they load) so that they open with no signal. It caches nothing else: pages are fetched from
 * the network first and only the shell, fetched by the worker itself, is kept. Each deployment of
 * MARS gives a new VERSION, hence a new worker, which replaces the old one's cache.
 */
"use strict";

const VERSION = "{{ version }}";
const PREFIX = "{{ prefix }}";
const CACHE = PREFIX + VERSION;
const SCOPE = "{{ scope }}";
const PAGES = {{ pages }};
const ASSETS = {{ assets }};
const OFFLINE = "{{ offline }}";

// The shell pages are asked for by the worker with this header: the server then renders them
// without flash messages (left for the next page the person opens).
const SHELL_HEADER = "X-MARS-Shell";

async function keepPages(cache) {
  // A page that does not come back as itself (signed out: a redirect to sign in; an error) is
  // not kept; the one kept before, if any, stays.
  await Promise.all(
    PAGES.map(async (path) => {
      try {
        const response = await fetch(path, {
          credentials: "same-origin",
          cache: "no-store",
          headers: { [SHELL_HEADER]: "1" },
        });
        if (response.status === 200 && !response.redirected) {
          await cache.put(path, response);
        }
      } catch (error) {
        // No network: keep what there is.
      }
    }),
  );
}

async function keepAssets(cache) {
  await Promise.all(
    ASSETS.map(async (path) => {
      try {
        const response = await fetch(path, { cache: "no-cache" });
        if (response.status === 200) {
          await cache.put(path, response);
        }
      } catch (error) {
        // Fetched from the network when asked for, if it was not kept.
      }
    }),
  );
}

self.addEventListener("install", (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      await Promise.all([keepPages(cache), keepAssets(cache)]);
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      const names = await caches.keys();
      await Promise.all(
        names
          .filter((name) => name.startsWith(PREFIX) && name !== CACHE)
          .map((name) => caches.delete(name)),
      );
      await self.clients.claim();
    })(),
  );
});

async function fromNetworkFirst(request, url) {
  try {
    return await fetch(request);
  } catch (error) {
    const cache = await caches.open(CACHE);
    const kept =
      (await cache.match(url.pathname, { ignoreSearch: true, ignoreVary: true })) ||
      (await cache.match(OFFLINE, { ignoreVary: true }));
    if (kept) {
      return kept;
    }
    return new Response("You are offline. This page needs the network.", {
      status: 503,
      headers: { "Content-Type": "text/plain; charset=utf-8" },
    });
  }
}

async function fromCacheFirst(request, url) {
  const cache = await caches.open(CACHE);
  const kept = await cache.match(url.pathname, { ignoreVary: true });
  return kept || fetch(request);
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") {
    return;
  }
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) {
    return;
  }
  if (request.mode === "navigate") {
    if (url.pathname.startsWith(SCOPE)) {
      event.respondWith(fromNetworkFirst(request, url));
    }
    return;
  }
  if (ASSETS.includes(url.pathname) && !url.search) {
    event.respondWith(fromCacheFirst(request, url));
  }
  // Anything else (the API, other pages' files) is the browser's own business.
});

self.addEventListener("message", (event) => {
  const data = event.data;
  const type = typeof data === "string" ? data : data && data.type;
  if (type !== "refresh-shell") {
    return;
  }
  // After a sync the pages are fetched again, so what they show offline (today's session) is fresh.
  event.waitUntil(
    (async () => {
      await keepPages(await caches.open(CACHE));
      if (event.ports && event.ports[0]) {
        event.ports[0].postMessage({ type: "shell-refreshed", version: VERSION });
      }
    })(),
  );
});
{% endautoescape %}
