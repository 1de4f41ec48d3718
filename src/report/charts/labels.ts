/**
 * Long labels (device and profile names) broken into lines for headers and axes: a vega label
 * expression that looks each label up in a table of its lines.
 */

/** `text` in lines of at most about `width` characters, broken after a hyphen, space or underscore. */
export function wrapLines(text: string, width: number): string[] {
  const parts = text.split(/(?<=[-\s_])/);
  const lines: string[] = [];
  let line = '';
  for (const part of parts) {
    if (line !== '' && line.length + part.length > width) {
      lines.push(line.trimEnd());
      line = '';
    }
    line += part;
  }
  if (line !== '') lines.push(line.trimEnd());
  return lines;
}

/** A vega `labelExpr` that draws each of `labels` in wrapped lines (other values as they are). */
export function wrappedLabelExpr(labels: readonly string[], width: number): string {
  const table = Object.fromEntries(labels.map((l) => [l, wrapLines(l, width)]));
  return `${JSON.stringify(table)}[datum.value] || datum.value`;
}
