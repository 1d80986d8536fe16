// Resumable uploads with tus: create, PATCH in chunks, check the commit.
//
//   k6 run -e TOKEN=... -e SIZE_MIB=64 -e CHUNK_MIB=8 bench/k6/resumable.js
import http from 'k6/http';
import encoding from 'k6/encoding';
import { check, fail } from 'k6';
import { BASE_URL, auth, content, thresholds, tlsOptions } from './lib.js';

const SIZE_MIB = Number(__ENV.SIZE_MIB || 64);
const CHUNK_MIB = Number(__ENV.CHUNK_MIB || 8);
const MIB = 1024 * 1024;

export const options = Object.assign({}, tlsOptions, {
  scenarios: {
    tus: {
      executor: 'ramping-vus',
      startVUs: 1,
      stages: [
        { duration: '30s', target: 8 },
        { duration: '2m', target: 8 },
        { duration: '10s', target: 0 },
      ],
    },
  },
  thresholds: thresholds('tus', 3000, 10000),
});

const chunk = content(CHUNK_MIB * MIB);

export default function () {
  const tus = auth(__VU, { 'Tus-Resumable': '1.0.0' });
  const target = `k6/tus/${__VU}-${__ITER}.bin`;
  const created = http.post(`${BASE_URL}/v1/uploads`, null, {
    headers: Object.assign({}, tus, {
      'Upload-Length': String(SIZE_MIB * MIB),
      'Upload-Metadata': `path ${encoding.b64encode(target)}`,
    }),
    tags: { name: 'POST /v1/uploads' },
  });
  if (!check(created, { 'upload created': (r) => r.status === 201 })) {
    fail(`creation answered ${created.status}`);
  }
  const location = created.headers.Location;
  for (let offset = 0; offset < SIZE_MIB * MIB; offset += CHUNK_MIB * MIB) {
    const r = http.patch(`${BASE_URL}${location}`, chunk, {
      headers: Object.assign({}, tus, {
        'Upload-Offset': String(offset),
        'Content-Type': 'application/offset+octet-stream',
      }),
      tags: { name: 'PATCH /v1/uploads/{id}' },
    });
    if (!check(r, { 'chunk stored': (res) => res.status === 204 })) {
      return;
    }
  }
}
