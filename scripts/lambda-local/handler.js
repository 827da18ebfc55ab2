'use strict';

// Forwards each invocation to a plain HTTP endpoint so that a .NET test can host the real
// handler: POST <JOBRUNNERS_LAMBDA_FORWARD_URL> with the event JSON exactly as received,
// and return the parsed JSON response. A non-2xx answer makes the invocation fail.
const DEFAULT_FORWARD_URL = 'http://127.0.0.1:55980/invoke';

module.exports.worker = async (event, context) => {
  const url = process.env.JOBRUNNERS_LAMBDA_FORWARD_URL || DEFAULT_FORWARD_URL;
  const headers = { 'content-type': 'application/json' };
  if (context && context.awsRequestId) {
    headers['x-amz-request-id'] = context.awsRequestId;
  }
  if (context && context.functionName) {
    headers['x-amz-function-name'] = context.functionName;
  }

  const response = await fetch(url, {
    method: 'POST',
    headers,
    body: JSON.stringify(event === undefined ? null : event),
  });
  const text = await response.text();

  if (!response.ok) {
    throw new Error(`forward to ${url} failed: HTTP ${response.status}: ${text}`);
  }
  if (text.trim() === '') {
    return null;
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new Error(`forward to ${url} returned non-JSON (HTTP ${response.status}): ${text}`);
  }
};
