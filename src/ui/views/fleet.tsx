import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.js';
import { dateTime, shortDigest, timeAgo } from '../format.js';
import type { Shared } from '../shared.js';
import type { FleetView as Fleet, RolloutView } from '../types.js';
import { LoadNotices, Notice } from './notice.js';

/** Whether this Tidewatch is a fleet controller (its /fleet answers): the Fleet tab shows then. */
export function useIsController(): boolean {
  const [controller, setController] = useState(false);
  useEffect(() => {
    api.fleet().then(
      () => setController(true),
      () => setController(false),
    );
  }, []);
  return controller;
}

/** How often the view is read again: members report over their own streams, not the dashboard's. */
const REFRESH_MS = 3000;

/** A controller's members and rollouts (docs/fleet.md), read every few seconds. */
export function FleetView({ shared }: { shared: Shared }): JSX.Element {
  const [fleet, setFleet] = useState<Fleet | undefined>();
  const [error, setError] = useState<string | undefined>();
  useEffect(() => {
    let current = true;
    const read = (): void => {
      api.fleet().then(
        (answer) => current && (setFleet(answer), setError(undefined)),
        (failure: unknown) =>
          current && setError(failure instanceof Error ? failure.message : String(failure)),
      );
    };
    read();
    const timer = setInterval(read, REFRESH_MS);
    return () => {
      current = false;
      clearInterval(timer);
    };
  }, [shared.version]);

  return (
    <section>
      <h1>Fleet</h1>
      <LoadNotices what="the fleet" loaded={fleet !== undefined} error={error} />
      {fleet ? <Members fleet={fleet} /> : null}
      {fleet ? <Rollouts rollouts={[...fleet.rollouts].reverse()} /> : null}
    </section>
  );
}

function Members({ fleet }: { fleet: Fleet }): JSX.Element {
  if (fleet.members.length === 0) return <Notice kind="empty">No member has connected yet.</Notice>;
  return (
    <table class="containers members">
      <thead>
        <tr>
          <th>Member</th>
          <th>Wave</th>
          <th>State</th>
          <th>Last seen</th>
          <th>Version</th>
          <th>Containers</th>
        </tr>
      </thead>
      <tbody>
        {fleet.members.map((member) => (
          <tr key={member.name} data-member={member.name}>
            <td data-label="Member">{member.name}</td>
            <td data-label="Wave">{member.wave}</td>
            <td data-label="State">
              <span class={`badge ${member.online ? 'ok' : 'warn'}`}>
                {member.online ? 'online' : 'offline'}
              </span>
            </td>
            <td data-label="Last seen">{member.online ? 'now' : timeAgo(member.lastSeen)}</td>
            <td data-label="Version">{member.version || '—'}</td>
            <td data-label="Containers">{member.containers.length}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Rollouts({ rollouts }: { rollouts: readonly RolloutView[] }): JSX.Element {
  if (rollouts.length === 0) return <Notice kind="empty">No rollout yet.</Notice>;
  return (
    <>
      <h2>Rollouts</h2>
      <ul class="cards">
        {rollouts.map((rollout) => (
          <li key={rollout.id} class="card" data-rollout={rollout.id} data-state={rollout.state}>
            <h3 class="mono">
              {rollout.ref} <span class="sub">{shortDigest(rollout.digest)}</span>
            </h3>
            <p>
              <span class="state">{rollout.state}</span>
              {rollout.wave !== null ? `, wave ${rollout.wave}` : ''}
              {rollout.passedWaves.length > 0 ? `; passed ${rollout.passedWaves.join(', ')}` : ''}
              <span class="sub"> since {dateTime(rollout.createdAt)}</span>
            </p>
            {rollout.failure ? (
              <p class="reason">
                Rolled back on {rollout.failure.member} ({rollout.failure.container}):{' '}
                {rollout.failure.reason}
              </p>
            ) : null}
            <ul class="progress">
              {rollout.members.map((member) => (
                <li key={member.name} data-member={member.name} data-progress={member.progress}>
                  {member.name} (wave {member.wave}):{' '}
                  <span class={`outcome ${progressClass(member.progress)}`}>{member.progress}</span>
                </li>
              ))}
            </ul>
            {rollout.promotions.map((promotion) => (
              <p key={promotion.to} class="sub">
                promoted to <span class="mono">{promotion.to}</span>: {promotion.state}
                {promotion.reason ? ` (${promotion.reason})` : ''}
              </p>
            ))}
          </li>
        ))}
      </ul>
    </>
  );
}

/** Progress in the colours of update outcomes: committed green, rolled back red. */
function progressClass(progress: string): string {
  return progress === 'committed' ? 'committed' : progress === 'rolled-back' ? 'rolled-back' : '';
}
