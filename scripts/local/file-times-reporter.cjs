/**
 * A mocha reporter for `npm run bench:loop`: the wall time of each test file
 * (from its first suite starting to its last ending), written as JSON to the
 * file TMS_FILE_TIMES names, plus mocha's usual dot output.
 */
const fs = require("fs");
const path = require("path");
const Mocha = require("mocha");

class FileTimes extends Mocha.reporters.Dot {
  constructor(runner, options) {
    super(runner, options);
    const started = new Map();
    const times = {};
    runner.on(Mocha.Runner.constants.EVENT_SUITE_BEGIN, (suite) => {
      if (suite.file && !started.has(suite.file)) started.set(suite.file, performance.now());
    });
    runner.on(Mocha.Runner.constants.EVENT_SUITE_END, (suite) => {
      if (suite.file && started.has(suite.file)) times[path.relative(process.cwd(), suite.file)] = performance.now() - started.get(suite.file);
    });
    runner.once(Mocha.Runner.constants.EVENT_RUN_END, () => {
      if (process.env.TMS_FILE_TIMES) fs.writeFileSync(process.env.TMS_FILE_TIMES, JSON.stringify(times));
    });
  }
}

module.exports = FileTimes;
