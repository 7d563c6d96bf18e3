/**
 * Performance figures for the presign Lambda and the synthesized app, each beside a naive baseline. No network: every
 * measurement is local. Run with `npm run bench` (node -r ts-node/register scripts/bench.ts).
 * To add a measurement, write a function returning a `Table` and append it to SECTIONS.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { performance } from 'perf_hooks';
import { gzipSync } from 'zlib';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { build, BuildOptions, Format } from 'esbuild';
import { PRESIGN_BUNDLING } from '../lib/constructs/presign-handler-code';
import { iamDecisionSection } from './bench-iam';
import { localSection } from './bench-local';
import { multipartSection } from './bench-multipart';
import { webClientSection } from './bench-web';
import { suiteLayersSection } from './bench-suite';
import { synthTimeSection, templateFiguresSection } from './bench-synth';
import { CallerSessions } from '../lambda/presign/credentials';
import { createHandler } from '../lambda/presign/handler';
import { s3Storage } from '../lambda/presign/s3';
import { apiEventFor, benchPresignConfig } from './bench-events';
import { sharingSection } from './bench-sharing';

interface Table {
  readonly title: string;
  readonly columns: string[];
  readonly rows: string[][];
  readonly note?: string;
}

const ROOT = path.join(__dirname, '..');
const ENTRY = path.join(ROOT, 'lambda', 'presign', 'handler.ts');
const COLD_IMPORT_RUNS = 15;
const PRESIGN_CALLS = 3000;
const SDK_PACKAGES = ['client-s3', 'client-sts', 's3-request-presigner', 's3-presigned-post'].map(
  (p) => `@aws-sdk/${p}`,
);

const SECTIONS: (() => Promise<Table>)[] = [
  bundleSize,
  coldImport,
  presignLatency,
  shareLinks,
  synthTime,
  templateFigures,
  iamDecisions,
  localStack,
  multipartUpload,
  webClient,
  suiteLayers,
];

async function main(): Promise<void> {
  console.log(`okta-s3-storage benchmarks (node ${process.version}, ${os.cpus().length} CPUs)\n`);
  // `npm run bench -- suiteLayers` runs only the sections named.
  const only = process.argv.slice(2);
  for (const section of SECTIONS.filter((s) => only.length === 0 || only.includes(s.name))) {
    const started = performance.now();
    const table = await section();
    printTable(table, performance.now() - started);
  }
}

// ---- sections ----------------------------------------------------------------------------

const SYNTH_RUNS = 3;
let synthOutdir: string | undefined;

async function synthTime(): Promise<Table> {
  const { rows, outdir } = synthTimeSection(SYNTH_RUNS);
  synthOutdir = outdir;
  return { title: 'cdk synth on the example config', columns: ['', 'wall time'], rows };
}

async function templateFigures(): Promise<Table> {
  return {
    title: 'Synthesized template (example config, dev)',
    columns: ['', ''],
    rows: templateFiguresSection(synthOutdir ?? synthTimeSection(1).outdir),
  };
}

async function iamDecisions(): Promise<Table> {
  return iamDecisionSection(synthOutdir ?? synthTimeSection(1).outdir);
}

async function localStack(): Promise<Table> {
  return { title: 'npm run local (whole process)', columns: ['', ''], rows: await localSection() };
}

async function multipartUpload(): Promise<Table> {
  return {
    title: 'Route 3: a 64 MiB upload, single PUT against multipart, through the local S3',
    columns: ['', ''],
    rows: await multipartSection(),
  };
}

async function webClient(): Promise<Table> {
  return {
    title: 'The file browser (Storage Browser for S3) in headless Chromium against npm run local',
    columns: ['', ''],
    rows: await webClientSection(),
  };
}

async function suiteLayers(): Promise<Table> {
  return {
    title: 'npm test, layer by layer',
    columns: ['', 'wall time'],
    rows: suiteLayersSection(),
    note: 'each layer alone, then together; test files by their own time',
  };
}

async function bundleSize(): Promise<Table> {
  const deployed = await bundle(AS_DEPLOYED);
  const cjsSdk = await bundle({ ...AS_DEPLOYED, mainFields: undefined });
  const plain = await bundle({ ...AS_DEPLOYED, minify: false });
  // What X-Ray's SDK (subsegments for the STS and S3 calls, lambda/presign/tracing.ts) costs.
  const untraced = await bundle({ ...AS_DEPLOYED, external: ['aws-xray-sdk-core'] });
  const dependencyDirs = ['@aws-sdk', '@smithy', '@aws-crypto'].map((d) =>
    path.join(ROOT, 'node_modules', d),
  );
  const unbundled = dependencyDirs.reduce((sum, dir) => sum + directoryBytes(dir), 0);
  const row = (name: string, code: Buffer) => [name, kib(code.length), kib(gzipSync(code).length)];
  return {
    title: 'Lambda bundle size',
    columns: ['artifact', 'raw', 'gzip'],
    rows: [
      row('bundle as NodejsFunction builds it (PRESIGN_BUNDLING)', deployed),
      row('baseline: same, default main fields (SDK CommonJS builds)', cjsSdk),
      row('baseline: same, not minified', plain),
      row('baseline: same, without the X-Ray SDK', untraced),
      ['baseline: node_modules/{@aws-sdk,@smithy,@aws-crypto}', kib(unbundled), '-'],
    ],
    note: `esbuild ${JSON.stringify(AS_DEPLOYED)}, SDK bundled`,
  };
}

async function coldImport(): Promise<Table> {
  const bundleFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'presign-bench-')), 'index.js');
  fs.writeFileSync(bundleFile, await bundle(AS_DEPLOYED));
  const sdkRequires = SDK_PACKAGES.map((p) => `require(${JSON.stringify(p)});`).join('');
  const bundled = importTimes(`require(${JSON.stringify(bundleFile)});`);
  const unbundled = importTimes(sdkRequires);
  fs.rmSync(path.dirname(bundleFile), { recursive: true, force: true });
  return {
    title: `Cold import, median of ${COLD_IMPORT_RUNS} fresh node processes`,
    columns: ['what is required', 'median', 'min', 'max'],
    rows: [
      ['minified bundle of handler.ts', ...summary(bundled)],
      [`baseline: ${SDK_PACKAGES.length} SDK packages from node_modules`, ...summary(unbundled)],
    ],
    note: 'time of require() inside each process, excluding node start-up',
  };
}

async function presignLatency(): Promise<Table> {
  const credentials = {
    accessKeyId: 'ASIABENCHBENCHBENCH0',
    secretAccessKey: 'bench-secret',
    sessionToken: 'bench-token',
  };
  const sts = {
    send: async () => ({
      $metadata: {},
      Credentials: {
        AccessKeyId: credentials.accessKeyId,
        SecretAccessKey: credentials.secretAccessKey,
        SessionToken: credentials.sessionToken,
        Expiration: new Date(Date.now() + 3600_000),
      },
    }),
  };
  const config = benchPresignConfig({ maxUploadBytes: 1024 ** 3 });
  const sessions = new CallerSessions({ sts, roleArn: config.presignRoleArn, urlExpirySeconds: 300 });
  const handler = createHandler({
    config,
    credentialsFor: (sub) => sessions.credentialsFor(sub),
    storageFor: s3Storage({ bucket: config.bucketName, region: config.region }),
    log: () => undefined,
  });
  const event = apiEventFor('/uploads', {
    fileName: 'report.pdf',
    contentType: 'application/pdf',
    size: 123456,
  });
  // Timing a refusal would flatter the figures: the bench only measures a successful presign.
  const probe = await handler(event);
  if (probe.statusCode !== 200)
    throw new Error(`bench request was refused: ${probe.statusCode} ${probe.body}`);
  const command = () =>
    new PutObjectCommand({
      Bucket: config.bucketName,
      Key: 'users/00uBench/x/a.txt',
      ContentType: 'text/plain',
    });
  const shared = new S3Client({
    region: config.region,
    credentials,
    requestChecksumCalculation: 'WHEN_REQUIRED',
  });

  const viaHandler = await timeCalls(() => handler(event));
  const sharedClient = await timeCalls(() => getSignedUrl(shared, command(), { expiresIn: 300 }));
  const naive = await timeCalls(() =>
    getSignedUrl(new S3Client({ region: config.region, credentials }), command(), { expiresIn: 300 }),
  );
  return {
    title: `Presign time per call, cached session, ${PRESIGN_CALLS} calls each`,
    columns: ['path', 'p50', 'p99'],
    rows: [
      ['handler: POST /uploads, validate + key + presigned PUT', ...percentiles(viaHandler)],
      ['getSignedUrl alone, one shared client', ...percentiles(sharedClient)],
      ['baseline: new S3Client + getSignedUrl per call', ...percentiles(naive)],
    ],
    note: 'presigning is local computation; no request leaves the process',
  };
}

async function shareLinks(): Promise<Table> {
  const { rows, note } = await sharingSection();
  return {
    title: 'Share-link resolution beside a plain presign',
    columns: ['path', 'p50', 'p99'],
    rows,
    note,
  };
}

// ---- helpers -----------------------------------------------------------------------------

type BundleSettings = Pick<
  BuildOptions,
  'minify' | 'sourcemap' | 'target' | 'format' | 'mainFields' | 'external'
>;

/** The CDK construct's esbuild settings, so this measures what is deployed. */
const AS_DEPLOYED: BundleSettings = {
  minify: PRESIGN_BUNDLING.minify,
  sourcemap: PRESIGN_BUNDLING.sourceMap,
  target: PRESIGN_BUNDLING.target,
  format: `${PRESIGN_BUNDLING.format}` as Format,
  mainFields: [...PRESIGN_BUNDLING.mainFields],
};

