/**
 * Returns the web address prefix of commits in the github.com repository that a remote
 * URL points to, such as `https://github.com/owner/repo/commit/`, or undefined for
 * other hosts. Accepts https (with or without credentials), ssh:// and scp-like
 * `git@github.com:owner/repo.git` forms. Credentials in the URL are never part of
 * the result.
 * NOTE: GitHub Enterprise Server remotes get no address, because the URL alone does
 * not show whether a host runs GitHub.
 */
export function githubCommitUrlPrefix(remoteUrl: string): string | undefined {
  const match =
    /^(?:https?|ssh|git):\/\/(?:[^@/]+@)?github\.com(?::\d+)?\/([^/]+)\/([^/]+?)(?:\.git)?\/?$/i.exec(
      remoteUrl,
    ) ?? /^(?:[^@/]+@)?github\.com:([^/]+)\/([^/]+?)(?:\.git)?\/?$/i.exec(remoteUrl);
  if (!match) return undefined;

  const [, owner, repository] = match;
  return `https://github.com/${owner}/${repository}/commit/`;
}
