// The "+" beside reference-data fields (crm.widgets.QuickCreateWidget): a dialog, loaded and posted
// with htmx, adds an entry to the list; the entry is then added to the field's choices and selected,
// and nothing else in the form changes.
(function () {
  "use strict";

  var dialog = document.getElementById("quick-create-dialog");
  if (!dialog || !window.htmx) return;
  var opener = null; // the "+" whose dialog is open: its field receives the new entry

  // Without this script the buttons stay hidden and the form works as before.
  window.htmx.onLoad(function (root) {
    root.querySelectorAll(".quick-create-button[hidden]").forEach(function (button) {
      button.hidden = false;
    });
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest(".quick-create-button");
    if (button) opener = button;
    if (event.target.closest("[data-quick-create-close]")) dialog.close();
  });

  // The dialog's form comes back with its errors as a 400: show it, as htmx drops error responses.
  document.addEventListener("htmx:beforeSwap", function (event) {
    if (event.detail.target === dialog && event.detail.xhr.status === 400) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    if (event.detail.target !== dialog) return;
    if (!dialog.open) dialog.showModal();
    var field =
      dialog.querySelector(".has-error input, .has-error select") ||
      dialog.querySelector("input:not([type=hidden]), select, textarea");
    if (field) field.focus();
  });

  // Sent by the server (HX-Trigger) once the entry exists: {id, label}.
  document.addEventListener("referenceCreated", function (event) {
    var box = opener && opener.closest(".quick-create");
    if (box) addChoice(box, opener.getAttribute("data-field-name"), event.detail);
    dialog.close();
  });

  // Escape, "Cancel" or success: empty the dialog and give the focus back to the "+".
  dialog.addEventListener("close", function () {
    dialog.replaceChildren();
    if (opener) opener.focus();
  });

  function addChoice(box, name, choice) {
    var select = box.querySelector("select");
    if (select) {
      select.appendChild(new Option(choice.label, choice.id, true, true));
      select.dispatchEvent(new Event("change", { bubbles: true }));
      return;
    }
    // A list of checkboxes (tags), marked up as Django's CheckboxSelectMultiple does.
    var list = box.querySelector(".quick-create-choices > *");
    var input = document.createElement("input");
    input.type = "checkbox";
    input.name = name;
    input.value = choice.id;
    input.checked = true;
    var label = document.createElement("label");
    if (list.id) {
      input.id = list.id + "_new_" + choice.id;
      label.htmlFor = input.id;
    }
    label.append(input, " " + choice.label);
    var item = document.createElement("div");
    item.appendChild(label);
    list.appendChild(item);
    input.dispatchEvent(new Event("change", { bubbles: true }));
  }
})();
