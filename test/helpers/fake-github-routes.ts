import { createHash, randomBytes } from 'node:crypto';

import {
  type FakeGitHub,
  type FakeRequest,
  type FakeResponse,
  githubError,
} from './fake-github.js';

/**
 * Extra routes for the fake GitHub: the Git Data API (blobs, trees, commits, refs)
 * and pull request comments written by several authors. Blob and tree ids are
 * SHA-1 hashes of their content, so equal content gets an equal id as on GitHub,
 * but they differ from git's object ids. Commit ids are random.
 */

interface FakeCommit {
  tree: string;
  parents: string[];
  message: string;
}

/** In-memory git objects and refs of the fake repository. */
export interface FakeGitData {
  /** Blob contents, base64-encoded, by id. */
  readonly blobs: Map<string, string>;
  /** Trees as flat maps from file path to blob id. */
  readonly trees: Map<string, Map<string, string>>;
  readonly commits: Map<string, FakeCommit>;
  /** Ref ids by full name, such as `refs/heads/acme-lineage`. */
  readonly refs: Map<string, string>;
  /**
   * Called once per ref update or ref creation, before the fake checks it. A test
   * sets it to let another writer move the branch between a writer's read and its
   * update, which is the race the store must survive.
   */
  beforeRefWrite?: (ref: string) => Promise<void> | void;
  /** Returns the text of `path` at the tip of `branch`, or undefined. */
  fileAt(branch: string, path: string): string | undefined;
  /** Commits of `branch` from the tip back to the root. */
  history(branch: string): FakeCommit[];
}

const REPO = '/repos/:owner/:repo';
const EMPTY_TREE = '4b825dc642cb6eb9a060e54bf8d69288fbee4904';

function newId(): string {
  return randomBytes(20).toString('hex');
}

function contentId(kind: string, content: string): string {
  return createHash('sha1').update(`${kind}\0${content}`).digest('hex');
}

/** Adds the Git Data API routes and returns the objects they read and write. */
export function registerGitDataRoutes(fake: FakeGitHub): FakeGitData {
  const data: FakeGitData = {
    blobs: new Map(),
    trees: new Map([[EMPTY_TREE, new Map()]]),
    commits: new Map(),
    refs: new Map(),
    fileAt(branch, path) {
      const tip = data.refs.get(`refs/heads/${branch}`);
      const tree = tip ? data.trees.get(data.commits.get(tip)?.tree ?? '') : undefined;
      const blob = tree?.get(path);
      return blob ? Buffer.from(data.blobs.get(blob) ?? '', 'base64').toString('utf8') : undefined;
    },
    history(branch) {
      const commits: FakeCommit[] = [];
      let id = data.refs.get(`refs/heads/${branch}`);
      while (id) {
        const commit = data.commits.get(id) as FakeCommit;
        commits.push(commit);
        id = commit.parents[0];
      }
      return commits;
    },
  };

  fake.route('GET', `${REPO}/git/ref/:ref`, (_request, params) =>
    getRef(data, `refs/${params.ref}`),
  );
  fake.route('GET', `${REPO}/git/ref/heads/:branch`, (_request, params) =>
    getRef(data, `refs/heads/${params.branch}`),
  );
  fake.route('POST', `${REPO}/git/refs`, (request) => createRef(data, request));
  fake.route('PATCH', `${REPO}/git/refs/:ref`, (request, params) =>
    updateRef(data, request, `refs/${params.ref}`),
  );
  fake.route('PATCH', `${REPO}/git/refs/heads/:branch`, (request, params) =>
    updateRef(data, request, `refs/heads/${params.branch}`),
  );
  fake.route('GET', `${REPO}/git/commits/:sha`, (_request, params) =>
    getCommit(data, params.sha ?? ''),
  );
  fake.route('POST', `${REPO}/git/commits`, (request) => createCommit(data, request));
  fake.route('GET', `${REPO}/git/trees/:sha`, (request, params) =>
    getTree(data, request, params.sha ?? ''),
  );
  fake.route('POST', `${REPO}/git/trees`, (request) => createTree(data, request));
  fake.route('GET', `${REPO}/git/blobs/:sha`, (_request, params) =>
    getBlob(data, params.sha ?? ''),
  );
  fake.route('POST', `${REPO}/git/blobs`, (request) => createBlob(data, request));
  return data;
}

