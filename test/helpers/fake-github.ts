import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Local stand-in for the GitHub REST API, for tests of code that talks to GitHub.
 * It listens on 127.0.0.1 on a random port, checks the method, path, authorization
 * header and JSON body of every request, keeps its data in memory and records each
 * request for assertions. Response shapes follow the recorded responses in
 * @octokit/fixtures (Link pagination, error bodies with `documentation_url`).
 *
 * Add routes with `route()`; the issue routes below are one section of this file.
 */

/** A request as the fake received it. */
export interface FakeRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: unknown;
}

/** A reply from a route handler. */
export interface FakeResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export type RouteHandler = (
  request: FakeRequest,
  params: Record<string, string>,
) => FakeResponse | Promise<FakeResponse>;

/** A forced failure of one route, for tests of error handling. */
export interface RouteFailure {
  status?: number;
  message?: string;
  documentationUrl?: string;
  headers?: Record<string, string>;
  /** How many requests fail before the route works again; every request when absent. */
  times?: number;
}

export interface FakeIssue {
  id: number;
  number: number;
  title: string;
  body: string | null;
  state: 'open' | 'closed';
  state_reason: string | null;
  labels: string[];
  /** Set for pull requests, which GitHub also lists among issues. */
  pull_request?: { url: string };
  created_at: string;
  updated_at: string;
  closed_at: string | null;
}

export interface FakeComment {
  id: number;
  issueNumber: number;
  body: string;
  created_at: string;
  updated_at: string;
}

export interface FakeLabel {
  id: number;
  name: string;
  color: string;
  description: string | null;
}

interface Route {
  method: string;
  pattern: string;
  segments: string[];
  handler: RouteHandler;
}

const DOCS = 'https://docs.github.com/rest';
const USER = { login: 'github-actions[bot]', id: 41898282, type: 'Bot' };

/** Builds the reply GitHub sends with an error status. */
export function githubError(
  status: number,
  message: string,
  documentationUrl = DOCS,
): FakeResponse {
  return { status, body: { message, documentation_url: documentationUrl, status: String(status) } };
}

export class FakeGitHub {
  readonly requests: FakeRequest[] = [];
  readonly issues: FakeIssue[] = [];
  readonly comments: FakeComment[] = [];
  readonly labels: FakeLabel[] = [];

  private readonly routes: Route[] = [];
  private readonly failures = new Map<string, RouteFailure>();
  private readonly server: Server;
  private nextId = 1000;
  private port = 0;

  private constructor(
    readonly owner: string,
    readonly repo: string,
    readonly token: string,
  ) {
    this.server = createServer((request, response) => {
      this.handle(request, response).catch((error: unknown) => {
        process.stderr.write(
          `fake GitHub: ${request.method} ${request.url} failed: ${String(error)}\n`,
        );
        sendJson(response, githubError(500, `fake GitHub failed: ${String(error)}`));
      });
    });
    this.addIssueRoutes();
  }

  /** Starts a fake for one repository; requests for any other repository get 404. */
  static async start(
    options: { owner?: string; repo?: string; token?: string } = {},
  ): Promise<FakeGitHub> {
    const fake = new FakeGitHub(
      options.owner ?? 'example',
      options.repo ?? 'certificates',
      options.token ?? 'test-token',
    );
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    fake.port = (fake.server.address() as AddressInfo).port;
    return fake;
  }

