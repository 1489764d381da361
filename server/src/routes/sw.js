// Zhaoshang Field service worker, served by the server with this build's values filled in.
//
// - Install: store the app shell (the HTML of every offline route, the JS, WASM, CSS, manifest and
//   icons) in a cache named after the build, all or nothing.
// - Activate: delete the caches of earlier builds and take over open pages at once.
// - Fetch: offline routes and assets come from the cache first, so the app opens instantly with or
//   without a network. A cached page is refreshed in the background, but only from a server that
//   serves this same build: HTML of one build must never meet WASM of another.
// - The QR code reader and the card reader (LAZY_GROUPS) are not stored at install: the first time
//   the app asks for one, it is fetched and kept like the rest. A build installed after a tablet
//   has used a group stores that group at install, so it keeps working offline across upgrades.
// - Everything else (the API, manager pages) goes to the network untouched.

const BUILD = '__BUILD_ID__';
const CACHE = 'zhaoshang-' + BUILD;
const BUILD_HEADER = '__BUILD_HEADER__';
const PRECACHE = __PRECACHE__;
const SHELL_ROUTES = __SHELL_ROUTES__;
const LAZY_GROUPS = __LAZY__;
const LAZY = [...new Set(LAZY_GROUPS.flat())];

// The lazily loaded groups an earlier build's cache holds (the officer has scanned, or read a
// card), by their first file.
async function lazyUsed() {
  const keys = (await caches.keys()).filter((k) => k.startsWith('zhaoshang-') && k !== CACHE);
  const used = [];
  for (const group of LAZY_GROUPS) {
    for (const key of keys) {
      if (await (await caches.open(key)).match(group[0])) {
        used.push(...group);
        break;
      }
    }
  }
  return used;
}

self.addEventListener('install', (event) => {
  event.waitUntil(
    Promise.all([caches.open(CACHE), lazyUsed()])
      // (A file in two groups is asked for once: addAll refuses a list that names one twice.)
      .then(([cache, used]) => cache.addAll([...new Set(PRECACHE.concat(used))].map((url) => new Request(url, { cache: 'reload' }))))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((key) => key.startsWith('zhaoshang-') && key !== CACHE).map((key) => caches.delete(key))))
      .then(() => self.clients.claim()),
  );
});

async function refresh(request, key) {
  try {
    const response = await fetch(request);
    if (response.ok && response.headers.get(BUILD_HEADER) === BUILD) {
      const cache = await caches.open(CACHE);
      await cache.put(key, response.clone());
    }
    return response;
  } catch (error) {
    return undefined;
  }
}

async function cacheFirst(event, request, key) {
  const cached = await caches.match(key, { cacheName: CACHE });
  if (cached) {
    // Keep the cached page in step with the officer's language and the server's content.
    if (request.mode === 'navigate') event.waitUntil(refresh(request, key));
    return cached;
  }
  const fresh = await refresh(request, key);
  return fresh || Response.error();
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === 'navigate' && SHELL_ROUTES.includes(url.pathname)) {
    // `/edit?id=…` and `/edit` are one cached page: the lead id is read by the app.
    event.respondWith(cacheFirst(event, request, url.pathname));
  } else if (PRECACHE.includes(url.pathname) || LAZY.includes(url.pathname)) {
    event.respondWith(cacheFirst(event, request, url.pathname));
  }
});