const bundles = new Map<string, Promise<Buffer>>();

function bundle(settings: BundleSettings): Promise<Buffer> {
  const id = JSON.stringify(settings);
  if (!bundles.has(id)) {
    const options: BuildOptions = {
      entryPoints: [ENTRY],
      bundle: true,
      platform: 'node',
      write: false,
      ...settings,
    };
    bundles.set(
      id,
      build({ ...options, logLevel: 'silent' }).then((result) =>
        Buffer.from(result.outputFiles![0].contents),
      ),
    );
  }
  return bundles.get(id)!;
}

/** Milliseconds spent in `code` in each of several fresh node processes. */
function importTimes(code: string): number[] {
  const script = `const t = process.hrtime.bigint(); ${code} process.stdout.write(String(Number(process.hrtime.bigint() - t) / 1e6));`;
  return Array.from({ length: COLD_IMPORT_RUNS }, () =>
    Number(
      execFileSync(process.execPath, ['-e', script], { cwd: ROOT, stdio: ['ignore', 'pipe', 'ignore'] }),
    ),
  );
}

async function timeCalls(call: () => Promise<unknown>): Promise<number[]> {
  for (let i = 0; i < 200; i++) await call(); // warm up the JIT and caches
  const times: number[] = [];
  for (let i = 0; i < PRESIGN_CALLS; i++) {
    const started = performance.now();
    await call();
    times.push(performance.now() - started);
  }
  return times;
}

