/**
 * The shapes the dashboard reads from /api/v1 (see docs/api.md): the server's own types, imported
 * as types only (nothing of the server is bundled), so the dashboard and the API cannot drift.
 */
import type { ContainerInfo } from '../api/container-info.js';

export type { LastUpdate, ContainerCopy, HeldBack } from '../api/container-info.js';
export type { UpdateRecord } from '../store/update-types.js';
export type { HistoryPage } from '../store/history.js';
import type { ApprovalRecord } from '../store/approvals.js';
import type { ReleaseLinks as Links } from '../domain/release-links.js';
/** An approval as the API shows it: the record, with the release links of its update. */
export type Approval = ApprovalRecord & { readonly releaseLinks?: Links | null };
export type { WaitingFor } from '../domain/run.js';
export type { ReleaseLinks } from '../domain/release-links.js';
export type { FleetView, MemberView, RolloutView } from '../fleet/view.js';

/** One row of GET /api/v1/containers. */
export type ContainerRow = ContainerInfo;
export type ContainerStatus = ContainerInfo['status'];
export type { BundleRecord } from '../store/bundles.js';
