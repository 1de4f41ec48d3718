/** File names from free text (device and profile names): every run of unsafe characters becomes one dash. */

/** `text` with each run of characters outside [A-Za-z0-9._-] replaced by `-`. */
export function fileSlug(text: string): string {
  return text.replace(/[^A-Za-z0-9._-]+/g, '-');
}
