/* The admin's export page: the "select all fields" box, wired here instead of in an
   inline onchange attribute, which the Content-Security-Policy refuses.
   onSelectToggleChange comes from django-import-export's export_selectable_fields.js. */
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    if (event.target.matches(".select-toggle") && typeof onSelectToggleChange === "function") {
      onSelectToggleChange(event);
    }
  });
})();
