import type { DataConverter } from '@temporalio/common';
import type { TemporalConfig } from '../config/types';
import { payloadCodecsFor } from './payload-codec';

/** Module path of the failure converter, for data converters and for `bundleWorkflowCode`. */
export const FAILURE_CONVERTER_PATH = require.resolve('../shared/failure-converter');

/** The data converter of every worker and client: encrypted payloads and encrypted failure messages. */
export function bridgeDataConverter(encryption: TemporalConfig['encryption']): DataConverter {
  return { payloadCodecs: payloadCodecsFor(encryption), failureConverterPath: FAILURE_CONVERTER_PATH };
}
