// Fault injection for `npm run test:faults`: loaded with NODE_OPTIONS=--require into the job
// process only, it makes every write to a checkpoint being written under a label matching
// NAS_FAULT_ENOSPC (a regular expression, e.g. `epoch-2`) fail with ENOSPC, as a full disk
// would. Everything else (events, experiment.json, earlier checkpoints) writes normally.
'use strict';
const fs = require('node:fs');

if (process.env.NAS_FAULT_ENOSPC && /jobMain\.js$/.test(process.argv[1] || '')) {
  const pattern = new RegExp(`[\\\\/]\\.tmp-(${process.env.NAS_FAULT_ENOSPC})-`);
  const doomed = new Set();
  const openSync = fs.openSync;
  const writeSync = fs.writeSync;
  const closeSync = fs.closeSync;
  fs.openSync = function (file, ...rest) {
    const fd = openSync.call(this, file, ...rest);
    if (typeof file === 'string' && pattern.test(file)) doomed.add(fd);
    return fd;
  };
  fs.closeSync = function (fd) {
    doomed.delete(fd);
    return closeSync.call(this, fd);
  };
  fs.writeSync = function (fd, ...rest) {
    if (doomed.has(fd)) {
      const error = new Error('ENOSPC: no space left on device, write');
      error.code = 'ENOSPC';
      error.errno = -28;
      error.syscall = 'write';
      throw error;
    }
    return writeSync.call(this, fd, ...rest);
  };
}
