export { DEFAULT_MANIFEST_PATH, loadManifest } from './load.js';
export { parseManifest } from './parse.js';
export {
  ManifestError,
  formatProblems,
  problemsAsAnnotations,
  sortProblems,
  type ManifestProblem,
  type ProblemAnnotation,
} from './problems.js';
export { CA_PRESETS, type CaPreset } from './presets.js';
export { KNOWN_DNS_PROVIDERS } from './dns-providers.js';
export { KEY_TYPES } from './settings.js';
export type * from './types.js';
