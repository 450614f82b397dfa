// Unit tests (node:test, no VS Code) for client/src/render.ts: the text of the evaluation view
// must print values the way the server's `rasp run` prints them (server/rasp/format.py).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { EvaluateResult, EvaluationResult } from '../protocol';
import {
  costLine, formatElement, formatResult, formatSelector, formatSop, formatValue, pythonFloat, renderEvaluation,
} from '../render';
import { inRoot } from './paths';

interface FixtureCase { label: string; result: EvaluationResult; expected: string }
const fixture: { cases: FixtureCase[] } = JSON.parse(
  readFileSync(inRoot('client', 'src', 'test', 'fixtures', 'results.json'), 'utf8'));

describe('agreement with `rasp run`', () => {
  test('the fixture covers s-ops of every type, selectors, values and errors', () => {
    const kinds = new Set<string>(fixture.cases.map((c) => (c.result.error ? 'error' : c.result.type ?? c.result.kind)));
    for (const kind of ['strings', 'ints', 'floats', 'bools', 'selector', 'value', 'error']) {
      assert.ok(kinds.has(kind), `fixture has a ${kind} case`);
    }
  });

  for (const c of fixture.cases) {
    test(`${c.expected.split('\n')[0]}`, () => {
      assert.equal(formatResult(c.label, c.result), c.expected);
    });
  }
});

describe('pythonFloat (str(round(x, 3)))', () => {
  test('rounds to three digits and keeps a .0 on whole numbers', () => {
    assert.equal(pythonFloat(1 / 3), '0.333');
    assert.equal(pythonFloat(2 / 3), '0.667');
    assert.equal(pythonFloat(2), '2.0');
    assert.equal(pythonFloat(0), '0.0');
    assert.equal(pythonFloat(0.1 + 0.2), '0.3');
    assert.equal(pythonFloat(-1.5), '-1.5');
    assert.equal(pythonFloat(12345.6789), '12345.679');
  });

  test('negative zero, exponents and non-finite values as Python prints them', () => {
    assert.equal(pythonFloat(-0.0001), '-0.0');
    assert.equal(pythonFloat(-0), '-0.0');
    assert.equal(pythonFloat(1e16), '1e+16');
    assert.equal(pythonFloat(2.5e17), '2.5e+17');
    assert.equal(pythonFloat(1e15), '1000000000000000.0');
    assert.equal(pythonFloat(Infinity), 'inf');
    assert.equal(pythonFloat(-Infinity), '-inf');
    assert.equal(pythonFloat(NaN), 'nan');
  });

  test('ties round to even, as Python rounds the exact binary value', () => {
    // Exact binary fractions are real ties: 0.0625 -> 0.062, 0.1875 -> 0.188.
    const expected: Array<[number, string]> = [
      [0.0625, '0.062'], [0.1875, '0.188'], [-0.0625, '-0.062'], [0.3125, '0.312'], [5.0625, '5.062'],
      // Not ties: 2.675 is really 2.67499999..., 0.0015 is 0.00150000000000000003...
      [2.675, '2.675'], [1.0005, '1.0'], [0.0015, '0.002'],
    ];
    for (const [x, text] of expected) assert.equal(pythonFloat(x), text, String(x));
  });
});

describe('elements and s-ops', () => {
  test('bools are T/F, strings bare, non-integers as floats', () => {
    assert.equal(formatElement(true), 'T');
    assert.equal(formatElement(false), 'F');
    assert.equal(formatElement('a b'), 'a b');
    assert.equal(formatElement(3), '3');
    assert.equal(formatElement(3, true), '3.0');
    assert.equal(formatElement(0.12345), '0.123');
    assert.equal(formatElement(null), 'None');
  });

  test('equal values collapse to [v]*n, but not a single one', () => {
    assert.equal(formatSop([5, 5, 5], 'ints'), '[5]*3 (ints)');
    assert.equal(formatSop([7], 'ints'), '[7] (ints)');
    assert.equal(formatSop([], 'ints'), '[] (ints)');
    assert.equal(formatSop(['a', 'b'], 'strings'), '[a, b] (strings)');
    assert.equal(formatSop([1, 2], null), '[1, 2] ()');
    assert.equal(formatSop([1, 1], 'floats'), '[1.0]*2 (floats)');
  });
});

describe('selectors', () => {
  test('a string input labels the rows and columns', () => {
    assert.equal(formatSelector([[true, false, true], [false, false, false], [true, true, true]], 'abc'),
      '    a b c\na | 1   1\nb |\nc | 1 1 1');
  });

  test('a list input uses its printed elements, padded to the widest', () => {
    assert.equal(formatSelector([[true, false], [false, true]], [10, 2.5]), '      10  2.5\n10  | 1\n2.5 |     1');
    assert.equal(formatSelector([[true]], ['long']), '       long\nlong | 1');
  });

  test('characters outside the BMP count as one column', () => {
    assert.equal(formatSelector([[true, false], [false, true]], '§😀'), '    § 😀\n§ | 1\n😀 |   1');
  });

  test('an empty input gives just the header', () => {
    assert.equal(formatSelector([], ''), '    ');
  });
});

