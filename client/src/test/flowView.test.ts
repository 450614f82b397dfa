// Unit tests (node:test, no VS Code, no browser) for client/src/flowView.ts: the webview page's
// Content-Security-Policy and its script, run on a small stand-in for the DOM.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ACTIVE_CLASS, DomElement, DomEvent, contentSecurityPolicy, flowHtml, makeNonce, webviewMain } from '../flowView';

const CSP_SOURCE = 'https://*.vscode-cdn.net';

describe('the page', () => {
  const nonce = makeNonce();
  const html = flowHtml({ nonce, cspSource: CSP_SOURCE, title: 'reverse <flow> & "more"' });

  test('nonces are fresh and usable in a CSP', () => {
    assert.match(nonce, /^[A-Za-z0-9_-]{24}$/);
    assert.notEqual(makeNonce(), nonce);
  });

  test('a strict Content-Security-Policy: nothing by default, the nonce for the script', () => {
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1];
    assert.equal(csp, contentSecurityPolicy(nonce, CSP_SOURCE));
    const directives = Object.fromEntries(csp!.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1)]));
    assert.deepEqual(directives['default-src'], ["'none'"]);
    assert.deepEqual(directives['script-src'], [`'nonce-${nonce}'`]);
    assert.ok(!csp!.includes('unsafe-inline') && !csp!.includes('unsafe-eval'));
    assert.ok(!/https?:\/\/(?!\*\.vscode-cdn\.net)/.test(csp!), 'no remote source but the webview\'s own');
  });

  test('every script and style carries the nonce; nothing is loaded from elsewhere', () => {
    const scripts = html.match(/<script\b[^>]*>/g) ?? [];
    assert.deepEqual(scripts, [`<script nonce="${nonce}">`]);
    assert.deepEqual(html.match(/<style\b[^>]*>/g), [`<style nonce="${nonce}">`]);
    assert.ok(!/\s(src|href)=/.test(html), 'no src or href attributes');
    assert.ok(!/\son[a-z]+=/.test(html), 'no inline event handlers');
    const outsideCsp = html.replace(/<meta http-equiv="Content-Security-Policy"[^>]*>/, '');
    assert.ok(!/https?:/.test(outsideCsp), 'no URL');
  });

  test('the title is escaped', () => {
    assert.ok(html.includes('<title>reverse &lt;flow&gt; &amp; &quot;more&quot;</title>'));
  });

  test('the inline script is valid JavaScript that calls the page script', () => {
    const script = /<script nonce="[^"]+">([\s\S]*?)<\/script>/.exec(html)![1];
    assert.doesNotThrow(() => new Function('acquireVsCodeApi', 'document', 'window', 'DOMParser', script));
    assert.ok(script.includes(JSON.stringify(ACTIVE_CLASS)));
  });
});

// ---- a stand-in for the DOM, just what webviewMain uses ----------------------------------------

class FakeElement implements DomElement {
  readonly attrs = new Map<string, string>();
  readonly classes = new Set<string>();
  readonly listeners = new Map<string, Array<(e: DomEvent) => void>>();
  children: FakeElement[] = [];
  parent: FakeElement | undefined;
  textContent: string | null = '';
  value = '';
  disabled = false;
  checked = false;
  scrolled = 0;

  constructor(readonly nodeName: string, attrs: Record<string, string> = {}, children: FakeElement[] = []) {
    for (const [k, v] of Object.entries(attrs)) this.attrs.set(k, v);
    for (const c of children) { c.parent = this; this.children.push(c); }
  }

