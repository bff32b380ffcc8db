// Record pages (lead, third party, contact, opportunity): the tabs of the lower part and the scoring stars.
//
// Tabs: the page lists its sections as links to their panels, all shown; this makes them ARIA tabs
// (arrow keys, Home, End), one panel shown at a time, the chosen one kept in the URL's hash so that a
// reload or a link to #activity opens it. Without JavaScript the links and every panel stay.
//
// Stars: a click answers with the new stars and an event carrying the record's new version, which every
// form of the page takes, or the next click (status bar, Win…) would be refused as stale. A refusal
// (409, or 400 for a bad value) is swapped in too, to show its reason.
(function () {
  "use strict";

  function panelOf(tab) {
    return document.getElementById(tab.getAttribute("href").slice(1));
  }

  function setUpTabs(container) {
    var nav = container.querySelector(".tab-list");
    var list = nav.querySelector("ul");
    var tabs = Array.prototype.filter.call(list.querySelectorAll("a[href^='#']"), panelOf);
    if (!tabs.length) return;

    list.setAttribute("role", "tablist");
    list.setAttribute("aria-label", nav.getAttribute("aria-label"));
    Array.prototype.forEach.call(list.children, function (item) { item.setAttribute("role", "presentation"); });
    tabs.forEach(function (tab) {
      var panel = panelOf(tab);
      tab.setAttribute("role", "tab");
      tab.setAttribute("aria-controls", panel.id);
      panel.setAttribute("role", "tabpanel");
      panel.setAttribute("aria-labelledby", tab.id);
      panel.setAttribute("tabindex", "0");
    });

    function select(chosen, options) {
      tabs.forEach(function (tab) {
        var selected = tab === chosen;
        tab.setAttribute("aria-selected", selected ? "true" : "false");
        tab.setAttribute("tabindex", selected ? "0" : "-1");
        panelOf(tab).hidden = !selected;
      });
      if (options.remember) history.replaceState(null, "", "#" + panelOf(chosen).id);
      if (options.focus) {
        chosen.focus();
        chosen.scrollIntoView({ block: "nearest", inline: "nearest" });
      }
    }

    // The tab of the hash's panel, or of the panel holding the element the hash names.
    function tabOfHash() {
      var target = location.hash.length > 1 ? document.getElementById(location.hash.slice(1)) : null;
      return tabs.filter(function (tab) {
        var panel = panelOf(tab);
        return target && (panel === target || panel.contains(target));
      })[0];
    }

    list.addEventListener("click", function (event) {
      var tab = event.target.closest("[role=tab]");
      if (!tab) return;
      event.preventDefault();
      select(tab, { remember: true });
    });

    list.addEventListener("keydown", function (event) {
      var index = tabs.indexOf(event.target.closest("[role=tab]"));
      if (index < 0) return;
      var next = {
        ArrowRight: (index + 1) % tabs.length,
        ArrowLeft: (index - 1 + tabs.length) % tabs.length,
        Home: 0,
        End: tabs.length - 1,
      }[event.key];
      if (next === undefined) return;
      event.preventDefault();
      select(tabs[next], { remember: true, focus: true });
    });

    window.addEventListener("hashchange", function () {
      var tab = tabOfHash();
      if (tab) select(tab, {});
    });

    container.classList.add("is-enhanced");
    select(tabOfHash() || tabs[0], {});
  }

  Array.prototype.forEach.call(document.querySelectorAll("[data-record-tabs]"), setUpTabs);

  document.addEventListener("crm:version-changed", function (event) {
    Array.prototype.forEach.call(document.querySelectorAll("input[name=version]"), function (input) {
      input.value = event.detail.version;
    });
  });

  document.addEventListener("htmx:beforeSwap", function (event) {
    var status = event.detail.xhr.status;
    if ((status === 409 || status === 400) && event.detail.elt.closest("[data-swap-refusals]")) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
})();
