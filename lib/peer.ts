/**
 * cdk-nag is a peer dependency: the constructs acknowledge the cdk-nag findings their design makes
 * on purpose. It is required here, in one place, so an app that lacks it gets one line naming the
 * peer instead of a module-resolution trace from deep inside the package.
 */
import type * as CdkNag from 'cdk-nag';

let loaded: typeof CdkNag | undefined;

function cdkNag(): typeof CdkNag {
  if (loaded) return loaded;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    loaded = require('cdk-nag') as typeof CdkNag;
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    if (e.code === 'MODULE_NOT_FOUND' && /'cdk-nag'/.test(e.message)) {
      throw new Error(
        'okta-s3-storage needs its peer dependency cdk-nag (^2.38.2), which is not installed: npm install cdk-nag',
      );
    }
    throw error;
  }
  return loaded;
}

/** `NagSuppressions.addResourceSuppressions` of the installed cdk-nag. */
export const NagSuppressions = {
  addResourceSuppressions(
    ...args: Parameters<typeof CdkNag.NagSuppressions.addResourceSuppressions>
  ): ReturnType<typeof CdkNag.NagSuppressions.addResourceSuppressions> {
    return cdkNag().NagSuppressions.addResourceSuppressions(...args);
  },
};
