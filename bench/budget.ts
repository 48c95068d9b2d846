// The performance budget of issue 7, as ratios measured in the same run: each line passes or fails.
import type { BudgetLine, Measured } from './results.js';

const percent = (ratio: number) => `${(ratio * 100).toFixed(1)}%`;

export function checkBudget(m: Measured): BudgetLine[] {
  const profileVsExpress = m.profileRatios.medianRatios.express;
  const loginVsBcrypt = m.login.rps / m.bcrypt.comparesPerSecond;
  const refreshVsProfile = m.refresh.medianRatio;
  const healthP99 = m.storm.health.p99Ms;
  const { growth, earlyAtSeconds, earlyRssMiB, endRssMiB } = m.memory;
  return [
    {
      check: 'profile at least 70% of the plain Express 5 same-work baseline',
      measured: `${percent(profileVsExpress)}, the median of ${m.profileRatios.ratios.length} interleaved rounds (${m.profileRatios.ratios.map((r) => percent(r.express)).join(', ')}; ${m.profile.rps} vs ${m.express.rps} req/s overall)`,
      pass: profileVsExpress >= 0.7,
    },
    {
      check: 'login at least 90% of the raw bcrypt compare rate',
      measured: `${percent(loginVsBcrypt)} (${m.login.rps} vs ${m.bcrypt.comparesPerSecond.toFixed(1)}/s)`,
      pass: loginVsBcrypt >= 0.9,
    },
    {
      check: 'refresh at least 40% of the profile rate',
      measured: `${percent(refreshVsProfile)}, the median of ${m.refresh.ratios.length} rounds interleaved with profile on the same server (${m.refresh.ratios.map(percent).join(', ')}; ${m.refresh.figures.rps} vs ${m.refresh.profile.rps} req/s overall)`,
      pass: refreshVsProfile >= 0.4,
    },
    {
      check: `/health p99 under 50 ms during a login storm at twice the bcrypt rate (${m.storm.offeredLoginRate}/s)`,
      measured: `${healthP99} ms`,
      pass: healthP99 < 50,
    },
    {
      check: `RSS after ${m.memory.figures.seconds.toFixed(0)} s of steady profile load within 15% of RSS after ${earlyAtSeconds} s`,
      measured: `${growth >= 0 ? '+' : ''}${percent(growth)} (${earlyRssMiB} -> ${endRssMiB} MiB, medians of the 5 s up to each point)`,
      pass: Math.abs(growth) <= 0.15,
    },
  ];
}
