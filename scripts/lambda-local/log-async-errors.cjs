'use strict';

// Preloaded (node -r) into `serverless offline start` by scripts/services.sh.
//
// serverless 3 loads the "essentials" package, which turns every unhandled promise rejection
// into an uncaught exception unless another 'unhandledRejection' listener exists. serverless-offline
// 13 does not await the handler of an async invocation (X-Amz-Invocation-Type: Event), so a handler
// that throws there would kill the whole local Lambda service. Registering our own listener keeps
// the server up and just logs the failure, as AWS would for an async invocation.
process.on('unhandledRejection', (reason) => {
  const text = reason && reason.stack ? reason.stack : String(reason);
  process.stderr.write(`[lambda-local] async invocation failed: ${text}\n`);
});
