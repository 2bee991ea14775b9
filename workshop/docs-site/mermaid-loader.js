// Renders the guides' ```mermaid blocks as diagrams, in the browser and offline.
// Typedoc leaves them as <pre><code class="mermaid">; on a page that has one, this loads the
// mermaid build shipped next to it (assets/mermaid.min.js) and swaps each block for its diagram.
// Pages without a diagram never load mermaid.
(() => {
  const blocks = [...document.querySelectorAll("pre > code.mermaid")];
  if (blocks.length === 0) return;
  document.documentElement.setAttribute("data-diagrams", "loading");
  const script = document.createElement("script");
  script.src = new URL("mermaid.min.js", document.currentScript.src).href;
  script.addEventListener("load", () => {
    const theme = document.documentElement.dataset.theme;
    const dark = theme === "dark" || (theme !== "light" && matchMedia("(prefers-color-scheme: dark)").matches);
    window.mermaid.initialize({ startOnLoad: false, securityLevel: "strict", theme: dark ? "dark" : "default" });
    const nodes = blocks.map((code) => {
      const diagram = document.createElement("div");
      diagram.className = "mermaid workshop-diagram";
      diagram.textContent = code.textContent;
      code.parentElement.replaceWith(diagram);
      return diagram;
    });
    // A diagram with a syntax error shows mermaid's error picture; say why in the console too.
    window.mermaid
      .run({ nodes })
      .catch((error) => console.error("mermaid:", error?.message ?? error))
      .finally(() => document.documentElement.setAttribute("data-diagrams", "rendered"));
  });
  document.head.append(script);
})();
