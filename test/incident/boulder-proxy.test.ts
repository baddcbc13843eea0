import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createPrivateKey } from '../../src/acme/keys.js';
import { identifiersFor, placeOrder } from '../../src/acme/order.js';
import { classifyReplacesRefusal } from '../../src/acme/refusal.js';
import { AcmeSession, configureAcmeHttp } from '../../src/acme/session.js';
import { createMemoryLogger } from '../../src/log.js';
import { BoulderProxy, readReplaces, serialHexOf } from '../helpers/boulder-proxy.js';
import { loadTestbed, testbedHttpsAgent, type Testbed } from '../helpers/testbed.js';
import { freshDomain, issueReplaceable, newOrderWithReplaces } from './pebble.js';

const logger = createMemoryLogger();

let testbed: Testbed;
let proxy: BoulderProxy;
let session: AcmeSession;

beforeAll(async () => {
  testbed = loadTestbed();
  configureAcmeHttp({ userAgent: 'acme-lineage-tests', agent: testbedHttpsAgent(testbed) });
  proxy = await BoulderProxy.startForTestbed(testbed);
  const accountKeyPem = await createPrivateKey('ec-p256');
  session = await AcmeSession.open({ directoryUrl: proxy.directoryUrl, accountKeyPem, logger });
});

afterAll(async () => {
  await proxy?.close();
});

describe('BoulderProxy', () => {
  it('serves a directory that points at itself', () => {
    expect(session.directory.newOrder.startsWith(proxy.origin)).toBe(true);
    expect(session.directory.newNonce.startsWith(proxy.origin)).toBe(true);
    expect(session.directory.renewalInfo?.startsWith(proxy.origin)).toBe(true);
    expect(session.accountUrl.startsWith(proxy.origin)).toBe(true);
  });

  it('rejects a second pending replacement with alreadyReplaced', async () => {
    const domain = freshDomain('proxy');
    const certId = (await issueReplaceable(testbed, session, domain)).certId;

    const first = await newOrderWithReplaces(session, domain, certId);
    const second = await newOrderWithReplaces(session, domain, certId);

    expect(first.status).toBe(201);
    expect(first.headers.location?.startsWith(proxy.origin)).toBe(true);
    expect(first.headers['replay-nonce']).toBeTruthy();
    expect(first.headers.link).toContain(`<${proxy.directoryUrl}>;rel="index"`);
    // Pebble may reuse the valid authorization of the first certificate, so the order
    // can be ready at once. Both states are unfinished, so both block.
    expect(['pending', 'ready']).toContain((first.data as { status?: string }).status);
    expect(second.status).toBe(409);
    const problem = second.data as { status: number; type: string; detail: string };
    expect(problem.type).toBe('urn:ietf:params:acme:error:alreadyReplaced');
    expect(problem.detail).toBe(
      `Cannot indicate an order replaces certificate with serial "${serialHexOf(certId)}", which already has a replacement order`,
    );
    expect(second.headers['replay-nonce']).toBeTruthy();
    expect(classifyReplacesRefusal(problem)).toBe('already-replaced');
  });

  it('keeps the session usable after a rejection', async () => {
    const domain = freshDomain('proxy');
    const certId = (await issueReplaceable(testbed, session, domain)).certId;
    await newOrderWithReplaces(session, domain, certId);
    const rejected = await newOrderWithReplaces(session, domain, certId);

    const plain = await placeOrder(session, {
      identifiers: identifiersFor([domain]),
      profile: 'shortlived',
    });

    expect(rejected.status).toBe(409);
    expect(['pending', 'ready']).toContain(plain.status);
  });

  it('uses conflict in boulder-2024 mode', async () => {
    const domain = freshDomain('proxy');
    const certId = (await issueReplaceable(testbed, session, domain)).certId;
    proxy.mode = 'boulder-2024';

    await newOrderWithReplaces(session, domain, certId);
    const second = await newOrderWithReplaces(session, domain, certId);
    proxy.mode = 'boulder';

    expect(second.status).toBe(409);
    const problem = second.data as { status: number; type: string; detail: string };
    expect(problem.type).toBe('urn:ietf:params:acme:error:conflict');
    expect(classifyReplacesRefusal(problem)).toBe('already-replaced');
  });

  it('frees the serial once the blocking order is invalid', async () => {
    const domain = freshDomain('proxy');
    const certId = (await issueReplaceable(testbed, session, domain)).certId;
    const first = await newOrderWithReplaces(session, domain, certId);
    const firstOrder = first.data as { authorizations: string[] };

    // Deactivating an authorization (RFC 8555 section 7.5.2) makes the order invalid.
    for (const url of firstOrder.authorizations) {
      await session.post('deactivating authorization', url, { status: 'deactivated' });
    }
    const refreshed = await session.post('fetching order', first.headers.location ?? '', null);
    const second = await newOrderWithReplaces(session, domain, certId);

    expect((refreshed.data as { status?: string }).status).toBe('invalid');
    expect(second.status).toBe(201);
  });

  it('differs from Pebble, which accepts a second pending replacement', async () => {
    const direct = await AcmeSession.open({
      directoryUrl: testbed.directoryUrl,
      accountKeyPem: await createPrivateKey('ec-p256'),
      logger,
    });
    const domain = freshDomain('proxy');
    const certId = (await issueReplaceable(testbed, direct, domain)).certId;

    const first = await newOrderWithReplaces(direct, domain, certId);
    const second = await newOrderWithReplaces(direct, domain, certId);

    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
  });

  it('passes orders without replaces through', async () => {
    const domain = freshDomain('proxy');

    const first = await placeOrder(session, {
      identifiers: identifiersFor([domain]),
      profile: 'shortlived',
    });
    const second = await placeOrder(session, {
      identifiers: identifiersFor([domain]),
      profile: 'shortlived',
    });

    expect(['pending', 'ready']).toContain(first.status);
    expect(['pending', 'ready']).toContain(second.status);
    expect(proxy.refusals.every((refusal) => refusal.replaces !== '')).toBe(true);
  });
});

describe('readReplaces', () => {
  it('reads replaces from a flattened JWS payload', () => {
    const payload = Buffer.from(
      JSON.stringify({ identifiers: [], replaces: 'aYhb.AIdlQyE' }),
    ).toString('base64url');
    const body = Buffer.from(JSON.stringify({ protected: 'e30', payload, signature: 'c2ln' }));

    expect(readReplaces(body)).toBe('aYhb.AIdlQyE');
  });

  it('ignores POST-as-GET and non-JSON bodies', () => {
    expect(
      readReplaces(
        Buffer.from(JSON.stringify({ protected: 'e30', payload: '', signature: 'c2ln' })),
      ),
    ).toBeUndefined();
    expect(readReplaces(Buffer.from('not json'))).toBeUndefined();
  });

  it('formats serials as Boulder prints them', () => {
    expect(serialHexOf('aYhb.AIdlQyE')).toBe('000000000000000000000000000087654321');
  });
});
