export const id = 564;
export const ids = [564];
export const modules = {

/***/ 51564:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   createGitHubLineageStore: () => (/* binding */ createGitHubLineageStore)
/* harmony export */ });
/* unused harmony exports NOT_A_FAST_FORWARD, REFERENCE_ALREADY_EXISTS, REPOSITORY_IS_EMPTY */
/* harmony import */ var _lineage_git_commit_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(40199);
/* harmony import */ var _lineage_layout_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(12143);
/* harmony import */ var _lineage_serialize_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(45579);
/* harmony import */ var _permissions_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(48859);




/** `message` of the 422 that GitHub returns when a ref update would drop commits. */
const NOT_A_FAST_FORWARD = 'Update is not a fast forward';
/** `message` of the 422 that GitHub returns when creating a ref that another writer created first. */
const REFERENCE_ALREADY_EXISTS = 'Reference already exists';
/** `message` of the 409 for a repository without any commit, where the Git Data API cannot write. */
const REPOSITORY_IS_EMPTY = 'Git Repository is empty.';
/**
 * Creates a lineage store on a branch of a GitHub repository, written through the
 * Git Data API so the action needs no clone. Each update is one commit that moves
 * the branch without force. When another writer moved the branch in between,
 * GitHub rejects the update, and the store re-reads the branch and applies the
 * change again on top of the new tip.
 */
