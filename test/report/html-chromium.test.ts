import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SCENARIO, loadScenarioFile } from '../../src/index.js';
import { buildFinanceReport } from '../../src/report/finance.js';
import { renderHtmlReport } from '../../src/report/html.js';
import { PlanDocumentSchema } from '../../src/plan-document/index.js';
import { fixture } from './html-fixture.js';

/**
 * The HTML report in a real browser: headless chromium takes a screenshot and dumps the DOM after layout.
 *
 * Network: chromium runs with every host name mapped to NOTFOUND (nothing can leave the machine) and writes a
 * NetLog; a URL request the page made (initiator other than "not an origin", or a file:// network isolation key;
 * chromium's own background requests have neither) fails the test. The page's CSP would block such a request
 * first, but a blocked load is reported on the console, which is the second check: with --enable-logging=stderr
 * every console message (console.*, CSP violations, blocked loads) reaches stderr as a "CONSOLE" line, and the page
 * has no script, so any such line is an error. A control page that does make a request and logs to the console
 * proves both detectors work with the installed chromium.
 *
 * PLANNER_REPORT_PLAN=plan.json (with PLANNER_REPORT_SCENARIO=scenario.yaml when not the default) renders that plan
 * instead of the fixture; PLANNER_SAVE_SCREENSHOT=1 copies the screenshot to docs/report-screenshot.png.
 */

const ROOT = resolve(import.meta.dirname, '../..');

function findChromium(): string | undefined {
  for (const name of ['chromium', 'chromium-browser']) {
    for (const dir of (process.env.PATH ?? '').split(delimiter)) {
      if (!dir) continue;
      const path = join(dir, name);
      try {
        accessSync(path, constants.X_OK);
        return path;
      } catch {
        // not here
      }
    }
  }
  return undefined;
}

const CHROMIUM = findChromium();
const SKIP_NOTE = CHROMIUM ? '' : ' [skipped: no chromium or chromium-browser on PATH; apt-get install chromium]';

interface Run {
  stdout: string;
  stderr: string;
  netLog: string;
}

function runChromium(work: string, name: string, args: readonly string[]): Promise<Run> {
  const netLog = join(work, `${name}.netlog.json`);
  const flags = [
    '--headless',
    '--disable-gpu',
    '--no-sandbox',
    `--user-data-dir=${join(work, `${name}-profile`)}`,
    '--no-first-run',
    '--no-default-browser-check',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--disable-extensions',
    '--disable-default-apps',
    '--host-resolver-rules=MAP * ~NOTFOUND',
    '--enable-logging=stderr',
    '--v=0',
    `--log-net-log=${netLog}`,
    ...args,
  ];
  return new Promise((done, fail) => {
    execFile(
      CHROMIUM!,
      flags,
      { timeout: 300_000, maxBuffer: 64 << 20, env: { ...process.env, DBUS_SESSION_BUS_ADDRESS: 'disabled:' } },
      async (error, stdout, stderr) => {
        if (error) return fail(new Error(`${name}: chromium failed: ${error.message}\n${stderr}`));
        done({ stdout, stderr, netLog: await readFile(netLog, 'utf8').catch(() => '') });
      },
    );
  });
}

/** Console lines chromium logged for the page ("[...:INFO:CONSOLE:1] "message", source: file://..."). */
function consoleLines(stderr: string): string[] {
  return stderr.split('\n').filter((line) => /\bCONSOLE\b/.test(line));
}

/** URLs of requests the page itself started, from the NetLog (background requests of the browser are ignored). */
function pageRequests(netLogText: string): string[] {
  expect(netLogText, 'chromium wrote a NetLog').not.toBe('');
  let log: { constants: { logEventTypes: Record<string, number> }; events: { type: number; params?: Record<string, unknown> }[] };
  try {
    log = JSON.parse(netLogText);
  } catch {
    // A NetLog cut short (the browser exited mid-write) lacks the closing of the events list.
    log = JSON.parse(`${netLogText.trimEnd().replace(/,$/, '')}]}`);
  }
  const startJob = log.constants.logEventTypes.URL_REQUEST_START_JOB;
  expect(startJob, 'NetLog knows URL_REQUEST_START_JOB').toBeTypeOf('number');
  return log.events
    .filter((event) => event.type === startJob && typeof event.params?.url === 'string')
    .filter((event) => event.params!.initiator !== 'not an origin' || String(event.params!.network_isolation_key ?? '').includes('file://'))
    .map((event) => String(event.params!.url))
    .filter((url) => !/^(file|data|about|chrome):/.test(url));
}