function refJson(ref: string, sha: string): Record<string, unknown> {
  return { ref, node_id: `REF_${sha.slice(0, 8)}`, object: { type: 'commit', sha } };
}

function getRef(data: FakeGitData, ref: string): FakeResponse {
  const sha = data.refs.get(ref);
  return sha ? { status: 200, body: refJson(ref, sha) } : githubError(404, 'Not Found');
}

async function createRef(data: FakeGitData, request: FakeRequest): Promise<FakeResponse> {
  const body = request.body as { ref?: unknown; sha?: unknown } | undefined;
  if (
    typeof body?.ref !== 'string' ||
    !body.ref.startsWith('refs/') ||
    typeof body.sha !== 'string'
  ) {
    return githubError(422, 'Invalid request.');
  }
  await data.beforeRefWrite?.(body.ref);

  if (data.refs.has(body.ref)) return githubError(422, 'Reference already exists');
  if (!data.commits.has(body.sha)) return githubError(422, 'Object does not exist');
  data.refs.set(body.ref, body.sha);
  return { status: 201, body: refJson(body.ref, body.sha) };
}

async function updateRef(
  data: FakeGitData,
  request: FakeRequest,
  ref: string,
): Promise<FakeResponse> {
  const body = request.body as { sha?: unknown; force?: unknown } | undefined;
  if (typeof body?.sha !== 'string') return githubError(422, 'Invalid request.');
  await data.beforeRefWrite?.(ref);

  const current = data.refs.get(ref);
  if (!current) return githubError(422, 'Reference does not exist');
  if (!data.commits.has(body.sha)) return githubError(422, 'Object does not exist');
  if (body.force !== true && !isAncestor(data, current, body.sha)) {
    return githubError(422, 'Update is not a fast forward');
  }
  data.refs.set(ref, body.sha);
  return { status: 200, body: refJson(ref, body.sha) };
}

function isAncestor(data: FakeGitData, ancestor: string, descendant: string): boolean {
  const pending = [descendant];
  while (pending.length > 0) {
    const id = pending.pop() as string;
    if (id === ancestor) return true;
    pending.push(...(data.commits.get(id)?.parents ?? []));
  }
  return false;
}

function commitJson(sha: string, commit: FakeCommit): Record<string, unknown> {
  return {
    sha,
    html_url: `https://github.example/commit/${sha}`,
    message: commit.message,
    tree: { sha: commit.tree },
    parents: commit.parents.map((parent) => ({ sha: parent })),
  };
}

function getCommit(data: FakeGitData, sha: string): FakeResponse {
  const commit = data.commits.get(sha);
  return commit ? { status: 200, body: commitJson(sha, commit) } : githubError(404, 'Not Found');
}

function createCommit(data: FakeGitData, request: FakeRequest): FakeResponse {
  const body = request.body as { message?: unknown; tree?: unknown; parents?: unknown } | undefined;
  const parents = Array.isArray(body?.parents) ? body.parents.map(String) : [];
  if (
    typeof body?.message !== 'string' ||
    typeof body.tree !== 'string' ||
    !data.trees.has(body.tree)
  ) {
    return githubError(422, 'Invalid request.');
  }
  if (parents.some((parent) => !data.commits.has(parent)))
    return githubError(422, 'Object does not exist');

  const sha = newId();
  const commit = { tree: body.tree, parents, message: body.message };
  data.commits.set(sha, commit);
  return { status: 201, body: commitJson(sha, commit) };
}

