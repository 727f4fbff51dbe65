// Go's text/template semantics as docker's --format and inspect -f have them,
// checked on data (no kernel): expected strings are what Go prints.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { compileTemplate, renderTemplate, goMap, goNils, goStruct } from '../../src/engine/template/index.js';
import { BerthError } from '../../src/engine/errors.js';

const run = (src: string, data: unknown): string => renderTemplate(compileTemplate(src), data);
const fails = (src: string, data: unknown): string => {
  try {
    run(src, data);
  } catch (e) {
    assert.ok(e instanceof BerthError && e.code === 'TEMPLATE', String(e));
    return (e as Error).message;
  }
  return assert.unreachable(`${src} did not fail`) as never;
};

const ctr = () => ({
  Id: 'abc123', Name: '/web', RestartCount: 0,
  State: { Status: 'running', Running: true, Pid: 42, ExitCode: 0 },
  Config: { Labels: goMap({ k: 'v', 'com.x.y': 'z' }), Env: ['A=1', 'B=2'], Entrypoint: null, Cmd: ['sh', '-c', 'echo hi'] },
  Mounts: [{ Type: 'volume', Name: 'data', Destination: '/data', RW: true }, { Type: 'bind', Source: '/h', Destination: '/etc/x', RW: false }],
  GraphDriver: { Data: goMap({ UpperDir: '/u', LowerDir: '/l' }) },
});

test('fields, chains, maps and index as docker users write them', () => {
  assert.is(run('{{.Name}} {{.State.Pid}} {{.State.Running}}', ctr()), '/web 42 true');
  assert.is(run('{{index .Config.Labels "k"}}', ctr()), 'v');
  assert.is(run('{{index .Config.Labels "missing"}}', ctr()), ''); // map[string]string's zero value
  assert.is(run('{{.Config.Labels.k}}|{{.Config.Labels.nope}}', ctr()), 'v|<no value>');
  assert.is(run('{{index .Config.Cmd 2}}', ctr()), 'echo hi');
  assert.is(run('{{(index .Mounts 1).Source}}', ctr()), '/h');
  assert.is(run('{{.GraphDriver.Data.UpperDir}}', ctr()), '/u');
});

test('Go prints maps sorted, slices with spaces, structs in field order, nil', () => {
  assert.is(run('{{.Config.Labels}}', ctr()), 'map[com.x.y:z k:v]');
  assert.is(run('{{.Config.Env}}', ctr()), '[A=1 B=2]');
  assert.is(run('{{.State}}', ctr()), '{running true 42 0}');
  assert.is(run('{{.Config.Entrypoint}}', ctr()), '<nil>');
  assert.is(run('{{.Mounts}}', ctr()), '[{volume data /data true} {bind /h /etc/x false}]');
});

test("a null that is a nil slice or map in docker's types prints as Go prints those", () => {
  const d = goNils({ Entrypoint: null, Labels: null, Health: null }, { Entrypoint: 'slice', Labels: 'map' });
  assert.is(run('{{.Entrypoint}} {{.Labels}} {{.Health}}', d), '[] map[] <nil>');
  assert.is(run('{{json .Entrypoint}} {{json .Labels}} {{len .Entrypoint}} {{len .Labels}}', d), 'null null 0 0');
  assert.is(run('[{{index .Labels "k"}}] {{if .Entrypoint}}x{{else}}empty{{end}} {{range .Entrypoint}}x{{end}}', d), '[] empty ');
  assert.is(JSON.stringify(d), '{"Entrypoint":null,"Labels":null,"Health":null}', 'the data itself stays JSON');
});

test('range over slices and maps (sorted keys), with variables, else, break', () => {
  assert.is(run('{{range .Mounts}}{{.Destination}} {{end}}', ctr()), '/data /etc/x ');
  assert.is(run('{{range $i, $m := .Mounts}}{{$i}}={{$m.Destination}},{{end}}', ctr()), '0=/data,1=/etc/x,');
  assert.is(run('{{range $k, $v := .Config.Labels}}{{$k}}:{{$v}};{{end}}', ctr()), 'com.x.y:z;k:v;');
  assert.is(run('{{range .Nope}}x{{else}}empty{{end}}', { Nope: [] }), 'empty');
  assert.is(run('{{range .}}{{if eq . 3}}{{break}}{{end}}{{if eq . 1}}{{continue}}{{end}}{{.}}{{end}}', [0, 1, 2, 3, 4]), '02');
  assert.is(run('{{range $e := .Config.Env}}[{{$e}}]{{end}}', ctr()), '[A=1][B=2]');
  assert.is(run('{{range 3}}{{.}}{{end}}', {}), '012');
});

