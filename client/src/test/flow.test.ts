// Unit tests (node:test, no VS Code) for client/src/flow.ts: the pure part of "RASP: Show
// Computation Flow". The fixture is a real answer of the server (rasp/computationFlow for
// `reverse` in examples/reverse.rasp, saved as /w/reverse.rasp) with the document's text.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  Debouncer, Timers, annotateSvg, choiceLabels, codePointToUtf16, documentRanges, exampleChoices, flowMessage, flowNodes,
  flowPanelKey, flowPanelTitle, flowParams, flowSubtitle, mergeRanges, nodeAtSelection, parseExampleLiteral,
  parseShowFlowArgs, parseWebviewMessage, rechoose, svgRanges, uriFilePath, utf16ToCodePoint,
} from '../flow';
import type { ComputationFlowResult } from '../protocol';
import { inRoot } from './paths';

const fixture: { uri: string; text: string; answer: ComputationFlowResult } = JSON.parse(
  readFileSync(inRoot('client', 'src', 'test', 'fixtures', 'flow-reverse.json'), 'utf8'));
const { flow, svg } = fixture.answer;
const text = fixture.text;
/** The code-point offset of the first `needle` in the fixture's text (ASCII, so also UTF-16). */
const at = (needle: string, plus = 0): number => {
  const i = text.indexOf(needle);
  assert.ok(i >= 0, needle);
  return i + plus;
};

describe('rasp.showComputationFlow arguments and request', () => {
  test('the code lens sends [uri, name]', () => {
    assert.deepEqual(parseShowFlowArgs(['file:///w/reverse.rasp', 'reverse']), { uri: 'file:///w/reverse.rasp', name: 'reverse' });
    assert.deepEqual(parseShowFlowArgs(['untitled:Untitled-1', 'x', 3]), { uri: 'untitled:Untitled-1', name: 'x' });
  });

  test('the palette (no arguments) and malformed arguments give undefined', () => {
    for (const args of [[], [undefined], ['file:///a.rasp'], ['', 'x'], [1, 'x'], ['file:///a.rasp', 'a b'], ['file:///a.rasp', 7]]) {
      assert.equal(parseShowFlowArgs(args), undefined, JSON.stringify(args));
    }
  });

  test('the request names the document and the s-op; an input only when one is chosen', () => {
    const target = { uri: 'file:///w/a.rasp', name: 'reverse' };
    assert.deepEqual(flowParams(target), { textDocument: { uri: 'file:///w/a.rasp' }, name: 'reverse' });
    assert.deepEqual(flowParams(target, 'abc'), { textDocument: { uri: 'file:///w/a.rasp' }, name: 'reverse', input: 'abc' });
    assert.deepEqual(flowParams(target, [1, 2]).input, [1, 2]);
  });

  test('one panel per document and name, titled after the name', () => {
    assert.notEqual(flowPanelKey({ uri: 'file:///a.rasp', name: 'x' }), flowPanelKey({ uri: 'file:///b.rasp', name: 'x' }));
    assert.equal(flowPanelKey({ uri: 'file:///a.rasp', name: 'x' }), flowPanelKey({ uri: 'file:///a.rasp', name: 'x' }));
    assert.equal(flowPanelTitle('reverse'), 'reverse (computation flow)');
  });
});

