// docker's inspect printer (cli/command/inspect/inspector.go), shared by
// inspect, container/image inspect and volume inspect: no format prints an
// indented JSON array, "json" a compact one, a template one line per object
// (a bare newline when none printed). A template that does not parse ends with
// status 64 before any lookup; any object not found or failing the template
// is reported on its own line and the status is 1.
import { compileTemplate, goJson, renderTemplate } from '../engine/template/index.js';
import { ExitStatus, reportError } from './exit-codes.js';

export async function inspectEach(names: string[], format: string | undefined, get: (name: string) => Promise<object> | object): Promise<void> {
  let tpl;
  if (format && format !== 'json') {
    try {
      tpl = compileTemplate(format);
    } catch (e) {
      reportError(e);
      throw new ExitStatus(64);
    }
  }
  const found: object[] = [];
  let out = '';
  let failed = false;
  for (const n of names) {
    try {
      const o = await get(n);
      if (tpl) out += renderTemplate(tpl, o) + '\n';
      else found.push(o);
    } catch (e) {
      reportError(e);
      failed = true;
    }
  }
  // goJson: docker's encoding/json, a map's keys sorted
  if (tpl) process.stdout.write(out || '\n');
  else if (format === 'json') process.stdout.write(goJson(found) + '\n');
  else process.stdout.write(found.length ? JSON.stringify(JSON.parse(goJson(found)), null, 4) + '\n' : '[]\n');
  if (failed) throw new ExitStatus(1);
}
