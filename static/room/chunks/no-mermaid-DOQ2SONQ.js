import"./chunk-ETOMFKZJ.js";async function a(){throw new Error("Mermaid diagrams are not available on this board.")}export{a as parseMermaidToExcalidraw};