/** Lists a flat tree as GitHub does: folders as `tree` entries, before their files. */
function treeEntries(files: Map<string, string>, recursive: boolean): Record<string, unknown>[] {
  const entries: Record<string, unknown>[] = [];
  const folders = new Set<string>();
  for (const [path, blob] of [...files].sort(([a], [b]) => a.localeCompare(b))) {
    const segments = path.split('/');
    for (let depth = 1; depth < segments.length; depth++) {
      const folder = segments.slice(0, depth).join('/');
      if (!folders.has(folder) && (recursive || depth === 1)) {
        folders.add(folder);
        entries.push({ path: folder, mode: '040000', type: 'tree', sha: newId() });
      }
    }
    if (recursive || segments.length === 1) {
      entries.push({ path, mode: '100644', type: 'blob', sha: blob, size: 0 });
    }
  }
  return entries;
}

function getTree(data: FakeGitData, request: FakeRequest, sha: string): FakeResponse {
  const files = data.trees.get(sha);
  if (!files) return githubError(404, 'Not Found');
  const recursive = ['1', 'true'].includes(request.query.get('recursive') ?? '');
  return { status: 200, body: { sha, tree: treeEntries(files, recursive), truncated: false } };
}

function createTree(data: FakeGitData, request: FakeRequest): FakeResponse {
  const body = request.body as { base_tree?: unknown; tree?: unknown } | undefined;
  if (!Array.isArray(body?.tree)) return githubError(422, 'Invalid tree info');
  const base =
    typeof body.base_tree === 'string' ? data.trees.get(body.base_tree) : new Map<string, string>();
  if (!base) return githubError(422, 'Invalid base_tree');

  const files = new Map(base);
  for (const entry of body.tree as {
    path?: unknown;
    sha?: unknown;
    content?: unknown;
    type?: unknown;
  }[]) {
    if (typeof entry.path !== 'string' || entry.path.startsWith('/') || entry.type !== 'blob') {
      return githubError(422, 'Invalid tree info');
    }
    if (entry.sha === null) {
      files.delete(entry.path);
    } else if (typeof entry.content === 'string') {
      const base64 = Buffer.from(entry.content, 'utf8').toString('base64');
      const blob = contentId('blob', base64);
      data.blobs.set(blob, base64);
      files.set(entry.path, blob);
    } else if (typeof entry.sha === 'string' && data.blobs.has(entry.sha)) {
      files.set(entry.path, entry.sha);
    } else {
      return githubError(422, 'Invalid tree info');
    }
  }

  const listing = [...files]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([path, blob]) => `${path} ${blob}`);
  const sha = files.size === 0 ? EMPTY_TREE : contentId('tree', listing.join('\n'));
  data.trees.set(sha, files);
  return { status: 201, body: { sha, tree: treeEntries(files, false), truncated: false } };
}

function getBlob(data: FakeGitData, sha: string): FakeResponse {
  const content = data.blobs.get(sha);
  if (content === undefined) return githubError(404, 'Not Found');
  const size = Buffer.from(content, 'base64').length;
  return {
    status: 200,
    body: { sha, size, encoding: 'base64', content: content.replace(/(.{60})/g, '$1\n') },
  };
}

function createBlob(data: FakeGitData, request: FakeRequest): FakeResponse {
  const body = request.body as { content?: unknown; encoding?: unknown } | undefined;
  if (typeof body?.content !== 'string') return githubError(422, 'Invalid request.');
  const encoding = body.encoding ?? 'utf-8';
  if (encoding !== 'utf-8' && encoding !== 'base64') return githubError(422, 'Invalid encoding');

  const base64 =
    encoding === 'base64' ? body.content : Buffer.from(body.content, 'utf8').toString('base64');
  const sha = contentId('blob', base64);
  data.blobs.set(sha, base64);
  return { status: 201, body: { sha, url: `/git/blobs/${sha}` } };
}

// ---- Pull request comments by several authors -------------------------------------

/** A comment with its author, as the plan comment routes store it. */
export interface FakeAuthoredComment {
  id: number;
  issueNumber: number;
  author: string;
  body: string;
}

