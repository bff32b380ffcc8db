// Small behaviours shared by every page; no framework besides htmx.
(function () {
  "use strict";

  // Confirmation for destructive buttons: <button data-confirm="Sure?">.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-confirm]");
    if (button && !window.confirm(button.getAttribute("data-confirm"))) {
      event.preventDefault();
    }
  });

  // LookupSelect widgets: fetch matching options as the user types.
  var timers = new WeakMap();
  document.addEventListener("input", function (event) {
    var search = event.target.closest(".lookup-search");
    if (!search) return;
    var box = search.closest(".lookup");
    clearTimeout(timers.get(search));
    timers.set(search, setTimeout(function () {
      var url = box.getAttribute("data-lookup-url") + "?q=" + encodeURIComponent(search.value);
      fetch(url, { credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.text() : ""; })
        .then(function (html) {
          var select = box.querySelector("select");
          var kept = Array.prototype.filter.call(select.options, function (option) {
            return option.selected && option.value;
          });
          var template = document.createElement("template");
          template.innerHTML = html;
          select.innerHTML = select.multiple ? "" : '<option value="">---------</option>';
          kept.forEach(function (option) { select.appendChild(option); });
          Array.prototype.forEach.call(template.content.querySelectorAll("option"), function (option) {
            var duplicate = kept.some(function (k) { return k.value === option.value; });
            if (!duplicate) select.appendChild(option);
          });
        });
    }, 250));
  });
})();
