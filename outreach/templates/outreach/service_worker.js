{% autoescape off %}/* MARS outreach service worker, served by outreach.views.app.service_worker.
 *
 * Keeps the outreach shell (the pages that log a contact or a sighting and start a session, and the
 * files they load) so that they open with no signal. It caches nothing else: pages are fetched from
 * the network first and only the shell, fetched by the worker itself, is kept. Each deployment of
 * MARS gives a new VERSION, hence a new worker, which replaces the old one's cache once it has a
 * whole shell of its own (pages it cannot fetch are carried over from the old cache).
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
// for no one (no flash messages, no name, nothing chosen for the person signed in).
const SHELL_HEADER = "X-MARS-Shell";
// The shell pages are fetched again on a navigation when one is missing (signed out: the caches
// were deleted) or when they were last fetched longer ago than this.
const REFRESH_AFTER_MS = 10 * 60 * 1000;
// On a weak signal a shell page waits this long for the network, then opens from the cache.
const NETWORK_WAIT_MS = 4000;
// A proxy's or server's "try later": the kept shell page is better than an error.
const UNAVAILABLE = [502, 503, 504];

let lastRefresh = 0;
let refreshing = null;

async function fetchPage(path) {
  // Only a page that comes back as itself is kept: signed out, it redirects to sign in. The
  // redirect is not followed (nothing to keep from the sign-in page).
  try {
    const response = await fetch(path, {
      credentials: "same-origin",
      cache: "no-store",
      redirect: "manual",
      headers: { [SHELL_HEADER]: "1" },
    });
    if (response.status === 200 && response.type === "basic" && !response.redirected) {
      return response;
    }
  } catch (error) {
    // No network.
  }
  return null;
}

async function fromOlderCache(path) {
  for (const name of await caches.keys()) {
    if (name.startsWith(PREFIX) && name !== CACHE) {
      const kept = await (await caches.open(name)).match(path, { ignoreVary: true });
      if (kept) {
        return kept;
      }
    }
  }
  return null;
}

async function keepPages(cache, { fromOlder }) {
  // A page that cannot be fetched as itself keeps the copy there is: on install, the older
  // version's (an upgrade while signed out or on a weak signal must not lose the working shell).
  await Promise.all(
    PAGES.map(async (path) => {
      const response = await fetchPage(path);
      if (response) {
        await cache.put(path, response);
        return;
      }
      if (fromOlder && !(await cache.match(path, { ignoreVary: true }))) {
        const older = await fromOlderCache(path);
        if (older) {
          await cache.put(path, older);
        }
      }
    }),
  );
  lastRefresh = Date.now();
}

async function fetchAsset(path) {
  try {
    const response = await fetch(path, { cache: "no-cache" });
    if (response.status === 200) {
      return response;
    }
  } catch (error) {
    // No network.
  }
  return null;
}

async function keepAssets(cache) {
  // Every asset is required: a shell without its script or style does not work offline. One that
  // cannot be fetched may come from an older cache under the same URL (the same file: production
  // URLs carry the content's hash); otherwise the install fails and the old worker stays.
  await Promise.all(
    ASSETS.map(async (path) => {
      const response = (await fetchAsset(path)) || (await fromOlderCache(path));
      if (!response) {
        throw new Error("MARS: could not keep " + path + " for offline use.");
      }
      await cache.put(path, response);
    }),
  );
}

self.addEventListener("install", (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      try {
        await Promise.all([keepPages(cache, { fromOlder: true }), keepAssets(cache)]);
      } catch (error) {
        await caches.delete(CACHE);
        throw error;
      }
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

async function refreshIfDue() {
  // After a sign-out (which deletes the caches) or a long day, the next page opened online
  // fetches the shell again. Missing assets come back too, best effort.
  const cache = await caches.open(CACHE);
  const pagesKept = await Promise.all(PAGES.map((path) => cache.match(path, { ignoreVary: true })));
  const assetsKept = await Promise.all(ASSETS.map((path) => cache.match(path, { ignoreVary: true })));
  const missingAssets = ASSETS.filter((path, index) => !assetsKept[index]);
  const due =
    pagesKept.some((kept) => !kept) ||
    missingAssets.length > 0 ||
    Date.now() - lastRefresh > REFRESH_AFTER_MS;
  if (!due || refreshing) {
    return refreshing;
  }
  refreshing = (async () => {
    try {
      await Promise.all([
        keepPages(cache, { fromOlder: false }),
        ...missingAssets.map(async (path) => {
          const response = await fetchAsset(path);
          if (response) {
            await cache.put(path, response);
          }
        }),
      ]);
    } finally {
      refreshing = null;
    }
  })();
  return refreshing;
}

async function keptPage(path) {
  const cache = await caches.open(CACHE);
  return cache.match(path, { ignoreSearch: true, ignoreVary: true });
}

async function offlineAnswer(url) {
  const kept = (await keptPage(url.pathname)) || (await keptPage(OFFLINE));
  if (kept) {
    return kept;
  }
  return new Response("You are offline. This page needs the network.", {
    status: 503,
    headers: { "Content-Type": "text/plain; charset=utf-8" },
  });
}

async function navigate(request, url) {
  // Network first; `online` says the answer came from the server (what may start a refresh).
  const network = fetch(request).then(
    (response) => ({ response }),
    () => ({ response: null }),
  );
  const shellPage = PAGES.includes(url.pathname) ? await keptPage(url.pathname) : null;
  if (!shellPage) {
    const { response } = await network;
    return response ? { response, online: true } : { response: await offlineAnswer(url), online: false };
  }
  // A shell page does not wait long for a weak signal: the kept copy opens instead, and the
  // network's answer, if it comes later, is dropped.
  let timer;
  const waited = new Promise((resolve) => {
    timer = setTimeout(() => resolve({ response: null }), NETWORK_WAIT_MS);
  });
  const { response } = await Promise.race([network, waited]);
  clearTimeout(timer);
  if (response && !UNAVAILABLE.includes(response.status)) {
    return { response, online: true };
  }
  return { response: shellPage, online: false };
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
      // What the network answers goes to the page, never into the cache.
      const answer = navigate(request, url);
      event.respondWith(answer.then(({ response }) => response));
      event.waitUntil(
        answer.then(({ online }) => (online ? refreshIfDue() : null)).catch(() => null),
      );
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
      await keepPages(await caches.open(CACHE), { fromOlder: false });
      if (event.ports && event.ports[0]) {
        event.ports[0].postMessage({ type: "shell-refreshed", version: VERSION });
      }
    })(),
  );
});
{% endautoescape %}
