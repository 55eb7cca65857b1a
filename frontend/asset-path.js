// Excalidraw loads its fonts from window.EXCALIDRAW_ASSET_PATH + "fonts/…" and falls back to
// esm.sh. Point it at the directory this bundle is served from (static/room/), before
// Excalidraw's modules are evaluated: this module is imported first.
if (typeof window.EXCALIDRAW_ASSET_PATH !== "string") {
  window.EXCALIDRAW_ASSET_PATH = new URL("./", import.meta.url).href;
}

// Never reach a CDN: drop every font source that is not on this origin (the esm.sh fallback
// Excalidraw appends to each font, e.g. for the CJK font we do not ship).
const NativeFontFace = window.FontFace;
window.FontFace = class extends NativeFontFace {
  constructor(family, source, descriptors) {
    if (typeof source === "string" && source.includes("url(")) {
      const own = source
        .split(/,\s*(?=url\()/)
        .filter((src) => src.startsWith(`url(${window.location.origin}/`) || src.startsWith("url(data:"));
      source = own.length ? own.join(", ") : "local('__none__')";
    }
    super(family, source, descriptors);
  }
};

// Exporting or copying as SVG fetches the fonts to embed them, falling back to esm.sh for the
// ones we do not ship (the CJK font, 13 MB). Refuse that here, so no page, with or without a
// CSP, asks the CDN.
const nativeFetch = window.fetch.bind(window);
window.fetch = (input, init) => {
  const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
  if (url.startsWith("https://esm.sh/")) {
    return Promise.reject(new TypeError(`Not fetched from a CDN: ${url}`));
  }
  return nativeFetch(input, init);
};
