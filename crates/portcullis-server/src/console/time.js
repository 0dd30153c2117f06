/* Portcullis console: shows each <time class="when"> in the viewer's own
   time zone. The page is complete without it: the server writes the UTC
   time as the element's text and its title; this replaces the text with
   the local time (the title keeps UTC, shown on hover). Vendored, no
   dependencies, served from the binary at /assets/time.js (CSP
   script-src 'self'; no inline script anywhere). */
(function () {
  "use strict";
  var format;
  try {
    format = new Intl.DateTimeFormat(undefined, {
      year: "numeric", month: "short", day: "numeric",
      hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZoneName: "short"
    });
  } catch (e) {
    return;
  }
  var zone = "";
  try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { zone = ""; }
  var times = document.querySelectorAll("time.when[datetime]");
  for (var i = 0; i < times.length; i++) {
    var el = times[i];
    var at = new Date(el.getAttribute("datetime"));
    if (isNaN(at.getTime())) { continue; }
    el.textContent = format.format(at);
    el.setAttribute("data-zone", zone);
  }
})();
