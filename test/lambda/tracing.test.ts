import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { getNamespace, Segment, setSegment, setStreamingThreshold } from 'aws-xray-sdk-core';
import { sdkClientOptions } from '../../lambda/presign/sdk-clients';
import { traced } from '../../lambda/presign/tracing';
import { LoopbackServer, startLoopbackServer } from '../../emulator/services/loopback-server';
import { ROLE_ARN } from './support/fakes';

/** STS on loopback, answering AccessDenied as STS does (awsQuery error document). */
let sts: LoopbackServer;
beforeAll(async () => {
  setStreamingThreshold(10_000); // keep subsegments on the segment instead of sending them
  sts = await startLoopbackServer(async () => ({
    status: 403,
    headers: { 'content-type': 'text/xml' },
    body: '<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>no</Message></Error><RequestId>r</RequestId></ErrorResponse>',
  }));
});
afterAll(() => sts.close());

const client = () =>
  traced(
    new STSClient({
      ...sdkClientOptions(),
      region: 'eu-west-1',
      endpoint: sts.url,
      credentials: { accessKeyId: 'AKIDLOCAL', secretAccessKey: 'local' },
    }),
  );
const assumeRole = new AssumeRoleCommand({ RoleArn: ROLE_ARN, RoleSessionName: 'okta-x' });

test('a traced client records each STS call as a subsegment of the invocation’s segment', async () => {
  const segment = new Segment('presign');
  await getNamespace().runPromise(async () => {
    setSegment(segment);
    await expect(client().send(assumeRole)).rejects.toMatchObject({ name: 'AccessDenied' });
  });
  const calls = (segment.subsegments ?? []).map((s) => {
    const sub = s as unknown as {
      name: string;
      aws?: { operation?: string };
      fault?: boolean;
      error?: boolean;
    };
    return { name: sub.name, operation: sub.aws?.operation, error: sub.error ?? false };
  });
  expect(calls).toEqual([{ name: 'STS', operation: 'AssumeRole', error: true }]);
});

test('outside a traced invocation the call goes ahead untraced', async () => {
  await expect(client().send(assumeRole)).rejects.toMatchObject({ name: 'AccessDenied' });
});
