import { ensureSearchAttributes } from '../src/client/ensure-search-attributes';
import { BRIDGE_SEARCH_ATTRIBUTES } from '../src/shared/search-attributes';
import { runCommand } from './lib/command';
import { ExitCode, OperationFailed } from './lib/exit-codes';

runCommand({
  name: 'register-search-attributes',
  summary: `Registers the bridge's search attributes (Keyword): ${BRIDGE_SEARCH_ATTRIBUTES.map((k) => k.name).join(', ')}.`,
  details: [
    'Workers do this at start when the namespace allows it; without them deliveries run but cannot be filtered. ' +
      'Temporal Cloud does not let clients register them: add them in the Cloud UI (Namespace → Search Attributes) or ' +
      'with tcld (see docs/operations.md).',
  ],
  options: {},
  examples: [''],
  async run(_values, { connect, temporalConfig, out }) {
    const config = temporalConfig();
    const client = await connect(config);
    const registered = await ensureSearchAttributes(client, config.namespace);
    const names = BRIDGE_SEARCH_ATTRIBUTES.map((k) => k.name);
    if (!registered) {
      throw new OperationFailed(
        `the server refused to register ${names.join(', ')} in namespace ${config.namespace} (Temporal Cloud or no operator ` +
          `permission): register them as Keyword in the Cloud UI or with tcld namespace search-attributes add, or ask the cluster's operator`,
      );
    }
    const { customAttributes } = await client.connection.operatorService.listSearchAttributes({
      namespace: config.namespace,
    });
    for (const name of names)
      out(`${name.padEnd(17)}${name in (customAttributes ?? {}) ? 'registered (Keyword)' : 'missing'}\n`);
    return names.every((n) => n in (customAttributes ?? {})) ? ExitCode.ok : ExitCode.failed;
  },
});
