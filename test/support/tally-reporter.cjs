// A Mocha reporter: the spec reporter's output, plus the run's totals written as JSON to the
// file named by TALLY_FILE, so `make test` can add up every tier into one closing line.
'use strict';
const fs = require('node:fs');
const Mocha = require('mocha');

class TallyReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    runner.once(Mocha.Runner.constants.EVENT_RUN_END, () => {
      const file = process.env.TALLY_FILE;
      if (!file) return;
      const { passes, failures, pending, tests } = runner.stats;
      fs.writeFileSync(file, JSON.stringify({ passed: passes, failed: failures, skipped: pending, tests }));
    });
  }
}
module.exports = TallyReporter;
