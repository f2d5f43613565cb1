// Hands a login to the browser as a cookie, or has the browser drop it at logout.
//
// The app's server sets and clears the cookie (HttpOnly: no script can read it): this posts
// the login's single-use ticket, or nothing at logout, to the address in data-url. The script
// runs in the page itself, so the request still completes when the page moves on.
(function () {
  "use strict";
  const script = document.currentScript;
  const ticket = script.dataset.ticket;
  fetch(script.dataset.url, {
    method: "POST",
    credentials: "same-origin",
    cache: "no-store",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(ticket ? { ticket: ticket } : {}),
  }).catch(function (error) {
    // The login still holds in this tab; only a reload would find no cookie.
    console.warn("Assetmap could not update its login cookie", error);
  });
})();
