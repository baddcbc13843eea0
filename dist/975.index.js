export const id = 975;
export const ids = [975];
export const modules = {

/***/ 31975:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  publishManifestErrors: () => (/* binding */ publishManifestErrors),
  publishResults: () => (/* binding */ publishResults)
});

// EXTERNAL MODULE: ./node_modules/@actions/core/lib/core.js + 17 modules
var core = __webpack_require__(41804);
// EXTERNAL MODULE: ./lib/github/permissions.js
var permissions = __webpack_require__(48859);
;// CONCATENATED MODULE: ./lib/github/comment.js

/** Hidden marker that identifies the plan comment among a pull request's comments. */
const PLAN_COMMENT_MARKER = '<!-- acme-lineage:plan -->';
/** Login of the author of comments written with a workflow's GITHUB_TOKEN. */
const ACTIONS_BOT_LOGIN = 'github-actions[bot]';
/**
 * Creates the plan comment on a pull request, or edits it in place when an earlier
 * run left one, so each pull request keeps a single plan comment. A comment counts
 * as ours when it contains `marker` and its author is `github-actions[bot]` or the
 * login that GET /user returns for the token.
 */
async function upsertPlanComment(octokit, target, body, marker, logger) {
    const text = body.includes(marker) ? body : `${marker}\n${body}`;
    const authors = await tokenAuthors(octokit, logger);
    const pullRequest = `${target.owner}/${target.repo}#${target.issueNumber}`;
    const existing = await findComment(octokit, target, marker, authors);
    if (existing && existing.body === text) {
        logger.info(`Plan comment on ${pullRequest} is up to date: ${existing.url}`);
        return { action: 'unchanged', id: existing.id, url: existing.url };
    }
    if (existing) {
        const updated = await withAdvice(pullRequest, 'Editing the plan comment', () => octokit.rest.issues.updateComment({
            owner: target.owner,
            repo: target.repo,
            comment_id: existing.id,
            body: text,
        }));
        logger.info(`Updated the plan comment on ${pullRequest}: ${updated.data.html_url}`);
        return { action: 'updated', id: updated.data.id, url: updated.data.html_url };
    }
    const created = await withAdvice(pullRequest, 'Creating the plan comment', () => octokit.rest.issues.createComment({
        owner: target.owner,
        repo: target.repo,
        issue_number: target.issueNumber,
        body: text,
    }));
    logger.info(`Created the plan comment on ${pullRequest}: ${created.data.html_url}`);
    return { action: 'created', id: created.data.id, url: created.data.html_url };
}
/**
 * Returns the logins whose comments count as ours. GET /user fails with 403 for a
 * GITHUB_TOKEN, which is why `github-actions[bot]` is always included.
 */
async function tokenAuthors(octokit, logger) {
    // NOTE: a GitHub App installation token also gets 403 here, and its comments carry
    // the app's own `<slug>[bot]` login, so with such a token each run adds a comment.
    const authors = new Set([ACTIONS_BOT_LOGIN]);
    try {
        const user = await octokit.rest.users.getAuthenticated();
        authors.add(user.data.login);
    }
    catch (error) {
        const status = error.status;
        logger.debug(`GET /user failed (status ${String(status)}), so only ${ACTIONS_BOT_LOGIN} comments count as ours.`);
    }
    return authors;
}
/** Pages through every comment and returns the oldest one that is ours, if any. */
async function findComment(octokit, target, marker, authors) {
    const pullRequest = `${target.owner}/${target.repo}#${target.issueNumber}`;
    const pages = octokit.paginate.iterator(octokit.rest.issues.listComments, {
        owner: target.owner,
        repo: target.repo,
        issue_number: target.issueNumber,
        per_page: 100,
    });
    try {
        for await (const page of pages) {
            const match = page.data.find((comment) => comment.user !== null &&
                authors.has(comment.user.login) &&
                (comment.body ?? '').includes(marker));
            if (match)
                return { id: match.id, body: match.body ?? '', url: match.html_url };
        }
    }
    catch (error) {
        throw adviceFor(error, pullRequest, 'Listing the comments');
    }
    return undefined;
}
async function withAdvice(pullRequest, action, request) {
    try {
        return await request();
    }
    catch (error) {
        throw adviceFor(error, pullRequest, action);
    }
}
/**
 * Converts a GitHub failure into an error that names the missing permission. On a
 * pull request from a fork, GITHUB_TOKEN is read-only whatever the workflow grants,
 * so that case gets its own hint.
 */
function adviceFor(error, pullRequest, action) {
    const [repository = pullRequest, number = ''] = pullRequest.split('#');
    const permissionError = (0,permissions/* toPermissionError */.rK)(error, 'pull-requests', `${action} of pull request #${number}`, repository);
    if (permissionError) {
        return new permissions/* PermissionError */.i_(`${permissionError.message}\nOn pull requests from forks the token is read-only whatever the ` +
            `workflow grants, so the plan is shown only in the job summary there.`, permissionError.permission, permissionError.status);
    }
    const detail = error instanceof Error ? error.message : String(error);
    return new Error(`${action} of ${pullRequest} failed: ${detail}`, { cause: error });
}

// EXTERNAL MODULE: ./lib/lineage/layout.js
var layout = __webpack_require__(12143);
;// CONCATENATED MODULE: ./lib/report/incident.js

/** Label that every incident issue carries, so the action can find its own issues. */
const INCIDENT_LABEL = 'acme-lineage';
/** Branch the action keeps lineages on unless the workflow sets `state-branch`. */
const DEFAULT_STATE_BRANCH = 'acme-lineage';
const MARKER_PATTERN = /<!-- acme-lineage:incident certificate=(\S+) cause=(\S+) -->/;
/** Hidden HTML comment that identifies the issue of one certificate and cause. */
function incidentMarker(certificate, cause) {
    return `<!-- acme-lineage:incident certificate=${certificate} cause=${cause} -->`;
}
/** Reads the marker back from an issue body, or returns undefined when there is none. */
function parseIncidentMarker(body) {
    const match = MARKER_PATTERN.exec(body ?? '');
    if (!match?.[1] || !match[2])
        return undefined;
    return { certificate: match[1], cause: match[2] };
}
/** Branch and file of the lineage, with the defaults the git commands fall back to. */
function stateLocation(incident) {
    return (incident.state ?? { branch: DEFAULT_STATE_BRANCH, path: (0,layout/* lineageFilePath */.D4)(incident.certificate) });
}

