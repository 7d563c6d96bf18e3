import type { APIGatewayProxyEvent } from 'aws-lambda';
import {
  parseCompleteRequest,
  parseCreateMultipartRequest,
  parseSignPartsRequest,
  parseUploadRefRequest,
  partLength,
  partPlan,
  planMismatch,
  StoredPart,
} from '../../lambda/presign/multipart';
import { HttpError } from '../../lambda/presign/http';

/*
 * The part plan against S3's multipart limits, as the user guide's quick facts state them
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/qfacts.html): part numbers 1 to 10,000,
 * each part 5 MiB to 5 GiB except the last (no minimum), objects up to 48.8 TiB. These checks
 * restate the rule, not the plan's formula.
 */
const MIB = 1024 ** 2;
const GIB = 1024 ** 3;
const S3 = { maxParts: 10_000, minPart: 5 * MIB, maxPart: 5 * GIB, maxObject: 48.8 * 1024 * GIB };

function expectWithinS3Limits(size: number): void {
  const plan = partPlan(size);
  const lengths = Array.from({ length: Math.min(plan.partCount, 3) }, (_, i) => partLength(plan, i + 1));
  const last = partLength(plan, plan.partCount);
  expect(plan.partCount).toBeGreaterThanOrEqual(1);
  expect(plan.partCount).toBeLessThanOrEqual(S3.maxParts);
  // Every part but the last within 5 MiB..5 GiB; the last at least one byte and at most 5 GiB.
  if (plan.partCount > 1) {
    for (const length of lengths.slice(0, plan.partCount - 1)) {
      expect(length).toBeGreaterThanOrEqual(S3.minPart);
      expect(length).toBeLessThanOrEqual(S3.maxPart);
    }
  }
  expect(last).toBeGreaterThanOrEqual(1);
  expect(last).toBeLessThanOrEqual(S3.maxPart);
  // The parts add up to the file, exactly.
  expect(plan.partSize * (plan.partCount - 1) + last).toBe(size);
}

const event = (body: unknown): APIGatewayProxyEvent =>
  ({ body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }) as never;

const refusal = (act: () => unknown): { status: number; message: string } => {
  try {
    act();
  } catch (error) {
    if (error instanceof HttpError) return { status: error.status, message: error.message };
    throw error;
  }
  throw new Error('expected a refusal');
};

describe('the part plan', () => {
  it.each([
    1,
    5 * MIB - 1,
    5 * MIB,
    5 * MIB + 1,
    64 * MIB,
    Math.floor(48.8 * GIB),
    100 * GIB,
    5 * 1024 * GIB,
  ])('keeps a file of %d bytes within S3’s part limits', (size) => expectWithinS3Limits(size));

  it('keeps the largest object S3 allows within 10,000 parts of at most 5 GiB', () => {
    const largest = 10_000 * 5 * GIB;
    expect(largest / 1024 ** 4).toBeCloseTo(S3.maxObject / 1024 ** 4, 1);
    expectWithinS3Limits(largest);
    expect(partPlan(largest)).toEqual({ size: largest, partSize: 5 * GIB, partCount: 10_000 });
  });

  it('uses 5 MiB parts while they suffice, so a resumed upload loses at most 5 MiB', () => {
    expect(partPlan(12 * MIB)).toEqual({ size: 12 * MIB, partSize: 5 * MIB, partCount: 3 });
    expect(partLength(partPlan(12 * MIB), 3)).toBe(2 * MIB);
    expect(partPlan(10_000 * 5 * MIB).partSize).toBe(5 * MIB);
    expect(partPlan(10_000 * 5 * MIB + 1).partSize).toBe(6 * MIB);
  });
});

describe('planMismatch', () => {
  const plan = partPlan(12 * MIB);
  const stored = (sizes: Record<number, number>): StoredPart[] =>
    Object.entries(sizes).map(([n, size]) => ({ partNumber: Number(n), size, etag: `"e${n}"` }));

  it('accepts exactly the plan', () => {
    expect(planMismatch(plan, stored({ 1: 5 * MIB, 2: 5 * MIB, 3: 2 * MIB }))).toBeUndefined();
  });

  it('names the missing parts, so the client knows what to send', () => {
    expect(planMismatch(plan, stored({ 1: 5 * MIB, 3: 2 * MIB }))).toBe('parts not uploaded yet: 2');
    expect(planMismatch(partPlan(100 * MIB), [])).toBe(
      'parts not uploaded yet: 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 and 10 more',
    );
  });

  it('refuses a part beyond the plan, or of another length: the object would not be the declared file', () => {
    expect(planMismatch(plan, stored({ 1: 5 * MIB, 2: 5 * MIB, 3: 2 * MIB, 4: 1 }))).toBe(
      'part 4 is beyond the 3 parts of this file',
    );
    expect(planMismatch(plan, stored({ 1: 5 * MIB, 2: 5 * MIB, 3: 2 * MIB + 1 }))).toBe(
      `part 3 has ${2 * MIB + 1} bytes; it must have ${2 * MIB}`,
    );
  });
});

describe('multipart requests', () => {
  const CAP = 64 * MIB;

  it('take a file’s name, type, size and folder to create an upload, and refuse a size over the cap with 413', () => {
    expect(
      parseCreateMultipartRequest(
        event({ fileName: 'film.mp4', contentType: 'video/mp4', size: CAP, folder: 'finance' }),
        CAP,
      ),
    ).toEqual({ fileName: 'film.mp4', contentType: 'video/mp4', size: CAP, folder: 'finance' });
    expect(
      refusal(() =>
        parseCreateMultipartRequest(event({ fileName: 'a', contentType: 'video/mp4', size: CAP + 1 }), CAP),
      ),
    ).toEqual({ status: 413, message: `size must be at most ${CAP} bytes` });
  });

  it('sign only part numbers inside the declared size’s plan, at most 100 different ones', () => {
    const base = { key: 'users/00uA/id/f', uploadId: 'abc', size: 12 * MIB };
    expect(parseSignPartsRequest(event({ ...base, partNumbers: [3, 1] }), CAP).partNumbers).toEqual([3, 1]);
    for (const partNumbers of [[], [0], [4], [1, 1], [1.5], ['1'], null]) {
      expect(refusal(() => parseSignPartsRequest(event({ ...base, partNumbers }), CAP))).toEqual({
        status: 400,
        message: 'partNumbers must list 1 to 100 different part numbers from 1 to 3',
      });
    }
    const many = Array.from({ length: 101 }, (_, i) => i + 1);
    expect(
      refusal(() => parseSignPartsRequest(event({ ...base, size: CAP, partNumbers: many }), CAP)).status,
    ).toBe(400);
  });

  it('refuse upload ids that could smuggle query parameters or paths, and unknown fields', () => {
    for (const uploadId of ['', 'a b', 'x&partNumber=9', 'a\nb', 7, 'a'.repeat(1025)]) {
      expect(refusal(() => parseUploadRefRequest(event({ key: 'k', uploadId }))).status).toBe(400);
    }
    expect(parseUploadRefRequest(event({ key: 'k', uploadId: 'VXBsb2FkIElE.x_y-z~+/=' })).uploadId).toBe(
      'VXBsb2FkIElE.x_y-z~+/=',
    );
    expect(
      refusal(() => parseCompleteRequest(event({ key: 'k', uploadId: 'a', size: 1, parts: [] }), CAP)),
    ).toEqual({
      status: 400,
      message: 'The body may hold only these fields: key, uploadId, size',
    });
  });
});