function createGitHubLineageStore(options) {
    return new GitHubLineageStore(options);
}
class GitHubLineageStore {
    description;
    octokit;
    owner;
    repo;
    branch;
    logger;
    maxAttempts;
    retryDelayMs;
    /** File listings by tree id. Trees and blobs never change, so they are cached for the run. */
    treeFiles = new Map();
    blobTexts = new Map();
    /** Tail of the queue of this store's updates. */
    updates = Promise.resolve();
    constructor(options) {
        this.octokit = options.octokit;
        this.owner = options.owner;
        this.repo = options.repo;
        this.branch = options.branch;
        this.logger = options.logger;
        this.maxAttempts = options.maxAttempts ?? 5;
        this.retryDelayMs = options.retryDelayMs ?? 250;
        this.description = `branch ${this.branch} of ${this.repository} (GitHub API)`;
    }
    get repository() {
        return `${this.owner}/${this.repo}`;
    }
    async read(name) {
        (0,_lineage_layout_js__WEBPACK_IMPORTED_MODULE_1__/* .assertCertificateName */ .rd)(name);
        const head = await this.readHead();
        return head ? this.readLineageAt(head, name) : undefined;
    }
    async readAll() {
        const head = await this.readHead();
        if (!head)
            return [];
        const files = await this.listFiles(head.tree);
        const paths = [...files.keys()].filter((path) => /^[^/]+\/lineage\.json$/.test(path)).sort();
        const lineages = [];
        // Eight requests at a time read a large state branch in parallel without the burst
        // of concurrent requests that GitHub answers with a secondary rate limit.
        for (let start = 0; start < paths.length; start += 8) {
            const batch = paths.slice(start, start + 8);
            const texts = await Promise.all(batch.map((path) => this.readBlob(files.get(path))));
            batch.forEach((path, index) => lineages.push((0,_lineage_serialize_js__WEBPACK_IMPORTED_MODULE_2__/* .parseLineage */ .Vg)(texts[index], path)));
        }
        return lineages;
    }
    /**
     * Queues the update behind this store's earlier ones. Concurrent updates from one
     * run would otherwise only race each other for the branch tip, so only updates from
     * other jobs can make an attempt fail.
     */
    async update(name, change, message) {
        (0,_lineage_layout_js__WEBPACK_IMPORTED_MODULE_1__/* .assertCertificateName */ .rd)(name);
        const result = this.updates.then(() => this.updateNow(name, change, message));
        this.updates = result.catch(() => undefined);
        return result;
    }
    async updateNow(name, change, message) {
        for (let attempt = 1;; attempt++) {
            const head = await this.readHead();
            const current = head ? await this.readLineageAt(head, name) : undefined;
            const files = (0,_lineage_layout_js__WEBPACK_IMPORTED_MODULE_1__/* .folderFiles */ .kf)(name, change(current));
            const result = await this.commitFiles(head, files, messageWithTrailer(message, name));
            if (result)
                return result;
            if (attempt >= this.maxAttempts) {
                throw new Error(`Updating certificate ${name} on ${this.description} failed: other writers moved the branch ` +
                    `${this.maxAttempts} times in a row. Run the workflow again, or give concurrent jobs ` +
                    `that write the same state branch a concurrency group.`);
            }
            const delay = this.retryDelay(attempt);
            this.logger.info(`State branch ${this.branch} moved while committing ${name}. Re-reading it and retrying in ` +
                `${delay} ms (attempt ${attempt + 1} of ${this.maxAttempts}).`);
            await new Promise((resolve) => setTimeout(resolve, delay));
        }
    }
    /**
     * Commits `files` on top of `head` and moves the branch to the commit. Returns
     * undefined when another writer moved the branch first, and the current tip when
     * the files already have this content, so no empty commit is made.
     */
    async commitFiles(head, files, message) {
        const tree = await this.createTree(head?.tree, files);
        if (head && tree === head.tree) {
            this.logger.debug(`No change to commit on ${this.description}: the files already have this content.`);
            return { commit: head.commit };
        }
        const commit = await this.call('Creating a state commit', () => this.octokit.rest.git.createCommit({
            owner: this.owner,
            repo: this.repo,
            message,
            tree,
            parents: head ? [head.commit] : [],
        }));
        const moved = head
            ? await this.moveBranch(commit.data.sha)
            : await this.createBranch(commit.data.sha);
        if (!moved)
            return undefined;
        this.logger.debug(`Moved ${this.description} to ${commit.data.sha}.`);
        return { commit: commit.data.sha, url: commit.data.html_url };
    }
    /**
     * Creates the tree of `baseTree` plus `files`. The file contents go inline in the
     * tree request instead of one blob request each, because the throttling plugin
     * spaces write requests at least one second apart and each saved write saves that.
     */
    async createTree(baseTree, files) {
        const entries = [...files].map(([path, content]) => ({
            path,
            mode: '100644',
            type: 'blob',
            content,
        }));
        const tree = await this.call('Writing the state tree', () => this.octokit.rest.git.createTree({
            owner: this.owner,
            repo: this.repo,
            tree: entries,
            ...(baseTree ? { base_tree: baseTree } : {}),
        }));
        return tree.data.sha;
    }
    /** Moves the branch without force. Returns false when GitHub rejects it as not a fast forward. */
    async moveBranch(commit) {
        try {
            await this.octokit.rest.git.updateRef({
                owner: this.owner,
                repo: this.repo,
                ref: `heads/${this.branch}`,
                sha: commit,
                force: false,
            });
            return true;
        }
        catch (error) {
            if (isLostRace(error, NOT_A_FAST_FORWARD))
                return false;
            throw this.explain(error, `Moving ${this.description}`);
        }
    }
    /** Creates the branch. Returns false when another writer created it first. */
    async createBranch(commit) {
        try {
            await this.octokit.rest.git.createRef({
                owner: this.owner,
                repo: this.repo,
                ref: `refs/heads/${this.branch}`,
                sha: commit,
            });
            this.logger.info(`Created state branch ${this.branch} in ${this.repository}.`);
            return true;
        }
        catch (error) {
            if (isLostRace(error, REFERENCE_ALREADY_EXISTS))
                return false;
            throw this.explain(error, `Creating ${this.description}`);
        }
    }
    /** Reads the branch tip, or undefined when the branch (or any commit at all) does not exist yet. */
    async readHead() {
        let commit;
        try {
            const ref = await this.octokit.rest.git.getRef({
                owner: this.owner,
                repo: this.repo,
                ref: `heads/${this.branch}`,
            });
            commit = ref.data.object.sha;
        }
        catch (error) {
            const status = statusOf(error);
            if (status === 404 || (status === 409 && messageOf(error) === REPOSITORY_IS_EMPTY))
                return undefined;
            throw this.explain(error, `Reading ${this.description}`);
        }
        const data = await this.call(`Reading commit ${commit} of ${this.description}`, () => this.octokit.rest.git.getCommit({ owner: this.owner, repo: this.repo, commit_sha: commit }));
        return { commit, tree: data.data.tree.sha };
    }
    async readLineageAt(head, name) {
        const path = (0,_lineage_layout_js__WEBPACK_IMPORTED_MODULE_1__/* .lineageFilePath */ .D4)(name);
        const blob = (await this.listFiles(head.tree)).get(path);
        return blob ? (0,_lineage_serialize_js__WEBPACK_IMPORTED_MODULE_2__/* .parseLineage */ .Vg)(await this.readBlob(blob), path) : undefined;
    }
    /** Lists the files of a tree as a map from path to blob id, from one recursive request. */
    listFiles(tree) {
        let listing = this.treeFiles.get(tree);
        if (!listing) {
            listing = this.fetchFiles(tree);
            listing.catch(() => this.treeFiles.delete(tree));
            this.treeFiles.set(tree, listing);
        }
        return listing;
    }
    async fetchFiles(tree) {
        const response = await this.call(`Listing ${this.description}`, () => this.octokit.rest.git.getTree({
            owner: this.owner,
            repo: this.repo,
            tree_sha: tree,
            recursive: 'true',
        }));
        if (response.data.truncated) {
            // GitHub truncates recursive listings past 100,000 entries or 7 MB (REST docs,
            // "Get a tree"). At three files per certificate that is an estimated 30,000 certificates.
            throw new Error(`The state branch ${this.description} has too many files for one tree listing. ` +
                `Move certificates to a second state-branch.`);
        }
        const files = new Map();
        for (const entry of response.data.tree) {
            if (entry.type === 'blob' && entry.path && entry.sha)
                files.set(entry.path, entry.sha);
        }
        return files;
    }
    readBlob(sha) {
        let text = this.blobTexts.get(sha);
        if (!text) {
            text = this.fetchBlob(sha);
            text.catch(() => this.blobTexts.delete(sha));
            this.blobTexts.set(sha, text);
        }
        return text;
    }
    async fetchBlob(sha) {
        const blob = await this.call(`Reading blob ${sha} of ${this.description}`, () => this.octokit.rest.git.getBlob({ owner: this.owner, repo: this.repo, file_sha: sha }));
        const encoding = blob.data.encoding === 'base64' ? 'base64' : 'utf8';
        return Buffer.from(blob.data.content, encoding).toString('utf8');
    }
    async call(action, request) {
        try {
            return await request();
        }
        catch (error) {
            throw this.explain(error, action);
        }
    }
    /** Turns a GitHub failure into an error that names the repository, the branch and the fix. */
    explain(error, action) {
        const permissionError = (0,_permissions_js__WEBPACK_IMPORTED_MODULE_3__/* .toPermissionError */ .rK)(error, 'contents', action, this.repository);
        if (permissionError)
            return permissionError;
        if (statusOf(error) === 409 && messageOf(error) === REPOSITORY_IS_EMPTY) {
            return new Error(`${action} failed: ${this.repository} has no commits, and the Git Data API cannot write to an ` +
                `empty repository. Push one commit to its default branch, then run again.`, { cause: error });
        }
        if (statusOf(error) === 422 && /protected branch/i.test(messageOf(error) ?? '')) {
            return new Error(`${action} failed: GitHub rejected the update because branch ${this.branch} is protected. ` +
                `Exclude the state branch from branch protection rules and rulesets, or choose another state-branch.`, { cause: error });
        }
        const detail = error instanceof Error ? error.message : String(error);
        return new Error(`${action} failed: ${detail}`, { cause: error });
    }
    /** Wait before attempt `attempt + 1`: the base delay doubled per attempt, times 0.5 to 1.5 at random. */
    retryDelay(attempt) {
        return Math.round(this.retryDelayMs * 2 ** (attempt - 1) * (0.5 + Math.random()));
    }
}
/** Appends the `Lineage-Certificate` trailer that the git backend writes too, so history can be searched by name. */
function messageWithTrailer(message, name) {
    const trimmed = message.trim();
    const paragraphs = trimmed.split(/\n\s*\n/);
    const last = paragraphs[paragraphs.length - 1] ?? '';
    const endsWithTrailers = paragraphs.length > 1 && last.split('\n').every((line) => /^[\w-]+: /.test(line));
    const trailer = `${_lineage_git_commit_js__WEBPACK_IMPORTED_MODULE_0__/* .CERTIFICATE_TRAILER */ .A}: ${name}`;
    return endsWithTrailers ? `${trimmed}\n${trailer}\n` : `${trimmed}\n\n${trailer}\n`;
}
function isLostRace(error, expectedMessage) {
    return statusOf(error) === 422 && (messageOf(error) ?? '').includes(expectedMessage);
}
function statusOf(error) {
    if (typeof error !== 'object' || error === null || !('status' in error))
        return undefined;
    return typeof error.status === 'number' ? error.status : undefined;
}
/** Reads the `message` field of GitHub's error body, which Octokit keeps in `response.data`. */
function messageOf(error) {
    if (typeof error !== 'object' || error === null || !('response' in error))
        return undefined;
    const data = error.response?.data;
    if (typeof data !== 'object' || data === null || !('message' in data))
        return undefined;
    return typeof data.message === 'string' ? data.message : undefined;
}


