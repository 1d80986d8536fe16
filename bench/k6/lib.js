// Shared settings of the IronSync k6 scenarios.
//
// BASE_URL  the gateway, e.g. https://127.0.0.1:8443 (k6 speaks HTTP/2 only over TLS, never
//           h2c; against the plain port it uses HTTP/1.1)
// TOKEN     a bearer token: java -jar app/target/ironsync.jar token --user load --ttl-seconds 86400
// TOKENS    several tokens, comma-separated, for scenarios with many users (else TOKEN for all)
import { randomBytes } from 'k6/crypto';

export const BASE_URL = __ENV.BASE_URL || 'https://127.0.0.1:8443';
const TOKENS = (__ENV.TOKENS || __ENV.TOKEN || '').split(',').filter((t) => t.length > 0);

if (TOKENS.length === 0) {
  throw new Error('set TOKEN (or TOKENS): java -jar app/target/ironsync.jar token --user load');
}

// the gateway's self-signed development certificate is not trusted by k6
export const tlsOptions = { insecureSkipTLSVerify: true };

/** The token of virtual user n (round-robin over TOKENS). */
export function token(n) {
  return TOKENS[n % TOKENS.length];
}

export function auth(n, extra) {
  return Object.assign({ Authorization: `Bearer ${token(n)}` }, extra || {});
}

/** A file path made of URL-safe characters. */
export function path(...parts) {
  return parts.map((p) => encodeURIComponent(String(p))).join('/');
}

/** Random content of the given size (k6 keeps it in memory: mind large sizes). */
export function content(bytes) {
  return randomBytes(bytes);
}

/** The thresholds every scenario shares: few failures, and per-scenario latency bounds. */
export function thresholds(scenario, p95ms, p99ms) {
  const t = {};
  t[`http_req_failed{scenario:${scenario}}`] = ['rate<0.01'];
  t[`http_req_duration{scenario:${scenario}}`] = [`p(95)<${p95ms}`, `p(99)<${p99ms}`];
  return t;
}