function directoryBytes(dir: string): number {
  if (!fs.existsSync(dir)) return 0;
  return fs.readdirSync(dir, { withFileTypes: true }).reduce((sum, entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sum + directoryBytes(full);
    return entry.isFile() ? sum + fs.statSync(full).size : sum;
  }, 0);
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

function summary(times: number[]): string[] {
  const sorted = [...times].sort((a, b) => a - b);
  return [quantile(sorted, 0.5), sorted[0], sorted[sorted.length - 1]].map(ms);
}

function percentiles(times: number[]): string[] {
  const sorted = [...times].sort((a, b) => a - b);
  return [quantile(sorted, 0.5), quantile(sorted, 0.99)].map(ms);
}

const ms = (value: number) => (value < 1 ? `${(value * 1000).toFixed(0)} µs` : `${value.toFixed(1)} ms`);
const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;

function printTable(table: Table, elapsedMs: number): void {
  const widths = table.columns.map((_, i) =>
    Math.max(...[table.columns, ...table.rows].map((row) => row[i].length)),
  );
  const line = (cells: string[]) =>
    cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('   ');
  console.log(`${table.title}  (${(elapsedMs / 1000).toFixed(1)} s)`);
  console.log(line(table.columns));
  console.log(widths.map((w) => '-'.repeat(w)).join('   '));
  for (const row of table.rows) console.log(line(row));
  if (table.note) console.log(`(${table.note})`);
  console.log();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