/***/ }),

/***/ 48859:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   i_: () => (/* binding */ PermissionError),
/* harmony export */   rK: () => (/* binding */ toPermissionError)
/* harmony export */ });
/* unused harmony exports RESOURCE_NOT_ACCESSIBLE_BY_INTEGRATION, RESOURCE_NOT_ACCESSIBLE_BY_TOKEN, NOT_FOUND, permissionsBlock */
/**
 * GitHub API failures that mean the workflow token lacks a permission, each turned
 * into a message that names the permission and shows the `permissions:` block to add.
 */
/** `message` of a 403 when a GITHUB_TOKEN or GitHub App token lacks a permission. */
const RESOURCE_NOT_ACCESSIBLE_BY_INTEGRATION = 'Resource not accessible by integration';
/** `message` of a 403 when a fine-grained personal access token lacks a permission. */
const RESOURCE_NOT_ACCESSIBLE_BY_TOKEN = 'Resource not accessible by personal access token';
/** `message` of a 404 that GitHub also returns for a private repository the token cannot see. */
const NOT_FOUND = 'Not Found';
const PERMISSION_OF_AREA = {
    issues: 'issues: write',
    contents: 'contents: write',
    'pull-requests': 'pull-requests: write',
};
/**
 * Raised when GitHub rejects a request because the token lacks a permission. Callers
 * catch it to warn and fall back (for example to the job summary) instead of failing.
 */
