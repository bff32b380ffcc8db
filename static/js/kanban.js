// Kanban boards: drag a card to another column or another place in its column (SortableJS). Each drop is
// POSTed to the card's move URL with the board's filters; the answer brings the new counts and totals of
// the two columns, or the reason of a refusal: the card then snaps back and the reason shows.
// Texts come translated from the page (data attributes) or from the server's answers.
(function () {
  "use strict";

  var sortables = [];
  var origin = null;

  function board() {
    return document.getElementById("kanban-board");
  }

  function siblingCardId(card, direction) {
    var sibling = card[direction];
    while (sibling && !sibling.classList.contains("kanban-card")) sibling = sibling[direction];
    return sibling ? sibling.getAttribute("data-id") : "";
  }

  function showAlert(text) {
    var region = document.querySelector("[data-kanban-alert]");
    if (!region) return;
    region.textContent = text;
    region.hidden = false;
  }

  function hideAlert() {
    var region = document.querySelector("[data-kanban-alert]");
    if (region) region.hidden = true;
  }

  function announce(text) {
    var region = document.querySelector("[data-kanban-status]");
    if (region) region.textContent = text || "";
  }

  function setBusy(busy) {
    sortables.forEach(function (sortable) { sortable.option("disabled", busy); });
    var element = board();
    if (element) element.classList.toggle("is-busy", busy);
  }

  function updateColumns(columns) {
    (columns || []).forEach(function (column) {
      var section = document.querySelector('.kanban-column[data-column="' + column.status + '"]');
      if (!section) return;
      var count = section.querySelector("[data-count]");
      var amount = section.querySelector("[data-amount]");
      if (count) count.textContent = column.count_label;
      if (amount) amount.textContent = column.amount_label;
    });
  }

  function updateCard(card, data) {
    card.setAttribute("data-version", data.version);
    Array.prototype.forEach.call(card.querySelectorAll('input[name="version"]'), function (input) {
      input.value = data.version;
    });
    var select = card.querySelector('.kanban-move-form select[name="status"]');
    if (select) select.value = String(data.status);
  }

  function keepLoadMoreLast(list) {
    var more = list.querySelector(":scope > .kanban-more");
    if (more) list.appendChild(more);
  }

  function snapBack(card, from) {
    if (from.parent.contains(from.next) || from.next === null) {
      from.parent.insertBefore(card, from.next);
    } else {
      from.parent.appendChild(card);
    }
    keepLoadMoreLast(from.parent);
  }

  function move(card, list, from) {
    var element = board();
    var body = new URLSearchParams();
    body.set("status", list.getAttribute("data-status"));
    body.set("before", siblingCardId(card, "previousElementSibling"));
    body.set("after", siblingCardId(card, "nextElementSibling"));
    body.set("version", card.getAttribute("data-version"));
    setBusy(true);
    fetch(card.getAttribute("data-move-url") + window.location.search, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": element.getAttribute("data-csrf-token"), "Accept": "application/json" },
      body: body
    })
      .then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (data) {
          if (!response.ok) throw new Error(data.error || "");
          return data;
        });
      })
      .then(function (data) {
        updateCard(card, data);
        if (data.removed) card.remove();
        updateColumns(data.columns);
        hideAlert();
        announce(data.message);
      })
      .catch(function (error) {
        snapBack(card, from);
        showAlert(error.message || element.getAttribute("data-error-message"));
      })
      .then(function () { setBusy(false); });
  }

  function onEnd(event) {
    var from = origin;
    origin = null;
    if (!from || (event.from === event.to && event.oldIndex === event.newIndex)) return;
    keepLoadMoreLast(event.to);
    move(event.item, event.to, from);
  }

  function setup(list, group) {
    if (list.kanbanSortable) return;
    var dropOnly = list.hasAttribute("data-drop-only");
    list.kanbanSortable = window.Sortable.create(list, {
      group: { name: group, pull: !dropOnly, put: true },
      sort: !dropOnly,
      draggable: ".kanban-card",
      filter: "a, button, input, select, label, summary, .kanban-card-menu[open]",
      preventOnFilter: false,
      delay: 200,
      delayOnTouchOnly: true,
      animation: 150,
      onStart: function (event) { origin = { parent: event.from, next: event.item.nextSibling }; },
      onEnd: onEnd
    });
    sortables.push(list.kanbanSortable);
  }

  function onLoad(root) {
    // A card loaded by "load more" that is already on the board (it was just dropped there) goes.
    if (root.classList && root.classList.contains("kanban-card")) {
      var twins = document.querySelectorAll('.kanban-card[data-id="' + root.getAttribute("data-id") + '"]');
      if (twins.length > 1) root.remove();
      return;
    }
    var element = board();
    if (!element || !window.Sortable || !root.contains || !root.contains(element)) return;
    sortables = sortables.filter(function (sortable) {
      if (document.body.contains(sortable.el)) return true;
      sortable.destroy();
      return false;
    });
    var group = element.getAttribute("data-kanban-group");
    Array.prototype.forEach.call(element.querySelectorAll(".kanban-cards"), function (list) {
      setup(list, group);
    });
  }

  // "Load more" asks htmx when its button shows in the viewport; a column scrolled to its end while its
  // bottom is below the viewport asks too.
  document.addEventListener("scroll", function (event) {
    var list = event.target;
    if (!list.classList || !list.classList.contains("kanban-cards")) return;
    if (list.scrollTop + list.clientHeight < list.scrollHeight - 40) return;
    var more = list.querySelector(":scope > .kanban-more:not([data-asked])");
    if (!more) return;
    more.setAttribute("data-asked", "");
    more.click();
  }, true);

  if (window.htmx) {
    window.htmx.onLoad(onLoad);
  } else {
    document.addEventListener("DOMContentLoaded", function () { onLoad(document.body); });
  }
})();
