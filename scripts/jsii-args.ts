/**
 * How jsii compiles the library, everywhere: warnings are errors, with one silenced. jsii asks for
 * a devDependency at each peer's floor; the dev build uses the newest aws-cdk-lib on purpose, and
 * the floor is proven by the packed-consumer test, which installs the package with
 * --strict-peer-deps on the lowest and the highest supported aws-cdk-lib.
 */
export const JSII_ARGS = ['--fail-on-warnings', '--silence-warnings', 'metadata/missing-dev-dependency'];
