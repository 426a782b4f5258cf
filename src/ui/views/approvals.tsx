import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { confirmThen, type Shared } from '../shared.js';
import { rejectQuestion } from '../questions.js';
import { api } from '../api.js';
import { dateTime, shortDigest } from '../format.js';
import { hrefFor } from '../router.js';
import type { Approval } from '../types.js';
import { LoadNotices, Notice } from './notice.js';
import { ReleaseLinkList } from './release-links.js';

const VOTER_KEY = 'tidewatch.voter';

export function ApprovalsView({ shared }: { shared: Shared }): JSX.Element {
  const [approvals, setApprovals] = useState<Approval[] | undefined>();
  const [error, setError] = useState<string | undefined>();
  // The voter's name is not a secret: remembered so each vote does not ask again.
  const [voter, setVoter] = useState(() => localStorage.getItem(VOTER_KEY) ?? '');

  useEffect(() => {
    let current = true;
    api.approvals().then(
      (answer) => current && (setApprovals(answer.items), setError(undefined)),
      (failure: unknown) => current && setError(failure instanceof Error ? failure.message : String(failure)),
    );
    return () => {
      current = false;
    };
  }, [shared.version]);

  // A person votes as themselves (the server names them); only the shared token names a voter.
  const named = shared.person === undefined ? voter : undefined;
  const vote = (approval: Approval, decision: 'approve' | 'reject'): void => {
    if (named !== undefined) localStorage.setItem(VOTER_KEY, named);
    if (decision === 'approve') {
      void shared.act(`Approve ${approval.containerName}`, () => api.approve(approval.id, named));
    } else {
      void confirmThen(shared, rejectQuestion(approval), `Reject ${approval.containerName}`, () =>
        api.reject(approval.id, named),
      );
    }
  };
  const cannotVote = named !== undefined && named.trim() === '';

  return (
    <section>
      <div class="toolbar">
        <h1>Approvals</h1>
        {shared.person === undefined ? (
          <label>
            Your name{' '}
            <input
              value={voter}
              placeholder="voter"
              aria-label="Voter name"
              onInput={(event) => setVoter(event.currentTarget.value)}
            />
          </label>
        ) : (
          <span class="sub">Voting as {shared.person}</span>
        )}
      </div>
      <LoadNotices what="approvals" loaded={approvals !== undefined} error={error} />
      {approvals?.length === 0 ? <Notice kind="empty">Nothing waits for an approval.</Notice> : null}
      {approvals && approvals.length > 0 ? (
        <ul class="cards">
          {approvals.map((approval) => (
            <li key={approval.id} class="card" data-approval={approval.id}>
              <h2>
                <a href={hrefFor.container(approval.containerName)}>{approval.containerName}</a>
              </h2>
              <p class="mono">
                {approval.image} →{' '}
                {approval.toTag && approval.toTag !== approval.fromTag
                  ? approval.toTag
                  : shortDigest(approval.toDigest)}
              </p>
              <p>
                {approval.votes.filter((entry) => entry.vote === 'approve').length} of{' '}
                {approval.requiredVotes} votes
                {approval.deadlineAt ? `, decide before ${dateTime(approval.deadlineAt)}` : ''}
              </p>
              <ReleaseLinkList links={approval.releaseLinks} />
              {approval.state === 'pending' ? (
                <div class="actions">
                  <button type="button" disabled={cannotVote} onClick={() => vote(approval, 'approve')}>
                    Approve
                  </button>
                  <button
                    type="button"
                    class="danger"
                    disabled={cannotVote}
                    onClick={() => vote(approval, 'reject')}
                  >
                    Reject
                  </button>
                </div>
              ) : (
                <p class="sub">{approval.state}</p>
              )}
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
