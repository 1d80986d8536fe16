// A realistic mix: most files under 1 MB, a few over 100 MB; reads, listings and the delta feed
// between writes, across many users.
//
//   k6 run -e TOKENS=t1,t2,...,t20 bench/k6/mixed.js
import http from 'k6/http';
import { check } from 'k6';
import { BASE_URL, auth, content, path, thresholds, tlsOptions } from './lib.js';

export const options = Object.assign({}, tlsOptions, {
  scenarios: {
    mixed: {
      executor: 'ramping-vus',
      startVUs: 1,
      stages: [
        { duration: '1m', target: 40 },
        { duration: '3m', target: 40 },
        { duration: '30s', target: 0 },
      ],
    },
  },
  thresholds: Object.assign(thresholds('mixed', 2000, 30000), {
    'http_req_duration{size:small}': ['p(95)<300', 'p(99)<1000'],
  }),
});

// sizes: 70% 4-64 KiB, 25% 64 KiB-1 MiB, 5% 100-150 MiB (the large ones are built once)
const tiny = content(16 * 1024);
const medium = content(512 * 1024);
const huge = content(120 * 1024 * 1024);

function pick() {
  const roll = Math.random();
  if (roll < 0.7) return { body: tiny, size: 'small' };
  if (roll < 0.95) return { body: medium, size: 'medium' };
  return { body: huge, size: 'large' };
}

export default function () {
  const user = __VU;
  const file = pick();
  const url = `${BASE_URL}/v1/files/${path('k6', 'mixed', `${__ITER % 200}.bin`)}`;
  const put = http.put(url, file.body, {
    headers: auth(user),
    tags: { name: 'PUT /v1/files/{path}', size: file.size },
    timeout: '300s',
  });
  check(put, { 'stored': (r) => r.status === 201 || r.status === 200 });
  const roll = Math.random();
  if (roll < 0.5) {
    check(http.get(url, { headers: auth(user), responseType: 'none', tags: { name: 'GET /v1/files/{path}', size: file.size } }), {
      'read': (r) => r.status === 200,
    });
  } else if (roll < 0.8) {
    check(http.get(`${BASE_URL}/v1/list/k6/mixed?limit=100`, { headers: auth(user), tags: { name: 'GET /v1/list/{path}', size: 'small' } }), {
      'listed': (r) => r.status === 200,
    });
  } else {
    check(http.get(`${BASE_URL}/v1/changes?limit=100`, { headers: auth(user), tags: { name: 'GET /v1/changes', size: 'small' } }), {
      'feed': (r) => r.status === 200,
    });
  }
}
