// ADD's remote source: the URL fetched (redirects followed, at most 10) into
// a file under the store's tmp/, then placed as any source is. As docker's
// ADD: the file is named after the URL's last path element, has mode 0600
// and the server's Last-Modified as its mtime, and is not unpacked. The
// content is fetched at every build; the cache key takes its digest.
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { chmod, mkdir, rm, utimes } from 'node:fs/promises';
import { get as httpGet, type IncomingMessage } from 'node:http';
import { get as httpsGet } from 'node:https';
import { posix } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import { BerthError } from '../errors.js';
import type { Layout } from '../store/layout.js';
import { tmpPath } from '../store/tmp.js';

export interface Fetched {
  path: string;
  /** The file name the URL gives (its last path element). */
  name: string;
  digest: string;
  release(): Promise<void>;
}

export async function fetchUrl(layout: Layout, url: string): Promise<Fetched> {
  const dir = tmpPath(layout, 'build-url');
  await mkdir(dir, { mode: 0o700 });
  try {
    const res = await request(new URL(url), 10);
    const name = posix.basename(new URL(res.url ?? url).pathname) || 'index.html';
    const path = `${dir}/${name}`;
    const hash = createHash('sha256');
    await pipeline(res, new Transform({ transform(chunk: Buffer, _e, cb) { hash.update(chunk); cb(null, chunk); } }), createWriteStream(path, { mode: 0o600 }));
    await chmod(path, 0o600);
    const lm = res.headers['last-modified'];
    if (lm && !Number.isNaN(Date.parse(lm))) await utimes(path, new Date(lm), new Date(lm));
    return { path, name, digest: `sha256:${hash.digest('hex')}`, release: () => rm(dir, { recursive: true, force: true }) };
  } catch (e) {
    await rm(dir, { recursive: true, force: true });
    throw e;
  }
}

function request(url: URL, redirects: number): Promise<IncomingMessage> {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new BerthError('INVALID_ARGUMENT', `unsupported URL scheme: ${url.protocol}`);
  return new Promise((resolve, reject) => {
    const get = url.protocol === 'https:' ? httpsGet : httpGet;
    get(url, (res) => {
      const status = res.statusCode ?? 0;
      if (status >= 300 && status < 400 && res.headers.location) {
        res.resume();
        if (redirects === 0) return reject(new BerthError('INVALID_ARGUMENT', `${url}: stopped after 10 redirects`));
        return resolve(request(new URL(res.headers.location, url), redirects - 1));
      }
      if (status !== 200) {
        res.resume();
        return reject(new BerthError('INVALID_ARGUMENT', `failed to load ${url}: invalid response status ${status}`));
      }
      resolve(Object.assign(res, { url: url.toString() }));
    }).on('error', (e) => reject(new BerthError('INVALID_ARGUMENT', `failed to load ${url}: ${e.message}`)));
  });
}
