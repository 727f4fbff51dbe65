// The API's paths and statuses, on data: docker's version prefixes (and none) reach the
// same handler, versions outside 1.24–1.47 are refused in docker's words, and engine
// errors become docker's statuses in one place.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Router } from '../../src/api/router.js';
import { errorStatus } from '../../src/api/errors.js';
import { BerthError } from '../../src/engine/index.js';

const r = new Router();
const list = () => {};
const inspect = () => {};
const tag = () => {};
r.add('GET', '/containers/json', list).add('GET', '/containers/{id}/json', inspect).add('POST', '/images/{name*}/tag', tag);

const status = (f: () => unknown): number => {
  try { f(); } catch (e) { return errorStatus(e).status; }
  return 0;
};

test('with and without a version prefix: the same route and its parameters', () => {
  for (const prefix of ['', '/v1.41', '/v1.44', '/v1.47']) {
    assert.is(r.match('GET', `${prefix}/containers/json`).handler, list);
    const m = r.match('GET', `${prefix}/containers/web/json`);
    assert.equal([m.handler, m.params], [inspect, ['web']]);
  }
  assert.is(r.match('GET', '/v1.44/containers/json').version, '1.44');
  // image names keep their slashes and ports
  assert.equal(r.match('POST', '/v1.47/images/127.0.0.1:5000/team/app:1/tag').params, ['127.0.0.1:5000/team/app:1']);
  // HEAD is served by GET's route
  assert.is(r.match('HEAD', '/containers/json').handler, list);
});

test('docker\'s refusals: a version too new or too old, no such path, a wrong method', () => {
  assert.throws(() => r.match('GET', '/v1.50/containers/json'), /client version 1.50 is too new. Maximum supported API version is 1.47/);
  assert.throws(() => r.match('GET', '/v1.12/containers/json'), /client version 1.12 is too old/);
  assert.is(status(() => r.match('GET', '/v1.50/containers/json')), 400);
  assert.is(status(() => r.match('GET', '/nosuch')), 404);
  assert.is(status(() => r.match('DELETE', '/containers/json')), 405);
});

test('engine errors: 404, 409, 400, 500, and the words docker\'s CLI reads for 127 and 126', () => {
  assert.equal(errorStatus(new BerthError('NOT_FOUND', 'No such container: x')), { status: 404, message: 'No such container: x' });
  assert.is(errorStatus(new BerthError('CONFLICT', 'in use')).status, 409);
  assert.is(errorStatus(new BerthError('NOT_RUNNING', 'not running')).status, 409);
  assert.is(errorStatus(new BerthError('INVALID_ARGUMENT', 'bad')).status, 400);
  assert.is(errorStatus(new BerthError('INTERNAL', 'boom')).status, 500);
  assert.is(errorStatus(new Error('plain')).status, 500);
  assert.match(errorStatus(new BerthError('CMD_NOT_FOUND', 'exec "x" failed')).message, /executable file not found/);
  assert.match(errorStatus(new BerthError('CMD_CANNOT_EXEC', 'exec "/etc/passwd" failed')).message, /permission denied/);
});

test.run();