;// CONCATENATED MODULE: ./lib/report/locales/en.js
const CAUSE_NAMES = {
    'already-replaced': 'already replaced',
    'account-changed': 'ordered by another account',
    'ca-changed': 'unknown to this CA',
    'replaces-unsupported': 'replaces not accepted',
};
function likelyCause(facts) {
    switch (facts.cause) {
        case 'already-replaced':
            return alreadyReplacedCause(facts);
        case 'account-changed':
            return ('The CA says another ACME account ordered this certificate. The account key was ' +
                'probably replaced, or the account was registered again, after the certificate was ' +
                'issued. The CA accepts `replaces` only from the account that ordered the certificate.');
        case 'ca-changed':
            return ('The CA does not know the issuer or the serial of this certificate. The manifest ' +
                'probably points at another CA or another directory (staging instead of production, ' +
                'for example) than the one that issued it, or the certificate came from outside this lineage.');
        case 'replaces-unsupported':
            return ('This CA rejects the `replaces` field of newOrder, so it does not support renewals ' +
                'as RFC 9773 defines them, or it does not accept this certID.');
    }
}
function alreadyReplacedCause(facts) {
    const lost = facts.lostInCommit;
    if (lost && facts.lostByRevert) {
        return (`Commit \`${lost.sha.slice(0, 12)}\` ("${lost.subject}") reverted the state commit that ` +
            'recorded the replacement. The CA had already accepted an order that replaces this ' +
            'certificate, but the lineage went back to the old one.');
    }
    if (lost) {
        return (`Commit \`${lost.sha.slice(0, 12)}\` ("${lost.subject}") removed the record of the ` +
            'replacement from the lineage, so the state file was deleted or overwritten. The CA had ' +
            'already accepted an order that replaces this certificate.');
    }
    return [
        'The CA already has an order that replaces this certificate, but the lineage has no record of it. One of these usually explains it:',
        '',
        '- a run died after the CA accepted the replacement order and before it committed the new certificate (a cancelled or timed-out job);',
        '- someone deleted the lineage file, or the record of the new certificate, from the state branch;',
        '- a state commit was reverted, or the state branch was reset to an older commit;',
        '- another ACME client using the same account renewed this certificate.',
        '',
        'Let\u2019s Encrypt counts an order as a replacement as soon as it is created, even before it is finalized, until that order becomes invalid or expires.',
    ].join('\n');
}
function action(facts) {
    switch (facts.kind) {
        case 'recovered-journaled-order':
            return (`Recovered the replacement from the order that the lineage had journaled (${facts.orderUrl ?? 'order URL not recorded'}) ` +
                `and recorded certificate ${facts.newSerial ?? '(serial not recorded)'}. ` +
                (facts.followUp
                    ? `Its private key was lost with the run that finalized it, so this run then placed order ${facts.followUp.orderUrl} ` +
                        (facts.followUp.replaces
                            ? `replacing it (\`replaces\` ${facts.followUp.replaces})`
                            : 'without `replaces`') +
                        ` and recorded certificate ${facts.followUp.serial}.`
                    : 'No new order was placed.'));
        case 'ordered-without-replaces':
            return (`Placed a new order without \`replaces\` (${facts.orderUrl ?? 'order URL not recorded'}) and recorded ` +
                `certificate ${facts.newSerial ?? '(serial not recorded)'}. That order was not exempt from the CA's rate ` +
                `limits. The lineage now records that certID ${facts.certId} must not be sent in \`replaces\` again, ` +
                'so later runs do not repeat this rejection.');
        case 'none':
            return ('Placed no other order, because the manifest sets `on-already-replaced: fail` for this ' +
                'certificate. The certificate stays as it is until you apply one of the fixes below.');
        case 'failed':
            return (`Tried to order without \`replaces\`, and that order failed too: ${facts.error ?? 'no error message'}. ` +
                'The certificate was not renewed; the next run tries again.');
    }
}
const englishWording = {
    title: (certificate, cause) => `acme-lineage: the CA rejected the renewal of ${certificate} (${CAUSE_NAMES[cause]})`,
    heading: (certificate) => `The CA rejected \`replaces\` for certificate \`${certificate}\``,
    sections: {
        answer: 'What the CA returned',
        lineage: 'What the lineage recorded',
        cause: 'Likely cause',
        action: 'What this run did',
        fix: 'How to fix or prevent it',
        links: 'Links',
    },
    fields: { status: 'HTTP status', type: 'Type', detail: 'Detail', none: '(none)' },
    answeredAt: (time) => `At ${time} the CA rejected the newOrder request that named the current certificate in \`replaces\`:`,
    currentCertificate: (serial, certId) => `Current certificate: serial ${serial}, certID ${certId}.`,
    lostIn: (commit, subject) => `The record of the replacement went missing in commit ${commit} ("${subject}").`,
    lostCommitUnknown: 'No state commit shows where the record of the replacement went missing.',
    likelyCause,
    action,
    fixIntro: 'Pick one. Each fix has a cost, stated below it.',
    fixReplacesNever: {
        title: 'Stop sending `replaces` for this certificate, in the manifest:',
        cost: 'Cost: every later renewal of this certificate is ordered without `replaces`, so none is exempt ' +
            'from the CA\u2019s rate limits, and the CA no longer links the new certificate to the one it replaces.',
    },
    fixRestore: {
        title: (commit) => commit
            ? `Restore the lineage file as it was before commit \`${commit}\`:`
            : 'Restore the lineage file from the last commit that recorded the replacement:',
        findCommit: 'Find that commit in the log of the lineage file, then put its hash in place of `<commit>`.',
        cost: 'Cost: this overwrites every change committed to this file since then, so read `git log` first, ' +
            'and push while no workflow run is renewing. It brings back the replacement, so the next run ' +
            'continues the lineage without another order.',
    },
    fixReset: {
        title: 'Reset this lineage:',
        cost: 'Cost: the history of this certificate is lost. The next run orders a new certificate without ' +
            '`replaces`, which is not exempt from the CA\u2019s rate limits, and the old certificate stays valid ' +
            'until it expires or is revoked.',
    },
    links: {
        run: 'Workflow run',
        stateCommit: 'State commit of this run',
        lostCommit: 'Commit where the replacement went missing',
        rfc: 'RFC 9773: ACME Renewal Information (ARI)',
    },
    recurrence: (time) => `The CA rejected \`replaces\` again at ${time}:`,
    recurrenceAction: 'This run:',
    resolved: (certificate, time, newSerial) => `Certificate \`${certificate}\` renewed cleanly at ${time}` +
        (newSerial ? ` (new serial \`${newSerial}\`)` : '') +
        ', so this issue is closed. A new rejection reopens it.',
    commitMessages: {
        restore: (certificate, commit, before) => `Restore the lineage of ${certificate} from ${before ? 'before ' : ''}${commit}`,
        reset: (certificate) => `Reset the lineage of ${certificate}`,
    },
};

