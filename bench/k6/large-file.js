// Large-file streaming: a few users upload and download big files at once.
// k6 holds request bodies in memory: SIZE_MIB times the virtual users must fit the load host.
//
//   k6 run -e TOKEN=... -e SIZE_MIB=256 bench/k6/large-file.js
import http from 'k6/http';
import { check } from 'k6';
import { BASE_URL, auth, content, thresholds, tlsOptions } from './lib.js';

const SIZE_MIB = Number(__ENV.SIZE_MIB || 128);

export const options = Object.assign({}, tlsOptions, {
  scenarios: {
    large: {
      executor: 'ramping-vus',
      startVUs: 1,
      stages: [
        { duration: '1m', target: 4 },
        { duration: '2m', target: 4 },
        { duration: '10s', target: 0 },
      ],
    },
  },
  thresholds: Object.assign(thresholds('large', 60000, 120000), {
    // at least 20 MiB/s per transfer on average
    'http_req_duration{name:PUT large}': [`avg<${(SIZE_MIB / 20) * 1000}`],
  }),
});

const body = content(SIZE_MIB * 1024 * 1024);

export default function () {
  const url = `${BASE_URL}/v1/files/k6/large/${__VU}.bin`;
  const put = http.put(url, body, {
    headers: auth(__VU),
    tags: { name: 'PUT large' },
    timeout: '600s',
  });
  check(put, { 'large stored': (r) => r.status === 201 || r.status === 200 });
  const get = http.get(url, {
    headers: auth(__VU),
    responseType: 'none',
    tags: { name: 'GET large' },
    timeout: '600s',
  });
  check(get, { 'large read': (r) => r.status === 200 });
}