  /** Base URL to give Octokit as `baseUrl`. */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve, reject) =>
      this.server.close((error) => (error ? reject(error) : resolve())),
    );
  }

  /**
   * Adds a route. `pattern` is a path with `:name` segments, for example
   * `/repos/:owner/:repo/git/blobs/:sha`. When two routes match, the one with more
   * literal segments wins. `:owner` and `:repo` must name this fake's repository.
   */
  route(method: string, pattern: string, handler: RouteHandler): void {
    this.routes.push({
      method: method.toUpperCase(),
      pattern,
      segments: pattern.split('/'),
      handler,
    });
  }

  /** Makes requests to a route fail, by default with 403 "Resource not accessible by integration". */
  fail(method: string, pattern: string, failure: RouteFailure = {}): void {
    this.failures.set(`${method.toUpperCase()} ${pattern}`, failure);
  }

  clearFailures(): void {
    this.failures.clear();
  }

  /** Requests that matched `method` and `pattern`, oldest first. */
  requestsTo(method: string, pattern: string): FakeRequest[] {
    return this.requests.filter((request) => {
      const route = this.match(request.method, request.path);
      return request.method === method.toUpperCase() && route?.route.pattern === pattern;
    });
  }

  /** Adds an issue (or a pull request) directly to the store, as if someone had opened it. */
  addIssue(fields: Partial<Omit<FakeIssue, 'id' | 'number'>> & { title: string }): FakeIssue {
    const now = new Date().toISOString();
    const issue: FakeIssue = {
      id: this.nextId++,
      number: this.issues.length + 1,
      body: null,
      state: 'open',
      state_reason: null,
      labels: [],
      created_at: now,
      updated_at: now,
      closed_at: null,
      ...fields,
    };
    this.issues.push(issue);
    return issue;
  }

  /** Comments on one issue, oldest first. */
  commentsOn(issueNumber: number): FakeComment[] {
    return this.comments.filter((comment) => comment.issueNumber === issueNumber);
  }

  private async handle(incoming: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(incoming.url ?? '/', this.url);
    const method = (incoming.method ?? 'GET').toUpperCase();
    const text = await readBody(incoming);
    const request: FakeRequest = {
      method,
      path: url.pathname,
      query: url.searchParams,
      headers: incoming.headers,
      body: undefined,
    };
    this.requests.push(request);

    if (!this.isAuthorized(incoming.headers.authorization)) {
      sendJson(response, githubError(401, 'Bad credentials'));
      return;
    }

    const matched = this.match(method, url.pathname);
    if (!matched || !this.isThisRepository(matched.params)) {
      sendJson(response, githubError(404, 'Not Found'));
      return;
    }

    if (text !== '') {
      const parsed = parseJsonBody(text, incoming.headers['content-type']);
      if (parsed instanceof Error) {
        sendJson(response, githubError(400, 'Problems parsing JSON'));
        return;
      }
      request.body = parsed;
    }

    const failure = this.takeFailure(method, matched.route.pattern);
    if (failure) {
      sendJson(response, failure);
      return;
    }

    sendJson(response, await matched.route.handler(request, matched.params));
  }

  private isThisRepository(params: Record<string, string>): boolean {
    const ownerMatches = params.owner === undefined || params.owner === this.owner;
    return ownerMatches && (params.repo === undefined || params.repo === this.repo);
  }

  private isAuthorized(header: string | undefined): boolean {
    const match = /^(token|bearer)\s+(\S+)$/i.exec(header ?? '');
    return match?.[2] === this.token;
  }

  private match(
    method: string,
    path: string,
  ): { route: Route; params: Record<string, string> } | undefined {
    const segments = path.split('/');
    let best: { route: Route; params: Record<string, string>; literals: number } | undefined;
    for (const route of this.routes) {
      if (route.method !== method || route.segments.length !== segments.length) continue;
      const params: Record<string, string> = {};
      let literals = 0;
      const matches = route.segments.every((part, index) => {
        const actual = decodeURIComponent(segments[index] ?? '');
        if (part.startsWith(':')) {
          params[part.slice(1)] = actual;
          return true;
        }
        literals += 1;
        return part === actual;
      });
      if (matches && (!best || literals > best.literals)) best = { route, params, literals };
    }
    return best;
  }

  private takeFailure(method: string, pattern: string): FakeResponse | undefined {
    const key = `${method} ${pattern}`;
    const failure = this.failures.get(key);
    if (!failure) return undefined;

    if (failure.times !== undefined) {
      if (failure.times <= 1) this.failures.delete(key);
      else failure.times -= 1;
    }
    const reply = githubError(
      failure.status ?? 403,
      failure.message ?? 'Resource not accessible by integration',
      failure.documentationUrl ?? DOCS,
    );
    return { ...reply, headers: failure.headers };
  }

  // ---- Issues, comments and labels --------------------------------------------

  private addIssueRoutes(): void {
    const repoPath = '/repos/:owner/:repo';

    this.route('GET', `${repoPath}/issues`, (request) => this.listIssues(request));
    this.route('POST', `${repoPath}/issues`, (request) => this.createIssue(request));
    this.route('GET', `${repoPath}/issues/:number`, (_request, params) => this.getIssue(params));
    this.route('PATCH', `${repoPath}/issues/:number`, (request, params) =>
      this.updateIssue(request, params),
    );
    this.route('GET', `${repoPath}/issues/:number/comments`, (request, params) =>
      this.listComments(request, params),
    );
    this.route('POST', `${repoPath}/issues/:number/comments`, (request, params) =>
      this.createComment(request, params),
    );
    this.route('PATCH', `${repoPath}/issues/comments/:id`, (request, params) =>
      this.updateComment(request, params),
    );
    this.route('GET', `${repoPath}/labels/:name`, (_request, params) => this.getLabel(params));
    this.route('POST', `${repoPath}/labels`, (request) => this.createLabel(request));
  }

  private listIssues(request: FakeRequest): FakeResponse {
    const state = request.query.get('state') ?? 'open';
    if (!['open', 'closed', 'all'].includes(state))
      return validationFailed('Issue', 'state', 'invalid');
    const requestedLabels = (request.query.get('labels') ?? '')
      .split(',')
      .filter((name) => name !== '');

    const selected = this.issues
      .filter((issue) => state === 'all' || issue.state === state)
      .filter((issue) => requestedLabels.every((name) => issue.labels.includes(name)))
      .sort((a, b) => b.number - a.number);
    return this.paginate(
      request,
      selected.map((issue) => this.issueJson(issue)),
    );
  }

  private createIssue(request: FakeRequest): FakeResponse {
    const body = request.body as { title?: unknown; body?: unknown; labels?: unknown } | undefined;
    if (typeof body?.title !== 'string' || body.title === '')
      return validationFailed('Issue', 'title', 'missing_field');
    const labels = Array.isArray(body.labels) ? body.labels.map(String) : [];
    for (const name of labels) {
      // GitHub creates a missing label silently here; the fake does too, so tests see it.
      if (!this.findLabel(name))
        this.labels.push({ id: this.nextId++, name, color: 'ededed', description: null });
    }
    const issue = this.addIssue({
      title: body.title,
      body: typeof body.body === 'string' ? body.body : null,
      labels,
    });
    return { status: 201, body: this.issueJson(issue) };
  }

  private getIssue(params: Record<string, string>): FakeResponse {
    const issue = this.findIssue(params.number);
    return issue ? { status: 200, body: this.issueJson(issue) } : githubError(404, 'Not Found');
  }

  private updateIssue(request: FakeRequest, params: Record<string, string>): FakeResponse {
    const issue = this.findIssue(params.number);
    if (!issue) return githubError(404, 'Not Found');
    const body = (request.body ?? {}) as {
      state?: unknown;
      state_reason?: unknown;
      title?: unknown;
      body?: unknown;
    };
    if (body.state !== undefined && body.state !== 'open' && body.state !== 'closed') {
      return validationFailed('Issue', 'state', 'invalid');
    }

    const now = new Date().toISOString();
    if (body.state === 'closed' && issue.state === 'open') {
      issue.closed_at = now;
      issue.state_reason = typeof body.state_reason === 'string' ? body.state_reason : 'completed';
    }
    if (body.state === 'open' && issue.state === 'closed') {
      issue.closed_at = null;
      issue.state_reason = 'reopened';
    }
    if (body.state === 'open' || body.state === 'closed') issue.state = body.state;
    if (typeof body.title === 'string') issue.title = body.title;
    if (typeof body.body === 'string') issue.body = body.body;
    issue.updated_at = now;
    return { status: 200, body: this.issueJson(issue) };
  }

  private listComments(request: FakeRequest, params: Record<string, string>): FakeResponse {
    const issue = this.findIssue(params.number);
    if (!issue) return githubError(404, 'Not Found');
    return this.paginate(
      request,
      this.commentsOn(issue.number).map((comment) => this.commentJson(comment)),
    );
  }

  private createComment(request: FakeRequest, params: Record<string, string>): FakeResponse {
    const issue = this.findIssue(params.number);
    if (!issue) return githubError(404, 'Not Found');
    const body = request.body as { body?: unknown } | undefined;
    if (typeof body?.body !== 'string' || body.body === '')
      return validationFailed('IssueComment', 'body', 'missing_field');

    const now = new Date().toISOString();
    const comment: FakeComment = {
      id: this.nextId++,
      issueNumber: issue.number,
      body: body.body,
      created_at: now,
      updated_at: now,
    };
    this.comments.push(comment);
    return { status: 201, body: this.commentJson(comment) };
  }

  private updateComment(request: FakeRequest, params: Record<string, string>): FakeResponse {
    const comment = this.comments.find((candidate) => String(candidate.id) === params.id);
    if (!comment) return githubError(404, 'Not Found');
    const body = request.body as { body?: unknown } | undefined;
    if (typeof body?.body !== 'string' || body.body === '')
      return validationFailed('IssueComment', 'body', 'missing_field');

    comment.body = body.body;
    comment.updated_at = new Date().toISOString();
    return { status: 200, body: this.commentJson(comment) };
  }

  private getLabel(params: Record<string, string>): FakeResponse {
    const label = this.findLabel(params.name ?? '');
    return label ? { status: 200, body: this.labelJson(label) } : githubError(404, 'Not Found');
  }

  private createLabel(request: FakeRequest): FakeResponse {
    const body = request.body as
      { name?: unknown; color?: unknown; description?: unknown } | undefined;
    if (typeof body?.name !== 'string' || body.name === '')
      return validationFailed('Label', 'name', 'missing_field');
    if (this.findLabel(body.name)) return validationFailed('Label', 'name', 'already_exists');
    if (body.color !== undefined && !/^[0-9a-fA-F]{6}$/.test(String(body.color))) {
      return validationFailed('Label', 'color', 'invalid');
    }

    const label: FakeLabel = {
      id: this.nextId++,
      name: body.name,
      color: typeof body.color === 'string' ? body.color : 'ededed',
      description: typeof body.description === 'string' ? body.description : null,
    };
    this.labels.push(label);
    return { status: 201, body: this.labelJson(label) };
  }

  private findIssue(number: string | undefined): FakeIssue | undefined {
    return this.issues.find((issue) => String(issue.number) === number);
  }

  private findLabel(name: string): FakeLabel | undefined {
    return this.labels.find((label) => label.name.toLowerCase() === name.toLowerCase());
  }

  /** Cuts `items` into pages with `per_page` (default 30, max 100) and adds GitHub's Link header. */
  private paginate(request: FakeRequest, items: unknown[]): FakeResponse {
    const perPage = Math.min(Math.max(Number(request.query.get('per_page') ?? 30) || 30, 1), 100);
    const page = Math.max(Number(request.query.get('page') ?? 1) || 1, 1);
    const last = Math.max(Math.ceil(items.length / perPage), 1);

    const pageUrl = (number: number): string => {
      const query = new URLSearchParams(request.query);
      query.set('per_page', String(perPage));
      query.set('page', String(number));
      return `<${this.url}${request.path}?${query.toString()}>`;
    };
    const links: string[] = [];
    if (page > 1) links.push(`${pageUrl(page - 1)}; rel="prev"`);
    if (page < last) links.push(`${pageUrl(page + 1)}; rel="next"`, `${pageUrl(last)}; rel="last"`);
    if (page > 1) links.push(`${pageUrl(1)}; rel="first"`);

    const body = items.slice((page - 1) * perPage, page * perPage);
    return { status: 200, body, headers: links.length > 0 ? { link: links.join(', ') } : {} };
  }

  private issueJson(issue: FakeIssue): Record<string, unknown> {
    const apiUrl = `${this.url}/repos/${this.owner}/${this.repo}/issues/${issue.number}`;
    return {
      id: issue.id,
      node_id: `I_${issue.id}`,
      url: apiUrl,
      html_url: `https://github.example/${this.owner}/${this.repo}/issues/${issue.number}`,
      comments_url: `${apiUrl}/comments`,
      number: issue.number,
      title: issue.title,
      body: issue.body,
      state: issue.state,
      state_reason: issue.state_reason,
      labels: issue.labels.map((name) =>
        this.labelJson(this.findLabel(name) ?? { id: 0, name, color: 'ededed', description: null }),
      ),
      user: USER,
      comments: this.commentsOn(issue.number).length,
      created_at: issue.created_at,
      updated_at: issue.updated_at,
      closed_at: issue.closed_at,
      ...(issue.pull_request ? { pull_request: issue.pull_request } : {}),
    };
  }

  private commentJson(comment: FakeComment): Record<string, unknown> {
    return {
      id: comment.id,
      node_id: `IC_${comment.id}`,
      url: `${this.url}/repos/${this.owner}/${this.repo}/issues/comments/${comment.id}`,
      html_url: `https://github.example/${this.owner}/${this.repo}/issues/${comment.issueNumber}#issuecomment-${comment.id}`,
      issue_url: `${this.url}/repos/${this.owner}/${this.repo}/issues/${comment.issueNumber}`,
      body: comment.body,
      user: USER,
      created_at: comment.created_at,
      updated_at: comment.updated_at,
    };
  }

  private labelJson(label: FakeLabel): Record<string, unknown> {
    return {
      id: label.id,
      node_id: `LA_${label.id}`,
      url: `${this.url}/repos/${this.owner}/${this.repo}/labels/${encodeURIComponent(label.name)}`,
      name: label.name,
      color: label.color,
      default: false,
      description: label.description,
    };
  }
}

// ---- Plumbing -------------------------------------------------------------------

function validationFailed(resource: string, field: string, code: string): FakeResponse {
  return {
    status: 422,
    body: {
      message: 'Validation Failed',
      errors: [{ resource, code, field }],
      documentation_url: DOCS,
      status: '422',
    },
  };
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function parseJsonBody(text: string, contentType: string | undefined): unknown {
  if (!/^application\/(vnd\.github[^;]*\+)?json/i.test(contentType ?? '')) {
    return new Error(`content-type ${contentType ?? '(none)'} is not JSON`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}

function sendJson(response: ServerResponse, reply: FakeResponse): void {
  const text = reply.body === undefined ? '' : JSON.stringify(reply.body);
  response.writeHead(reply.status, {
    'content-type': 'application/json; charset=utf-8',
    'x-github-request-id': '0000:0000:0000000:0000000:00000000',
    'x-ratelimit-limit': '5000',
    'x-ratelimit-remaining': '4999',
    'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 3600),
    ...reply.headers,
  });
  response.end(text);
}
