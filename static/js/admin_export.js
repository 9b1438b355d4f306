/* The admin's export page: the "select all fields" box, wired here instead of in an
   inline onchange attribute, which the Content-Security-Policy refuses.
   onSelectToggleChange comes from django-import-export's export_selectable_fields.js. */
(function () {
  "use strict";
  // The package's "Select all" label is for="select-all-toggle", but its box has no id:
  // give it that id, so the box is named by its label (axe: label).
  document.addEventListener("DOMContentLoaded", function () {
    const box = document.querySelector(".select-toggle:not([id])");
    if (box && !document.getElementById("select-all-toggle")) {
      box.id = "select-all-toggle";
    }
  });
  document.addEventListener("change", function (event) {
    if (event.target.matches(".select-toggle") && typeof onSelectToggleChange === "function") {
      onSelectToggleChange(event);
    }
  });
})();
