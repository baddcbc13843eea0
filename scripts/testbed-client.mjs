// Pebble management API calls shared by the demo scripts.
import { readFileSync } from 'node:fs';
import https from 'node:https';

/**
 * Makes Pebble serve `ariResponse` as the renewalInfo of `certificatePem`. Pebble takes
 * the response as JSON text inside the JSON body, only on the path with the trailing
 * slash, and rejects requests without a User-Agent.
 */
export async function setRenewalInfo(testbed, certificatePem, ariResponse) {
  const url = new URL('/set-renewal-info/', testbed.managementUrl);
  const body = JSON.stringify({
    certificate: certificatePem,
    ariResponse: JSON.stringify(ariResponse),
  });
  const ca = readFileSync(testbed.caCertPath);
  await new Promise((resolve, reject) => {
    const request = https.request(
      url,
      {
        method: 'POST',
        ca,
        headers: { 'content-type': 'application/json', 'user-agent': 'acme-lineage-demo' },
      },
      (response) => {
        response.resume();
        response.on('end', () =>
          response.statusCode === 200
            ? resolve()
            : reject(
                new Error(
                  `set-renewal-info returned HTTP ${response.statusCode}; check that the certificate was issued by this Pebble`,
                ),
              ),
        );
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}