test('if / else if / else, with, and/or/not with Go truth', () => {
  const t = '{{if eq .State.Status "running"}}up{{else if eq .State.Status "exited"}}down{{else}}other{{end}}';
  assert.is(run(t, ctr()), 'up');
  assert.is(run(t, { State: { Status: 'exited' } }), 'down');
  assert.is(run(t, { State: { Status: 'created' } }), 'other');
  assert.is(run('{{with .State}}{{.Pid}}{{end}}', ctr()), '42');
  assert.is(run('{{with .Config.Entrypoint}}x{{else}}none{{end}}', ctr()), 'none');
  assert.is(run('{{and 1 0 2}} {{and 1 2}} {{or 0 "" "x"}} {{or 0 ""}} {{not ""}}', {}), '0 2 x  true');
  // and/or stop early: the failing call after the answer is never made
  assert.is(run('{{or true (index .L 5)}}', { L: [] }), 'true');
  assert.is(run('{{if and .State.Running (gt .State.Pid 1)}}ok{{end}}', ctr()), 'ok');
});

test('comparison functions follow Go: eq with several values, mismatched types fail', () => {
  assert.is(run('{{eq .A 1 2 3}} {{ne .A 2}} {{lt 1 2}} {{le 2 2}} {{gt "b" "a"}} {{ge 1 2}}', { A: 3 }), 'true true true true true false');
  assert.is(run('{{eq .Missing "x"}}', goMap({})), 'false');
  assert.match(fails('{{lt 1 "a"}}', {}), 'error calling lt: incompatible types for comparison');
  assert.match(fails('{{eq 1 "a"}}', {}), 'error calling eq: incompatible types for comparison');
});

test('variables: declare, assign, $ is the root', () => {
  assert.is(run('{{$n := .Name}}{{$n}}', ctr()), '/web');
  assert.is(run('{{$x := 1}}{{range .Mounts}}{{$x = 2}}{{end}}{{$x}}', ctr()), '2');
  assert.is(run('{{range .Mounts}}{{$.Name}}{{.Destination}} {{end}}', ctr()), '/web/data /web/etc/x ');
});

test('pipelines and parenthesised pipelines; the value goes last', () => {
  assert.is(run('{{.Name | printf "%s!"}}', ctr()), '/web!');
  assert.is(run('{{.Config.Env | len}}', ctr()), '2');
  assert.is(run('{{len (index .Mounts 0).Destination}}', ctr()), '5');
  assert.is(run('{{"a,b,c" | split "," | len}}', {}).length > 0 ? 'x' : '', 'x');
  assert.is(run('{{join (split "a,b,c" ",") "-"}}', {}), 'a-b-c');
});

test("docker's functions: json upper lower title split join truncate pad", () => {
  assert.is(run('{{json .State}}', ctr()), '{"Status":"running","Running":true,"Pid":42,"ExitCode":0}');
  assert.is(run('{{json .Config.Labels}}', ctr()), '{"com.x.y":"z","k":"v"}');
  assert.is(run('{{json .Config.Entrypoint}} {{json "<&>"}}', ctr()), 'null "<&>"');
  assert.is(run('{{upper "ab"}} {{lower "AB"}} {{title "hello wide world"}}', {}), 'AB ab Hello Wide World');
  assert.is(run('{{truncate "abcdef" 3}}|{{truncate "ab" 3}}|{{pad "x" 2 1}}|{{pad "" 2 1}}|', {}), 'abc|ab|  x ||');
  assert.is(run('{{slice "abcdef" 1 3}} {{slice .L 1}}', { L: ['a', 'b', 'c'] }), 'bc [b c]');
});

test('print, println and printf with the verbs scripts use', () => {
  assert.is(run('{{print "a" 1 2 "b"}}', {}), 'a1 2b');
  assert.is(run('{{println "a" 1}}', {}), 'a 1\n');
  assert.is(run('{{printf "%s|%d|%v|%q|%x|%-6s|%5d|%05d|%.2f|%t|%%" "s" 42 .L "q" 255 "ab" 7 7 3.14159 true}}', { L: [1, 2] }),
    's|42|[1 2]|"q"|ff|ab    |    7|00007|3.14|true|%');
  assert.is(run('{{printf "%d %s" "x"}}', {}), '%!d(string=x) %!s(MISSING)');
  assert.is(run('{{printf "%s" "a" 1}}', {}), 'a%!(EXTRA int=1)');
});

