// Baseline: a bare node:http server doing profile's work (./profile-work.ts): the floor under any framework.
import { createServer } from 'node:http';
import { announce } from '../child-process.js';
import { createProfileWork, readBaselineConfig } from './profile-work.js';

const profileWork = createProfileWork(readBaselineConfig(process.env));
const NOT_FOUND = JSON.stringify({ success: false, message: 'Not found.', error: 'NOT_FOUND' });

const server = createServer((req, res) => {
  const found = req.method === 'GET' && req.url === '/api/auth/profile';
  const answer = found ? profileWork(req.headers.authorization) : undefined;
  const text = answer ? JSON.stringify(answer.body) : NOT_FOUND;
  res.writeHead(answer?.status ?? 404, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
  });
  res.end(text);
});

server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  announce({ port: typeof address === 'object' && address !== null ? address.port : undefined });
});
