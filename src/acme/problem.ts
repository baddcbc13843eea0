/** RFC 8555 section 6.7 error type prefix. */
const ACME_ERROR_PREFIX = 'urn:ietf:params:acme:error:';

/** RFC 7807 problem document as an ACME server returns it. */
export interface ProblemDocument {
  status: number;
  type?: string;
  detail?: string;
  subproblems?: Array<{
    type?: string;
    detail?: string;
    identifier?: { type: string; value: string };
  }>;
}

/**
 * Error carrying the CA's raw problem document, so callers classify refusals from
 * status, type and detail rather than from a message string.
 */
export class AcmeProblemError extends Error {
  readonly problem: ProblemDocument;
  readonly url: string;

  constructor(action: string, url: string, problem: ProblemDocument) {
    super(`${action} failed: ${describeProblem(problem)}`);
    this.name = 'AcmeProblemError';
    this.problem = problem;
    this.url = url;
  }
}

/** Short type name without the ACME URN prefix, for example `alreadyReplaced`. */
export function shortProblemType(type: string | undefined): string | undefined {
  return type?.startsWith(ACME_ERROR_PREFIX) ? type.slice(ACME_ERROR_PREFIX.length) : type;
}

/** One-line rendering: `HTTP 409 alreadyReplaced: detail (subproblems: ...)`. */
export function describeProblem(problem: ProblemDocument): string {
  const parts = [`HTTP ${problem.status}`];
  const type = shortProblemType(problem.type);
  if (type) parts.push(type);
  let text = parts.join(' ');
  if (problem.detail) text += `: ${problem.detail}`;
  if (problem.subproblems?.length) {
    const inner = problem.subproblems
      .map((sub) =>
        `${sub.identifier?.value ?? '?'}: ${shortProblemType(sub.type) ?? ''} ${sub.detail ?? ''}`.trim(),
      )
      .join('; ');
    text += ` (subproblems: ${inner})`;
  }
  return text;
}

/** Builds a problem document from a raw HTTP response body, tolerating non-JSON bodies. */
export function problemFromResponse(status: number, body: unknown): ProblemDocument {
  if (body && typeof body === 'object') {
    const record = body as Record<string, unknown>;
    return {
      status,
      type: typeof record.type === 'string' ? record.type : undefined,
      detail: typeof record.detail === 'string' ? record.detail : undefined,
      subproblems: Array.isArray(record.subproblems)
        ? (record.subproblems as ProblemDocument['subproblems'])
        : undefined,
    };
  }
  const detail = typeof body === 'string' && body.length > 0 ? body.slice(0, 500) : undefined;
  return { status, detail };
}