describe('code points and UTF-16 offsets', () => {
  const s = 'a😀b\u00e9c𝔸d'; // two astral characters (two UTF-16 units each)

  test('code point to UTF-16', () => {
    assert.deepEqual([0, 1, 2, 3, 4, 5, 6, 7].map((cp) => codePointToUtf16(s, cp)), [0, 1, 3, 4, 5, 6, 8, 9]);
    assert.equal(codePointToUtf16(s, 99), s.length, 'clamped');
    assert.equal(codePointToUtf16(s, -1), 0);
    assert.equal(codePointToUtf16('plain', 3), 3);
    assert.equal(codePointToUtf16('plain', 9), 5);
  });

  test('UTF-16 to code point, and back', () => {
    assert.deepEqual([0, 1, 3, 4, 5, 6, 8, 9].map((u) => utf16ToCodePoint(s, u)), [0, 1, 2, 3, 4, 5, 6, 7]);
    assert.equal(utf16ToCodePoint(s, 2), 1, 'inside a pair: the character has not ended');
    assert.equal(utf16ToCodePoint(s, 100), 7);
    for (let cp = 0; cp <= 7; cp++) assert.equal(utf16ToCodePoint(s, codePointToUtf16(s, cp)), cp);
  });

  test('the server names a saved document by its path', () => {
    assert.equal(uriFilePath('file:///w/reverse.rasp'), '/w/reverse.rasp');
    assert.equal(uriFilePath('file:///w/my%20dir/a%23.rasp'), '/w/my dir/a#.rasp');
    assert.equal(uriFilePath('untitled:Untitled-1'), undefined);
  });
});

describe('node ranges', () => {
  test('the fixture has the layers of reverse: a head in layers 1 and 2', () => {
    assert.equal(flow.name, 'reverse');
    assert.deepEqual(flow.layers.map((l) => l.heads.length), [0, 1, 1]);
    assert.equal((svg.match(/<g class="head"/g) ?? []).length, 2);
    assert.ok(flowNodes(flow).some((n) => n.id === flow.output));
  });

  test("the document's nodes get their ranges; the library's do not", () => {
    const ranges = documentRanges(flow, [uriFilePath(fixture.uri)]);
    const byText = Object.fromEntries(ranges.map((r) => [text.slice(r.start, r.end), r.id]));
    assert.deepEqual(Object.keys(byText).sort(), [
      'aggregate(flip, tokens)', 'length - indices', 'length - indices - 1', 'select(indices, opp_index, ==)',
    ]);
    assert.equal(byText['aggregate(flip, tokens)'], flow.output);
    assert.deepEqual(documentRanges(flow, ['/elsewhere.rasp']), [], 'another file: none');
    assert.deepEqual(documentRanges(flow, [undefined]), []);
  });

  test('an unsaved document (origin file null) has ranges too', () => {
    const unsaved = JSON.parse(JSON.stringify(flow).replaceAll('"/w/reverse.rasp"', 'null'));
    assert.equal(documentRanges(unsaved, []).length, 4);
  });

  test('ranges the SVG carries are read, and missing ones are written in', () => {
    assert.deepEqual(svgRanges(svg), [], 'the server writes data-start only for origin file null');
    const ranges = documentRanges(flow, ['/w/reverse.rasp']);
    const annotated = annotateSvg(svg, ranges);
    assert.deepEqual(svgRanges(annotated).sort((a, b) => a.id - b.id), [...ranges].sort((a, b) => a.id - b.id));
    assert.match(annotated, /<g class="head" data-node-id="19" data-start="641" data-end="671">/);
    assert.equal(annotateSvg(annotated, ranges), annotated, 'idempotent');
    assert.equal(annotated.replace(/ data-start="\d+" data-end="\d+"/g, ''), svg, 'nothing else changes');
    const own = '<svg><g class="node" data-node-id="3" data-start="1" data-end="2"><rect/></g><g class="x"></g></svg>';
    assert.deepEqual(svgRanges(own), [{ id: 3, start: 1, end: 2 }]);
    assert.deepEqual(mergeRanges(svgRanges(own), [{ id: 3, start: 5, end: 6 }, { id: 4, start: 0, end: 1 }]),
      [{ id: 3, start: 1, end: 2 }, { id: 4, start: 0, end: 1 }]);
  });

  test('the node under the cursor is the innermost range that holds it', () => {
    const ranges = documentRanges(flow, ['/w/reverse.rasp']);
    const id = (needle: string) => ranges.find((r) => text.slice(r.start, r.end) === needle)!.id;
    assert.equal(nodeAtSelection(ranges, text, at('length - indices', 2)), id('length - indices'));
    assert.equal(nodeAtSelection(ranges, text, at('- 1;', 1)), id('length - indices - 1'));
    assert.equal(nodeAtSelection(ranges, text, at('select(indices', 3)), id('select(indices, opp_index, ==)'));
    assert.equal(nodeAtSelection(ranges, text, at('aggregate(flip')), id('aggregate(flip, tokens)'));
    assert.equal(nodeAtSelection(ranges, text, at('aggregate(flip, tokens)', 23)), id('aggregate(flip, tokens)'), 'at its end');
  });

  test('a selection picks the smallest range that holds all of it', () => {
    const ranges = documentRanges(flow, ['/w/reverse.rasp']);
    const start = at('length - indices - 1');
    const outer = ranges.find((r) => r.start === start && r.end === start + 20)!.id;
    assert.equal(nodeAtSelection(ranges, text, start, start + 20), outer);
    assert.equal(nodeAtSelection(ranges, text, start + 20, start), outer, 'backwards');
    assert.equal(nodeAtSelection(ranges, text, at('# Reverse'), at('set example')), undefined);
  });

  test('on the name a statement defines, the statement\'s outermost node', () => {
    const ranges = documentRanges(flow, ['/w/reverse.rasp']);
    const id = (needle: string) => ranges.find((r) => text.slice(r.start, r.end) === needle)!.id;
    assert.equal(nodeAtSelection(ranges, text, at('opp_index = ', 2)), id('length - indices - 1'));
    assert.equal(nodeAtSelection(ranges, text, at('reverse = ')), id('aggregate(flip, tokens)'));
    assert.equal(nodeAtSelection(ranges, text, at('flip = ')), id('select(indices, opp_index, ==)'));
    assert.equal(nodeAtSelection(ranges, text, at('set example')), undefined, 'no node on that line');
    assert.equal(nodeAtSelection(ranges, text, at('# copy the token')), undefined, 'a comment line: the next line does not count');
    assert.equal(nodeAtSelection([], text, 0), undefined);
  });
});

