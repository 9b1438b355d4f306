/* Progressive enhancement only: every task works without this file. */
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    // Print buttons are hidden until there is script to make them work.
    document.querySelectorAll("[data-print]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () { window.print(); });
    });
    // Disclosure buttons (the phone menu, the project list's filters): shown by the
    // stylesheet only when script runs; each opens and closes the element its
    // aria-controls names. Escape closes it and puts the focus back on its button.
    document.querySelectorAll("[data-disclosure]").forEach(function (button) {
      var panel = document.getElementById(button.getAttribute("aria-controls"));
      if (!panel) { return; }
      function setOpen(open) {
        button.setAttribute("aria-expanded", open ? "true" : "false");
        panel.classList.toggle("is-open", open);
      }
      button.addEventListener("click", function () {
        setOpen(button.getAttribute("aria-expanded") !== "true");
      });
      [button, panel].forEach(function (element) {
        element.addEventListener("keydown", function (event) {
          if (event.key !== "Escape" || button.getAttribute("aria-expanded") !== "true") { return; }
          setOpen(false);
          button.focus();
        });
      });
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
