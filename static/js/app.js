// PeerLoop's small progressive enhancements. Every page works without them.
(function () {
  "use strict";

  function onReady(fn) {
    if (document.readyState !== "loading") fn();
    else document.addEventListener("DOMContentLoaded", fn);
  }

  // Mobile navigation toggle.
  function setupNav() {
    var toggle = document.querySelector(".nav-toggle");
    var links = document.getElementById("nav-links");
    if (!toggle || !links) return;
    toggle.addEventListener("click", function () {
      var open = links.classList.toggle("open");
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    });
  }

  // A time-zone select marked data-browser-timezone (a new member's) starts at the browser's zone.
  function prefillTimeZone() {
    document.querySelectorAll("select[data-browser-timezone]").forEach(function (select) {
      var zone;
      try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (e) { return; }
      if (!zone) return;
      var option = Array.prototype.find.call(select.options, function (o) { return o.value === zone; });
      if (option) select.value = zone;
    });
  }

  // Sections marked data-shown-by="<checkbox id>" show only while that box is ticked.
  function setupDependentSections() {
    document.querySelectorAll("[data-shown-by]").forEach(function (section) {
      var box = document.getElementById(section.dataset.shownBy);
      if (!box) return;
      var sync = function () { section.hidden = !box.checked; };
      box.addEventListener("change", sync);
      sync();
    });
  }

  // Rubric: +/- counters and the "n of N scored" progress, both without a reload.
  function setupRubric() {
    var form = document.getElementById("rubric-form");
    if (!form) return;
    form.addEventListener("click", function (event) {
      var button = event.target.closest(".counter-step");
      if (!button) return;
      var input = document.getElementById(button.dataset.target);
      var max = parseInt(input.max, 10) || Infinity;
      var value = Math.min(max, Math.max(0, (parseInt(input.value, 10) || 0) + parseInt(button.dataset.step, 10)));
      input.value = value;
      input.dispatchEvent(new Event("change", { bubbles: true }));
    });
    // A typed value out of range is brought back into it before the autosave sends it.
    form.addEventListener("change", function (event) {
      var input = event.target;
      if (!input.classList || !input.classList.contains("counter-input") || input.value === "") return;
      var value = parseInt(input.value, 10);
      if (isNaN(value)) return;
      input.value = Math.min(parseInt(input.max, 10) || value, Math.max(0, value));
    }, true);
    // After a refused submit, the summary of what to fix gets the focus.
    var summary = document.getElementById("error-summary");
    if (summary) summary.focus();
    var count = document.getElementById("scored-count");
    var bar = document.getElementById("scored-bar");
    form.addEventListener("change", function () {
      var scored = form.querySelectorAll("[data-dimension] input[type=radio]:checked").length;
      count.textContent = scored;
      bar.value = scored;
    });
  }

  onReady(function () {
    setupNav();
    setupRubric();
    prefillTimeZone();
    setupDependentSections();
  });
})();
