// Rewrites the table of docs/errors.md from src/errors/error-codes.ts (run after `npm run build`):
//   npm run docs:errors
import { readFileSync, writeFileSync } from 'node:fs';
import { ERROR_CODES } from '../dist/errors/error-codes.js';

const path = new URL('../docs/errors.md', import.meta.url);
const doc = readFileSync(path, 'utf8');
const head = doc.slice(0, doc.indexOf('| code | HTTP |'));
let table = '| code | HTTP | CLI exit | meaning |\n|---|---|---|---|\n';
for (const [code, v] of Object.entries(ERROR_CODES))
  table += `| \`${code}\` | ${v.http} | ${v.exit} | ${v.summary} |\n`;
writeFileSync(path, head + table);