describe('sample inputs', () => {
  test('rasp.examples literals become request inputs', () => {
    assert.equal(parseExampleLiteral('"abc"'), 'abc');
    assert.equal(parseExampleLiteral('  hello '), 'hello');
    assert.equal(parseExampleLiteral('a b'), 'a b', 'a bare word is the rest of the entry, as the server reads it');
    assert.deepEqual(parseExampleLiteral('[1, 2, 3]'), [1, 2, 3]);
    assert.deepEqual(parseExampleLiteral('[-1,2.5, 3e2]'), [-1, 2.5, 300]);
    assert.deepEqual(parseExampleLiteral('["a", "b,c", "d"]'), ['a', 'b,c', 'd']);
    assert.deepEqual(parseExampleLiteral('[True, False]'), [true, false]);
    assert.deepEqual(parseExampleLiteral('[1, 2,]'), [1, 2]);
  });

  test('what the client cannot read is left out', () => {
    for (const bad of ['', '   ', '""', '[]', '[1,,2]', '[x]', '[1, 2', '"a', '12', '(1, 2)', '[1 2]', '"a"b"', 7, null, 'a\nb']) {
      assert.equal(parseExampleLiteral(bad), undefined, JSON.stringify(bad));
    }
  });

  test('choices keep order, drop repeats and unreadable entries', () => {
    const choices = exampleChoices(['"abc"', 'abc', '[1, 2]', '[x]', 3, ' [1,2] ']);
    assert.deepEqual(choices, [{ label: '"abc"', input: 'abc' }, { label: '[1, 2]', input: [1, 2] }]);
    assert.deepEqual(exampleChoices(undefined), []);
    assert.deepEqual(exampleChoices('abc'), []);
    assert.equal(rechoose(choices, [1, 2]), 1);
    assert.equal(rechoose(choices, 'zzz'), -1);
    assert.equal(rechoose(choices, undefined), -1);
    assert.deepEqual(choiceLabels(choices, 'hello'), ['running example: "hello"', 'rasp.examples: "abc"', 'rasp.examples: [1, 2]']);
    assert.equal(choiceLabels([], undefined)[0], 'running example (set example)');
  });
});

