/** What every scenario gets from bench/run.ts. */
export interface ScenarioContext {
  /** Small sizes, to check the harness in under two minutes; the figures mean nothing. */
  quick: boolean;
  /** Run the worker under `node --cpu-prof` and summarize where its CPU went. */
  profile: boolean;
  /** Results of the scenarios that ran before in the same invocation, by name (the storm reads the floor's). */
  earlier: Record<string, ScenarioResult>;
}

/** A scenario's figures plus how its environment was set up (written into bench/results/<name>.json). */
export interface ScenarioResult extends Record<string, unknown> {
  temporalServer: string;
  simulators: string;
}
