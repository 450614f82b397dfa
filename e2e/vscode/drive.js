// Drives real VS Code (the web build served by code-server) in headless Chromium with
// playwright-core, and checks what a user of the RASP extension sees on examples/reverse.rasp
// and on e2e/fixtures/undefined_name.rasp: code lenses with values, the hover with the cost
// line, error squiggles, the status bar count and the Problems panel, then the computation-flow
// webview of `reverse` (opened from its code lens; a click on a head selects its source, the
// cursor in the source highlights a node, an edit redraws it). Saves hover.png, lenses.png,
// problems.png and flow.png.
//
// Usage: node drive.js URL OUT_DIR   (playwright-core is found through NODE_PATH)
// Prints one JSON line (also written to OUT_DIR/result.json). Exit 0: every check passed;
// 1: a check failed; 2: the harness itself failed (browser, workbench, time limit).
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { chromium } = require('playwright-core');

const [url, outDir] = process.argv.slice(2);
const TOTAL_MS = Number(process.env.E2E_VSCODE_DRIVER_TIMEOUT_MS || 150000);
const STEP_MS = Number(process.env.E2E_VSCODE_STEP_TIMEOUT_MS || 30000);

const EXPECT = {
  lens: 'reverse("hello") = [o, l, l, e, h]',
  hoverWord: 'reverse',
  hoverLine: 'reverse = aggregate(flip, tokens);',
  hoverCost: 'cost: 2 layers · heads per layer [1, 1]',
  errorMessage: 'Undefined variable: nosuchname',
  flowLens: 'computation flow of reverse',
  flowTitle: 'Computation flow of reverse',
  flowHeads: 2, // reverse has a head in layer 1 (length) and one in layer 2 (flip)
  flowHeadSelection: '(30 selected)', // select(indices, opp_index, ==)
  flowCursorLine: 'reverse = aggregate(flip, tokens);',
  flowCursorWord: 'aggregate',
  flowCursorNode: 'reverse: [o, l, l, e, h]', // the tooltip of the node the cursor is then in
  flowEditLine: 'set example "hello"',
  flowEditWord: 'hello',
  flowEditTo: 'hey',
  flowEditedSubtitle: 'reverse("hey") · 2 layers',
};

// Console errors that are expected in this setup (see e2e/README.md) and only counted: the
// Microsoft-only `vsda` module (404), and the optional native modules that e2e/setup.sh does not
// build (logging, watchdog).
const HARMLESS = [
  /status of 404/,
  /Could not locate the bindings file/,
  /Cannot find module '\.\/build\/Release\/watchdog'/,
];

const t0 = Date.now();
const result = { ok: false, checks: {}, failures: [], timings: {}, consoleErrors: [], harmlessConsoleErrors: 0 };
const mark = (name) => { result.timings[name] = Date.now() - t0; };
function check(name, passed, detail) {
  result.checks[name] = Boolean(passed);
  if (!passed) result.failures.push(`${name}: ${detail}`);
}

let browser;
let currentPage; // for a screenshot when the harness fails
function finish(code) {
  result.ok = code === 0;
  result.timings.done = Date.now() - t0;
  const line = JSON.stringify(result);
  fs.writeFileSync(path.join(outDir, 'result.json'), line + '\n');
  process.stdout.write(line + '\n');
  const close = browser ? browser.close().catch(() => {}) : Promise.resolve();
  // Do not let a stuck browser keep the process alive.
  Promise.race([close, new Promise((r) => setTimeout(r, 5000))]).then(() => process.exit(code));
}

setTimeout(() => {
  result.failures.push(`harness: the driver did not finish within ${TOTAL_MS} ms`);
  finish(2);
}, TOTAL_MS).unref();

/** Polls fn() until it returns a truthy value; returns it, or undefined after the timeout. */
async function poll(fn, timeout = STEP_MS, every = 250) {
  const end = Date.now() + timeout;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > end) return undefined;
    await new Promise((r) => setTimeout(r, every));
  }
}

/** Moves the mouse to the empty part of the tab bar, where it shows no hover or tooltip. */
const parkMouse = (page) => page.mouse.move(1000, 52);

async function screenshot(page, name) {
  const file = path.join(outDir, name);
  await page.screenshot({ path: file });
  return file;
}

/** Opens a workspace file with Quick Open (Ctrl+P), as a user would. */
async function openFile(page, name) {
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: STEP_MS });
  await input.fill(name);
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first();
  await row.waitFor({ state: 'visible', timeout: STEP_MS });
  await page.keyboard.press('Enter');
  await page.locator(`.tab.active[data-resource-name="${name}"]`).waitFor({ timeout: STEP_MS });
  await page.locator('.editor-instance .monaco-editor .view-lines').first().waitFor({ timeout: STEP_MS });
}

/** Texts of the code lenses drawn in the active editor. */
function lensTexts(page) {
  return page.$$eval('.editor-instance .monaco-editor .codelens-decoration a, .editor-instance .monaco-editor .codelens-decoration span',
    (nodes) => [...new Set(nodes.map((n) => n.textContent.replace(/\u00a0/g, ' ').trim()).filter(Boolean))]);
}