describe('messages', () => {
  test('the flow message: annotated SVG, titles, the input menu, the active node', () => {
    const ranges = documentRanges(flow, ['/w/reverse.rasp']);
    const message = flowMessage(flow, svg, ranges, exampleChoices(['"abc"']), -1, flow.input, 20);
    assert.equal(message.type, 'flow');
    if (message.type !== 'flow') return;
    assert.equal(message.title, 'Computation flow of reverse');
    assert.equal(message.subtitle, 'reverse("hello") · 2 layers · heads per layer [1, 1] (max 1) · MLPs in layers [0, 1]');
    assert.equal(flowSubtitle(flow), message.subtitle);
    assert.deepEqual(message.choices, ['running example: "hello"', 'rasp.examples: "abc"']);
    assert.equal(message.chosen, 0);
    assert.equal(message.active, 20);
    assert.equal(svgRanges(message.svg).length, 4);
    const other = flowMessage(flow, svg, ranges, exampleChoices(['"abc"']), 0, 'hello', undefined);
    assert.ok(other.type === 'flow' && other.chosen === 1 && other.active === null);
  });

  test('messages from the webview are checked', () => {
    assert.deepEqual(parseWebviewMessage({ type: 'ready' }), { type: 'ready' });
    assert.deepEqual(parseWebviewMessage({ type: 'reveal', id: 19, start: 641, end: 671, extra: 1 }),
      { type: 'reveal', id: 19, start: 641, end: 671 });
    assert.deepEqual(parseWebviewMessage({ type: 'input', index: -1 }), { type: 'input', index: -1 });
    assert.deepEqual(parseWebviewMessage({ type: 'input', index: 2 }), { type: 'input', index: 2 });
    for (const bad of [null, 'ready', {}, { type: 'reveal', id: 1, start: 5, end: 4 }, { type: 'reveal', id: 1, start: -1, end: 4 },
      { type: 'reveal', id: '1', start: 0, end: 4 }, { type: 'reveal', id: 1, start: 0.5, end: 4 }, { type: 'input', index: -2 },
      { type: 'input', index: '1' }, { type: 'eval', code: 'x' }]) {
      assert.equal(parseWebviewMessage(bad), undefined, JSON.stringify(bad));
    }
  });
});

describe('debouncing', () => {
  function fakeTimers() {
    let now = 0;
    let next = 0;
    const pending = new Map<number, { at: number; fn: () => void }>();
    const timers: Timers = {
      setTimeout: (fn, ms) => { pending.set(++next, { at: now + ms, fn }); return next; },
      clearTimeout: (handle) => { pending.delete(handle as number); },
    };
    const advance = (ms: number) => {
      now += ms;
      for (const [id, t] of [...pending].sort((a, b) => a[1].at - b[1].at)) {
        if (t.at <= now) { pending.delete(id); t.fn(); }
      }
    };
    return { timers, advance, pending };
  }

  test('runs once, 300 ms after the last trigger', () => {
    const { timers, advance, pending } = fakeTimers();
    let runs = 0;
    const d = new Debouncer(() => { runs += 1; }, 300, timers);
    d.trigger();
    advance(200);
    d.trigger(); // typing goes on
    advance(200);
    assert.equal(runs, 0);
    assert.ok(d.isPending);
    advance(100);
    assert.equal(runs, 1);
    assert.ok(!d.isPending);
    assert.equal(pending.size, 0);
    d.trigger();
    d.dispose();
    advance(1000);
    assert.equal(runs, 1, 'disposed: nothing runs');
  });
});
