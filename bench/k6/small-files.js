// Many small files: each virtual user saves 4 KiB files as fast as the gateway answers, and
// sometimes a batch of 50 in one multipart commit-batch request.
//
//   k6 run -e TOKENS=t1,t2,t3 bench/k6/small-files.js
import http from 'k6/http';
import { check } from 'k6';
import { BASE_URL, auth, content, path, thresholds, tlsOptions } from './lib.js';

export const options = Object.assign({}, tlsOptions, {
  scenarios: {
    small: {
      executor: 'ramping-vus',
      startVUs: 1,
      stages: [
        { duration: '30s', target: 32 },
        { duration: '2m', target: 64 },
        { duration: '15s', target: 0 },
      ],
    },
  },
  thresholds: thresholds('small', 200, 800),
});

const small = content(4096);

export default function () {
  if (__ITER % 20 === 19) {
    const parts = {};
    for (let i = 0; i < 50; i++) {
      parts[`file${i}`] = http.file(small, `k6/batch/${__VU}-${__ITER}-${i}.bin`);
    }
    // a part's field name may carry a precondition (ifMatch=, ifNoneMatch=*); these carry none
    const r = http.post(`${BASE_URL}/v1/ops/commit-batch`, parts, {
      headers: auth(__VU),
      tags: { name: 'POST /v1/ops/commit-batch' },
    });
    check(r, { 'batch committed': (res) => res.status === 200 && res.json('failed') === 0 });
    return;
  }
  const r = http.put(`${BASE_URL}/v1/files/${path('k6', 'small', __VU, `${__ITER}.bin`)}`, small, {
    headers: auth(__VU),
    tags: { name: 'PUT /v1/files/{path}' },
  });
  check(r, { 'stored': (res) => res.status === 201 || res.status === 200 });
}
