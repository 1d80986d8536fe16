// Sync-pull load: devices that are up to date ask the delta feed for news at a fixed rate.
//
//   k6 run -e TOKEN=... -e RATE=500 bench/k6/delta-feed.js
import http from 'k6/http';
import { check } from 'k6';
import { BASE_URL, auth, thresholds, tlsOptions } from './lib.js';

const RATE = Number(__ENV.RATE || 500);

export const options = Object.assign({}, tlsOptions, {
  scenarios: {
    feed: {
      executor: 'ramping-arrival-rate',
      startRate: Math.max(1, Math.floor(RATE / 10)),
      timeUnit: '1s',
      preAllocatedVUs: 50,
      maxVUs: 400,
      stages: [
        { duration: '30s', target: RATE },
        { duration: '2m', target: RATE },
        { duration: '15s', target: 0 },
      ],
    },
  },
  thresholds: thresholds('feed', 50, 150),
});

export function setup() {
  // a cursor at the head of the journal, as an up-to-date device holds
  let cursor = null;
  let next = `${BASE_URL}/v1/changes?limit=1000`;
  for (let page = 0; page < 100; page++) {
    const r = http.get(next, { headers: auth(0) });
    cursor = r.json('cursor');
    if (!r.json('hasMore')) break;
    next = `${BASE_URL}/v1/changes?limit=1000&cursor=${encodeURIComponent(cursor)}`;
  }
  return { cursor };
}

export default function (data) {
  const r = http.get(`${BASE_URL}/v1/changes?cursor=${encodeURIComponent(data.cursor)}`, {
    headers: auth(0),
    tags: { name: 'GET /v1/changes' },
  });
  check(r, { 'feed answered': (res) => res.status === 200 });
}