class PermissionError extends Error {
    permission;
    status;
    constructor(message, permission, status) {
        super(message);
        this.name = 'PermissionError';
        this.permission = permission;
        this.status = status;
    }
}
/** Workflow snippet that grants what the action needs; `missing` gets a marking comment. */
function permissionsBlock(missing) {
    const lines = ['contents: write', 'issues: write', 'pull-requests: write'].map((permission) => (permission === missing ? `  ${permission}   # missing` : `  ${permission}`));
    return ['permissions:', ...lines].join('\n');
}
/**
 * Converts an Octokit error into a PermissionError when its status and message match
 * a known permission failure, and returns undefined for any other error. `action`
 * describes the request in the message, for example "Creating the incident issue".
 */
function toPermissionError(error, area, action, repository) {
    const status = statusOf(error);
    const message = githubMessageOf(error);
    const permission = PERMISSION_OF_AREA[area];
    const lacksPermission = status === 403 &&
        (message === RESOURCE_NOT_ACCESSIBLE_BY_INTEGRATION ||
            message === RESOURCE_NOT_ACCESSIBLE_BY_TOKEN);
    if (lacksPermission) {
        return new PermissionError(`${action} in ${repository} failed: GitHub returned 403 "${message}". ` +
            `The token lacks the \`${permission}\` permission. Add it to the workflow or job:\n\n` +
            `${permissionsBlock(permission)}\n`, permission, status);
    }
    if (status === 404 && message === NOT_FOUND) {
        return new PermissionError(`${action} in ${repository} failed: GitHub returned 404 "Not Found". Either the repository ` +
            `name is wrong or the repository is private and the token cannot read it. Check the ` +
            `repository name, and grant \`${permission}\` to the workflow or job:\n\n` +
            `${permissionsBlock(permission)}\n`, permission, status);
    }
    return undefined;
}
function statusOf(error) {
    if (typeof error !== 'object' || error === null || !('status' in error))
        return undefined;
    return typeof error.status === 'number' ? error.status : undefined;
}
/** Reads the `message` field of GitHub's error body, which Octokit keeps in `response.data`. */
function githubMessageOf(error) {
    if (typeof error !== 'object' || error === null || !('response' in error))
        return undefined;
    const data = error.response?.data;
    if (typeof data !== 'object' || data === null || !('message' in data))
        return undefined;
    return typeof data.message === 'string' ? data.message : undefined;
}


/***/ })

};
