// Go's text/template as docker uses it (--format, inspect -f): one engine for
// every verb and every face. Producers mark Go maps with goMap() and name
// structs with goStruct(); the CLI prints what formatList / renderTemplate return.
export { compileTemplate, renderTemplate, formatList, isTableFormat, type ListFormat } from './format.js';
export { goJsonTags, goMap, goNils, goStruct } from './values.js';
export { goQuote, goJson, formatValue } from './fmt.js';
export { tabwrite, displayWidth } from './tabwriter.js';
export type { Template } from './parse.js';