  get attributes() { return [...this.attrs].map(([name, value]) => ({ name, value })); }
  get classList() {
    return {
      add: (c: string) => { this.classes.add(c); },
      remove: (c: string) => { this.classes.delete(c); },
      toggle: (c: string, force?: boolean) => {
        const on = force ?? !this.classes.has(c);
        if (on) this.classes.add(c); else this.classes.delete(c);
        return on;
      },
    };
  }
  getAttribute(name: string) { return this.attrs.get(name) ?? null; }
  setAttribute(name: string, value: string) { this.attrs.set(name, value); }
  removeAttribute(name: string) { this.attrs.delete(name); }
  descendants(): FakeElement[] { return this.children.flatMap((c) => [c, ...c.descendants()]); }
  /** Selectors used by the script: `*`, `a, b` tag lists, `g[data-x]`. */
  matches(selector: string): boolean {
    return selector.split(',').map((s) => s.trim()).some((s) => {
      if (s === '*') return true;
      const m = /^([A-Za-z]+)(?:\[([a-z-]+)\])?$/.exec(s);
      return m !== null && m[1] === this.nodeName && (m[2] === undefined || this.attrs.has(m[2]));
    });
  }
  querySelectorAll(selector: string) { return this.descendants().filter((d) => d.matches(selector)); }
  getElementsByTagName(name: string) { return this.descendants().filter((d) => d.nodeName === name); }
  closest(selector: string): FakeElement | null {
    for (let e: FakeElement | undefined = this; e; e = e.parent) if (e.matches(selector)) return e;
    return null;
  }
  remove() {
    if (this.parent) this.parent.children = this.parent.children.filter((c) => c !== this);
  }
  replaceChildren(...nodes: unknown[]) {
    this.children = nodes as FakeElement[];
    for (const c of this.children) c.parent = this;
  }
  addEventListener(type: string, listener: (e: DomEvent) => void) {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }
  dispatch(type: string, event: Partial<DomEvent> = {}) {
    let prevented = false;
    const full = { target: this, preventDefault: () => { prevented = true; }, ...event } as DomEvent;
    for (const l of this.listeners.get(type) ?? []) l(full);
    return prevented;
  }
  scrollIntoView() { this.scrolled += 1; }
}

/** A parsed SVG like the server's: two nodes (one with a range), a head with a range, cells. */
function serverSvg(): FakeElement {
  return new FakeElement('svg', { onload: 'alert(1)' }, [
    new FakeElement('script', {}, []),
    new FakeElement('g', { class: 'node', 'data-node-id': '5' }, [new FakeElement('rect'), new FakeElement('text')]),
    new FakeElement('g', { class: 'head', 'data-node-id': '19', 'data-start': '641', 'data-end': '671' }, [
      new FakeElement('rect'), new FakeElement('rect', { class: 'cell' }),
    ]),
    new FakeElement('g', { class: 'node', 'data-node-id': '20', 'data-start': '713', 'data-end': '736' }, [
      new FakeElement('rect', {}), new FakeElement('text', {}, []),
      new FakeElement('a', { href: 'https://example.com/x' }),
      new FakeElement('use', { href: '#arrow' }),
    ]),
  ]);
}

function startPage(parsed: () => FakeElement | null = serverSvg) {
  const ids = ['view', 'title', 'subtitle', 'note', 'inputs', 'fit'];
  const elements = Object.fromEntries(ids.map((id) => [id, new FakeElement(id === 'inputs' ? 'select' : 'div')]));
  const posted: unknown[] = [];
  const windowListeners: Array<(e: DomEvent) => void> = [];
  const doc = {
    getElementById: (id: string) => elements[id] ?? null,
    createElement: (tag: string) => new FakeElement(tag),
    importNode: (node: DomElement) => node,
  };
  const win = { addEventListener: (type: string, l: (e: DomEvent) => void) => { if (type === 'message') windowListeners.push(l); } };
  const parser = {
    parseFromString: (_text: string, type: string) => {
      assert.equal(type, 'image/svg+xml');
      const root = parsed();
      return { documentElement: root, getElementsByTagName: (n: string) => (root ? root.getElementsByTagName(n) : []) };
    },
  };
  webviewMain({ postMessage: (m) => posted.push(m) }, doc, win, parser, ACTIVE_CLASS);
  const send = (data: unknown) => { for (const l of windowListeners) l({ target: null, data, preventDefault: () => undefined }); };
  const group = (id: string) => elements.view.querySelectorAll('g').find((g) => g.getAttribute('data-node-id') === id)!;
  return { elements, posted, send, group };
}

const flowMessage = {
  type: 'flow', svg: '<svg/>', title: 'Computation flow of reverse', subtitle: 'reverse("hello") · 2 layers',
  choices: ['running example: "hello"', 'rasp.examples: "abc"'], chosen: 0, active: 20,
};

