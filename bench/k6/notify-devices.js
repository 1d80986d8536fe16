// Parallel notify: many connected devices of one user listen on the WebSocket push channel
// while one writer changes files; every device must hear of every change quickly.
// (k6 has no Server-Sent Events client; /v1/ws carries the same notifications.)
//
//   k6 run -e TOKEN=... -e DEVICES=200 bench/k6/notify-devices.js
import http from 'k6/http';
import ws from 'k6/ws';
import { check } from 'k6';
import { Counter, Trend } from 'k6/metrics';
import { BASE_URL, auth, tlsOptions } from './lib.js';

const DEVICES = Number(__ENV.DEVICES || 200);
const WS_URL = BASE_URL.replace(/^http/, 'ws');
const notified = new Counter('ironsync_notifications');
const notifyDelay = new Trend('ironsync_notify_delay_ms', true);

export const options = Object.assign({}, tlsOptions, {
  scenarios: {
    listeners: {
      executor: 'ramping-vus',
      exec: 'listen',
      startVUs: 0,
      stages: [
        { duration: '30s', target: DEVICES },
        { duration: '1m30s', target: DEVICES },
        { duration: '10s', target: 0 },
      ],
    },
    writer: {
      executor: 'constant-arrival-rate',
      exec: 'write',
      rate: 5,
      timeUnit: '1s',
      duration: '1m30s',
      startTime: '30s',
      preAllocatedVUs: 5,
    },
  },
  thresholds: {
    'http_req_failed{scenario:writer}': ['rate<0.01'],
    ironsync_notify_delay_ms: ['p(95)<1000', 'p(99)<5000'],
    ironsync_notifications: ['count>0'],
  },
});

export function listen() {
  const res = ws.connect(`${WS_URL}/v1/ws`, { headers: auth(0, { 'X-Device-Id': `listener-${__VU}` }) }, (socket) => {
    socket.on('message', (text) => {
      const message = JSON.parse(text);
      if (message.type === 'changes') {
        notified.add(1);
        for (const change of message.changes) {
          notifyDelay.add(Date.now() - Date.parse(change.ts));
        }
      }
    });
    socket.setTimeout(() => socket.close(), 60000);
  });
  check(res, { 'upgraded': (r) => r && r.status === 101 });
}

export function write() {
  const r = http.put(`${BASE_URL}/v1/files/k6/notify/${__VU}-${__ITER}.txt`, `change ${__ITER}`, {
    headers: auth(0, { 'X-Device-Id': 'writer' }),
    tags: { name: 'PUT /v1/files/{path}' },
  });
  check(r, { 'written': (res) => res.status === 201 || res.status === 200 });
}
