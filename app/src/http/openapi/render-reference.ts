/**
 * /api/docs/: the OpenAPI document as a page to read, rendered from the document itself, so it
 * cannot say anything the document does not. Plain HTML and one stylesheet from the same origin,
 * which nginx's Content-Security-Policy allows (style-src 'self'); no script.
 */
import type { OpenApiDocument } from './openapi-document.ts';

type Json = Record<string, unknown>;

const escape = (text: string) =>
  text.replace(
    /[&<>"]/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] ?? c,
  );

/** A schema as one line: `{access: string, refresh?: string}`, following references by name. */
function shape(schema: Json | undefined): string {
  if (!schema) return '';
  if (typeof schema.$ref === 'string') return schema.$ref.split('/').pop() ?? '';
  if (Array.isArray(schema.anyOf)) return (schema.anyOf as Json[]).map(shape).join(' or ');
  if (schema.type !== 'object' || !schema.properties) {
    return typeof schema.type === 'string' ? schema.type : 'any';
  }
  const required = new Set((schema.required as string[] | undefined) ?? []);
  const fields = Object.entries(schema.properties as Record<string, Json>).map(
    ([name, field]) => `${name}${required.has(name) ? '' : '?'}: ${shape(field)}`,
  );
  return `{${fields.join(', ')}}`;
}

function operation(path: string, method: string, op: Json): string {
  const body = (op.requestBody as Json | undefined)?.content as Record<string, Json> | undefined;
  const responses = Object.entries(op.responses as Record<string, Json>).map(([status, r]) => {
    const content = r.content as Record<string, Json> | undefined;
    const schema = content?.['application/json']?.schema as Json | undefined;
    return `<tr><td>${status}</td><td>${escape(String(r.description))}</td><td><code>${escape(shape(schema))}</code></td></tr>`;
  });
  return `<section id="${escape(String(op.operationId))}">
<h2><span class="method">${method.toUpperCase()}</span> <code>${escape(path)}</code></h2>
<p>${escape(String(op.summary))}${op.security ? ' <em>(authenticated)</em>' : ''}</p>
${body ? `<p>Body (${Object.keys(body).map(escape).join(' or ')}): <code>${escape(shape(Object.values(body)[0]?.schema as Json))}</code></p>` : ''}
<table><thead><tr><th>status</th><th>when</th><th>body</th></tr></thead><tbody>${responses.join('')}</tbody></table>
</section>`;
}

export function renderReference(document: OpenApiDocument): string {
  const sections = Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item as Record<string, Json>).map(([method, op]) => operation(path, method, op)),
  );
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escape(document.info.title)}</title>
<link rel="stylesheet" href="/api/docs/reference.css"></head>
<body><header><h1>${escape(document.info.title)}</h1><p>${escape(document.info.description)}</p>
<p>Machine-readable: <a href="/api/schema/">/api/schema/</a> (OpenAPI ${document.openapi}).</p></header>
<main>${sections.join('\n')}</main></body></html>`;
}

export const referenceStylesheet = `body{font:16px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1b1f24}
header{border-bottom:2px solid #d0d7de;margin-bottom:1.5rem}
section{border:1px solid #d0d7de;border-radius:6px;padding:0 1rem 1rem;margin:1rem 0}
h2{font-size:1.1rem}.method{background:#0969da;color:#fff;border-radius:4px;padding:.1rem .5rem;font-size:.9rem}
table{border-collapse:collapse;width:100%}th,td{text-align:left;border-top:1px solid #eaeef2;padding:.3rem .5rem;vertical-align:top}
code{font-family:ui-monospace,monospace;font-size:.9em}`;
