// The request names and the lens commands agree with the server's protocol module.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { COMPUTATION_FLOW, COST, EVALUATE, SHOW_COMPUTATION_FLOW_COMMAND, SHOW_EVALUATION_COMMAND } from '../protocol';
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
  assert.equal(COMPUTATION_FLOW, pythonConstant('COMPUTATION_FLOW'));
  assert.equal(COMPUTATION_FLOW, 'rasp/computationFlow');
});

test('the lens commands match the server', () => {
  assert.equal(SHOW_EVALUATION_COMMAND, pythonConstant('SHOW_EVALUATION_COMMAND'));
  assert.equal(SHOW_COMPUTATION_FLOW_COMMAND, pythonConstant('SHOW_COMPUTATION_FLOW_COMMAND'));
  assert.equal(SHOW_COMPUTATION_FLOW_COMMAND, 'rasp.showComputationFlow');
});
