import { gunzipSync } from 'node:zlib';

/**
 * A minimal reader for the single-binary release archives we download (istioctl-*.tar.gz holds
 * `istioctl` at its root; Istio release/downloadIstioCtl.sh extracts it the same way). Handles
 * ustar name prefixes and GNU long names; skips pax headers. No dependency on a system `tar`.
 */
export function extractFromTarGz(archive: Buffer, member: string): Buffer | undefined {
  const tar = gunzipSync(archive);
  let offset = 0;
  let longName: string | undefined;
  while (offset + 512 <= tar.length) {
    const header = tar.subarray(offset, offset + 512);
    if (header.every((b) => b === 0)) return undefined;
    const field = (start: number, length: number) =>
      header
        .subarray(start, start + length)
        .toString('utf8')
        .replace(/\0.*$/s, '');
    const size = parseInt(field(124, 12).trim() || '0', 8);
    const type = field(156, 1) || '0';
    const prefix = field(345, 155);
    const name = longName ?? (prefix ? `${prefix}/${field(0, 100)}` : field(0, 100));
    const body = tar.subarray(offset + 512, offset + 512 + size);
    longName = undefined;
    if (type === 'L') longName = body.toString('utf8').replace(/\0.*$/s, '');
    else if ((type === '0' || type === '7') && name.replace(/^\.\//, '') === member) return Buffer.from(body);
    offset += 512 + Math.ceil(size / 512) * 512;
  }
  return undefined;
}