test('more of Go: scoping, decl in if/with, literals, byte lengths, map range values', () => {
  assert.is(run('{{range $i, $e := .L}}{{if $i}}, {{end}}{{$e}}{{end}}', { L: ['a', 'b', 'c'] }), 'a, b, c');
  assert.is(run('{{with $x := .State}}{{$x.Pid}}{{end}}', ctr()), '42');
  assert.is(run('{{if $p := .State.Pid}}{{$p}}{{end}}', ctr()), '42');
  assert.is(run('{{$x := 1}}{{if true}}{{$x := 2}}{{$x}}{{end}}{{$x}}', {}), '21');
  assert.is(run('{{printf "%.3s|%6.2f|%x|%q|%c|%v" "abcdef" 3.14159 "hi" 65 97 1.5}}', {}), 'abc|  3.14|6869|\'A\'|a|1.5');
  assert.is(run('{{"a" | printf "%s-%s" "b"}}', {}), 'b-a');
  assert.is(run('{{len "héllo"}} {{2.5e-5}} {{100}} {{-1}} {{0x10}} {{\'a\'}}', {}), '6 2.5e-05 100 -1 16 97');
  assert.is(run('{{"a\\tb"}}|{{`a\\n`}}', {}), 'a\tb|a\\n');
  assert.is(run('{{range .Config.Labels}}{{.}};{{end}}', ctr()), 'z;v;', 'a map ranges over its values in key order');
  assert.is(run('{{.Config.Labels.a.b}}', ctr()), '<no value>');
  assert.is(run('{{html "<a&b>"}}', {}), '&lt;a&amp;b&gt;');
  assert.is(run('{{if eq .S "x"}}y{{else with .T}}t={{.}}{{else}}n{{end}}', { S: 'q', T: 5 }), 't=5');
  assert.match(fails('{{range .L}}{{$y := 1}}{{end}}{{$y}}', { L: [] }), 'undefined variable "$y"');
  assert.match(fails('{{break}}', {}), '{{break}} outside {{range}}');
  assert.match(fails('{{/* x */ .A}}', {}), 'comment ends before closing delimiter');
  assert.match(fails('{{range .N}}{{end}}', { N: 'str' }), "range can't iterate over str");
});

test('trim markers and comments', () => {
  assert.is(run('a  {{- .X -}}  b', { X: 1 }), 'a1b');
  assert.is(run('{{/* a comment */}}x{{- /* trimmed */ -}}  y', {}), 'xy');
  assert.is(run('{{range .L -}}\n  {{.}}\n{{- end}}', { L: [1, 2] }), '12');
});

test('methods with arguments on list rows (.Label "k")', () => {
  const row = goStruct({ Names: 'web', Labels: 'a=1', Label: (k: string) => ({ a: '1' } as Record<string, string>)[k] ?? '' }, '*formatter.ContainerContext');
  assert.is(run('{{.Names}} {{.Label "a"}} [{{.Label "zz"}}]', row), 'web 1 []');
  assert.match(fails('{{.Label}}', row), 'wrong number of args for Label: want 1 got 0');
});

test('errors are reported like Go, never silently', () => {
  const row = goStruct({ Names: 'web' }, '*formatter.ContainerContext');
  assert.is(fails('{{.Foo}}', row), 'template parsing error: template: :1:2: executing "" at <.Foo>: can\'t evaluate field Foo in type *formatter.ContainerContext');
  assert.is(fails('{{.Foo}}', ctr()), 'template parsing error: template: :1:2: executing "" at <.Foo>: map has no entry for key "Foo"');
  assert.is(fails('{{.Foo}', {}), 'template parsing error: template: :1: unexpected "}" in operand');
  assert.is(fails('{{.Foo', {}), 'template parsing error: template: :1: unclosed action');
  assert.is(fails('{{if .X}}', {}), 'template parsing error: template: :1: unexpected EOF');
  assert.is(fails('{{end}}', {}), 'template parsing error: template: :1: unexpected {{end}}');
  assert.is(fails('{{nosuch .X}}', {}), 'template parsing error: template: :1: function "nosuch" not defined');
  assert.is(fails('{{$x}}', {}), 'template parsing error: template: :1: undefined variable "$x"');
  assert.is(fails('x\n{{index .L 3}}', { L: [] }), 'template parsing error: template: :2:2: executing "" at <index .L 3>: error calling index: index out of range: 3');
  assert.is(fails('{{upper .N}}', { N: 3 }), 'template parsing error: template: :1:8: executing "" at <.N>: wrong type for value; expected string; got int');
  assert.is(fails('{{.State.Pid.X}}', ctr()), 'template parsing error: template: :1:2: executing "" at <.State.Pid.X>: can\'t evaluate field X in type int');
});

test.run();
