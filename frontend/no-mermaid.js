// Stands in for @excalidraw/mermaid-to-excalidraw (megabytes of mermaid): the board has no
// Mermaid dialog, and this keeps Excalidraw from bundling or fetching it.
export async function parseMermaidToExcalidraw() {
  throw new Error("Mermaid diagrams are not available on this board.");
}
