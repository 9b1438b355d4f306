/* Names for the admin's search choosers (Select2 4.0.13, Django's autocomplete fields),
   which a screen reader otherwise announces without saying which field they choose for
   (axe: aria-input-field-name, label, list). Each chooser's combobox, its rendered value
   and its search box are labelled by the field's own <label>; a multiple chooser's clear
   button is put in a list item, so its list holds only items. Select2 redraws its markup
   as choices change, so this runs on every change it makes; it only writes what is
   missing, so its own writes settle at once. */
(function () {
  "use strict";

  function labelId(select) {
    const label = select.id && document.querySelector('label[for="' + select.id + '"]');
    if (!label) {
      return "";
    }
    if (!label.id) {
      label.id = select.id + "_label";
    }
    return label.id;
  }

  // A chooser in a table row (a tabular inline) has no <label>: its <select> is named by
  // its column's heading in aria-label (LabelledTableInlineMixin), which is used instead.
  function tableName(select) {
    return select.getAttribute("aria-label") || "";
  }

  function set(element, name, value) {
    if (element.getAttribute(name) !== value) {
      element.setAttribute(name, value);
    }
  }

  function nameChooser(container) {
    const select = container.previousElementSibling;
    if (!select || select.tagName !== "SELECT") {
      return;
    }
    const label = labelId(select);
    if (!label) {
      const name = tableName(select);
      if (name) {
        container.querySelectorAll("[role=combobox], .select2-selection__rendered[role=textbox], " +
                                   ".select2-search__field").forEach(function (element) {
          set(element, "aria-label", name);
        });
      }
      return;
    }
    container.querySelectorAll(".select2-selection__rendered[role=textbox]").forEach(
      function (rendered) {
        set(rendered, "aria-labelledby", label);
        const combobox = rendered.closest("[role=combobox]");
        if (combobox && rendered.id) {
          // The field's name, then the chosen value.
          set(combobox, "aria-labelledby", label + " " + rendered.id);
        }
      });
    container.querySelectorAll(".select2-selection--multiple[role=combobox], " +
                               ".select2-search__field").forEach(function (element) {
      set(element, "aria-labelledby", label);
    });
    container.querySelectorAll("ul.select2-selection__rendered > .select2-selection__clear")
      .forEach(function (clear) {
        const item = document.createElement("li");
        item.className = "select2-selection__clear-item";
        clear.replaceWith(item);
        item.appendChild(clear);
      });
  }

  // An open chooser: the combobox says which list it controls (ARIA 1.2 asks for
  // aria-controls; Select2 4.0 writes only aria-owns, and removes it on closing), and the
  // search box in the dropdown, which Select2 puts at the end of the page, is labelled
  // by the field's label too. Select2 ties it to its chooser by the results' id,
  // "select2-<select's id>-results".
  function nameOpenChooser() {
    document.querySelectorAll("[role=combobox][aria-owns], [role=combobox][aria-controls]")
      .forEach(function (combobox) {
        if (!combobox.classList.contains("select2-selection")) {
          return;
        }
        const owns = combobox.getAttribute("aria-owns");
        if (owns) {
          set(combobox, "aria-controls", owns);
        } else {
          combobox.removeAttribute("aria-controls");
        }
      });
    document.querySelectorAll(".select2-dropdown .select2-search__field[aria-controls]")
      .forEach(function (search) {
        const match = /^select2-(.+)-results$/.exec(search.getAttribute("aria-controls"));
        const select = match && document.getElementById(match[1]);
        const label = select && labelId(select);
        if (label) {
          set(search, "aria-labelledby", label);
        } else if (select && tableName(select)) {
          set(search, "aria-label", tableName(select));
        }
      });
  }

  function nameAll() {
    document.querySelectorAll("select + .select2-container").forEach(nameChooser);
    nameOpenChooser();
  }

  document.addEventListener("DOMContentLoaded", function () {
    nameAll();
    new MutationObserver(nameAll).observe(document.body, {childList: true, subtree: true});
  });
})();
