/** The profiling page's HTML: a status line, one progress row per backend, and the bundled script. */

/** The page, loading its script from `scriptUrl`. */
export function pageHtml(scriptUrl: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>morphlat profile</title>
<link rel="icon" href="data:,">
<style>
  body { font: 15px/1.45 system-ui, sans-serif; margin: 1.2em; max-width: 46em; color: #222; }
  h1 { font-size: 1.25em; margin: 0 0 0.4em; }
  #status { margin: 0.6em 0 1em; font-weight: 600; }
  #status.error { color: #b00020; }
  #status.done { color: #0a7d32; }
  .backend { display: grid; grid-template-columns: 5em 1fr; gap: 0.2em 0.8em; margin: 0.7em 0; }
  .backend progress { width: 100%; height: 1.1em; }
  .backend .detail { grid-column: 2; font-size: 0.85em; color: #555; overflow-wrap: anywhere; }
  #device { font-size: 0.8em; color: #666; overflow-wrap: anywhere; }
</style>
</head>
<body>
<h1>morphlat: profiling this device</h1>
<p>Keep this tab open and in front until it says done. Results go to the computer that opened it as they are measured;
if the tab closes, opening the same address again continues where it stopped.</p>
<div id="status">starting…</div>
<div id="backends"></div>
<p id="device"></p>
<noscript>This page needs JavaScript.</noscript>
<script type="module" src="${scriptUrl}"></script>
</body>
</html>
`;
}
