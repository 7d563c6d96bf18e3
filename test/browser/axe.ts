import * as fs from 'fs';
import type { Page } from 'playwright-core';

/** One serious or critical axe-core finding: its rule, and the elements, as CSS selectors. */
export interface Finding {
  readonly rule: string;
  readonly impact: string;
  readonly help: string;
  readonly targets: string[];
  /** axe's own account of each element's failure (for contrast: the colours and the ratio). */
  readonly summaries: string[];
  /** Whether every element is inside Storage Browser's own markup (`container`). */
  readonly insideLibrary: boolean;
}

const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/**
 * axe-core's serious and critical violations on the page as it is now, each marked as inside the
 * library's container (Storage Browser's markup) or in our own. The page's CSP is not in the way:
 * the source is injected by the test harness, as a browser extension would.
 */
export async function seriousFindings(page: Page, container: string): Promise<Finding[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ content: AXE_SOURCE });
  return page.evaluate(async (inside) => {
    const axe = (window as any).axe;
    const { violations } = await axe.run(document, { resultTypes: ['violations'] });
    return violations
      .filter((v: any) => v.impact === 'serious' || v.impact === 'critical')
      .map((v: any) => {
        const targets: string[] = v.nodes.map((n: any) => String(n.target.join(' ')));
        const insideLibrary = v.nodes.every((n: any) => {
          const element = document.querySelector(String(n.target[0]));
          return Boolean(element?.closest(inside));
        });
        const summaries: string[] = v.nodes.map((n: any) => String(n.failureSummary ?? ''));
        return { rule: v.id, impact: v.impact, help: v.help, targets, summaries, insideLibrary };
      });
  }, container);
}