async function reportHtml(): Promise<string> {
  const planPath = process.env.PLANNER_REPORT_PLAN;
  if (!planPath) {
    const { plan, report } = fixture(168);
    return renderHtmlReport(plan, report);
  }
  const plan = PlanDocumentSchema.parse(JSON.parse(await readFile(resolve(planPath), 'utf8')));
  const { input } = await loadScenarioFile(process.env.PLANNER_REPORT_SCENARIO ?? DEFAULT_SCENARIO, { set: plan.scenario.overrides });
  return renderHtmlReport(plan, buildFinanceReport(plan, input));
}

const CONTROL_PAGE = `<!DOCTYPE html><html><head><meta charset="utf-8"><title>control</title></head><body>
<p>control</p><img src="http://planner-control.invalid/x.png" alt=""><script>console.error('planner-control-console')</script>
</body></html>`;

describe('HTML report in headless chromium', () => {
  let work = '';
  beforeAll(async () => {
    if (CHROMIUM) work = await mkdtemp(join(tmpdir(), 'planner-html-'));
  });
  afterAll(async () => {
    if (work) await rm(work, { recursive: true, force: true });
  });

  it.skipIf(!CHROMIUM)(`renders the charts with no console errors and no network requests${SKIP_NOTE}`, { timeout: 600_000 }, async () => {
    const html = await reportHtml();
    const page = join(work, 'report.html');
    const control = join(work, 'control.html');
    await writeFile(page, html);
    await writeFile(control, CONTROL_PAGE);
    const png = join(work, 'report.png');
    const url = pathToFileURL(page).href;

    const [shot, dom, check] = await Promise.all([
      runChromium(work, 'screenshot', [`--screenshot=${png}`, '--window-size=1280,2400', '--hide-scrollbars', url]),
      runChromium(work, 'dom', ['--window-size=1280,2400', '--dump-dom', url]),
      runChromium(work, 'control', ['--dump-dom', pathToFileURL(control).href]),
    ]);

    // The detectors see a request and a console message when a page makes them.
    expect(consoleLines(check.stderr).join('\n'), 'control page console message is detected').toContain('planner-control-console');
    expect(pageRequests(check.netLog), 'control page request is detected').toContain('http://planner-control.invalid/x.png');

    // The report: nothing on the console, no request, in either run.
    for (const run of [shot, dom]) {
      expect(consoleLines(run.stderr)).toEqual([]);
      expect(pageRequests(run.netLog)).toEqual([]);
    }

    // The DOM after parsing has the four charts with their points and series.
    for (const chart of ['demand', 'fleet', 'cost', 'utilisation']) {
      const tag = new RegExp(`<svg\\b[^>]*data-chart="${chart}"[^>]*>`).exec(dom.stdout)?.[0];
      expect(tag, `${chart} chart in the DOM`).toBeDefined();
      expect(Number(/data-points="(\d+)"/.exec(tag!)?.[1] ?? 0), `${chart} data points`).toBeGreaterThan(0);
    }
    expect((dom.stdout.match(/<(?:path|rect)\b[^>]*data-series=/g) ?? []).length).toBeGreaterThan(10);
    expect(dom.stdout).not.toMatch(/<script/i);

    // A real screenshot: a PNG of the requested size with content in it.
    const image = await readFile(png);
    expect(image.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
    expect([image.readUInt32BE(16), image.readUInt32BE(20)]).toEqual([1280, 2400]);
    expect((await stat(png)).size).toBeGreaterThan(20_000);

    if (process.env.PLANNER_SAVE_SCREENSHOT === '1') {
      await mkdir(join(ROOT, 'docs'), { recursive: true });
      await copyFile(png, join(ROOT, 'docs/report-screenshot.png'));
    }
  });
});
