// Many devices of one user put files in parallel and pull each other's changes through the delta
// feed, as sync clients do after a push notification.
//
//   k6 run -e TOKEN=... bench/k6/put-and-sync.js
import http from 'k6/http';
import { check } from 'k6';
import { BASE_URL, auth, content, path, thresholds, tlsOptions } from './lib.js';

export const options = Object.assign({}, tlsOptions, {
  scenarios: {
    devices: {
      executor: 'ramping-vus',
      startVUs: 1,
      stages: [
        { duration: '30s', target: 20 },
        { duration: '1m', target: 50 },
        { duration: '30s', target: 0 },
      ],
    },
  },
  thresholds: thresholds('devices', 500, 1500),
});

const body = content(16 * 1024);

export default function () {
  const device = `device-${__VU}`;
  const headers = auth(0, { 'X-Device-Id': device });
  const put = http.put(`${BASE_URL}/v1/files/${path('k6', device, `f-${__ITER}.bin`)}`, body, {
    headers,
    tags: { name: 'PUT /v1/files/{path}' },
  });
  check(put, { 'put stored': (r) => r.status === 201 || r.status === 200 });

  const changes = http.get(`${BASE_URL}/v1/changes?limit=100`, {
    headers,
    tags: { name: 'GET /v1/changes' },
  });
  check(changes, { 'feed read': (r) => r.status === 200 && r.json('cursor') !== undefined });
}
