// Tells the browser which language the page is in (data-lang), and words Streamlit's own
// "skip to main content" link in it (data-skip). Streamlit's page always says English, so a
// screen reader would read Norwegian or Dutch with an English voice (WCAG 3.1.1 Language of
// Page). No angle brackets in this file: Streamlit's sanitiser drops a script whose text
// looks like markup.
(function () {
  "use strict";
  const words = document.currentScript.dataset;
  document.documentElement.lang = words.lang;
  const skip = document.querySelector('a[href="#stMain"]');
  if (skip) skip.textContent = words.skip;
})();
