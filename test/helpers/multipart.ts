/** Helpers for this module's tests: multipart bodies and tiny files of each kind. */

export async function multipart(
  fields: Record<string, string | string[]>,
  files: Array<{ name: string; filename: string; data: Buffer | Uint8Array; type?: string }> = [],
): Promise<{ body: Buffer; contentType: string }> {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields))
    for (const item of Array.isArray(v) ? v : [v]) form.append(k, item);
  for (const f of files)
    form.append(
      f.name,
      new Blob([new Uint8Array(f.data)], { type: f.type ?? 'application/octet-stream' }),
      f.filename,
    );
  const response = new Response(form);
  return {
    body: Buffer.from(await response.arrayBuffer()),
    contentType: response.headers.get('content-type')!,
  };
}

export const PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n',
);

/** A 1×1 PNG. */
export const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);

/** An HTML page dressed up as a PDF by its name. */
export const HTML_AS_PDF = Buffer.from('<html><script>alert(1)</script></html>');
