import { DefaultFailureConverter } from '@temporalio/common';

/**
 * Moves failure messages and stack traces into an encoded payload so the payload codec encrypts them too; loaded by
 * path (FAILURE_CONVERTER_PATH) by workers, the workflow bundle and clients.
 */
export const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
