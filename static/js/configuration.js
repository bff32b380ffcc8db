// Status lists (Configuration): reorder the rows by drag and drop (SortableJS) or with the
// up/down buttons; each new order is POSTed as JSON, and a refused order snaps back.
(function () {
  "use strict";

  function setup(tbody) {
    var message = document.querySelector(".reorder-message");
    var saving = false;

    function currentOrder() {
      return Array.prototype.map.call(tbody.querySelectorAll("tr[data-id]"), function (row) {
        return row.getAttribute("data-id");
      });
    }

    function restore(order) {
      order.forEach(function (id) {
        var row = tbody.querySelector('tr[data-id="' + id + '"]');
        if (row) tbody.appendChild(row);
      });
    }

    function showError(text) {
      if (!message) return;
      message.textContent = text || tbody.getAttribute("data-error-message");
      message.hidden = false;
    }

    function save(previous) {
      var order = currentOrder();
      if (order.join() === previous.join()) return;
      if (message) message.hidden = true;
      saving = true;
      fetch(tbody.getAttribute("data-reorder-url"), {
        method: "POST",
        credentials: "same-origin",
        headers: {
          "Content-Type": "application/json",
          "X-CSRFToken": tbody.getAttribute("data-csrf-token"),
          "Accept": "application/json"
        },
        body: JSON.stringify({ ids: order.map(Number) })
      })
        .then(function (response) {
          return response.json().catch(function () { return {}; }).then(function (data) {
            if (!response.ok) throw new Error(data.error || "");
          });
        })
        .catch(function (error) {
          restore(previous);
          showError(error.message);
        })
        .then(function () { saving = false; });
    }

    if (window.Sortable) {
      var before = [];
      window.Sortable.create(tbody, {
        handle: ".drag-handle",
        draggable: "tr[data-id]",
        animation: 150,
        onStart: function () { before = currentOrder(); },
        onEnd: function () { save(before); }
      });
    }

    tbody.addEventListener("click", function (event) {
      var button = event.target.closest(".move-up, .move-down");
      if (!button || saving) return;
      var row = button.closest("tr");
      var previous = currentOrder();
      if (button.classList.contains("move-up") && row.previousElementSibling) {
        tbody.insertBefore(row, row.previousElementSibling);
      } else if (button.classList.contains("move-down") && row.nextElementSibling) {
        tbody.insertBefore(row.nextElementSibling, row);
      }
      button.focus();
      save(previous);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("tbody.sortable-statuses"), setup);
  });
})();