/** State of the pull request comment routes. */
export interface FakePullRequestComments {
  readonly comments: FakeAuthoredComment[];
  /** Login returned by GET /user, or undefined to answer 403 as GitHub does for GITHUB_TOKEN. */
  userLogin: string | undefined;
  /** Login recorded as the author of comments created through the API. */
  tokenAuthor: string;
  add(issueNumber: number, author: string, body: string): FakeAuthoredComment;
}

/**
 * Adds routes for the comments of one pull request (or issue) and GET /user. They
 * replace the fake's own comment routes, whose comments all have one author, for
 * this fake's repository.
 */
export function registerPullRequestCommentRoutes(fake: FakeGitHub): FakePullRequestComments {
  let nextId = 50_000;
  const state: FakePullRequestComments = {
    comments: [],
    userLogin: undefined,
    tokenAuthor: 'github-actions[bot]',
    add(issueNumber, author, body) {
      const comment = { id: nextId++, issueNumber, author, body };
      state.comments.push(comment);
      return comment;
    },
  };
  const json = (comment: FakeAuthoredComment): Record<string, unknown> => ({
    id: comment.id,
    html_url: `https://github.example/${fake.owner}/${fake.repo}/pull/${comment.issueNumber}#issuecomment-${comment.id}`,
    body: comment.body,
    user: { login: comment.author, type: comment.author.endsWith('[bot]') ? 'Bot' : 'User' },
  });

  // Literal owner and repo segments make these routes win over the fake's own ones.
  const repoPath = `/repos/${fake.owner}/${fake.repo}`;
  fake.route('GET', '/user', () =>
    state.userLogin
      ? { status: 200, body: { login: state.userLogin, type: 'User' } }
      : githubError(403, 'Resource not accessible by integration'),
  );
  fake.route('GET', `${repoPath}/issues/:number/comments`, (request, params) =>
    paginate(
      fake,
      request,
      state.comments.filter((comment) => String(comment.issueNumber) === params.number).map(json),
    ),
  );
  fake.route('POST', `${repoPath}/issues/:number/comments`, (request, params) => {
    const body = (request.body as { body?: unknown } | undefined)?.body;
    if (typeof body !== 'string' || body === '') return githubError(422, 'Validation Failed');
    return { status: 201, body: json(state.add(Number(params.number), state.tokenAuthor, body)) };
  });
  fake.route('PATCH', `${repoPath}/issues/comments/:id`, (request, params) => {
    const comment = state.comments.find((candidate) => String(candidate.id) === params.id);
    const body = (request.body as { body?: unknown } | undefined)?.body;
    if (!comment) return githubError(404, 'Not Found');
    if (comment.author !== state.tokenAuthor)
      return githubError(403, 'Resource not accessible by integration');
    if (typeof body !== 'string' || body === '') return githubError(422, 'Validation Failed');
    comment.body = body;
    return { status: 200, body: json(comment) };
  });
  return state;
}

/** Pages `items` with `per_page` (default 30, maximum 100) and a Link header, as GitHub does. */
function paginate(fake: FakeGitHub, request: FakeRequest, items: unknown[]): FakeResponse {
  const perPage = Math.min(Math.max(Number(request.query.get('per_page') ?? 30) || 30, 1), 100);
  const page = Math.max(Number(request.query.get('page') ?? 1) || 1, 1);
  const last = Math.max(Math.ceil(items.length / perPage), 1);
  const pageUrl = (number: number): string => {
    const query = new URLSearchParams(request.query);
    query.set('per_page', String(perPage));
    query.set('page', String(number));
    return `<${fake.url}${request.path}?${query.toString()}>`;
  };

  const links: string[] = [];
  if (page < last) links.push(`${pageUrl(page + 1)}; rel="next"`, `${pageUrl(last)}; rel="last"`);
  if (page > 1) links.push(`${pageUrl(page - 1)}; rel="prev"`, `${pageUrl(1)}; rel="first"`);
  return {
    status: 200,
    body: items.slice((page - 1) * perPage, page * perPage),
    headers: links.length > 0 ? { link: links.join(', ') } : {},
  };
}
