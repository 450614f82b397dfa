// Unit tests (node:test, no VS Code) for client/src/commands.ts: the pure part of
// "RASP: Show Evaluation" and "RASP: Set Example Input".
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  EVALUATION_SCHEME, evaluateParams, evaluationViewAddress, examplesBase, isName, parseShowEvaluationArgs,
  prependExample, uriBaseName, validateExampleInput,
} from '../commands';
import { EVALUATE } from '../protocol';

describe('rasp.showEvaluation arguments', () => {
  test('a code lens sends [uri, name, offset]', () => {
    assert.deepEqual(parseShowEvaluationArgs(['file:///w/a.rasp', 'reverse', 120]),
      { uri: 'file:///w/a.rasp', name: 'reverse', offset: 120 });
    assert.deepEqual(parseShowEvaluationArgs(['untitled:Untitled-1', 'x']), { uri: 'untitled:Untitled-1', name: 'x' });
  });

  test('the palette (no arguments) or malformed arguments give undefined', () => {
    for (const args of [[], [undefined], ['file:///a.rasp'], [1, 'x', 0], ['', 'x'], ['file:///a.rasp', 'not a name'],
      ['file:///a.rasp', '1x'], [{ uri: 'file:///a.rasp' }, 'x']]) {
      assert.equal(parseShowEvaluationArgs(args), undefined, JSON.stringify(args));
    }
    assert.deepEqual(parseShowEvaluationArgs(['file:///a.rasp', 'x', -1]), { uri: 'file:///a.rasp', name: 'x' });
    assert.deepEqual(parseShowEvaluationArgs(['file:///a.rasp', 'x', '3']), { uri: 'file:///a.rasp', name: 'x' });
  });

  test('names are RASP identifiers', () => {
    assert.ok(isName('tokens_int') && isName('_x1') && isName('A'));
    assert.ok(!isName('') && !isName('s-op') && !isName('x y') && !isName('1a'));
  });

  test('the request is rasp/evaluate with the document and the name', () => {
    assert.equal(EVALUATE, 'rasp/evaluate');
    assert.deepEqual(evaluateParams({ uri: 'file:///w/a.rasp', name: 'flip', offset: 3 }),
      { textDocument: { uri: 'file:///w/a.rasp' }, name: 'flip' });
  });
});

describe('evaluation view address', () => {
  test('the tab is titled after the name, under the source file, keyed by the source URI', () => {
    assert.deepEqual(evaluationViewAddress('file:///w/examples/reverse.rasp', 'flip'), {
      scheme: EVALUATION_SCHEME,
      path: '/reverse.rasp/flip (evaluation)',
      query: 'file:///w/examples/reverse.rasp',
    });
    assert.notDeepEqual(evaluationViewAddress('file:///a/x.rasp', 'f'), evaluationViewAddress('file:///b/x.rasp', 'f'));
  });

  test('file names are decoded; odd URIs do not throw', () => {
    assert.equal(uriBaseName('file:///w/my%20file.rasp'), 'my file.rasp');
    assert.equal(uriBaseName('file:///w/a.rasp?x=1#frag'), 'a.rasp');
    assert.equal(uriBaseName('untitled:Untitled-1'), 'untitled:Untitled-1');
    assert.equal(uriBaseName('file:///w/bad%E0.rasp'), 'bad%E0.rasp');
  });
});

describe('rasp.setExampleInput', () => {
  test('accepts strings, bare words and lists', () => {
    for (const ok of ['"hello"', 'hello', '  hello  ', '[1, 2, 3]', '["a", "b"]', '""', '"a # b"', 'two words', '(1, 2)']) {
      assert.equal(validateExampleInput(ok), undefined, ok);
    }
  });

  test('explains what is wrong with the rest', () => {
    for (const bad of ['', '   ', '"abc', '"a"b"', '[1, 2', '(1, 2', '123', '1.5', 'a\nb']) {
      const message = validateExampleInput(bad);
      assert.ok(typeof message === 'string' && message.length > 0, JSON.stringify(bad));
    }
  });

  test('the new input goes in front; an equal one moves there; non-strings are dropped', () => {
    assert.deepEqual(prependExample(['"a"', '[1]'], ' "b" '), ['"b"', '"a"', '[1]']);
    assert.deepEqual(prependExample(['"a"', '"b"'], '"b"'), ['"b"', '"a"']);
    assert.deepEqual(prependExample(undefined, 'x'), ['x']);
    assert.deepEqual(prependExample('not a list', 'x'), ['x']);
    assert.deepEqual(prependExample(['a', 3, null, 'b'], 'c'), ['c', 'a', 'b']);
  });

  test('the workspace list, else the effective one, is what gets prepended to', () => {
    assert.deepEqual(examplesBase('workspace', { workspaceValue: ['w'], globalValue: ['g'] }, ['w']), ['w']);
    assert.deepEqual(examplesBase('workspace', { globalValue: ['g'] }, ['g']), ['g']);
    assert.deepEqual(examplesBase('workspace', undefined, undefined), []);
    assert.deepEqual(examplesBase('global', { workspaceValue: ['w'], globalValue: ['g'] }, ['w']), ['g']);
    assert.deepEqual(examplesBase('global', {}, ['x']), []);
  });
});
