import type { RefusalKind } from '../../acme/refusal.js';
import type { ActionFacts, CauseFacts, IncidentWording } from '../i18n.js';

// Simplified Chinese as technical writers in mainland China write it: full-width
// punctuation in prose, a space between Chinese and Latin text, and protocol terms
// (replaces, certID, newOrder) and the product's term lineage left in English as they appear in the RFC.

const CAUSE_NAMES: Record<RefusalKind, string> = {
  'already-replaced': '已被替换',
  'account-changed': '由其他账户申请',
  'ca-changed': '签发者或序列号未知',
  'replaces-unsupported': '不接受 replaces',
};

function likelyCause(facts: CauseFacts): string {
  switch (facts.cause) {
    case 'already-replaced':
      return alreadyReplacedCause(facts);
    case 'account-changed':
      return (
        'CA 认为这张证书是由另一个 ACME 账户申请的。很可能在证书签发之后更换了账户密钥，' +
        '或者重新注册了账户。CA 只接受原申请账户在 `replaces` 中指明这张证书。'
      );
    case 'ca-changed':
      return (
        'CA 不认识这张证书的签发者或序列号。多半是清单（manifest）现在指向的 CA 或目录地址' +
        '与当初签发它的不同（例如从生产环境换成了测试环境），或者这张证书并非由本 lineage 签发。'
      );
    case 'replaces-unsupported':
      return '这个 CA 拒绝 newOrder 中的 `replaces` 字段：它不支持 RFC 9773 定义的续期方式，或者不接受这个 certID。';
  }
}

function alreadyReplacedCause(facts: CauseFacts): string {
  const lost = facts.lostInCommit;
  if (lost && facts.lostByRevert) {
    return (
      `提交 \`${lost.sha.slice(0, 12)}\`（“${lost.subject}”）撤销了记录这次替换的状态提交。` +
      'CA 此前已经接受了替换这张证书的订单，lineage 却退回到了旧证书。'
    );
  }
  if (lost) {
    return (
      `提交 \`${lost.sha.slice(0, 12)}\`（“${lost.subject}”）删除或覆盖了状态文件，` +
      'lineage 中的替换记录随之丢失。CA 此前已经接受了替换这张证书的订单。'
    );
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

function action(facts: ActionFacts): string {
  const orderUrl = facts.orderUrl ?? '未记录订单地址';
  const newSerial = facts.newSerial ?? '（序列号未记录）';
  switch (facts.kind) {
    case 'recovered-journaled-order':
      return (
        `根据 lineage 预先记下的订单（${orderUrl}）找回了替换证书，并记录了证书 ${newSerial}。` +
        (facts.followUp
          ? `该证书的私钥已随完成签发的那次运行一起丢失，因此本次运行随后下了订单 ${facts.followUp.orderUrl}` +
            (facts.followUp.replaces
              ? `（\`replaces\` 为 ${facts.followUp.replaces}）替换它`
              : '（不带 `replaces`）') +
            `，并记录了证书 ${facts.followUp.serial}。`
          : '本次没有下新订单。')
      );
    case 'ordered-without-replaces':
      return (
        `不带 \`replaces\` 重新下了一个订单（${orderUrl}），并记录了证书 ${newSerial}。` +
        '这个订单不享受 CA 对续期订单的速率限制豁免。' +
        `lineage 已记下 certID ${facts.certId} 不能再用于 \`replaces\`，因此之后的运行不会重复这次拒绝。`
      );
    case 'none':
      return '清单为这张证书设置了 `on-already-replaced: fail`，所以没有再下其他订单。在你采取下面任一修复措施之前，证书保持不变。';
    case 'failed':
      return `尝试不带 \`replaces\` 重新下单，但同样失败：${facts.error ?? '没有错误信息'}。证书未能续期，下次运行会再试。`;
  }
}

export const chineseWording: IncidentWording = {
  title: (certificate, cause) =>
    `acme-lineage：CA 拒绝了证书 ${certificate} 的续期（${CAUSE_NAMES[cause]}）`,
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
  likelyCause,
  action,
  fixIntro: '以下方案任选其一，每种方案的代价见其下方的说明。',
  fixReplacesNever: {
    title: '在清单中为这张证书关闭 `replaces`：',
    cost: '代价：这张证书以后的每次续期都不带 `replaces`，因此都不能豁免 CA 的速率限制，CA 也不再把新证书与被替换的证书关联起来。',
  },
  fixRestore: {
    title: (commit) =>
      commit
        ? `把 lineage 文件恢复到提交 \`${commit}\` 之前的状态：`
        : '从最后一个记录了这次替换的提交恢复 lineage 文件：',
    findCommit: '先在 lineage 文件的提交历史中找到那个提交，再用它的哈希替换 `<commit>`。',
    cost:
      '代价：这个文件在那之后提交的所有改动都会被覆盖，所以请先查看 `git log`，并在没有工作流运行正在续期时推送。' +
      '恢复后替换记录重新出现，下次运行会接着这条 lineage 继续，不必再下订单。',
  },
  fixReset: {
    title: '重置这个 lineage：',
    cost:
      '代价：这张证书的历史记录将丢失。下次运行会不带 `replaces` 申请一张新证书，不能豁免 CA 的速率限制；' +
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
  resolved: (certificate, time, newSerial) =>
    `证书 \`${certificate}\` 已于 ${time} 正常续期` +
    (newSerial ? `（新序列号 \`${newSerial}\`）` : '') +
    '，因此关闭此 issue。如果 CA 再次拒绝，此 issue 会被重新打开。',
  // Commit messages stay in English, like every other commit on the state branch.
  commitMessages: {
    restore: (certificate, commit, before) =>
      `Restore the lineage of ${certificate} from ${before ? 'before ' : ''}${commit}`,
    reset: (certificate) => `Reset the lineage of ${certificate}`,
  },
};
