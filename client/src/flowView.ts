// The page of the "RASP: Show Computation Flow" webview: a strict Content-Security-Policy (no
// remote content; the one script and the one style sheet are inline, with a nonce), a toolbar
// (title, the input menu, fit-to-width), and the script that draws the server's SVG, reports
// clicks on nodes and highlights the node the editor's cursor is in. Pure: no `vscode` import.
import { randomBytes } from 'node:crypto';

/** A fresh nonce for the page's script and style (base64url of 18 random bytes). */
export function makeNonce(): string {
  return randomBytes(18).toString('base64url');
}

/** The page's Content-Security-Policy: nothing remote, nothing inline without the nonce. */
export function contentSecurityPolicy(nonce: string, cspSource: string): string {
  return [
    "default-src 'none'",
    `style-src ${cspSource} 'nonce-${nonce}'`,
    `img-src ${cspSource} data:`,
    `font-src ${cspSource}`,
    `script-src 'nonce-${nonce}'`,
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

/** The class the webview puts on the highlighted node's group. */
export const ACTIVE_CLASS = 'rasp-active';

/** What the webview script uses of `acquireVsCodeApi()`. */
export interface WebviewApi {
  postMessage(message: unknown): void;
}

// The little of the DOM the webview script uses, typed here because the client is compiled
// without the DOM library (and so that a unit test can stand in for it).
export interface DomEvent {
  readonly target: unknown;
  readonly data?: unknown;
  readonly key?: string;
  preventDefault(): void;
}
export interface DomElement {
  readonly nodeName: string;
  readonly attributes: ArrayLike<{ readonly name: string; readonly value: string }>;
  readonly classList: { add(name: string): void; remove(name: string): void; toggle(name: string, force?: boolean): boolean };
  textContent: string | null;
  value?: string;
  disabled?: boolean;
  checked?: boolean;
  getAttribute(name: string): string | null;
  setAttribute(name: string, value: string): void;
  removeAttribute(name: string): void;
  querySelectorAll(selector: string): ArrayLike<DomElement>;
  getElementsByTagName?(name: string): ArrayLike<unknown>;
  closest?(selector: string): DomElement | null;
  remove(): void;
  replaceChildren(...nodes: unknown[]): void;
  addEventListener(type: string, listener: (event: DomEvent) => void): void;
  scrollIntoView?(options: { block: string; inline: string }): void;
}
export interface DomDocument {
  getElementById(id: string): DomElement | null;
  createElement(tag: string): DomElement;
  importNode(node: DomElement, deep: boolean): unknown;
}
export interface DomParsed {
  readonly documentElement: DomElement | null;
  getElementsByTagName(name: string): ArrayLike<unknown>;
}
export interface SvgParser {
  parseFromString(text: string, type: string): DomParsed;
}
export interface DomWindow {
  addEventListener(type: string, listener: (event: DomEvent) => void): void;
}

/**
 * The webview's script. It runs in the webview, from its source text (`String(webviewMain)`),
 * so it must use nothing from outside its body but its parameters.
 */
export function webviewMain(vscode: WebviewApi, doc: DomDocument, win: DomWindow, parser: SvgParser, activeClass: string): void {
  const element = (id: string): DomElement => {
    const found = doc.getElementById(id);
    if (found === null) throw new Error(`the page has no #${id}`);
    return found;
  };
  const view = element('view');
  const title = element('title');
  const subtitle = element('subtitle');
  const note = element('note');
  const inputs = element('inputs');
  const fit = element('fit');

  function highlight(id: number | null, scroll: boolean): void {
    for (const g of Array.from(view.querySelectorAll('g[data-node-id]'))) {
      if (id !== null && g.getAttribute('data-node-id') === String(id)) {
        g.classList.add(activeClass);
        if (scroll && typeof g.scrollIntoView === 'function') g.scrollIntoView({ block: 'nearest', inline: 'nearest' });
      } else {
        g.classList.remove(activeClass);
      }
    }
  }

  function draw(svgText: string): boolean {
    const parsed = parser.parseFromString(svgText, 'image/svg+xml');
    const svg = parsed.documentElement;
    if (svg === null || svg.nodeName !== 'svg' || parsed.getElementsByTagName('parsererror').length > 0) return false;
    // The CSP blocks scripts anyway; keep the drawing inert all the same.
    for (const el of Array.from(svg.querySelectorAll('script, foreignObject, iframe'))) el.remove();
    for (const el of [svg, ...Array.from(svg.querySelectorAll('*'))]) {
      for (const attr of Array.from(el.attributes)) {
        const remote = (attr.name === 'href' || attr.name === 'xlink:href') && !attr.value.startsWith('#');
        if (/^on/i.test(attr.name) || remote) el.removeAttribute(attr.name);
      }
    }
    for (const g of Array.from(svg.querySelectorAll('g[data-start]'))) {
      g.setAttribute('tabindex', '0');
      g.setAttribute('role', 'button');
    }
    view.replaceChildren(doc.importNode(svg, true));
    return true;
  }

  function reveal(target: unknown): void {
    const from = target as DomElement | null;
    const g = from !== null && typeof from === 'object' && typeof from.closest === 'function' ? from.closest('g[data-start]') : null;
    if (g === null) return;
    vscode.postMessage({
      type: 'reveal',
      id: Number(g.getAttribute('data-node-id')),
      start: Number(g.getAttribute('data-start')),
      end: Number(g.getAttribute('data-end')),
    });
  }

  view.addEventListener('click', (event) => reveal(event.target));
  view.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      reveal(event.target);
    }
  });
  inputs.addEventListener('change', () => vscode.postMessage({ type: 'input', index: Number(inputs.value) - 1 }));
  fit.addEventListener('change', () => view.classList.toggle('fit', Boolean(fit.checked)));

  win.addEventListener('message', (event) => {
    const message = event.data as Record<string, unknown> | null;
    if (typeof message !== 'object' || message === null) return;
    if (message.type === 'flow') {
      title.textContent = String(message.title ?? '');
      subtitle.textContent = String(message.subtitle ?? '');
      const labels: unknown[] = Array.isArray(message.choices) ? message.choices : [];
      inputs.replaceChildren(...labels.map((label, i) => {
        const option = doc.createElement('option');
        option.value = String(i);
        option.textContent = String(label);
        return option;
      }));
      inputs.value = String(message.chosen ?? 0);
      inputs.disabled = labels.length < 2;
      if (draw(String(message.svg ?? ''))) {
        note.textContent = '';
        highlight(typeof message.active === 'number' ? message.active : null, false);
      } else {
        note.textContent = 'The server sent a drawing that could not be read.';
      }
    } else if (message.type === 'highlight') {
      highlight(typeof message.id === 'number' ? message.id : null, true);
    } else if (message.type === 'note') {
      note.textContent = String(message.text ?? '');
    }
  });
  vscode.postMessage({ type: 'ready' });
}