/** Centre of `word` at the start of the rendered line whose text starts with `lineStart`. */
function wordCentre(page, lineStart, word) {
  return page.evaluate(([lineStart, word]) => {
    const norm = (s) => s.replace(/\u00a0/g, ' ');
    const lines = [...document.querySelectorAll('.editor-instance .monaco-editor .view-line')];
    const line = lines.find((l) => norm(l.textContent).startsWith(lineStart));
    if (!line) return null;
    const walker = document.createTreeWalker(line, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const at = norm(node.textContent).indexOf(word);
      if (at < 0) continue;
      const range = document.createRange();
      range.setStart(node, at);
      range.setEnd(node, at + word.length);
      const r = range.getBoundingClientRect();
      return { x: r.left + r.width / 2, y: r.top + r.height / 2 };
    }
    return null;
  }, [lineStart, word]);
}

async function visibleHoverText(page) {
  const texts = await page.$$eval('.monaco-hover:not(.hidden)', (nodes) =>
    nodes.filter((n) => n.offsetParent !== null).map((n) => n.innerText));
  return texts.join('\n').trim();
}

async function main() {
  browser = await chromium.launch({
    executablePath: process.env.E2E_CHROMIUM || '/usr/bin/chromium',
    headless: true,
    timeout: STEP_MS,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run',
      '--no-default-browser-check', '--disable-extensions', '--password-store=basic'],
  });
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  currentPage = page;
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    const text = msg.text();
    if (HARMLESS.some((re) => re.test(text))) result.harmlessConsoleErrors += 1;
    else result.consoleErrors.push(text.slice(0, 300));
  });
  page.on('pageerror', (err) => result.consoleErrors.push(`pageerror: ${String(err).slice(0, 300)}`));

  await page.goto(url, { timeout: STEP_MS });
  await page.locator('.monaco-workbench .part.editor').waitFor({ timeout: 60000 });
  mark('workbench');

  // --- reverse.rasp: code lenses -------------------------------------------------------------
  await openFile(page, 'reverse.rasp');
  mark('openReverse');
  let lenses = [];
  const lensFound = await poll(async () => {
    lenses = await lensTexts(page);
    return lenses.includes(EXPECT.lens);
  }, 45000);
  mark('codeLens');
  result.codeLenses = lenses;
  check('codeLens', lensFound, `no lens ${JSON.stringify(EXPECT.lens)}; lenses: ${JSON.stringify(lenses)}`);
  await parkMouse(page);
  await page.waitForTimeout(300);
  await screenshot(page, 'lenses.png');

  // --- hover on `reverse` with the mouse -----------------------------------------------------
  let hover = '';
  const hoverFound = await poll(async () => {
    const at = await wordCentre(page, EXPECT.hoverLine, EXPECT.hoverWord);
    if (!at) return false;
    await page.mouse.move(at.x - 2, at.y);
    await page.mouse.move(at.x, at.y);
    hover = (await poll(() => visibleHoverText(page), 3000, 200)) || '';
    return hover.includes(EXPECT.hoverCost);
  }, STEP_MS, 500);
  mark('hover');
  result.hover = hover;
  check('hover', hoverFound, `no hover with ${JSON.stringify(EXPECT.hoverCost)}; got ${JSON.stringify(hover)}`);
  await page.waitForTimeout(500); // the hover fades in
  await screenshot(page, 'hover.png');
  await parkMouse(page);
  await page.keyboard.press('Escape');

  // --- undefined_name.rasp: squiggles, status bar, Problems panel -----------------------------
  await openFile(page, 'undefined_name.rasp');
  mark('openFixture');
  const squiggles = await poll(() => page.locator('.editor-instance .monaco-editor .squiggly-error').count());
  mark('squiggles');
  result.errorSquiggles = squiggles || 0;
  check('squiggles', squiggles > 0, 'no error squiggle in undefined_name.rasp');
  result.statusProblems = await page.locator('[id="status.problems"]').first()
    .getAttribute('aria-label', { timeout: 5000 }).catch(() => null);

  await page.keyboard.press('Control+Shift+M');
  let rows = [];
  const problemFound = await poll(async () => {
    rows = await page.$$eval('.markers-panel .monaco-list-row',
      (nodes) => nodes.map((n) => n.getAttribute('aria-label') || n.innerText));
    return rows.some((r) => r.includes(EXPECT.errorMessage) && /^Error/.test(r));
  });
  mark('problems');
  result.problems = rows;
  check('problemsPanel', problemFound, `no error ${JSON.stringify(EXPECT.errorMessage)} in the Problems panel; rows: ${JSON.stringify(rows)}`);
  await page.waitForTimeout(300);
  await screenshot(page, 'problems.png');

  // --- reverse.rasp: the computation-flow webview ----------------------------------------------
  await page.keyboard.press('Control+J'); // hide the panel: room for the source and the flow
  await page.locator('.tab[data-resource-name="reverse.rasp"]').first().click({ timeout: STEP_MS }); // still open
  await page.locator('.tab.active[data-resource-name="reverse.rasp"]').waitFor({ timeout: STEP_MS });
  const flowLens = page.locator('.editor-instance .monaco-editor .codelens-decoration a', { hasText: EXPECT.flowLens }).first();
  await flowLens.waitFor({ state: 'visible', timeout: STEP_MS });
  await flowLens.click();
  const webview = page.frameLocator('iframe.webview.ready').first().frameLocator('iframe#active-frame');
  const countIn = (selector) => webview.locator(selector).count().catch(() => 0);
  const heads = await poll(async () => {
    const n = await countIn('#view svg g.head');
    return n >= EXPECT.flowHeads ? n : 0;
  });
  mark('flow');
  result.flowHeads = heads || (await countIn('#view svg g.head'));
  result.flowTitle = await webview.locator('#title').textContent({ timeout: 2000 }).catch(() => null);
  result.flowSubtitle = await webview.locator('#subtitle').textContent({ timeout: 2000 }).catch(() => null);
  check('flowWebview', result.flowHeads >= EXPECT.flowHeads && result.flowTitle === EXPECT.flowTitle,
    `expected an SVG with >= ${EXPECT.flowHeads} g.head titled ${JSON.stringify(EXPECT.flowTitle)}; ` +
    `got ${result.flowHeads} heads, title ${JSON.stringify(result.flowTitle)}`);

  if (heads) {
    // a click on the head that has a source (flip's select) selects that source in the editor
    const head = webview.locator('#view svg g.head[data-start]').first();
    const headId = await head.getAttribute('data-node-id', { timeout: 5000 }).catch(() => null);
    await head.click({ timeout: 5000 }).catch((err) => result.failures.push(`flowClick: ${String(err).split('\n')[0]}`));
    let selection = '';
    const selected = await poll(async () => {
      selection = await page.locator('[id="status.editor.selection"]').first().innerText({ timeout: 1000 }).catch(() => '');
      return selection.includes(EXPECT.flowHeadSelection);
    }, 10000);
    mark('flowClick');
    result.flowSelection = selection;
    check('flowClickSelectsSource', selected, `after a click on head ${headId}, the status bar shows ${JSON.stringify(selection)}`);
    const headActive = await poll(() => countIn(`#view svg g.rasp-active[data-node-id="${headId}"]`), 5000);
    check('flowClickHighlights', headActive, `head ${headId} is not highlighted after its source was selected`);

    // the cursor in the source highlights the node it is in
    const at = await wordCentre(page, EXPECT.flowCursorLine, EXPECT.flowCursorWord);
    if (at) await page.mouse.click(at.x, at.y);
    let activeTitle = '';
    const followed = await poll(async () => {
      activeTitle = await webview.locator('#view svg g.rasp-active > title').first().textContent({ timeout: 1000 }).catch(() => '') || '';
      return activeTitle.startsWith(EXPECT.flowCursorNode);
    }, 10000);
    mark('flowCursor');
    result.flowActiveNode = activeTitle;
    check('flowFollowsCursor', followed,
      `cursor on ${JSON.stringify(EXPECT.flowCursorWord)}${at ? '' : ' (word not found)'}: highlighted ${JSON.stringify(activeTitle)}`);
  }
  await page.keyboard.press('Control+B'); // hide the side bar: a wider flow for the screenshot
  await page.mouse.move(1270, 700); // off the tabs and lenses (no tooltip)
  await page.waitForTimeout(800);
  await screenshot(page, 'flow.png');

  if (heads) {
    // an edit of the running example redraws the flow (debounced), on the new input
    const word = await wordCentre(page, EXPECT.flowEditLine, EXPECT.flowEditWord);
    if (word) {
      await page.mouse.dblclick(word.x, word.y);
      await page.keyboard.type(EXPECT.flowEditTo);
    }
    let subtitle = '';
    const redrawn = await poll(async () => {
      subtitle = await webview.locator('#subtitle').textContent({ timeout: 1000 }).catch(() => '') || '';
      return subtitle.startsWith(EXPECT.flowEditedSubtitle);
    }, 10000);
    mark('flowEdit');
    result.flowSubtitleAfterEdit = subtitle;
    check('flowFollowsEdits', redrawn,
      `after ${JSON.stringify(EXPECT.flowEditWord)} -> ${JSON.stringify(EXPECT.flowEditTo)}${word ? '' : ' (word not found)'}: subtitle ${JSON.stringify(subtitle)}`);
  }

  return result.failures.length === 0 ? 0 : 1;
}

main().then(finish, async (err) => {
  result.failures.push(`harness: ${err && err.stack ? err.stack.split('\n').slice(0, 4).join(' | ') : String(err)}`);
  // What the page looked like when the step gave up.
  if (currentPage) await Promise.race([currentPage.screenshot({ path: path.join(outDir, 'failure.png') }).catch(() => {}), new Promise((r) => setTimeout(r, 5000))]);
  finish(2);
});
