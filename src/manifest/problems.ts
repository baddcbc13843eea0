/** One fault in a manifest, located at the node that causes it (1-based line and column). */
export interface ManifestProblem {
  file: string;
  line: number;
  column: number;
  /** Sentence that names the fault and its fix. */
  message: string;
  /** Location in the manifest's structure, for example `certificates[2].domains[0]`. */
  path?: string;
  /** Name of the certificate the fault belongs to, when it belongs to one. */
  certificate?: string;
}

/** A problem in the form GitHub workflow annotations take (`::error file=...,line=...`). */
export interface ProblemAnnotation {
  file: string;
  startLine: number;
  startColumn: number;
  title: string;
  message: string;
}

/** Raised when a manifest cannot be read or is invalid. `problems` lists every fault found. */
export class ManifestError extends Error {
  readonly problems: ManifestProblem[];

  constructor(problems: ManifestProblem[]) {
    super(summarize(problems));
    this.name = 'ManifestError';
    this.problems = problems;
  }
}

/** Orders problems by file, line and column, so reports read from top to bottom. */
export function sortProblems(problems: readonly ManifestProblem[]): ManifestProblem[] {
  return [...problems].sort(
    (a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column,
  );
}

/** Formats one line per problem as `file:line:column: path: message`, the form editors link to. */
export function formatProblems(problems: readonly ManifestProblem[]): string {
  return problems.map(formatProblem).join('\n');
}

/** Converts problems to GitHub annotations, titled with the certificate when the problem has one. */
export function problemsAsAnnotations(problems: readonly ManifestProblem[]): ProblemAnnotation[] {
  return problems.map((problem) => ({
    file: problem.file,
    startLine: problem.line,
    startColumn: problem.column,
    title: annotationTitle(problem),
    message: problem.path ? `${problem.path}: ${problem.message}` : problem.message,
  }));
}

function formatProblem(problem: ManifestProblem): string {
  const where = `${problem.file}:${problem.line}:${problem.column}`;
  return problem.path
    ? `${where}: ${problem.path}: ${problem.message}`
    : `${where}: ${problem.message}`;
}

function summarize(problems: readonly ManifestProblem[]): string {
  const files = [...new Set(problems.map((problem) => problem.file))].join(', ');
  const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
  return `Invalid manifest ${files} (${count}):\n${formatProblems(problems)}`;
}

function annotationTitle(problem: ManifestProblem): string {
  if (problem.certificate) return `Manifest: certificate ${problem.certificate}`;
  return 'Manifest';
}
