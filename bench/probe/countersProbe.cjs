'use strict';
// Preloaded into the API server by `npm run bench` only (node --require), never in production.
// The server already counts its MySQL queries and Redis commands (app/infra/counters.ts, the
// counters the hot-path tests assert on) but does not expose them yet. This probe records every
// Counters instance the server creates and answers the bench's IPC message with their sum, so
// the bench reads exact per-process counts instead of machine-wide server statistics, which on a
// shared MySQL/Redis include other clients' traffic. It adds no work to any request. It needs the
// compiled server (dist/, where exports are plain properties), which is what the bench runs.
const Module = require('node:module');

const instances = [];
const originalLoad = Module._load;
Module._load = function loadWithCounterProbe(request, parent, isMain) {
  const loaded = originalLoad.call(this, request, parent, isMain);
  const Original = loaded && loaded.Counters;
  if (typeof Original === 'function' && typeof Original.prototype.snapshot === 'function' && !Original.probed) {
    class ProbedCounters extends Original {
      constructor(...args) {
        super(...args);
        instances.push(this);
      }
    }
    ProbedCounters.probed = true;
    loaded.Counters = ProbedCounters;
  }
  return loaded;
};

process.on('message', (message) => {
  if (message !== 'bench:counters' || !process.send) return;
  const sum = {};
  for (const counters of instances) {
    for (const [name, value] of Object.entries(counters.snapshot())) sum[name] = (sum[name] || 0) + value;
  }
  process.send({ type: 'bench:counters', counters: sum, instances: instances.length });
});
