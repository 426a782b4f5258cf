import { z } from 'zod';
import { TidewatchError } from '../domain/errors.js';
import type { ServiceDetails, ServiceMode, SwarmUpdateStatus, TaskSummary } from './types.js';

/**
 * The engine's answers about services and tasks, validated: only the fields Tidewatch reads are
 * named, everything else passes through untouched (the spec goes back to the engine as it came).
 */
const Labels = z.record(z.string(), z.string()).nullish();

const ServiceInspect = z.looseObject({
  ID: z.string().min(1),
  Version: z.looseObject({ Index: z.number().int().nonnegative() }),
  Spec: z.looseObject({
    Name: z.string().min(1),
    Labels,
    TaskTemplate: z
      .looseObject({
        ContainerSpec: z.looseObject({ Image: z.string().optional(), Labels }).optional(),
        Placement: z
          .looseObject({
            Platforms: z
              .array(z.looseObject({ OS: z.string().optional(), Architecture: z.string().optional() }))
              .nullish(),
          })
          .optional(),
      })
      .optional(),
    Mode: z
      .looseObject({
        Replicated: z.unknown().optional(),
        Global: z.unknown().optional(),
        ReplicatedJob: z.unknown().optional(),
        GlobalJob: z.unknown().optional(),
      })
      .optional(),
    UpdateConfig: z
      .looseObject({
        Parallelism: z.number().optional(),
        Delay: z.number().optional(),
        FailureAction: z.string().optional(),
        Monitor: z.number().optional(),
        MaxFailureRatio: z.number().optional(),
        Order: z.string().optional(),
      })
      .nullish(),
  }),
  UpdateStatus: z
    .looseObject({
      State: z.string().optional(),
      Message: z.string().optional(),
      StartedAt: z.string().optional(),
    })
    .nullish(),
});

const TaskInspect = z.looseObject({
  ID: z.string(),
  Spec: z
    .looseObject({ ContainerSpec: z.looseObject({ Image: z.string().optional() }).optional() })
    .optional(),
  DesiredState: z.string().optional(),
  Status: z.looseObject({ State: z.string().optional(), Err: z.string().optional() }).optional(),
});

function parse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue === undefined ? '' : ` (${issue.path.join('.')}: ${issue.message})`;
  throw new TidewatchError('engine-bad-response', `the engine's answer about ${what} is not valid${where}`, {
    cause: parsed.error,
  });
}

function modeOf(mode: z.infer<typeof ServiceInspect>['Spec']['Mode']): ServiceMode {
  if (mode?.Global !== undefined) return 'global';
  if (mode?.ReplicatedJob !== undefined) return 'replicated-job';
  if (mode?.GlobalJob !== undefined) return 'global-job';
  return 'replicated';
}

function statusOf(status: z.infer<typeof ServiceInspect>['UpdateStatus']): SwarmUpdateStatus | undefined {
  if (status?.State === undefined) return undefined;
  return { state: status.State, message: status.Message ?? '', startedAt: status.StartedAt };
}

export function toServiceDetails(value: unknown): ServiceDetails {
  const service = parse(ServiceInspect, value, 'a service');
  const { Spec: spec } = service;
  const container = spec.TaskTemplate?.ContainerSpec;
  const platform = spec.TaskTemplate?.Placement?.Platforms?.[0];
  return {
    id: service.ID,
    name: spec.Name,
    version: service.Version.Index,
    image: container?.Image ?? '',
    serviceLabels: spec.Labels ?? {},
    containerLabels: container?.Labels ?? {},
    mode: modeOf(spec.Mode),
    platform:
      platform?.OS !== undefined && platform.Architecture !== undefined
        ? { os: platform.OS, architecture: platform.Architecture }
        : undefined,
    updateConfig: spec.UpdateConfig ?? undefined,
    updateStatus: statusOf(service.UpdateStatus),
    spec,
  };
}

export function toTaskSummary(value: unknown): TaskSummary {
  const task = parse(TaskInspect, value, 'a task');
  return {
    id: task.ID,
    image: task.Spec?.ContainerSpec?.Image ?? '',
    desiredState: task.DesiredState ?? '',
    state: task.Status?.State ?? '',
    error: task.Status?.Err ?? '',
  };
}
