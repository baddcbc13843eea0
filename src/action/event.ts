import { readFileSync } from 'node:fs';

/** The parts of the workflow event payload the action reads. */
export interface WorkflowEvent {
  name?: string;
  pullRequestNumber?: number;
}

/** Reads GITHUB_EVENT_NAME and the pull request number from GITHUB_EVENT_PATH, when present. */
export function readWorkflowEvent(env: NodeJS.ProcessEnv): WorkflowEvent {
  const event: WorkflowEvent = { name: env.GITHUB_EVENT_NAME };
  if (!env.GITHUB_EVENT_PATH) return event;
  try {
    const payload = JSON.parse(readFileSync(env.GITHUB_EVENT_PATH, 'utf8')) as {
      pull_request?: { number?: number };
      number?: number;
    };
    event.pullRequestNumber = payload.pull_request?.number ?? undefined;
  } catch {
    // A missing or unreadable payload only costs the pull request comment.
  }
  return event;
}

/** Web address of the current workflow run, from the runner's environment. */
export function workflowRunUrl(env: NodeJS.ProcessEnv): string | undefined {
  const { GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: repository, GITHUB_RUN_ID: runId } = env;
  return server && repository && runId
    ? `${server}/${repository}/actions/runs/${runId}`
    : undefined;
}