describe('values and cost', () => {
  test('values print as RASP literals', () => {
    assert.equal(formatValue('hey'), '"hey"');
    assert.equal(formatValue([1, 'a', true, null]), '[1, "a", True, None]');
    assert.equal(formatValue({ dict: [['a', [1, false]], [2, 'b']] }), '{"a": [1, False], 2: "b"}');
    assert.equal(formatValue('<function f>'), '<function f>');
    assert.equal(formatValue(0.5), '0.5');
  });

  test('the cost line is the one `rasp cost` prints', () => {
    assert.equal(costLine({ layers: 2, heads: [1, 1], max_heads: 1, mlp_layers: [0, 1] }),
      '2 layers · heads per layer [1, 1] (max 1) · MLPs in layers [0, 1]');
    assert.equal(costLine({ layers: 1, heads: [2], max_heads: 2, mlp_layers: [] }),
      '1 layer · heads per layer [2] (max 2) · MLPs in layers []');
    assert.equal(costLine({ layers: 0, heads: [], max_heads: 0, mlp_layers: [] }),
      '0 layers · heads per layer [] (max 0) · MLPs in layers []');
  });
});

describe('renderEvaluation', () => {
  const answer: EvaluateResult = {
    name: 'reverse',
    kind: 's-op',
    inputs: ['hello', 'ab'],
    results: [
      { input: 'hello', kind: 's-op', type: 'strings', values: ['o', 'l', 'l', 'e', 'h'], error: null },
      { input: 'ab', kind: 's-op', type: 'strings', values: ['b', 'a'], error: null },
    ],
    cost: { layers: 2, heads: [1, 1], max_heads: 1, mlp_layers: [0, 1] },
  };

  test('a header with the name, kind, source and cost, then one line per input', () => {
    assert.equal(renderEvaluation(answer, { name: 'reverse', source: 'examples/reverse.rasp' }), [
      '# reverse (s-op)',
      '# in examples/reverse.rasp',
      '# cost: 2 layers · heads per layer [1, 1] (max 1) · MLPs in layers [0, 1]',
      '',
      'reverse("hello") = [o, l, l, e, h] (strings)',
      'reverse("ab") = [b, a] (strings)',
      '',
    ].join('\n'));
  });

  test('a selector shows its matrix per input, and no cost line', () => {
    const text = renderEvaluation({
      name: 'flip', kind: 'selector', inputs: ['ab'], cost: null,
      results: [{ input: 'ab', kind: 'selector', matrix: [[false, true], [true, false]], error: null }],
    }, { name: 'flip' });
    assert.equal(text, '# flip (selector)\n\nflip("ab") =\n    a b\na |   1\nb | 1\n');
  });

  test('a value is printed once, without an input', () => {
    const text = renderEvaluation({
      name: 'n', kind: 'value', inputs: ['hello'], cost: null,
      results: [{ input: 'hello', kind: 'value', value: 3, error: null }],
    }, { name: 'n' });
    assert.match(text, /\nn = 3\n$/);
  });

  test('errors, skipped inputs, time-outs and unknown names are said plainly', () => {
    const failing = renderEvaluation({
      name: 'q', kind: 's-op', inputs: ['ab', 'x'.repeat(300)], cost: null,
      results: [
        { input: 'ab', kind: 's-op', error: { code: 'runtime-error', message: 'division by zero' } },
        { input: 'xyz', kind: 'skipped', error: { code: 'limit', message: 'input longer than rasp.evaluation.maxLength (2)' } },
      ],
    }, { name: 'q' });
    assert.ok(failing.includes('q("ab"): error[runtime-error]: division by zero'), failing);
    assert.ok(failing.includes('q("xyz"): skipped: input longer than rasp.evaluation.maxLength (2)'), failing);

    const undefinedName = renderEvaluation({
      name: 'nope', kind: 'value', inputs: [null as never], cost: null,
      results: [{ error: { code: 'undefined-name', message: 'nope is not defined' } } as EvaluationResult],
    }, { name: 'nope' });
    assert.ok(undefinedName.startsWith('# nope\n'), undefinedName);
    assert.ok(undefinedName.includes('\nnope: error[undefined-name]: nope is not defined\n'), undefinedName);

    const timedOut = renderEvaluation({ name: 'slow', error: 'evaluation stopped after 2000 ms' }, { name: 'slow' });
    assert.ok(timedOut.endsWith('\nslow: evaluation stopped after 2000 ms\n'), timedOut);

    const none = renderEvaluation(null, { name: 'ghost', source: 'a.rasp' });
    assert.ok(none.startsWith('# ghost\n# in a.rasp\n'), none);
    assert.ok(none.includes('No evaluation for "ghost"'), none);

    const empty = renderEvaluation({ name: 'e', kind: 's-op', inputs: [], results: [], cost: null }, { name: 'e' });
    assert.ok(empty.includes('nothing to show'), empty);
  });
});
