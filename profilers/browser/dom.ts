/**
 * The few browser globals the profiling page uses, typed here because the project compiles against
 * Node's types (no DOM library): the page reads them through `pageGlobals()`.
 */

/** An element of the page, as far as the page touches it. */
export interface PageElement {
  textContent: string | null;
  className: string;
  hidden: boolean;
  value: number;
  max: number;
  append(...nodes: PageElement[]): void;
  replaceChildren(...nodes: PageElement[]): void;
}

/** The WebGL2 context calls the identity needs. */
export interface WebGLQueries {
  readonly VENDOR: number;
  readonly RENDERER: number;
  getExtension(name: string): unknown;
  getParameter(parameter: number): unknown;
}

export interface PageCanvas {
  getContext(kind: 'webgl2'): WebGLQueries | null;
}

export interface PageDocument {
  getElementById(id: string): PageElement | null;
  createElement(tag: 'canvas'): PageCanvas;
  createElement(tag: string): PageElement;
}

/** `navigator`: the user agent and what it exposes of the hardware. */
export interface PageNavigator {
  readonly userAgent: string;
  readonly platform: string;
  readonly hardwareConcurrency?: number;
  readonly gpu?: GPU;
}

/** The page's globals. */
export interface PageGlobals {
  readonly document: PageDocument;
  readonly location: { readonly search: string; readonly origin: string };
  readonly navigator: PageNavigator;
  readonly isSecureContext: boolean;
  readonly crossOriginIsolated: boolean;
}

/** The page's globals, typed. */
export function pageGlobals(): PageGlobals {
  return globalThis as unknown as PageGlobals;
}
