// Baseline: a plain Express 5 app doing profile's work (./profile-work.ts) and nothing else. ETag and X-Powered-By
// are off, as in the service, so both send the same body with no extra hashing.
import express from 'express';
import { announce } from '../child-process.js';
import { createProfileWork, readBaselineConfig } from './profile-work.js';

const profileWork = createProfileWork(readBaselineConfig(process.env));
const app = express();
app.disable('x-powered-by');
app.disable('etag');
app.get('/api/auth/profile', (req, res) => {
  const answer = profileWork(req.get('authorization'));
  res.status(answer.status).json(answer.body);
});

const server = app.listen(0, '127.0.0.1', () => {
  const address = server.address();
  announce({ port: typeof address === 'object' && address !== null ? address.port : undefined });
});
// A graceful end, so that under node --cpu-prof (npm run bench:profile) the profile is written.
process.on('SIGTERM', () => process.exit(0));
