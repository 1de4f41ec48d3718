/**
 * Self-contained HTML reports: one file with its style and its charts' SVG inline, no scripts and no
 * network resources, so it opens the same from disk, a CI artifact or an air-gapped machine.
 */

/** A table of a section: header cells and rows of text cells (`**x**` cells are shown bold). */
export interface HtmlTable {
  readonly caption?: string;
  readonly headers: readonly string[];
  readonly rows: readonly (readonly string[])[];
  /** Columns (by index) whose cells align right, e.g. numbers. */
  readonly numeric?: readonly number[];
}

/** A figure: inline SVG with a caption, and the files it was also saved to (linked). */
export interface HtmlFigure {
  readonly svg: string;
  readonly caption: string;
  /** Paths relative to the page, e.g. `widths.png`. */
  readonly links?: readonly string[];
}

/** A section of a report page. */
export interface HtmlSection {
  readonly heading: string;
  readonly paragraphs?: readonly string[];
  readonly tables?: readonly HtmlTable[];
  readonly figures?: readonly HtmlFigure[];
}

/** A report page. */
export interface HtmlPage {
  readonly title: string;
  /** Lines under the title (what, when, with which command). */
  readonly lead?: readonly string[];
  readonly sections: readonly HtmlSection[];
}

const ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text made safe for HTML content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

/** Escaped text with `code` spans and **bold** kept as markup. */
function inline(text: string): string {
  return escapeHtml(text)
    .replace(/`([^`]+)`/g, '<code>$1</code>')
    .replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>');
}

/** An SVG from the renderer, without any XML prolog, so it can sit inside the page. */
function inlineSvg(svg: string): string {
  return svg.replace(/^<\?xml[^>]*>\s*/, '');
}

function table(t: HtmlTable): string {
  const numeric = new Set(t.numeric ?? []);
  const cell = (tag: 'th' | 'td', text: string, i: number): string => `<${tag}${numeric.has(i) ? ' class="num"' : ''}>${inline(text)}</${tag}>`;
  return [
    '<table>',
    ...(t.caption === undefined ? [] : [`<caption>${inline(t.caption)}</caption>`]),
    `<thead><tr>${t.headers.map((h, i) => cell('th', h, i)).join('')}</tr></thead>`,
    `<tbody>${t.rows.map((r) => `<tr>${r.map((c, i) => cell('td', c, i)).join('')}</tr>`).join('\n')}</tbody>`,
    '</table>',
  ].join('\n');
}

function figure(f: HtmlFigure): string {
  const links = (f.links ?? []).map((l) => `<a href="${escapeHtml(encodeURI(l))}">${escapeHtml(l)}</a>`).join(' · ');
  return `<figure>\n${inlineSvg(f.svg)}\n<figcaption>${inline(f.caption)}${links === '' ? '' : ` <span class="files">(${links})</span>`}</figcaption>\n</figure>`;
}

const STYLE = `
body { font-family: "DejaVu Sans", Verdana, sans-serif; margin: 2rem auto; max-width: 1400px; padding: 0 1.5rem; color: #222; background: #fff; }
h1 { font-size: 1.6rem; margin-bottom: 0.3rem; }
h2 { font-size: 1.25rem; margin-top: 2.2rem; border-bottom: 1px solid #ddd; padding-bottom: 0.2rem; }
p.lead { color: #555; margin: 0.2rem 0; }
table { border-collapse: collapse; margin: 0.8rem 0; font-size: 0.9rem; }
th, td { border: 1px solid #ddd; padding: 0.3rem 0.6rem; text-align: left; }
th { background: #f4f4f4; }
caption { text-align: left; font-weight: bold; padding: 0.3rem 0; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
figure { margin: 1.2rem 0; overflow-x: auto; }
figcaption { color: #555; font-size: 0.9rem; margin-top: 0.3rem; max-width: 60rem; }
.files { color: #888; }
code { background: #f4f4f4; padding: 0 0.2rem; }
`;

/** The page as one HTML document. */
export function renderHtml(page: HtmlPage): string {
  const sections = page.sections.map((s) =>
    [
      `<section>`,
      `<h2>${inline(s.heading)}</h2>`,
      ...(s.paragraphs ?? []).map((p) => `<p>${inline(p)}</p>`),
      ...(s.tables ?? []).map(table),
      ...(s.figures ?? []).map(figure),
      `</section>`,
    ].join('\n'),
  );
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<link rel="icon" href="data:,">',
    `<title>${escapeHtml(page.title)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    `<h1>${inline(page.title)}</h1>`,
    ...(page.lead ?? []).map((l) => `<p class="lead">${inline(l)}</p>`),
    ...sections,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