;// CONCATENATED MODULE: ./lib/report/locales/zh-cn.js
// Simplified Chinese as technical writers in mainland China write it: full-width
// punctuation in prose, a space between Chinese and Latin text, and protocol terms
// (replaces, certID, newOrder) and the product's term lineage left in English as they appear in the RFC.
const zh_cn_CAUSE_NAMES = {
    'already-replaced': '已被替换',
    'account-changed': '由其他账户申请',
    'ca-changed': '签发者或序列号未知',
    'replaces-unsupported': '不接受 replaces',
};
function zh_cn_likelyCause(facts) {
    switch (facts.cause) {
        case 'already-replaced':
            return zh_cn_alreadyReplacedCause(facts);
        case 'account-changed':
            return ('CA 认为这张证书是由另一个 ACME 账户申请的。很可能在证书签发之后更换了账户密钥，' +
                '或者重新注册了账户。CA 只接受原申请账户在 `replaces` 中指明这张证书。');
        case 'ca-changed':
            return ('CA 不认识这张证书的签发者或序列号。多半是清单（manifest）现在指向的 CA 或目录地址' +
                '与当初签发它的不同（例如从生产环境换成了测试环境），或者这张证书并非由本 lineage 签发。');
        case 'replaces-unsupported':
            return '这个 CA 拒绝 newOrder 中的 `replaces` 字段：它不支持 RFC 9773 定义的续期方式，或者不接受这个 certID。';
    }
}
function zh_cn_alreadyReplacedCause(facts) {
    const lost = facts.lostInCommit;
    if (lost && facts.lostByRevert) {
        return (`提交 \`${lost.sha.slice(0, 12)}\`（“${lost.subject}”）撤销了记录这次替换的状态提交。` +
            'CA 此前已经接受了替换这张证书的订单，lineage 却退回到了旧证书。');
    }
    if (lost) {
        return (`提交 \`${lost.sha.slice(0, 12)}\`（“${lost.subject}”）删除或覆盖了状态文件，` +
            'lineage 中的替换记录随之丢失。CA 此前已经接受了替换这张证书的订单。');
    }
    return [
        'CA 端已经存在一个替换这张证书的订单，但 lineage 里没有相应记录。常见原因有以下几种：',
        '',
        '- 某次运行在 CA 接受替换订单之后、提交新证书之前中断了（作业被取消或超时）；',
        '- 有人从状态分支上删除了 lineage 文件，或删除了新证书的记录；',
        '- 某个状态提交被撤销（revert），或者状态分支被重置到了更早的提交；',
        '- 另一个使用同一账户的 ACME 客户端已经续期了这张证书。',
        '',
        '订单一经创建，Let’s Encrypt 就把它算作替换订单，即使它尚未最终确认（finalize）；直到该订单变为无效（invalid）或过期，这一状态才会解除。',
    ].join('\n');
}
function zh_cn_action(facts) {
    const orderUrl = facts.orderUrl ?? '未记录订单地址';
    const newSerial = facts.newSerial ?? '（序列号未记录）';
    switch (facts.kind) {
        case 'recovered-journaled-order':
            return (`根据 lineage 预先记下的订单（${orderUrl}）找回了替换证书，并记录了证书 ${newSerial}。` +
                (facts.followUp
                    ? `该证书的私钥已随完成签发的那次运行一起丢失，因此本次运行随后下了订单 ${facts.followUp.orderUrl}` +
                        (facts.followUp.replaces
                            ? `（\`replaces\` 为 ${facts.followUp.replaces}）替换它`
                            : '（不带 `replaces`）') +
                        `，并记录了证书 ${facts.followUp.serial}。`
                    : '本次没有下新订单。'));
        case 'ordered-without-replaces':
            return (`不带 \`replaces\` 重新下了一个订单（${orderUrl}），并记录了证书 ${newSerial}。` +
                '这个订单不享受 CA 对续期订单的速率限制豁免。' +
                `lineage 已记下 certID ${facts.certId} 不能再用于 \`replaces\`，因此之后的运行不会重复这次拒绝。`);
        case 'none':
            return '清单为这张证书设置了 `on-already-replaced: fail`，所以没有再下其他订单。在你采取下面任一修复措施之前，证书保持不变。';
        case 'failed':
            return `尝试不带 \`replaces\` 重新下单，但同样失败：${facts.error ?? '没有错误信息'}。证书未能续期，下次运行会再试。`;
    }
}
const chineseWording = {
    title: (certificate, cause) => `acme-lineage：CA 拒绝了证书 ${certificate} 的续期（${zh_cn_CAUSE_NAMES[cause]}）`,
    heading: (certificate) => `CA 拒绝了证书 \`${certificate}\` 的 \`replaces\``,
    sections: {
        answer: 'CA 的响应',
        lineage: 'lineage 中的记录',
        cause: '可能的原因',
        action: '本次运行的处理',
        fix: '如何修复或避免',
        links: '相关链接',
    },
    fields: { status: 'HTTP 状态码', type: '类型', detail: '详情', none: '（无）' },
    answeredAt: (time) => `CA 于 ${time} 拒绝了在 \`replaces\` 中指明当前证书的 newOrder 请求：`,
    currentCertificate: (serial, certId) => `当前证书：序列号 ${serial}，certID ${certId}。`,
    lostIn: (commit, subject) => `替换记录是在提交 ${commit}（“${subject}”）中丢失的。`,
    lostCommitUnknown: '状态分支的提交历史中找不到替换记录是在哪里丢失的。',
    likelyCause: zh_cn_likelyCause,
    action: zh_cn_action,
    fixIntro: '以下方案任选其一，每种方案的代价见其下方的说明。',
    fixReplacesNever: {
        title: '在清单中为这张证书关闭 `replaces`：',
        cost: '代价：这张证书以后的每次续期都不带 `replaces`，因此都不能豁免 CA 的速率限制，CA 也不再把新证书与被替换的证书关联起来。',
    },
    fixRestore: {
        title: (commit) => commit
            ? `把 lineage 文件恢复到提交 \`${commit}\` 之前的状态：`
            : '从最后一个记录了这次替换的提交恢复 lineage 文件：',
        findCommit: '先在 lineage 文件的提交历史中找到那个提交，再用它的哈希替换 `<commit>`。',
        cost: '代价：这个文件在那之后提交的所有改动都会被覆盖，所以请先查看 `git log`，并在没有工作流运行正在续期时推送。' +
            '恢复后替换记录重新出现，下次运行会接着这条 lineage 继续，不必再下订单。',
    },
    fixReset: {
        title: '重置这个 lineage：',
        cost: '代价：这张证书的历史记录将丢失。下次运行会不带 `replaces` 申请一张新证书，不能豁免 CA 的速率限制；' +
            '旧证书在过期或被吊销之前仍然有效。',
    },
    links: {
        run: '工作流运行',
        stateCommit: '本次运行的状态提交',
        lostCommit: '替换记录丢失的提交',
        rfc: 'RFC 9773：ACME 续期信息（ARI）',
    },
    recurrence: (time) => `CA 于 ${time} 再次拒绝了 \`replaces\`：`,
    recurrenceAction: '本次运行：',
    resolved: (certificate, time, newSerial) => `证书 \`${certificate}\` 已于 ${time} 正常续期` +
        (newSerial ? `（新序列号 \`${newSerial}\`）` : '') +
        '，因此关闭此 issue。如果 CA 再次拒绝，此 issue 会被重新打开。',
    // Commit messages stay in English, like every other commit on the state branch.
    commitMessages: {
        restore: (certificate, commit, before) => `Restore the lineage of ${certificate} from ${before ? 'before ' : ''}${commit}`,
        reset: (certificate) => `Reset the lineage of ${certificate}`,
    },
};

