// The interview room's whiteboard: Excalidraw, synced through Yjs over the room's WebSocket.
//
// Mounts on <div id="board" data-ws="/ws/sessions/12" data-room="board" data-name="Cara"
// data-readonly="0">; the socket is `${data-ws}/${data-room}` (y-websocket's rule), ws: or
// wss: taken from the page when data-ws is a path. Shows the connection in #board-status.
import "./asset-path.js";
import "@excalidraw/excalidraw/index.css";
import "./board.css";

import { Excalidraw, MainMenu } from "@excalidraw/excalidraw";
import { useEffect, useRef, useState } from "react";
import { createRoot } from "react-dom/client";
import { ExcalidrawBinding, yjsToExcalidraw } from "y-excalidraw";
import { WebsocketProvider } from "y-websocket";
import * as Y from "yjs";

// A pointer colour per person, picked by the (random) Yjs client id.
const COLOURS = ["#1971c2", "#e03131", "#2f9e44", "#f08c00", "#9c36b5", "#0c8599"];

function socketBase(value) {
  if (value.startsWith("/")) {
    const scheme = window.location.protocol === "https:" ? "wss:" : "ws:";
    return `${scheme}//${window.location.host}${value}`;
  }
  return value;
}

function showStatus(text, state) {
  const element = document.getElementById("board-status");
  if (element) {
    element.textContent = text;
    element.dataset.state = state;
  }
}

function Board({ ydoc, provider, synced, readonly }) {
  const [api, setApi] = useState(null);
  const [binding, setBinding] = useState(null);
  const container = useRef(null);
  // Excalidraw resets its scene to initialData once it has loaded. A binding made before that
  // would see the reset as "the user deleted everything" and delete it from the shared
  // document, so the scene starts from the synced document and the binding waits for the load.
  const [initialData] = useState(() =>
    synced.then(() => ({ elements: yjsToExcalidraw(ydoc.getArray("elements")) })),
  );

  useEffect(() => {
    if (!api) return undefined;
    let made = null;
    let stopKeys = null;
    let cancelled = false;
    const bind = () => {
      if (cancelled) return;
      if (api.getAppState().isLoading) {
        requestAnimationFrame(bind);
        return;
      }
      const elements = ydoc.getArray("elements");
      // Each person undoes only their own strokes. View mode has no undo buttons to take over.
      const undoManager = readonly ? null : new Y.UndoManager(elements);
      const undo = undoManager ? { excalidrawDom: container.current, undoManager } : undefined;
      made = new ExcalidrawBinding(elements, ydoc.getMap("assets"), api, provider.awareness, undo);
      if (undoManager) {
        // The binding takes over Ctrl+Z; do the same for Cmd+Z, outside text being typed.
        const onKey = (event) => {
          if (!event.metaKey || event.ctrlKey || event.key?.toLowerCase() !== "z") return;
          if (event.target.closest?.("textarea, input")) return;
          event.stopPropagation();
          event.preventDefault();
          if (event.shiftKey) undoManager.redo();
          else undoManager.undo();
        };
        const dom = container.current;
        dom.addEventListener("keydown", onKey, { capture: true });
        stopKeys = () => dom.removeEventListener("keydown", onKey, { capture: true });
      }
      setBinding(made);
      window.peerloopBoard.api = api;
    };
    initialData.then(() => requestAnimationFrame(bind));
    return () => {
      cancelled = true;
      if (stopKeys) stopKeys();
      if (made) made.destroy();
      setBinding(null);
      window.peerloopBoard.api = null;
    };
  }, [api, ydoc, provider, initialData, readonly]);

  return (
    <div ref={container} className="peerloop-board">
      <Excalidraw
        excalidrawAPI={setApi}
        initialData={initialData}
        onPointerUpdate={binding?.onPointerUpdate}
        isCollaborating={true}
        viewModeEnabled={readonly}
        langCode="en"
        aiEnabled={false}
        validateEmbeddable={() => false}
        theme="light"
        UIOptions={{
          canvasActions: {
            loadScene: false,
            saveToActiveFile: false,
            export: false,
            saveAsImage: true,
            clearCanvas: !readonly,
            changeViewBackgroundColor: true,
            toggleTheme: true,
          },
          tools: { image: false },
        }}
      >
        <MainMenu>
          <MainMenu.DefaultItems.SaveAsImage />
          {readonly ? null : <MainMenu.DefaultItems.ClearCanvas />}
          <MainMenu.DefaultItems.ToggleTheme />
          <MainMenu.DefaultItems.ChangeCanvasBackground />
          <MainMenu.DefaultItems.Help />
        </MainMenu>
      </Excalidraw>
    </div>
  );
}

function mount(root) {
  const ydoc = new Y.Doc();
  const provider = new WebsocketProvider(socketBase(root.dataset.ws || ""), root.dataset.room || "board", ydoc);
  const readonly = root.dataset.readonly === "1";
  const colour = COLOURS[ydoc.clientID % COLOURS.length];
  provider.awareness.setLocalStateField("user", {
    name: root.dataset.name || "Guest",
    color: colour,
    colorLight: `${colour}33`,
  });

  showStatus("Connecting…", "connecting");
  provider.on("status", ({ status }) => {
    if (status === "connected") showStatus("Connected", "connected");
    else showStatus("Reconnecting…", "reconnecting");
  });

  const synced = new Promise((resolve) => {
    if (provider.synced) resolve();
    else provider.once("sync", resolve);
  });

  window.peerloopBoard = { ydoc, provider, api: null };
  createRoot(root).render(<Board ydoc={ydoc} provider={provider} synced={synced} readonly={readonly} />);
}

const root = document.getElementById("board");
if (root) mount(root);
