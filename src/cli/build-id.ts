/** Replaced by scripts/bundle-cli.js with the bundle's build id; undeclared in an unbundled build. */
declare const __SLUICE_BUILD_ID__: string | undefined;

/**
 * The id of this build of the CLI bundle, new with every `npm run build`, or
 * undefined when Sluice runs from the unbundled JavaScript (as in unit tests).
 * Caches of what this build computed are named by it.
 */
export const BUILD_ID: string | undefined = typeof __SLUICE_BUILD_ID__ === 'string' ? __SLUICE_BUILD_ID__ : undefined;
