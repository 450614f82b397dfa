// The request names and the lens command agree with the server's protocol module.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { COST, EVALUATE, SHOW_EVALUATION_COMMAND } from '../protocol';
import { inRoot } from './paths';

const serverProtocol = readFileSync(inRoot('server', 'rasp', 'lsp', 'protocol.py'), 'utf8');

function pythonConstant(name: string): string {
  const match = new RegExp(`^${name} = "([^"]+)"`, 'm').exec(serverProtocol);
  assert.ok(match, `${name} is declared in protocol.py`);
  return match[1];
}

test('request methods match the server', () => {
  assert.equal(EVALUATE, pythonConstant('EVALUATE'));
  assert.equal(COST, pythonConstant('COST'));
});

test('the lens command matches the server', () => {
  assert.equal(SHOW_EVALUATION_COMMAND, pythonConstant('SHOW_EVALUATION_COMMAND'));
});
