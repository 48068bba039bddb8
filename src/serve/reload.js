// amt serve: reloads the page when a new build is served. Served by
// `amt serve` only (never part of a build); it asks for the build counter
// at /__amt/version and reloads when the counter is not the one the page
// was served with. A page that answered a form post is fetched anew
// instead of reloaded (a reload would post the form again).
(() => {
  'use strict';
  const me = document.currentScript;
  const served = me ? me.dataset.version : undefined;
  const afterPost = Boolean(me && me.hasAttribute('data-after-post'));
  const poll = () => {
    fetch('/__amt/version', { cache: 'no-store' })
      .then((r) => (r.ok ? r.text() : Promise.reject(new Error(`HTTP ${r.status}`))))
      .then((text) => {
        const version = text.trim();
        if (served !== undefined && version !== served) {
          if (afterPost) location.replace(location.href.split('#')[0]);
          else location.reload();
          return;
        }
        setTimeout(poll, 300);
      })
      // The server is restarting, or gone: ask again a little later.
      .catch(() => setTimeout(poll, 1000));
  };
  setTimeout(poll, 300);
})();
