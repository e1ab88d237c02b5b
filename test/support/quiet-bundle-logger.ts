/** A logger for `bundleWorkflowCode` that prints only errors: the bundler's progress is noise in tests and benchmarks. */
export const QUIET_BUNDLE_LOGGER = { trace() {}, debug() {}, info() {}, warn() {}, error: console.error, log() {} };