describe('the page script', () => {
  test('says it is ready', () => {
    const { posted } = startPage();
    assert.deepEqual(posted, [{ type: 'ready' }]);
  });

  test('draws a flow: titles, the input menu, an inert SVG, the active node', () => {
    const { elements, send, group } = startPage();
    send(flowMessage);
    assert.equal(elements.title.textContent, 'Computation flow of reverse');
    assert.equal(elements.subtitle.textContent, 'reverse("hello") · 2 layers');
    assert.deepEqual((elements.inputs.children).map((o) => [o.value, o.textContent]),
      [['0', 'running example: "hello"'], ['1', 'rasp.examples: "abc"']]);
    assert.equal(elements.inputs.value, '0');
    assert.equal(elements.inputs.disabled, false);
    const svg = elements.view.children[0];
    assert.equal(svg.nodeName, 'svg');
    assert.equal(svg.getElementsByTagName('script').length, 0, 'no script');
    assert.equal(svg.getAttribute('onload'), null, 'no event handler attributes');
    assert.equal(svg.querySelectorAll('a')[0].getAttribute('href'), null, 'no link out');
    assert.equal(svg.querySelectorAll('use')[0].getAttribute('href'), '#arrow', 'local references stay');
    assert.ok(group('20').classes.has(ACTIVE_CLASS));
    assert.ok(!group('19').classes.has(ACTIVE_CLASS));
    assert.equal(group('19').getAttribute('tabindex'), '0', 'nodes with a source can be focused');
    assert.equal(group('5').getAttribute('tabindex'), null);
  });

  test('a click on a node with a source asks to reveal it; elsewhere nothing', () => {
    const { elements, posted, send, group } = startPage();
    send(flowMessage);
    posted.length = 0;
    const cell = group('19').children[1];
    elements.view.dispatch('click', { target: cell });
    assert.deepEqual(posted, [{ type: 'reveal', id: 19, start: 641, end: 671 }]);
    elements.view.dispatch('click', { target: group('5').children[0] });
    elements.view.dispatch('click', { target: elements.view });
    elements.view.dispatch('click', { target: null });
    assert.equal(posted.length, 1);
    assert.ok(elements.view.dispatch('keydown', { target: group('20'), key: 'Enter' }), 'Enter is handled');
    assert.deepEqual(posted.at(-1), { type: 'reveal', id: 20, start: 713, end: 736 });
    assert.ok(!elements.view.dispatch('keydown', { target: group('20'), key: 'a' }));
  });

  test('highlight messages move the class and scroll to the node', () => {
    const { send, group } = startPage();
    send(flowMessage);
    send({ type: 'highlight', id: 19 });
    assert.ok(group('19').classes.has(ACTIVE_CLASS));
    assert.ok(!group('20').classes.has(ACTIVE_CLASS));
    assert.equal(group('19').scrolled, 1);
    send({ type: 'highlight', id: null });
    assert.ok(!group('19').classes.has(ACTIVE_CLASS) && !group('20').classes.has(ACTIVE_CLASS));
  });

  test('the input menu and the fit switch', () => {
    const { elements, posted, send } = startPage();
    send(flowMessage);
    elements.inputs.value = '1';
    elements.inputs.dispatch('change');
    assert.deepEqual(posted.at(-1), { type: 'input', index: 0 });
    elements.inputs.value = '0';
    elements.inputs.dispatch('change');
    assert.deepEqual(posted.at(-1), { type: 'input', index: -1 }, 'the running example');
    elements.fit.checked = false;
    elements.fit.dispatch('change');
    assert.ok(!elements.view.classes.has('fit'));
    elements.fit.checked = true;
    elements.fit.dispatch('change');
    assert.ok(elements.view.classes.has('fit'));
  });

  test('notes, and a drawing that cannot be read', () => {
    const { elements, send } = startPage(() => null);
    send({ type: 'note', text: 'The server is not running.' });
    assert.equal(elements.note.textContent, 'The server is not running.');
    send(flowMessage);
    assert.match(elements.note.textContent ?? '', /could not be read/);
    send('junk');
    send(null);
  });
});
