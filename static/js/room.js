// The interview room: keeps the page in step with the room's state over its WebSocket, and sends
// the interviewer's actions. Everything shown comes from the server; text goes in as text.
(function () {
  "use strict";

  var root = document.getElementById("room");
  if (!root) return;
  var role = root.dataset.role;
  var state = JSON.parse(document.getElementById("room-state").textContent);
  var receivedAt = Date.now();
  var socket = null;
  var retry = 0;
  var UNDO_MS = 60 * 1000;

  function $(id) { return document.getElementById(id); }
  function el(tag, text, cls) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = text;
    if (cls) node.className = cls;
    return node;
  }
  function clockText(seconds) {
    seconds = Math.max(0, Math.floor(seconds));
    var m = Math.floor(seconds / 60), s = seconds % 60;
    return m + ":" + (s < 10 ? "0" : "") + s;
  }
  function timeOf(iso) {
    return new Date(iso).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" });
  }
  function setStatus(text) { var node = $("room-status"); if (node) node.textContent = text; }
  function showError(text) {
    var node = $("room-error");
    node.textContent = text || "";
    node.hidden = !text;
    if (text) setTimeout(function () { if (node.textContent === text) node.hidden = true; }, 6000);
  }

  function phaseSeconds() {
    var clock = state.clock;
    if (clock.phase === null) return 0;
    var spent = clock.phases[clock.phase].seconds;
    return clock.running ? spent + (Date.now() - receivedAt) / 1000 : spent;
  }

  function renderClock() {
    var clock = state.clock, phase = clock.phase === null ? null : clock.phases[clock.phase];
    var time = $("clock-time");
    if (!clock.started) {
      $("clock-phase").textContent = "Clock not started";
      time.textContent = "–";
      $("clock-planned").textContent = "";
    } else if (clock.finished) {
      $("clock-phase").textContent = "All phases done";
      time.textContent = "";
      $("clock-planned").textContent = "";
    } else {
      var seconds = phaseSeconds();
      $("clock-phase").textContent = (clock.phase + 1) + ". " + phase.name + (clock.running ? "" : " (paused)");
      time.textContent = clockText(seconds);
      $("clock-planned").textContent = "of " + phase.minutes + " min";
      time.classList.toggle("over", seconds > phase.minutes * 60);
    }
    document.querySelectorAll("#phase-list [data-phase]").forEach(function (item) {
      var index = Number(item.dataset.phase), info = clock.phases[index];
      item.classList.toggle("current", index === clock.phase);
      item.classList.toggle("done", clock.finished || (clock.phase !== null && index < clock.phase));
      item.classList.toggle("over", info.over || (index === clock.phase && phaseSeconds() > info.minutes * 60));
      var spent = index === clock.phase ? phaseSeconds() : info.seconds;
      item.querySelector("[data-phase-time]").textContent =
        (spent ? clockText(spent) + " / " : "") + info.minutes + " min";
    });
  }

  function render() {
    var presence = $("presence");
    presence.replaceChildren();
    state.present.forEach(function (person) {
      presence.appendChild(el("li", person.name + (person.role === "interviewer" ? " · interviewer" : " · candidate"), "chip chip-booked"));
    });
    if (!state.present.length) presence.appendChild(el("li", "Nobody else yet", "chip"));
    renderClock();

    if (role === "interviewer") {
      var clock = state.clock;
      $("clock-start").hidden = clock.started;
      $("clock-next").hidden = !clock.started || clock.finished;
      $("clock-next").textContent = clock.phase !== null && clock.phase === clock.phases.length - 1 ? "Finish" : "Next phase";
      $("clock-pause").hidden = !clock.running;
      $("clock-resume").hidden = !clock.started || clock.running || clock.finished;
      $("reveal-prompt").hidden = !!state.prompt_revealed_at;
      $("prompt-revealed").hidden = !state.prompt_revealed_at;
      state.facts.forEach(function (fact) {
        var badge = document.querySelector('[data-fact-revealed="' + fact.index + '"]');
        var button = document.querySelector('[data-action="reveal_fact"][data-fact="' + fact.index + '"]');
        if (badge) badge.hidden = !fact.revealed_at;
        if (button) button.hidden = !!fact.revealed_at;
      });
      Object.keys(state.counts).forEach(function (counter) {
        var kind = { hints: "hint", guidance: "guidance", clarifications: "clarification" }[counter];
        var badge = document.querySelector('[data-count="' + kind + '"]');
        if (badge) badge.textContent = state.counts[counter];
      });
      var log = $("log-list");
      log.replaceChildren();
      state.interventions.slice().reverse().forEach(function (entry) {
        var item = el("li", timeOf(entry.at) + " · " + entry.label + (entry.phase !== null ? " · " + clock.phases[entry.phase].name : ""));
        var age = Date.now() - receivedAt + (new Date(state.now) - new Date(entry.at));
        if (age < UNDO_MS) {
          var undo = el("button", "Undo", "link-button undo-button");
          undo.type = "button";
          undo.dataset.action = "undo";
          undo.dataset.event = entry.id;
          item.appendChild(document.createTextNode(" "));
          item.appendChild(undo);
          setTimeout(function () { undo.remove(); }, UNDO_MS - age);
        }
        log.appendChild(item);
      });
      var notes = $("notes-list");
      notes.replaceChildren();
      state.notes.slice().reverse().forEach(function (note) {
        var item = el("li");
        item.appendChild(el("span", timeOf(note.at), "muted small"));
        if (note.dimension_title) item.appendChild(el("span", note.dimension_title, "badge"));
        item.appendChild(el("p", note.text));
        var remove = el("button", "Delete", "link-button");
        remove.type = "button";
        remove.dataset.action = "delete_note";
        remove.dataset.note = note.id;
        item.appendChild(remove);
        notes.appendChild(item);
      });
      var ladder = state.clock.phase === null ? 0 : state.clock.phase;
      document.querySelectorAll("[data-ladder]").forEach(function (node) {
        node.hidden = Number(node.dataset.ladder) !== ladder;
      });
    } else {
      var revealed = !!state.prompt_revealed_at;
      $("prompt-waiting").hidden = revealed;
      $("prompt").hidden = !revealed;
      $("prompt-text").textContent = state.prompt;
      $("business-text").textContent = state.business_element;
      $("business-text").hidden = !state.business_element;
      var facts = $("facts");
      facts.replaceChildren();
      state.facts.forEach(function (fact) {
        var item = el("li");
        item.appendChild(el("strong", fact.label + ". "));
        item.appendChild(document.createTextNode(fact.value));
        facts.appendChild(item);
      });
      $("facts-empty").hidden = state.facts.length > 0;
    }
  }

  function send(message) {
    if (!socket || socket.readyState !== WebSocket.OPEN) {
      showError("Not connected: reconnecting, try again in a moment.");
      return false;
    }
    socket.send(JSON.stringify(message));
    return true;
  }

  function connect() {
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + location.host + root.dataset.ws);
    socket.onopen = function () { retry = 0; setStatus("Connected"); };
    socket.onmessage = function (event) {
      var message = JSON.parse(event.data);
      if (message.type === "state") {
        state = message.state;
        receivedAt = Date.now();
        render();
      } else if (message.type === "error") {
        showError(message.message);
      }
    };
    socket.onclose = function (event) {
      if (event.code === 4403 || event.code === 4410) {
        setStatus("The room is closed.");
        return;
      }
      setStatus("Reconnecting…");
      retry = Math.min(retry + 1, 5);
      setTimeout(connect, 500 * Math.pow(2, retry));
    };
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-action]");
    if (!button || !root.contains(button)) return;
    var message = { action: button.dataset.action };
    if (button.dataset.fact !== undefined) message.fact = Number(button.dataset.fact);
    if (button.dataset.kind !== undefined) message.kind = button.dataset.kind;
    if (button.dataset.event !== undefined) message.event = Number(button.dataset.event);
    if (button.dataset.note !== undefined) message.note = Number(button.dataset.note);
    send(message);
  });

  var noteForm = $("note-form");
  if (noteForm) {
    noteForm.addEventListener("submit", function (event) {
      event.preventDefault();
      var text = noteForm.elements.text.value.trim();
      if (!text) return;
      if (send({ action: "note", text: text, dimension: noteForm.elements.dimension.value })) {
        noteForm.elements.text.value = "";
      }
    });
  }

  render();
  connect();
  setInterval(renderClock, 1000);
  setInterval(function () {
    if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ type: "ping" }));
  }, 30000);
})();
