/**
 * multipart/form-data as the Bot API server reads it: lenient about header spacing and an unquoted
 * filename, which grammY sends (`content-disposition:form-data;name="x";filename=a.png`) and Telegram
 * accepts, but undici's strict parser refuses.
 */
import { BrainError } from '../../contract/errors.ts';

export interface FormPart {
  name: string;
  filename: string | null;
  data: Buffer;
}

/** A body the fake Bot API cannot read: answered as Telegram would, 400 Bad Request with these words. */
const badMultipart = (message: string) => new BrainError(message, { domain: 'telegram_loopback', code: 'bad_multipart', retryable: false });

export function parseMultipart(body: Buffer, contentType: string): FormPart[] {
  const boundary = /boundary=("?)([^";]+)\1/i.exec(contentType)?.[2];
  if (!boundary) throw badMultipart(`multipart body without a boundary (content-type ${JSON.stringify(contentType)})`);
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: FormPart[] = [];
  let at = body.indexOf(delimiter);
  while (at >= 0) {
    const start = at + delimiter.length;
    if (body.subarray(start, start + 2).toString() === '--') break;
    const next = body.indexOf(delimiter, start);
    if (next < 0) throw badMultipart('multipart body without its closing boundary');
    // A part is "\r\n headers \r\n\r\n content \r\n" between two delimiters.
    const part = body.subarray(start + 2, next - 2);
    const split = part.indexOf('\r\n\r\n');
    if (split < 0) throw badMultipart('multipart part without headers');
    const headers = part.subarray(0, split).toString('utf8');
    const name = /name="([^"]*)"/i.exec(headers)?.[1];
    if (name === undefined) throw badMultipart(`multipart part without a name: ${headers.slice(0, 80)}`);
    const filename = /filename="?([^";\r\n]+)"?/i.exec(headers)?.[1] ?? null;
    parts.push({ name, filename, data: Buffer.from(part.subarray(split + 4)) });
    at = next;
  }
  return parts;
}
