// Bookcase's service worker. It keeps the static assets (their URLs are versioned, so a kept copy
// is never stale) and the offline page, and nothing else: no page of a reader's library is ever
// stored, so nobody (another reader on this device, a visitor after log-out) can be shown one
// from here. Pages go to the network as if there were no worker; when the network fails, the
// offline page answers instead. The server fills in the three values below (handlers/pwa.go).
'use strict';

var CACHE = "__CACHE__";
var PRECACHE = ["__PRECACHE__"];
var OFFLINE = "__OFFLINE__";

self.addEventListener('install', function (e) {
  e.waitUntil(caches.open(CACHE)
    .then(function (cache) { return cache.addAll(PRECACHE); })
    .then(function () { return self.skipWaiting(); }));
});

// A new version drops the caches of the old ones: their assets are no longer linked from any page.
// Navigation preload lets the browser ask the server for a page while the worker starts, so
// the worker costs a page no time waiting for it.
self.addEventListener('activate', function (e) {
  var preload = self.registration.navigationPreload ? self.registration.navigationPreload.enable() : Promise.resolve();
  e.waitUntil(preload
    .then(function () { return caches.keys(); })
    .then(function (names) {
      return Promise.all(names.filter(function (name) { return name !== CACHE; })
        .map(function (name) { return caches.delete(name); }));
    })
    .then(function () { return self.clients.claim(); }));
});

self.addEventListener('fetch', function (e) {
  var request = e.request;
  if (request.method !== 'GET') return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === 'navigate') {
    e.respondWith(Promise.resolve(e.preloadResponse).then(function (preloaded) {
      return preloaded || fetch(request);
    }).catch(function () {
      return caches.match(OFFLINE).then(function (page) { return page || Response.error(); });
    }));
    return;
  }
  if (url.pathname.indexOf('/assets/') === 0 && url.searchParams.has('v')) {
    e.respondWith(caches.match(request).then(function (kept) { return kept || fetch(request); }));
  }
});
