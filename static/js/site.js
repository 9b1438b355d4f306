/* Progressive enhancement only: every task works without this file. */
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    // Print buttons are hidden until there is script to make them work.
    document.querySelectorAll("[data-print]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () { window.print(); });
    });
    // "Copy link": a plain link without script; with script it copies the address.
    document.querySelectorAll("[data-copy-link]").forEach(function (link) {
      if (!navigator.clipboard) { return; }
      link.addEventListener("click", function (event) {
        event.preventDefault();
        navigator.clipboard.writeText(link.href).then(function () {
          link.setAttribute("aria-live", "polite");
          link.dataset.label = link.dataset.label || link.textContent;
          link.textContent = link.dataset.copied || link.dataset.label;
        });
      });
    });
  });
})();