const STYLE = `
  body { padding: 0 12px 12px; color: var(--vscode-foreground); font-family: var(--vscode-font-family); }
  header { position: sticky; top: 0; z-index: 1; padding: 8px 0; background: var(--vscode-editor-background); }
  h1 { font-size: 1.1em; margin: 0 0 2px; }
  #subtitle { opacity: 0.8; font-family: var(--vscode-editor-font-family, monospace); font-size: 0.9em; }
  .tools { display: flex; flex-wrap: wrap; gap: 12px; align-items: center; margin-top: 6px; }
  select { background: var(--vscode-dropdown-background); color: var(--vscode-dropdown-foreground);
    border: 1px solid var(--vscode-dropdown-border, transparent); padding: 2px 4px; }
  #note { color: var(--vscode-errorForeground); margin: 4px 0; }
  #note:empty { display: none; }
  #view { overflow: auto; }
  #view svg { display: block; background: #ffffff; border-radius: 4px; }
  #view.fit svg { width: 100%; height: auto; }
  g[data-start] { cursor: pointer; }
  g[data-start]:hover > rect:not(.cell) { stroke: #1a73e8; stroke-width: 2; }
  g[data-start]:focus { outline: none; }
  g[data-start]:focus > rect:not(.cell) { stroke: #1a73e8; stroke-width: 2; stroke-dasharray: 4 2; }
  g.${ACTIVE_CLASS} > rect:not(.cell) { stroke: #d93025; stroke-width: 3; }
`;

/** The whole page. The SVG arrives later in a `flow` message. */
export function flowHtml(options: { nonce: string; cspSource: string; title: string }): string {
  const { nonce, cspSource } = options;
  const title = options.title.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy(nonce, cspSource)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>${title}</title>
<style nonce="${nonce}">${STYLE}</style>
</head>
<body>
<header>
  <h1 id="title">${title}</h1>
  <div id="subtitle"></div>
  <div class="tools">
    <label>Input <select id="inputs" disabled></select></label>
    <label><input type="checkbox" id="fit" checked> Fit to width</label>
  </div>
  <div id="note" role="status"></div>
</header>
<div id="view" class="fit"></div>
<script nonce="${nonce}">(${String(webviewMain)})(acquireVsCodeApi(), document, window, new DOMParser(), ${JSON.stringify(ACTIVE_CLASS)});</script>
</body>
</html>
`;
}