;// CONCATENATED MODULE: ./lib/report/i18n.js


const LANGUAGES = ['en', 'zh-CN'];
const WORDINGS = {
    en: englishWording,
    'zh-CN': chineseWording,
};
/** Returns the wording of `language`, or raises for a language this action has no text for. */
function wordingFor(language) {
    const wording = WORDINGS[language];
    if (!wording) {
        throw new Error(`Unsupported language '${String(language)}'. Expected one of: ${LANGUAGES.join(', ')}.`);
    }
    return wording;
}

;// CONCATENATED MODULE: ./lib/report/incident-text.js


/** RFC 9773, ACME Renewal Information, which defines `replaces`. */
const RFC_9773_URL = 'https://www.rfc-editor.org/rfc/rfc9773';
/**
 * Renders the issue that explains one rejection of `replaces`: what the CA returned,
 * what the lineage recorded, the likely cause, what the run did, the fixes with their
 * costs, and links. The body starts with the hidden marker that finds it again.
 */
function renderIncidentIssue(incident, language) {
    const wording = wordingFor(language);
    const sections = [
        incidentMarker(incident.certificate, incident.cause),
        `## ${wording.heading(incident.certificate)}`,
        renderAnswer(incident, wording),
        renderLineage(incident, wording),
        `### ${wording.sections.cause}\n\n${wording.likelyCause(causeFacts(incident))}`,
        `### ${wording.sections.action}\n\n${wording.action(actionFacts(incident))}`,
        renderFixes(incident, wording),
        renderLinks(incident, wording),
    ];
    return {
        title: wording.title(incident.certificate, incident.cause),
        body: `${sections.join('\n\n')}\n`,
    };
}
/** Renders the comment added to an existing incident issue when the CA rejects `replaces` again. */
function renderRecurrenceComment(incident, language) {
    const wording = wordingFor(language);
    const lines = [
        wording.recurrence(formatTime(incident.at)),
        '',
        problemTable(incident, wording),
        '',
        `**${wording.recurrenceAction}** ${wording.action(actionFacts(incident))}`,
    ];
    const links = linkLines(incident, wording);
    if (links.length > 0)
        lines.push('', ...links);
    return `${lines.join('\n')}\n`;
}
/** Renders the comment that closes an incident issue after a clean renewal. */
function renderResolvedComment(certificate, language, renewal) {
    const wording = wordingFor(language);
    const lines = [wording.resolved(certificate, formatTime(renewal.at), renewal.newSerial)];
    if (renewal.runUrl)
        lines.push('', `- [${wording.links.run}](${renewal.runUrl})`);
    return `${lines.join('\n')}\n`;
}
function renderAnswer(incident, wording) {
    return [
        `### ${wording.sections.answer}`,
        '',
        wording.answeredAt(formatTime(incident.at)),
        '',
        problemTable(incident, wording),
    ].join('\n');
}
function problemTable(incident, wording) {
    const { problem } = incident;
    const type = problem.type ? `\`${inlineCode(problem.type)}\`` : wording.fields.none;
    const detail = problem.detail ? escapeMarkdownCell(problem.detail) : wording.fields.none;
    return [
        '| | |',
        '| --- | --- |',
        `| ${wording.fields.status} | ${problem.status} |`,
        `| ${wording.fields.type} | ${type} |`,
        `| ${wording.fields.detail} | ${detail} |`,
    ].join('\n');
}
function renderLineage(incident, wording) {
    const { serial, certId, lostInCommit } = incident.lineage;
    const lost = lostInCommit
        ? wording.lostIn(commitReference(lostInCommit.sha, lostInCommit.url), escapeInline(lostInCommit.subject))
        : wording.lostCommitUnknown;
    return [
        `### ${wording.sections.lineage}`,
        '',
        `- ${wording.currentCertificate(`\`${inlineCode(serial)}\``, `\`${inlineCode(certId)}\``)}`,
        `- ${lost}`,
    ].join('\n');
}
function renderFixes(incident, wording) {
    const { branch, path } = stateLocation(incident);
    const shortSha = incident.lineage.lostInCommit?.sha.slice(0, 12);
    // Restoring or resetting the state only helps when the lineage lost a replacement.
    // For the other causes the lineage is right and only `replaces` has to go.
    const fixes = [renderReplacesNever(incident, wording)];
    if (incident.cause === 'already-replaced') {
        fixes.push(renderRestore(incident, wording, branch, path, shortSha), renderReset(incident, wording, branch, path));
    }
    const numbered = fixes.map((lines, index) => [`${index + 1}. ${lines[0] ?? ''}`, ...lines.slice(1)].join('\n'));
    return [`### ${wording.sections.fix}`, '', wording.fixIntro, '', numbered.join('\n\n')].join('\n');
}
function renderReplacesNever(incident, wording) {
    const snippet = `certificates:\n  - name: ${incident.certificate}\n    replaces: never`;
    return [
        `**${wording.fixReplacesNever.title}**`,
        '',
        indent(codeBlock('yaml', snippet)),
        '',
        indent(wording.fixReplacesNever.cost),
    ];
}
function renderRestore(incident, wording, branch, path, shortSha) {
    const source = shortSha ? `${shortSha}^` : '<commit>';
    const commands = [
        `git fetch origin ${shellQuote(branch)}`,
        `git switch ${shellQuote(branch)}`,
        ...(shortSha ? [] : [`git log --oneline -- ${shellQuote(path)}`]),
        `git checkout ${source} -- ${shellQuote(path)}`,
        `git commit -m ${shellQuote(wording.commitMessages.restore(incident.certificate, shortSha ?? '<commit>', shortSha !== undefined))}`,
        `git push origin ${shellQuote(branch)}`,
    ];
    return [
        `**${wording.fixRestore.title(shortSha)}**`,
        ...(shortSha ? [] : ['', indent(wording.fixRestore.findCommit)]),
        '',
        indent(codeBlock('sh', commands.join('\n'))),
        '',
        indent(wording.fixRestore.cost),
    ];
}
function renderReset(incident, wording, branch, path) {
    const folder = path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : path;
    const commands = [
        `git fetch origin ${shellQuote(branch)}`,
        `git switch ${shellQuote(branch)}`,
        `git rm -r ${shellQuote(folder)}`,
        `git commit -m ${shellQuote(wording.commitMessages.reset(incident.certificate))}`,
        `git push origin ${shellQuote(branch)}`,
    ];
    return [
        `**${wording.fixReset.title}**`,
        '',
        indent(codeBlock('sh', commands.join('\n'))),
        '',
        indent(wording.fixReset.cost),
    ];
}
function renderLinks(incident, wording) {
    return [
        `### ${wording.sections.links}`,
        '',
        ...linkLines(incident, wording),
        `- [${wording.links.rfc}](${RFC_9773_URL})`,
    ].join('\n');
}
function linkLines(incident, wording) {
    const lines = [];
    if (incident.links.runUrl)
        lines.push(`- [${wording.links.run}](${incident.links.runUrl})`);
    if (incident.links.stateCommitUrl)
        lines.push(`- [${wording.links.stateCommit}](${incident.links.stateCommitUrl})`);
    const lostUrl = incident.lineage.lostInCommit?.url;
    if (lostUrl)
        lines.push(`- [${wording.links.lostCommit}](${lostUrl})`);
    return lines;
}
function causeFacts(incident) {
    const lost = incident.lineage.lostInCommit;
    return {
        cause: incident.cause,
        lostInCommit: lost ? { ...lost, subject: escapeInline(lost.subject) } : undefined,
        lostByRevert: lost !== undefined && /^revert\b/i.test(lost.subject),
    };
}
function actionFacts(incident) {
    const { action } = incident;
    return {
        kind: action.kind,
        certId: `\`${inlineCode(incident.lineage.certId)}\``,
        newSerial: action.newSerial ? `\`${inlineCode(action.newSerial)}\`` : undefined,
        orderUrl: action.orderUrl ? `\`${inlineCode(action.orderUrl)}\`` : undefined,
        error: action.error ? escapeInline(action.error) : undefined,
        followUp: action.followUp
            ? {
                serial: `\`${inlineCode(action.followUp.serial ?? '?')}\``,
                orderUrl: `\`${inlineCode(action.followUp.orderUrl)}\``,
                replaces: action.followUp.replaces
                    ? `\`${inlineCode(action.followUp.replaces)}\``
                    : undefined,
            }
            : undefined,
    };
}
/** Formats a time as `2026-12-04 19:53:13 UTC`, the same in every language. */
function formatTime(at) {
    return `${at.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}
function commitReference(sha, url) {
    const short = `\`${sha.slice(0, 12)}\``;
    return url ? `[${short}](${url})` : short;
}
function codeBlock(language, text) {
    return `\`\`\`${language}\n${text}\n\`\`\``;
}
function indent(text) {
    return text
        .split('\n')
        .map((line) => (line === '' ? line : `   ${line}`))
        .join('\n');
}
// Text from the CA or from git is untrusted: a `<!--` in it could forge a marker and
// a `|` or newline would break the table, so both are neutralized before rendering.
function escapeInline(text) {
    return text
        .replace(/[\r\n]+/g, ' ')
        .replace(/</g, '&lt;')
        .replace(/>/g, '&gt;');
}
function escapeMarkdownCell(text) {
    return escapeInline(text).replace(/\|/g, '\\|');
}
function inlineCode(text) {
    return text.replace(/[\r\n]+/g, ' ').replace(/`/g, "'");
}
function shellQuote(value) {
    return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

;// CONCATENATED MODULE: ./lib/github/incident-issue.js



const LABEL_COLOR = 'b60205';
const LABEL_DESCRIPTION = 'Certificate renewal incidents reported by acme-lineage';
/**
 * Reports a rejection of `replaces` in one issue per certificate and cause. The issue
 * is found by the `acme-lineage` label and its hidden marker, through every page of
 * issues, open or closed. A found issue gets a comment (and is reopened when closed);
 * otherwise a new issue is created, with the label when the repository lacks it.
 * Raises PermissionError when the token lacks `issues: write`.
 */
async function reportIncident(octokit, repository, incident, language, logger) {
    const where = `${repository.owner}/${repository.repo}`;
    const marker = incidentMarker(incident.certificate, incident.cause);
    const issues = await withPermissionCheck('Listing the incident issues', where, 'issues', () => listLabelledIssues(octokit, repository, 'all'));
    const matching = issues.filter((issue) => issue.body?.includes(marker));
    const existing = matching.find((issue) => issue.state === 'open') ?? matching[0];
    if (existing) {
        await commentOnIssue(octokit, repository, existing, incident, language, logger);
        return { url: existing.html_url, created: false, commented: true };
    }
    await ensureLabel(octokit, repository, logger);
    const text = renderIncidentIssue(incident, language);
    const created = await withPermissionCheck('Creating the incident issue', where, 'issues', () => octokit.rest.issues.create({
        ...repository,
        title: text.title,
        body: text.body,
        labels: [INCIDENT_LABEL],
    }));
    logger.info(`Opened issue #${created.data.number} for certificate ${incident.certificate}: ${created.data.html_url}`);
    return { url: created.data.html_url, created: true, commented: false };
}
/**
 * Closes the open incident issues of `certificate`, whatever their cause, each with a
 * comment saying it renewed cleanly. Returns the addresses of the closed issues.
 */
async function resolveIncidents(octokit, repository, certificate, language, options = {}) {
    const where = `${repository.owner}/${repository.repo}`;
    const issues = await withPermissionCheck('Listing the incident issues', where, 'issues', () => listLabelledIssues(octokit, repository, 'open'));
    const ofCertificate = issues.filter((issue) => parseIncidentMarker(issue.body)?.certificate === certificate);
    const body = renderResolvedComment(certificate, language, {
        at: options.at ?? new Date(),
        newSerial: options.newSerial,
        runUrl: options.runUrl,
    });
    const closed = [];
    for (const issue of ofCertificate) {
        await withPermissionCheck('Closing the incident issue', where, 'issues', async () => {
            await octokit.rest.issues.createComment({ ...repository, issue_number: issue.number, body });
            await octokit.rest.issues.update({
                ...repository,
                issue_number: issue.number,
                state: 'closed',
                state_reason: 'completed',
            });
        });
        options.logger?.info(`Closed issue #${issue.number}: certificate ${certificate} renewed cleanly.`);
        closed.push(issue.html_url);
    }
    return closed;
}
/** Lists every issue with the incident label, across all pages, without pull requests. */
async function listLabelledIssues(octokit, repository, state) {
    const issues = await octokit.paginate(octokit.rest.issues.listForRepo, {
        ...repository,
        state,
        labels: INCIDENT_LABEL,
        per_page: 100,
    });
    return issues.filter((issue) => !issue.pull_request);
}
async function commentOnIssue(octokit, repository, issue, incident, language, logger) {
    const where = `${repository.owner}/${repository.repo}`;
    if (issue.state !== 'open') {
        await withPermissionCheck('Reopening the incident issue', where, 'issues', () => octokit.rest.issues.update({ ...repository, issue_number: issue.number, state: 'open' }));
        logger.info(`Reopened issue #${issue.number} for certificate ${incident.certificate}.`);
    }
    const body = renderRecurrenceComment(incident, language);
    await withPermissionCheck('Commenting on the incident issue', where, 'issues', () => octokit.rest.issues.createComment({ ...repository, issue_number: issue.number, body }));
    logger.info(`Commented on issue #${issue.number} for certificate ${incident.certificate}: ${issue.html_url}`);
}
/** Creates the incident label unless it exists; another run creating it first is fine. */
async function ensureLabel(octokit, repository, logger) {
    const where = `${repository.owner}/${repository.repo}`;
    try {
        await octokit.rest.issues.getLabel({ ...repository, name: INCIDENT_LABEL });
        return;
    }
    catch (error) {
        if (statusOf(error) !== 404)
            throw (0,permissions/* toPermissionError */.rK)(error, 'issues', 'Reading the incident label', where) ?? error;
    }
    try {
        await octokit.rest.issues.createLabel({
            ...repository,
            name: INCIDENT_LABEL,
            color: LABEL_COLOR,
            description: LABEL_DESCRIPTION,
        });
        logger.info(`Created label ${INCIDENT_LABEL} in ${where}.`);
    }
    catch (error) {
        if (statusOf(error) === 422)
            return;
        throw (0,permissions/* toPermissionError */.rK)(error, 'issues', 'Creating the incident label', where) ?? error;
    }
}
async function withPermissionCheck(action, repository, area, request) {
    try {
        return await request();
    }
    catch (error) {
        throw (0,permissions/* toPermissionError */.rK)(error, area, action, repository) ?? error;
    }
}
function statusOf(error) {
    if (typeof error !== 'object' || error === null || !('status' in error))
        return undefined;
    return typeof error.status === 'number' ? error.status : undefined;
}

// EXTERNAL MODULE: ./lib/manifest/problems.js
var problems = __webpack_require__(83925);
;// CONCATENATED MODULE: ./lib/report/mermaid.js
const LABELS = {
    en: { validity: 'Validity', window: 'Suggested window', renewAt: 'Renewal time' },
    'zh-CN': { validity: '有效期', window: '建议续期窗口', renewAt: '计划续期时间' },
};
/**
 * Renders one Mermaid `gantt` block per certificate with its validity, the CA's
 * suggested window and the chosen renewal time. Certificates without validity dates
 * are left out, and an empty string is returned when none is left.
 */
function renderLifetimeChart(rows, language = 'en') {
    return rows
        .map((row) => renderCertificateChart(row, LABELS[language]))
        .filter((block) => block !== '')
        .join('\n\n');
}
function renderCertificateChart(row, labels) {
    if (!row.notBefore || !row.notAfter)
        return '';
    const lines = [
        '```mermaid',
        'gantt',
        `  title ${mermaidText(row.name)}`,
        '  dateFormat YYYY-MM-DD HH:mm',
        '  axisFormat %Y-%m-%d',
        `  section ${mermaidText(row.name)}`,
        `  ${labels.validity} :validity, ${mermaidDate(row.notBefore)}, ${mermaidDate(row.notAfter)}`,
    ];
    if (row.suggestedWindow) {
        const { start, end } = row.suggestedWindow;
        lines.push(`  ${labels.window} :crit, window, ${mermaidDate(start)}, ${mermaidDate(end)}`);
    }
    if (row.renewAt) {
        lines.push(`  ${labels.renewAt} :milestone, renewal, ${mermaidDate(row.renewAt)}, 0d`);
    }
    lines.push('```');
    return lines.join('\n');
}
/** Formats a moment in UTC in the chart's `dateFormat`, YYYY-MM-DD HH:mm. */
function mermaidDate(date) {
    return date.toISOString().slice(0, 16).replace('T', ' ');
}
/**
 * Makes a name safe on a Mermaid title or section line. A colon ends a task name,
 * `#` and `;` start an entity or end a statement, and `%%` starts a comment, so
 * they become spaces.
 */
function mermaidText(text) {
    return text
        .replace(/[:#;\r\n]|%%/g, ' ')
        .replace(/\s+/g, ' ')
        .trim();
}

;// CONCATENATED MODULE: ./lib/report/summary.js


const TEXTS = {
    en: {
        headers: [
            'Certificate',
            'Domains',
            'Status',
            'Current serial',
            'Expires',
            'Suggested window',
            'Next action',
        ],
        outcomes: {
            issued: 'Issued',
            renewed: 'Renewed',
            'not-due': 'Not due',
            due: 'Due',
            failed: 'Failed',
        },
        modes: { renew: 'renewal run', plan: 'renewal plan', check: 'certificate check' },
        noCertificates: 'No certificates in this run.',
        explanation: 'explanation',
        newSerial: 'new serial',
        replaces: 'replaces',
        error: 'error',
        expiresIn: (amount) => `in ${amount}`,
        expiredAgo: (amount) => `expired ${amount} ago`,
        days: (count) => `${count} ${count === 1 ? 'day' : 'days'}`,
        hours: (count) => `${count} ${count === 1 ? 'hour' : 'hours'}`,
        renewAt: (time) => `Renew at ${time}`,
        defaultNextAction: {
            issued: 'Check renewal information on the next run',
            renewed: 'Check renewal information on the next run',
            'not-due': 'Check renewal information on the next run',
            due: 'Renew on the next renew run',
            failed: 'Retry on the next run after the error is fixed',
        },
        planTitle: 'acme-lineage renewal plan',
        manifestErrors: 'Manifest errors',
        chart: 'Lifetime chart',
        updated: (time) => `Updated ${time}.`,
        countSeparator: ', ',
        labelled: (label, value) => `${label}: ${value}`,
        omittedRows: (count) => `${count} more ${count === 1 ? 'certificate is' : 'certificates are'} not listed because ` +
            `GitHub limits a comment to 65,536 characters. The job summary lists all of them.`,
        chartLimited: (count) => `The chart shows the ${count} certificates that expire first.`,
    },
    'zh-CN': {
        headers: ['证书', '域名', '状态', '当前序列号', '到期时间', '建议续期窗口', '下一步'],
        outcomes: {
            issued: '首次签发',
            renewed: '已续期',
            'not-due': '暂不续期',
            due: '待续期',
            failed: '失败',
        },
        modes: { renew: '续期运行', plan: '续期计划', check: '证书检查' },
        noCertificates: '本次运行没有涉及任何证书。',
        explanation: '说明',
        newSerial: '新序列号',
        replaces: '替换',
        error: '错误',
        expiresIn: (amount) => `${amount}后到期`,
        expiredAgo: (amount) => `已过期 ${amount}`,
        days: (count) => `${count} 天`,
        hours: (count) => `${count} 小时`,
        renewAt: (time) => `将于 ${time} 续期`,
        defaultNextAction: {
            issued: '下次运行时查询续期信息',
            renewed: '下次运行时查询续期信息',
            'not-due': '下次运行时查询续期信息',
            due: '下次以 renew 模式运行时续期',
            failed: '修复错误后，将在下次运行时重试',
        },
        planTitle: 'acme-lineage 续期计划',
        manifestErrors: '清单文件错误',
        chart: '有效期图表',
        updated: (time) => `更新于 ${time}。`,
        countSeparator: '，',
        labelled: (label, value) => `${label}：${value}`,
        omittedRows: (count) => `另有 ${count} 个证书未列出，因为 GitHub 评论最多只能有 65,536 个字符。完整列表见作业摘要。`,
        chartLimited: (count) => `图表只显示最早到期的 ${count} 个证书。`,
    },
};
/** Maximum length of an issue or pull request comment that GitHub accepts, in characters. */
const MAX_COMMENT_LENGTH = 65_536;
/** Certificates drawn in the lifetime chart. Each gets its own block, so more would bury the table. */
const CHART_LIMIT = 20;
/** Order of the outcome counts in a summary line, with what needs attention first. */
const OUTCOME_ORDER = ['failed', 'due', 'renewed', 'issued', 'not-due'];
/**
 * Renders the per-certificate Markdown table: name, domains, status, current serial,
 * expiry, suggested window and next action. Times are shown in UTC.
 */
function renderStatusTable(rows, language, now) {
    const texts = TEXTS[language];
    if (rows.length === 0)
        return texts.noCertificates;
    const header = `| ${texts.headers.join(' | ')} |`;
    const separator = `|${texts.headers.map(() => ' --- ').join('|')}|`;
    const body = rows.map((row) => `| ${renderCells(row, texts, now).join(' | ')} |`);
    return [header, separator, ...body].join('\n');
}
/**
 * Renders the pull request comment of plan mode, starting with the hidden marker.
 * When the comment would exceed {@link MAX_COMMENT_LENGTH}, the chart is left out
 * first, and then the last rows of the table, with a note that counts them.
 */
function renderPlanComment(rows, options) {
    let shown = rows.length;
    let withChart = true;
    for (;;) {
        const comment = composePlanComment(rows, shown, withChart, options);
        if (comment.length <= MAX_COMMENT_LENGTH || (shown === 0 && !withChart))
            return comment;
        if (withChart) {
            withChart = false;
        }
        else {
            // Shrink in proportion to the excess, by at least one row, so a long list
            // needs a few attempts instead of one per row.
            const estimate = Math.floor((shown * MAX_COMMENT_LENGTH) / comment.length);
            shown = Math.max(0, Math.min(shown - 1, estimate));
        }
    }
}
function composePlanComment(rows, shown, withChart, options) {
    const texts = TEXTS[options.language];
    const parts = [options.marker, `### ${texts.planTitle}`];
    const manifestErrors = options.manifestErrors ?? [];
    if (manifestErrors.length > 0) {
        const list = manifestErrors.map((message) => `> - ${escapeText(message)}`);
        parts.push(['> [!CAUTION]', `> **${texts.manifestErrors}**`, '>', ...list].join('\n'));
    }
    if (rows.length > 0)
        parts.push(renderCounts(rows, texts));
    parts.push(renderStatusTable(rows.slice(0, shown), options.language, options.now));
    if (shown < rows.length)
        parts.push(`_${texts.omittedRows(rows.length - shown)}_`);
    if (withChart)
        parts.push(...renderChartDetails(rows.slice(0, shown), options.language, texts));
    parts.push(`<sub>${texts.updated(summary_formatTime(options.now))}</sub>`);
    return `${parts.join('\n\n')}\n`;
}
/** Renders the job summary of one run: a heading for the mode, counts, table and chart. */
function renderJobSummary(rows, mode, language, now) {
    const texts = TEXTS[language];
    const parts = [`## ${texts.labelled('acme-lineage', texts.modes[mode])}`];
    if (rows.length > 0)
        parts.push(renderCounts(rows, texts));
    parts.push(renderStatusTable(rows, language, now));
    parts.push(...renderChartDetails(rows, language, texts));
    parts.push(`<sub>${texts.updated(summary_formatTime(now))}</sub>`);
    return `${parts.join('\n\n')}\n`;
}
function renderCells(row, texts, now) {
    return [
        `**${escapeText(row.name)}**`,
        row.domains.map((domain) => `\`${escapeCode(domain)}\``).join(', '),
        renderStatus(row, texts),
        row.currentSerial ? `\`${escapeCode(row.currentSerial)}\`` : '—',
        renderExpiry(row, texts, now),
        renderWindow(row, texts),
        escapeText(renderNextAction(row, texts)),
    ];
}
function renderStatus(row, texts) {
    const lines = [`**${texts.outcomes[row.outcome]}**`];
    if (row.reason)
        lines.push(escapeText(row.reason));
    if (row.newSerial)
        lines.push(`${texts.newSerial} \`${escapeCode(row.newSerial)}\``);
    if (row.replaces)
        lines.push(`${texts.replaces} \`${escapeCode(row.replaces)}\``);
    if (row.error)
        lines.push(texts.labelled(texts.error, escapeText(row.error)));
    return lines.join('<br>');
}
function renderExpiry(row, texts, now) {
    if (!row.notAfter)
        return '—';
    const remainingMs = row.notAfter.getTime() - now.getTime();
    const amount = formatAmount(Math.abs(remainingMs), texts);
    const relative = remainingMs >= 0 ? texts.expiresIn(amount) : texts.expiredAgo(amount);
    return `${summary_formatTime(row.notAfter)}<br>${relative}`;
}
function renderWindow(row, texts) {
    if (!row.suggestedWindow)
        return '—';
    const { start, end } = row.suggestedWindow;
    const window = `${summary_formatTime(start)} – ${summary_formatTime(end)}`;
    const url = row.explanationUrl && safeUrl(row.explanationUrl);
    return url ? `${window}<br>[${texts.explanation}](${url})` : window;
}
function renderNextAction(row, texts) {
    if (row.nextAction)
        return row.nextAction;
    if (row.outcome === 'not-due' && row.renewAt)
        return texts.renewAt(summary_formatTime(row.renewAt));
    return texts.defaultNextAction[row.outcome];
}
function renderCounts(rows, texts) {
    return OUTCOME_ORDER.map((outcome) => {
        const count = rows.filter((row) => row.outcome === outcome).length;
        return count > 0 ? texts.labelled(texts.outcomes[outcome], String(count)) : '';
    })
        .filter((part) => part !== '')
        .join(texts.countSeparator);
}
/** Renders the chart of the {@link CHART_LIMIT} certificates that expire first, folded. */
function renderChartDetails(rows, language, texts) {
    const dated = rows.filter((row) => row.notAfter !== undefined);
    const charted = [...dated]
        .sort((a, b) => a.notAfter.getTime() - b.notAfter.getTime())
        .slice(0, CHART_LIMIT);
    const chart = renderLifetimeChart(charted, language);
    if (chart === '')
        return [];
    const note = dated.length > CHART_LIMIT ? `${texts.chartLimited(CHART_LIMIT)}\n\n` : '';
    return [`<details><summary>${texts.chart}</summary>\n\n${note}${chart}\n\n</details>`];
}
/** Formats a moment as `YYYY-MM-DD HH:mm UTC`. */
function summary_formatTime(date) {
    return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
/** Formats a duration in whole hours below two days and in whole days from there. */
function formatAmount(milliseconds, texts) {
    const hours = Math.floor(milliseconds / 3_600_000);
    return hours < 48 ? texts.hours(hours) : texts.days(Math.floor(hours / 24));
}
/** Escapes text for a table cell, because a pipe would split the cell and HTML would be rendered. */
function escapeText(text) {
    return text
        .replace(/&/g, '&amp;')
        .replace(/</g, '&lt;')
        .replace(/>/g, '&gt;')
        .replace(/\|/g, '\\|')
        .replace(/\r?\n/g, '<br>');
}
function escapeCode(text) {
    return text.replace(/`/g, "'").replace(/\|/g, '\\|');
}
/** Keeps only http(s) addresses from the CA and escapes the characters that end a Markdown link. */
function safeUrl(url) {
    if (!/^https?:\/\//i.test(url))
        return undefined;
    return url.replace(/[()\s<>|]/g, (character) => encodeURIComponent(character));
}

// EXTERNAL MODULE: ./lib/action/event.js
var action_event = __webpack_require__(23118);
;// CONCATENATED MODULE: ./lib/action/publish.js








/** Sets the step outputs, writes the job summary, reports incidents and the plan comment. */
async function publishResults(result, settings, context) {
    const rows = result.results.map((item) => item.status);
    const renewed = result.results
        .filter((item) => item.files)
        .map((item) => ({
        name: item.status.name,
        serial: item.status.newSerial,
        'certificate-path': item.files?.certificate,
        'fullchain-path': item.files?.fullchain,
        'chain-path': item.files?.chain,
        'key-path': item.files?.privateKey,
        'not-after': item.status.notAfter?.toISOString(),
    }));
    core/* setOutput */.uH('renewed', JSON.stringify(renewed));
    core/* setOutput */.uH('renewed-count', String(renewed.length));
    core/* setOutput */.uH('certificate-directory', settings.outputDirectory);
    const summary = [renderJobSummary(rows, settings.mode, settings.language, new Date())];
    const issueUrls = await reportIncidents(result, settings, context, summary);
    if (issueUrls.length > 0)
        core/* setOutput */.uH('issue-url', issueUrls[0]);
    await resolveCleanRenewals(result, settings, context);
    if (settings.mode === 'plan' && context.pullRequestNumber !== undefined) {
        const body = renderPlanComment(rows, {
            language: settings.language,
            now: new Date(),
            marker: PLAN_COMMENT_MARKER,
        });
        await commentOnPullRequest(body, settings, context);
    }
    await writeSummary(summary.join('\n\n'));
}
/** Puts manifest errors in the job summary and, on pull requests, in the plan comment. */
async function publishManifestErrors(error, settings, octokit, pullRequestNumber, logger) {
    const messages = error.problems.map((problem) => `${problem.file}:${problem.line}:${problem.column}: ${problem.message}`);
    await writeSummary(`## acme-lineage\n\n\`\`\`\n${(0,problems/* formatProblems */.C5)(error.problems)}\n\`\`\`\n`);
    if (settings.mode !== 'plan' || pullRequestNumber === undefined)
        return;
    const body = renderPlanComment([], {
        manifestErrors: messages,
        language: settings.language,
        now: new Date(),
        marker: PLAN_COMMENT_MARKER,
    });
    await commentOnPullRequest(body, settings, {
        octokit,
        pullRequestNumber,
        logger,
        env: process.env,
    });
}
async function reportIncidents(result, settings, context, summary) {
    const urls = [];
    for (const item of result.results) {
        const incident = item.incident;
        if (!incident)
            continue;
        incident.links.runUrl = (0,action_event/* workflowRunUrl */.C)(context.env);
        incident.state = { branch: settings.stateBranch, path: `${incident.certificate}/lineage.json` };
        const text = renderIncidentIssue(incident, settings.language);
        if (!context.octokit || !settings.repository || settings.dryRun) {
            summary.push(`### ${text.title}\n\n${text.body}`);
            continue;
        }
        try {
            const report = await reportIncident(context.octokit, settings.repository, incident, settings.language, context.logger);
            urls.push(report.url);
        }
        catch (error) {
            // One failed GitHub request must not hide the other incidents or the summary.
            const reason = error instanceof Error ? error.message : String(error);
            const advice = error instanceof permissions/* PermissionError */.i_ ? '' : ' Reporting the issue failed:';
            core/* warning */.$e(`${advice} ${reason} The explanation is in the job summary instead.`.trim());
            summary.push(`### ${text.title}\n\n${text.body}`);
        }
    }
    return urls;
}
async function resolveCleanRenewals(result, settings, context) {
    if (!context.octokit || !settings.repository || settings.dryRun)
        return;
    for (const item of result.results) {
        if (!item.renewedCleanly)
            continue;
        try {
            await resolveIncidents(context.octokit, settings.repository, item.status.name, settings.language, {
                newSerial: item.status.newSerial,
                runUrl: (0,action_event/* workflowRunUrl */.C)(context.env),
                logger: context.logger,
            });
        }
        catch (error) {
            core/* warning */.$e(`Could not close the incident issues of ${item.status.name}: ${error instanceof Error ? error.message : String(error)}`);
        }
    }
}
async function commentOnPullRequest(body, settings, context) {
    if (!context.octokit || !settings.repository || context.pullRequestNumber === undefined) {
        core/* info */.pq('No token or pull request: the plan is in the job summary only.');
        return;
    }
    try {
        await upsertPlanComment(context.octokit, { ...settings.repository, issueNumber: context.pullRequestNumber }, body, PLAN_COMMENT_MARKER, context.logger);
    }
    catch (error) {
        if (!(error instanceof permissions/* PermissionError */.i_))
            throw error;
        core/* warning */.$e(`${error.message} The plan is in the job summary only.`);
    }
}
async function writeSummary(markdown) {
    if (!process.env.GITHUB_STEP_SUMMARY)
        return;
    await core/* summary */.z.addRaw(markdown, true).write();
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
