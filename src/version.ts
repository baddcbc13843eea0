/** Product version, kept in step with package.json by the release script. */
export const VERSION = '0.1.0';

/** User-Agent for every request to a CA (RFC 8555 section 6.1 requires clients to send one). */
export function userAgent(): string {
  return `acme-lineage/${VERSION} (+https://github.com/acme-lineage/acme-lineage) node/${process.versions.node}`;
}
